"""Mapping of harvested records to catalog fields: paths, vocabulary synonyms, data items, dates, hidden URLs (HARV-2)."""
from __future__ import annotations

import datetime

import pytest

from ckanext.publicdata.harvest.base import SourceConfig, build_dataset, content_hash, normalise_date
from ckanext.publicdata.harvest.mapping import (
    MISSING,
    CatalogMappingError,
    apply_field_map,
    get_path,
    header_field,
    parse_data_items,
    validate_field_map,
)
from ckanext.publicdata.harvest.vocabulary import SynonymTable, preset_codes


# ------------------------------------------------------------------ vocabulary synonyms

@pytest.mark.parametrize("field,raw,code", [
    ("update_frequency", "每天", "daily"),
    ("update_frequency", "每日", "daily"),
    ("update_frequency", " EVERY_DAY ", "daily"),
    ("update_frequency", "Quarterly", "quarterly"),
    ("update_frequency", "不定时", "irregular"),
    ("open_attribute", "有条件", "conditional"),
    ("open_attribute", "有条件开放", "conditional"),
    ("open_attribute", "受限开放类", "conditional"),
    ("open_attribute", "Unconditionally open", "unconditional"),
    ("open_attribute", "禁止开放类", "not_open"),
    ("share_attribute", "有条件共享", "conditional"),
    ("security_level", "二级", "level2"),
    ("field_type", "C", "string"),
    ("field_type", "数值型", "number"),
    ("theme", "交通", "transport"),
    ("format", "xlsx", "XLSX"),
])
def test_synonyms_give_the_portal_codes(field, raw, code):
    assert SynonymTable().translate(field, raw) == code


def test_every_preset_label_is_a_synonym_of_its_code():
    table = SynonymTable()
    for code in preset_codes("update_frequency"):
        assert table.translate("update_frequency", code) == code
    assert table.translate("priority_domains", "企业公共信用信息") == "enterprise_credit"


def test_unknown_values_pass_through_for_validation_to_name():
    assert SynonymTable().translate("open_attribute", "半开放") == "半开放"


def test_source_synonyms_override_the_builtin_table():
    table = SynonymTable({"update_frequency": {"4": "daily"}, "open_attribute": {"01": "unconditional"}})
    assert table.translate("update_frequency", "4") == "daily"
    assert table.translate("open_attribute", "01") == "unconditional"
    assert SynonymTable().translate("update_frequency", "4") == "4"


def test_multi_value_fields_split_and_translate():
    table = SynonymTable()
    assert table.translate_many("priority_domains", "交通运输、市场监管") == ["transport", "market_regulation"]
    assert table.translate_many("share_method", ["接口", "文件"]) == ["api", "file"]
    assert table.translate_many("open_method", '["download"]') == ["download"]


# ------------------------------------------------------------------ paths and field maps

RECORD = {
    "title": "企业名录",
    "organization": {"name": "market", "title": "市场监管局"},
    "extras": [{"key": "resource_code", "value": "37160000-0001-2025-000001"}, {"key": "kf", "value": "R"}],
    "tags": [{"name": "企业"}, {"name": "名录"}],
    "groups": [{"name": "economy"}],
}


def test_get_path_reads_dicts_extras_indexes_and_wildcards():
    assert get_path(RECORD, "organization.title") == "市场监管局"
    assert get_path(RECORD, "extras.resource_code") == "37160000-0001-2025-000001"
    assert get_path(RECORD, "groups[0].name") == "economy"
    assert get_path(RECORD, "tags[*].name") == ["企业", "名录"]
    assert get_path(RECORD, "organization.missing") is MISSING


def test_field_map_applies_paths_value_maps_and_fallback_paths():
    rules = validate_field_map({
        "identifier": {"paths": ["identifier", "extras.resource_code"]},
        "open_attribute": {"path": "extras.kf", "map": {"Y": "unconditional", "R": "conditional"}},
        "tag_string": "tags[*].name",
        "share_attribute": {"constant": "unconditional"},
        "notes": "notes",
    })
    fields = apply_field_map(RECORD, rules)
    assert fields == {
        "identifier": "37160000-0001-2025-000001",
        "open_attribute": "conditional",
        "tag_string": ["企业", "名录"],
        "share_attribute": "unconditional",
    }


def test_the_open_attribute_cannot_get_a_default():
    with pytest.raises(CatalogMappingError) as error:
        validate_field_map({"open_attribute": {"constant": "unconditional"}})
    assert "open attribute" in str(error.value) and "开放属性" in str(error.value)


def test_field_map_refuses_unknown_targets():
    with pytest.raises(CatalogMappingError):
        validate_field_map({"titel": "title"})


def test_template_headers_map_to_fields():
    assert header_field("信息资源代码") == "identifier"
    assert header_field(" 名称 ") == "title"
    assert header_field("开放属性（必填）") is None or header_field("开放属性") == "open_attribute"
    assert header_field("资源编号", {"资源编号": "identifier"}) == "identifier"


