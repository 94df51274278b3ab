"""Catalog rules through the action API and the HTTP API (TAX-1, TAX-4, TAX-5, TAX-12; bilingual errors, 409)."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.catalog.taxonomy_setup import (
    api_headers,
    conditional_fields,
    create_dataset,
    dataset_dict,
    not_open_fields,
)


# these tests are about the catalog rules of published datasets: the publication review (TAX-13, tested in
# test_publication_review.py) is switched off so provider staff's datasets publish at once
pytestmark = pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false")


def _bilingual(message: str) -> bool:
    return " / " in message and any("\u4e00" <= char <= "\u9fff" for char in message)


@pytest.fixture
def provider():
    user = factories.User()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    return {"user": user["name"], "org": org["id"]}


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestCreateRules:
    def test_a_valid_unconditional_dataset_is_created_and_public(self, provider):
        dataset = create_dataset(provider["user"], provider["org"])
        assert dataset["open_attribute"] == "unconditional"
        assert dataset["private"] is False
        assert dataset["priority_domains"] == ["market_regulation"]

    def test_open_attribute_is_required_and_from_the_vocabulary(self, provider):
        data = dataset_dict(provider["org"])
        del data["open_attribute"]
        with pytest.raises(tk.ValidationError) as missing:
            tk.get_action("package_create")({"user": provider["user"]}, data)
        assert "open_attribute" in missing.value.error_dict
        with pytest.raises(tk.ValidationError) as unknown:
            tk.get_action("package_create")({"user": provider["user"]},
                                            dataset_dict(provider["org"], open_attribute="open"))
        assert "open_attribute" in unknown.value.error_dict

    def test_conditional_needs_condition_types_and_text(self, provider):
        with pytest.raises(tk.ValidationError) as error:
            create_dataset(provider["user"], provider["org"], open_attribute="conditional")
        errors = error.value.error_dict
        assert set(errors) >= {"open_conditions", "open_conditions_text"}
        assert all(_bilingual(message) for message in errors["open_conditions_text"] + errors["open_conditions"])

    def test_conditional_with_conditions_is_created(self, provider):
        dataset = create_dataset(provider["user"], provider["org"], **conditional_fields())
        assert dataset["open_attribute"] == "conditional"
        assert dataset["open_conditions"] == ["application_scenario", "data_security"]
        assert dataset["private"] is False

    @pytest.mark.parametrize("condition", [
        "申请单位注册资本不低于 1000 万元",
        "仅限规模以上企业申请",
        "限本地企业使用",
        "申请人须在本市注册",
        "限 本 地 注册的企业",  # spaces do not hide a pattern
    ])
    def test_a_condition_on_size_or_region_is_refused(self, provider, condition):
        with pytest.raises(tk.ValidationError) as error:
            create_dataset(provider["user"], provider["org"],
                           **conditional_fields(open_conditions_text=condition))
        messages = error.value.error_dict["open_conditions_text"]
        assert any("歧视性" in message and "discriminate" in message for message in messages)

    def test_usage_requirements_may_not_discriminate_either(self, provider):
        with pytest.raises(tk.ValidationError) as error:
            create_dataset(provider["user"], provider["org"], usage_requirements="仅供本市企业使用")
        assert "usage_requirements" in error.value.error_dict

    @pytest.mark.ckan_config("ckanext.publicdata.catalog.discriminatory_patterns", "国有企业")
    def test_the_refused_patterns_come_from_config(self, provider):
        with pytest.raises(tk.ValidationError):
            create_dataset(provider["user"], provider["org"],
                           **conditional_fields(open_conditions_text="仅限国有企业申请"))
        # the default list was replaced: 注册资本 is no longer refused
        dataset = create_dataset(provider["user"], provider["org"],
                                 **conditional_fields(open_conditions_text="须提供注册资本证明"))
        assert dataset["open_attribute"] == "conditional"

    def test_not_open_needs_its_legal_basis(self, provider):
        with pytest.raises(tk.ValidationError) as error:
            create_dataset(provider["user"], provider["org"], open_attribute="not_open")
        messages = error.value.error_dict["not_open_basis"]
        assert messages and _bilingual(messages[0])

    def test_not_open_is_private_whatever_the_caller_sends(self, provider):
        dataset = create_dataset(provider["user"], provider["org"], private=False, **not_open_fields())
        assert dataset["private"] is True
        shown = tk.get_action("package_show")({"user": provider["user"]}, {"id": dataset["id"]})
        assert shown["private"] is True

    def test_a_not_open_dataset_cannot_be_made_public_by_update_or_patch(self, provider):
        dataset = create_dataset(provider["user"], provider["org"], **not_open_fields())
        patched = tk.get_action("package_patch")({"user": provider["user"]}, {"id": dataset["id"], "private": False})
        assert patched["private"] is True
        updated = tk.get_action("package_update")(
            {"user": provider["user"]}, dict(patched, private=False, title="新标题"))
        assert updated["private"] is True and updated["title"] == "新标题"

    def test_identifier_is_unique_city_wide_and_the_error_names_the_holder(self, provider):
        first = create_dataset(provider["user"], provider["org"], title="第一个数据集")
        other_user = factories.User()
        other_org = factories.Organization(users=[{"name": other_user["name"], "capacity": "editor"}])
        with pytest.raises(tk.ValidationError) as error:
            create_dataset(other_user["name"], other_org["id"], identifier=first["identifier"])
        message = error.value.error_dict["identifier"][0]
        assert first["identifier"] in message and "第一个数据集" in message and first["name"] in message
        assert _bilingual(message)

    def test_identifier_of_a_deleted_dataset_can_be_reused(self, provider):
        first = create_dataset(provider["user"], provider["org"])
        tk.get_action("package_delete")({"user": provider["user"]}, {"id": first["id"]})
        again = create_dataset(provider["user"], provider["org"], identifier=first["identifier"])
        assert again["identifier"] == first["identifier"]
        assert again["name"] != first["name"]

    def test_identifier_is_required_and_formatted(self, provider):
        data = dataset_dict(provider["org"])
        del data["identifier"]
        with pytest.raises(tk.ValidationError) as error:
            tk.get_action("package_create")({"user": provider["user"]}, data)
        assert "identifier" in error.value.error_dict
        with pytest.raises(tk.ValidationError) as bad:
            create_dataset(provider["user"], provider["org"], identifier="含 空格 的代码")
        assert "identifier" in bad.value.error_dict

    def test_the_url_name_comes_from_the_identifier_and_nobody_types_it(self, provider):
        dataset = create_dataset(provider["user"], provider["org"], identifier="3716-ABC/2024.07")
        assert dataset["name"] == "3716-abc-2024-07"

    @pytest.mark.ckan_config("ckanext.publicdata.catalog.identifier_pattern", r"^\S{2,100}$")
    def test_the_url_name_falls_back_to_the_pinyin_of_the_title(self, provider):
        dataset = create_dataset(provider["user"], provider["org"], identifier="滨州市场监管甲号",
                                 title="企业登记信息")
        assert dataset["name"] == "qi-ye-deng-ji-xin-xi"
        second = create_dataset(provider["user"], provider["org"], identifier="滨州市场监管乙号",
                                title="企业登记信息")
        assert second["name"] == "qi-ye-deng-ji-xin-xi-2"

    def test_an_update_without_name_keeps_the_stored_name(self, provider):
        dataset = create_dataset(provider["user"], provider["org"])
        data = dict(dataset)
        del data["name"]
        updated = tk.get_action("package_update")({"user": provider["user"]}, dict(data, title="改名"))
        assert updated["name"] == dataset["name"]

    def test_conditional_share_needs_its_conditions(self, provider):
        with pytest.raises(tk.ValidationError) as error:
            create_dataset(provider["user"], provider["org"], share_attribute="conditional")
        assert "share_conditions" in error.value.error_dict

    def test_contact_and_coverage_fields_are_checked(self, provider):
        with pytest.raises(tk.ValidationError) as error:
            create_dataset(provider["user"], provider["org"], contact_phone="call me", spatial_coverage="3716",
                           contact_email="not-an-email", temporal_start="2024-05-01", temporal_end="2024-01-01")
        assert {"contact_phone", "spatial_coverage", "contact_email", "temporal_end"} <= set(error.value.error_dict)

    def test_data_items_and_resources_are_stored(self, provider):
        dataset = create_dataset(
            provider["user"], provider["org"], open_method=["download", "api"], emergency="true",
            data_items=[{"field_name": "uscc", "field_title": "统一社会信用代码", "field_type": "string",
                         "description": "企业代码"}],
            resources=[{"url": "http://example.com/a.csv", "name": "企业名录", "format": "csv",
                        "access_method": "download"},
                       {"url": "http://example.com/api", "name": "查询接口", "format": "API",
                        "access_method": "api", "api_doc_url": "http://example.com/api/doc"}])
        assert dataset["data_items"][0]["field_title"] == "统一社会信用代码"
        assert dataset["emergency"] is True
        assert [r["format"] for r in dataset["resources"]] == ["CSV", "API"]
        assert dataset["resources"][1]["api_doc_url"] == "http://example.com/api/doc"


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestRefusedUpdatesStoreNothing:
    def test_a_refused_update_leaves_the_stored_dataset_unchanged(self, provider):
        dataset = create_dataset(provider["user"], provider["org"], **conditional_fields())
        with pytest.raises(tk.ValidationError):
            tk.get_action("package_update")({"user": provider["user"]}, dict(
                dataset, title="被拒绝的新标题", open_conditions_text="限本地企业申请"))
        stored = tk.get_action("package_show")({"user": provider["user"]}, {"id": dataset["id"]})
        assert stored["title"] == dataset["title"]
        assert stored["open_conditions_text"] == dataset["open_conditions_text"]
        assert stored["metadata_modified"] == dataset["metadata_modified"]


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestHttpApi:
    def test_bad_input_is_a_409_with_the_error_on_the_field(self, app, provider):
        response = app.post(
            tk.url_for("api.action", ver=3, logic_function="package_create"),
            json=dataset_dict(provider["org"], **conditional_fields(open_conditions_text="限本市注册企业")),
            headers=api_headers(provider["user"]), status=409)
        error = response.json["error"]
        assert error["__type"] == "Validation Error"
        assert "open_conditions_text" in error and _bilingual(error["open_conditions_text"][0])

    def test_a_not_open_dataset_created_through_the_api_is_private(self, app, provider):
        response = app.post(
            tk.url_for("api.action", ver=3, logic_function="package_create"),
            json=dataset_dict(provider["org"], private=False, **not_open_fields()),
            headers=api_headers(provider["user"]))
        assert response.json["result"]["private"] is True
        assert "name" in response.json["result"] and response.json["result"]["name"]
