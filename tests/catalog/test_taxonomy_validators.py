"""Catalog validators as functions (no database): slugs, discrimination patterns, downgrade order, formats."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog.logic import validators as v
from ckanext.publicdata.catalog.open_attribute import discriminatory_match, is_downgrade


@pytest.mark.parametrize(("stored", "requested", "expected"), [
    ("unconditional", "conditional", True),
    ("unconditional", "not_open", True),
    ("conditional", "not_open", True),
    ("conditional", "unconditional", False),
    ("not_open", "conditional", False),
    ("not_open", "unconditional", False),
    ("conditional", "conditional", False),
    (None, "not_open", False),
])
def test_what_counts_as_a_downgrade(stored, requested, expected):
    assert is_downgrade(stored, requested) is expected


@pytest.mark.usefixtures("with_plugins")
class TestDiscriminatoryConditions:
    @pytest.mark.parametrize("text", ["注册资本 500 万元以上", "规模以上工业企业", "本地企业优先", "须在本市注册",
                                      "限本地户籍人员", "注册地在本市的企业", "从业人员 100 人以上"])
    def test_size_and_region_conditions_are_found(self, text):
        assert discriminatory_match(text)

    @pytest.mark.parametrize("text", ["申请人须说明应用场景", "签署数据安全承诺书", "信用记录良好，未列入失信名单",
                                      "按季度反馈数据利用成果"])
    def test_reasonable_conditions_pass(self, text):
        assert discriminatory_match(text) is None

    def test_the_condition_text_validator_puts_the_error_on_its_field(self):
        key = ("open_conditions_text",)
        data = {("open_attribute",): "conditional", key: "限本地企业"}
        errors = {key: []}
        with pytest.raises(tk.StopOnError):
            v.publicdata_open_conditions_text(key, data, errors, {})
        assert "本地企业" in errors[key][0] and " / " in errors[key][0]

    def test_missing_text_for_conditional_is_an_error_but_not_for_unconditional(self):
        key = ("open_conditions_text",)
        errors = {key: []}
        with pytest.raises(tk.StopOnError):
            v.publicdata_open_conditions_text(key, {("open_attribute",): "conditional"}, errors, {})
        assert errors[key]
        errors = {key: []}
        v.publicdata_open_conditions_text(key, {("open_attribute",): "unconditional"}, errors, {})
        assert errors[key] == []


def test_slug_from_identifier():
    assert v.slug_from_identifier("37160000-0001-2024-000123") == "37160000-0001-2024-000123"
    assert v.slug_from_identifier("SD/BZ.001") == "sd-bz-001"


def test_slug_from_title_uses_pinyin_and_keeps_latin_words():
    assert v.slug_from_title("企业登记信息") == "qi-ye-deng-ji-xin-xi"
    assert v.slug_from_title("2024年PM2.5监测") == "2024-nian-pm2-5-jian-ce"


@pytest.mark.parametrize("value", ["0543-3161234", "13800000000", "12345", "+86 543 3161234", "0543-3161234-801"])
def test_phone_numbers_accepted(value):
    assert v.publicdata_phone(value) == value


@pytest.mark.parametrize("value", ["call me", "12", "0543-31612３4x"])
def test_phone_numbers_refused(value):
    with pytest.raises(tk.Invalid):
        v.publicdata_phone(value)


def test_resource_formats_are_spelled_canonically():
    assert v.publicdata_resource_format("xlsx") == "XLSX"
    assert v.publicdata_resource_format("geojson") == "GeoJSON"
    assert v.publicdata_resource_format("DOCX") == "DOCX"