def test_data_items_in_the_template_forms():
    assert parse_data_items("统一社会信用代码(uscc, C)；企业名称(qymc, 字符型)") == [
        {"field_title": "统一社会信用代码", "field_name": "uscc", "field_type": "C"},
        {"field_title": "企业名称", "field_name": "qymc", "field_type": "字符型"},
    ]
    assert [item["field_name"] for item in parse_data_items("许可证号,经营者名称,许可日期")] == [
        "许可证号", "经营者名称", "许可日期"]
    assert parse_data_items("uscc|统一社会信用代码|N") == [
        {"field_name": "uscc", "field_title": "统一社会信用代码", "field_type": "N"}]


@pytest.mark.parametrize("raw,expected", [
    ("2024/5/1", "2024-05-01"),
    ("2024年5月1日", "2024-05-01"),
    ("2024-05-01 08:00:00", "2024-05-01"),
    ("20240501", "2024-05-01"),
    (datetime.datetime(2024, 5, 1, 8, 0), "2024-05-01"),
    ("下月初", "下月初"),  # not a date: passed on for validation to refuse
])
def test_dates_are_normalised(raw, expected):
    assert normalise_date(raw) == expected


# ------------------------------------------------------------------ records → dataset dicts (need the database)

@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestBuildDataset:
    def _org(self):
        from ckan.tests import factories

        return factories.Organization(name="hv-map-org", title="测试局")

    def test_vocabulary_and_owner_are_mapped_without_defaults(self):
        org = self._org()
        dataset, errors = build_dataset({
            "title": "测试", "identifier": "37160000-0001-2025-000009", "provider": "测试局",
            "update_frequency": "每天", "share_method": "接口、库表", "data_items": "名称(mc, C)",
        }, SourceConfig())
        assert errors == []
        assert dataset["owner_org"] == org["id"]
        assert dataset["update_frequency"] == "daily"
        assert dataset["share_method"] == ["api", "table"]
        assert dataset["data_items"] == [{"field_name": "mc", "field_title": "名称", "field_type": "string"}]
        assert "open_attribute" not in dataset  # no silent default
        assert "theme" not in dataset

    def test_conditional_records_never_bring_hidden_urls(self):
        self._org()
        landing = "http://node.example.cn/dataset/abc"
        fields = {
            "title": "测试", "identifier": "X-001", "provider": "测试局", "open_attribute": "有条件开放",
            "landing_page": landing,
            "resources": [
                {"name": "hidden by the node", "url": "", "url_hidden": True, "format": "csv"},
                {"name": "denied", "url": "http://secret.example.cn/a.csv", "access_denial": "conditional"},
                {"name": "landing page in place of the data", "url": landing},
                {"name": "published link", "url": "http://files.example.cn/open.csv"},
            ],
        }
        dataset, _errors = build_dataset(fields, SourceConfig())
        urls = [resource["url"] for resource in dataset["resources"]]
        assert urls == ["", "", "", "http://files.example.cn/open.csv"]
        assert "secret.example.cn" not in repr(dataset)
        assert dataset["resources"][0]["format"] == "CSV"

    def test_unconditional_records_keep_their_urls(self):
        self._org()
        dataset, _ = build_dataset({"title": "t", "identifier": "X-002", "provider": "测试局",
                                    "open_attribute": "无条件开放",
                                    "resources": [{"url": "http://files.example.cn/a.csv"}]}, SourceConfig())
        assert dataset["resources"][0]["url"] == "http://files.example.cn/a.csv"

    def test_unknown_provider_is_a_mapping_error_unless_a_target_is_configured(self):
        org = self._org()
        _dataset, errors = build_dataset({"title": "t", "provider": "无此单位"}, SourceConfig())
        assert errors and "无此单位" in errors[0]
        dataset, errors = build_dataset({"title": "t", "provider": "无此单位"},
                                        SourceConfig(owner_org="hv-map-org"))
        assert errors == [] and dataset["owner_org"] == org["id"]

    def test_content_hash_follows_content(self):
        self._org()
        first, _ = build_dataset({"title": "t", "provider": "测试局", "update_frequency": "每天"}, SourceConfig())
        same, _ = build_dataset({"title": "t", "provider": "测试局", "update_frequency": "每日"}, SourceConfig())
        other, _ = build_dataset({"title": "t2", "provider": "测试局", "update_frequency": "每日"}, SourceConfig())
        assert content_hash(first) == content_hash(same)
        assert content_hash(first) != content_hash(other)


def test_source_config_is_checked():
    with pytest.raises(ValueError, match="withdraw_brake"):
        SourceConfig.parse('{"withdraw_brake": 2}')
    with pytest.raises(ValueError, match="JSON"):
        SourceConfig.parse("{not json")
    with pytest.raises(ValueError, match="trusted"):
        SourceConfig.parse('{"trusted": "yes"}')
    assert SourceConfig.parse('{"withdraw_brake": 0.5, "trusted": true}').brake == 0.5
