"""The dataset form goes through the same rules as the API (no slug to type, bilingual errors on the field)."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.catalog.taxonomy_setup import api_headers


@pytest.fixture
def provider():
    user = factories.User()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    return {"user": user["name"], "org": org["id"], "headers": api_headers(user["name"])}


def _form(provider, **fields):
    data = {
        "title": "公交线路信息", "identifier": "37160000-0007-2024-000001", "owner_org": provider["org"],
        "open_attribute": "unconditional", "notes": "全市公交线路", "save": "", "_ckan_phase": "dataset_new_1",
        "pkg_name": "",
    }
    data.update(fields)
    return data


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestDatasetForm:
    def test_the_form_has_the_taxonomy_fields_and_no_slug(self, app, provider):
        page = app.get(tk.url_for("dataset.new"), headers=provider["headers"])
        for field in ("identifier", "open_attribute", "open_conditions_text", "not_open_basis", "priority_domains",
                      "theme", "update_frequency"):
            assert f'name="{field}"' in page.body, field
        assert 'name="name"' not in page.body
        assert "有条件开放" in page.body and "开放条件" in page.body

    def test_a_form_post_creates_the_dataset_with_a_generated_name(self, app, provider):
        app.post(tk.url_for("dataset.new"), data=_form(provider), headers=provider["headers"],
                 follow_redirects=False)
        dataset = tk.get_action("package_show")({"user": provider["user"]}, {"id": "37160000-0007-2024-000001"})
        assert dataset["title"] == "公交线路信息" and dataset["open_attribute"] == "unconditional"

    def test_a_discriminatory_condition_in_the_form_is_refused_on_its_field(self, app, provider):
        page = app.post(tk.url_for("dataset.new"), headers=provider["headers"], data=_form(
            provider, open_attribute="conditional", open_conditions="credit",
            open_conditions_text="仅限规模以上企业申请"))
        assert "歧视性" in page.body
        assert tk.get_action("package_search")({"user": provider["user"]}, {"include_private": True,
                                                                            "include_drafts": True})["count"] == 0


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestBlankDataItemRows:
    """A blank data-item row (the form's default row, or scheming's row template posted without JavaScript) is
    dropped, not validated; a half-filled row is still refused on its missing field."""

    def test_blank_and_template_rows_of_the_form_are_dropped(self, app, provider):
        form = _form(provider, **{
            "data_items-0-field_name": "line_no", "data_items-0-field_title": "线路编号",
            "data_items-0-field_type": "string", "data_items-0-description": "",
            "data_items-1-field_name": "", "data_items-1-field_title": "", "data_items-1-field_type": "number",
            "data_items-1-description": "",
            "data_items-2-field_name": "stop_name", "data_items-2-field_title": "站点名称",
            "data_items-2-field_type": "string", "data_items-2-description": "",
            "data_items-REPEATING-INDEX0-field_name": "", "data_items-REPEATING-INDEX0-field_title": "",
            "data_items-REPEATING-INDEX0-field_type": "", "data_items-REPEATING-INDEX0-description": "",
        })
        app.post(tk.url_for("dataset.new"), data=form, headers=provider["headers"], follow_redirects=False)
        dataset = tk.get_action("package_show")({"user": provider["user"]}, {"id": "37160000-0007-2024-000001"})
        assert [item["field_name"] for item in dataset["data_items"]] == ["line_no", "stop_name"]

    def test_a_row_with_only_a_title_still_needs_its_field_name(self, app, provider):
        page = app.post(tk.url_for("dataset.new"), headers=provider["headers"], data=_form(provider, **{
            "data_items-0-field_name": "", "data_items-0-field_title": "线路编号", "data_items-0-field_type": "string"}))
        assert "缺失值" in page.body or "Missing value" in page.body
        assert tk.get_action("package_search")({"user": provider["user"]}, {"include_private": True,
                                                                            "include_drafts": True})["count"] == 0

    def test_the_api_drops_blank_rows_too(self, provider):
        dataset = tk.get_action("package_create")({"user": provider["user"]}, {
            "title": "公交站点", "identifier": "37160000-0007-2024-000002", "owner_org": provider["org"],
            "open_attribute": "unconditional", "notes": "站点",
            "data_items": [{"field_name": "", "field_title": " ", "field_type": "string"},
                           {"field_name": "stop_id", "field_title": "站点编号", "field_type": "string"}]})
        assert [item["field_name"] for item in dataset["data_items"]] == ["stop_id"]

    def test_the_open_attribute_select_carries_the_toggle_module(self, app, provider):
        page = app.get(tk.url_for("dataset.new"), headers=provider["headers"])
        assert 'data-module="publicdata-open-attribute"' in page.body
        assert "publicdata_form.js" in page.body
        # without JavaScript every dependent field is on the page, so the form still works
        for field in ("open_conditions", "open_conditions_text", "not_open_basis"):
            assert f'name="{field}"' in page.body
