"""不予开放 never reaches the public (TAX-5): per-role visibility through the API, pages, counts and feeds."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.catalog.taxonomy_setup import authority_hierarchy, create_dataset, not_open_fields


# these tests are about the catalog rules of published datasets: the publication review (TAX-13, tested in
# test_publication_review.py) is switched off so provider staff's datasets publish at once
pytestmark = pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false")


@pytest.fixture
def catalog():
    city = authority_hierarchy()
    agency = city["orgs"]["agency"]["id"]
    hidden = create_dataset("provider_editor", agency, title="涉密执法档案目录", identifier="NOTOPEN-0001",
                            **not_open_fields())
    public = create_dataset("provider_editor", agency, title="公开企业名录", identifier="OPEN-0001")
    return {**city, "hidden": hidden, "public": public}


def _can_show(user: str | None, dataset_id: str) -> bool:
    context = {"user": user} if user else {}
    try:
        tk.get_action("package_show")(context, {"id": dataset_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


def _search_ids(user: str | None, **params) -> set[str]:
    context = {"user": user} if user else {}
    params.setdefault("include_private", True)
    params.setdefault("rows", 100)
    result = tk.get_action("package_search")(context, params)
    return {dataset["id"] for dataset in result["results"]}


ROLES_THAT_SEE = ["tax_sysadmin", "provider_editor", "provider_admin", "county_admin", "city_admin"]
ROLES_THAT_DO_NOT = [None, "other_editor", "other_county_admin", "city_agency_editor"]


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestNotOpenVisibility:
    def test_package_show_and_search_per_role(self, catalog):
        hidden, public = catalog["hidden"]["id"], catalog["public"]["id"]
        assert catalog["hidden"]["private"] is True
        for user in ROLES_THAT_SEE:
            assert _can_show(user, hidden), user
            assert hidden in _search_ids(user), user
        for user in ROLES_THAT_DO_NOT:
            assert not _can_show(user, hidden), user
            ids = _search_ids(user)
            assert hidden not in ids and public in ids, user
            # searching for its words or its attribute finds nothing either
            assert hidden not in _search_ids(user, q="涉密执法档案目录"), user
            assert hidden not in _search_ids(user, fq="open_attribute:not_open"), user

    def test_facet_counts_do_not_reveal_it(self, catalog):
        for user in ROLES_THAT_DO_NOT:
            context = {"user": user} if user else {}
            result = tk.get_action("package_search")(
                context, {"include_private": True, "facet.field": ["open_attribute", "organization"]})
            names = [item["name"] for item in result["search_facets"]["open_attribute"]["items"]]
            assert "not_open" not in names, user
            organization_items = result["search_facets"]["organization"]["items"]
            assert [item["count"] for item in organization_items if item["name"] == "bincheng-market"] == [1], user
            assert result["count"] == 1, user

    def test_organization_counts_for_the_public(self, catalog):
        shown = tk.get_action("organization_show")({}, {"id": "bincheng-market", "include_datasets": True})
        assert shown["package_count"] == 1
        assert [dataset["id"] for dataset in shown["packages"]] == [catalog["public"]["id"]]
        listed = tk.get_action("organization_list")({}, {"all_fields": True})
        assert {org["name"]: org["package_count"] for org in listed}["bincheng-market"] == 1

    def test_dataset_pages(self, app, catalog):
        hidden = catalog["hidden"]
        app.get(tk.url_for("dataset.read", id=hidden["name"]), status=404)
        other = factories.APIToken(user="other_editor")
        response = app.get(tk.url_for("dataset.read", id=hidden["name"]),
                           headers={"Authorization": other["token"]}, expect_errors=True)
        assert response.status_code in (403, 404)
        owner = factories.APIToken(user="provider_editor")
        page = app.get(tk.url_for("dataset.read", id=hidden["name"]), headers={"Authorization": owner["token"]})
        assert "涉密执法档案目录" in page.body and "不予开放" in page.body
        listing = app.get(tk.url_for("dataset.search"))
        assert "公开企业名录" in listing.body and "涉密执法档案目录" not in listing.body
        organization_page = app.get(tk.url_for("organization.read", id="bincheng-market"))
        assert "公开企业名录" in organization_page.body and "涉密执法档案目录" not in organization_page.body

    def test_feeds(self, app, catalog):
        for url in ("/feeds/dataset.atom", "/feeds/organization/bincheng-market.atom", "/feeds/custom.atom?q=*:*"):
            feed = app.get(url)
            assert "公开企业名录" in feed.body, url
            assert "涉密执法档案目录" not in feed.body and catalog["hidden"]["name"] not in feed.body, url

    def test_the_http_api_as_anonymous(self, app, catalog):
        hidden = catalog["hidden"]
        app.get(tk.url_for("api.action", ver=3, logic_function="package_show", id=hidden["id"]), status=403)
        response = app.get(tk.url_for("api.action", ver=3, logic_function="package_search",
                                      q="*:*", include_private="true", rows=100))
        assert hidden["id"] not in {dataset["id"] for dataset in response.json["result"]["results"]}
        app.get(tk.url_for("api.action", ver=3, logic_function="publicdata_dataset_citation", id=hidden["id"]),
                status=403)
