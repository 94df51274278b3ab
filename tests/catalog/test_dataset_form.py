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
