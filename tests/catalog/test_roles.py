"""Who sees what (ROLE-1, ROLE-2, ROLE-4): a sysadmin, a provider editor, the county authority of that provider,
another county's provider and an anonymous visitor — dataset pages, lists, review and catalog-change queues, API."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from tests.catalog.taxonomy_setup import api_headers, authority_hierarchy, create_dataset, not_open_fields

ROLES = ("tax_sysadmin", "provider_editor", "county_admin", "other_editor", "anonymous")


@pytest.fixture
def city():
    hierarchy = authority_hierarchy()
    agency = hierarchy["orgs"]["agency"]["id"]
    hierarchy["public"] = create_dataset("tax_sysadmin", agency, title="公开的企业名录")
    hierarchy["not_open"] = create_dataset("tax_sysadmin", agency, title="不予开放的内部名册", **not_open_fields())
    hierarchy["draft"] = create_dataset("provider_editor", agency, title="待提交的草稿数据")
    return hierarchy


def _headers(role: str) -> dict[str, str]:
    return {} if role == "anonymous" else api_headers(role)


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestWhoSeesWhat:
    # dataset → roles that may open its page (the others get 404, as CKAN hides what they may not see)
    DATASET_READERS = {
        "public": set(ROLES),
        "not_open": {"tax_sysadmin", "provider_editor", "county_admin"},   # TAX-5: never the public
        "draft": {"tax_sysadmin", "provider_editor", "county_admin"},      # TAX-13: until published
    }
    # page → roles that get 200 (others 403)
    PAGE_READERS = {
        "/dashboard/review": {"tax_sysadmin", "county_admin"},
        "/dashboard/catalog-changes": {"tax_sysadmin", "provider_editor", "county_admin", "other_editor"},
        "/dashboard/my-publications": {"tax_sysadmin", "provider_editor", "county_admin", "other_editor"},
    }

    @pytest.mark.parametrize("role", ROLES)
    def test_dataset_pages_and_the_api(self, app, city, role):
        for key, readers in self.DATASET_READERS.items():
            dataset = city[key]
            expected = 200 if role in readers else 404
            app.get(f"/dataset/{dataset['name']}", headers=_headers(role), status=expected)
            api_status = 200 if role in readers else 403
            app.get(f"/api/action/package_show?id={dataset['id']}", headers=_headers(role), status=api_status)

    @pytest.mark.parametrize("role", ROLES)
    def test_the_dataset_list_shows_only_what_the_role_may_see(self, app, city, role):
        response = app.get("/api/action/package_search?include_private=true&include_drafts=true&rows=50",
                           headers=_headers(role))
        titles = {dataset["title"] for dataset in response.json["result"]["results"]}
        expected = {city[key]["title"] for key, readers in self.DATASET_READERS.items() if role in readers}
        assert titles == expected

    @pytest.mark.parametrize("role", ROLES)
    def test_queue_pages(self, app, city, role):
        for path, readers in self.PAGE_READERS.items():
            status = 200 if role in readers else 403
            app.get(path, headers=_headers(role), status=status)

    @pytest.mark.parametrize("role", ROLES)
    def test_review_queue_and_catalog_change_api(self, app, city, role):
        tk.get_action("publicdata_publication_submit")({"user": "provider_editor"}, {"id": city["draft"]["id"]})
        queue = app.get("/api/action/publicdata_publication_queue", headers=_headers(role),
                        status=200 if role in ("tax_sysadmin", "county_admin") else 403)
        if role in ("tax_sysadmin", "county_admin"):
            assert [item["package_id"] for item in queue.json["result"]["results"]] == [city["draft"]["id"]]
        app.post("/api/action/publicdata_catalog_change_create", headers=_headers(role), json={
            "package_id": city["public"]["id"], "cause": "law_amended", "basis": "修订", "cause_date": "2026-01-05",
            "changes": {"update_frequency": "quarterly"}},
            status=200 if role in ("tax_sysadmin", "provider_editor") else 403)
