"""Facets on the taxonomy (TAX-9), open-attribute badges and the apply entry point, citations (TAX-15)."""
from __future__ import annotations

import datetime

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.publicdata.catalog.citation import today
from tests.catalog.taxonomy_setup import conditional_fields, create_dataset


# these tests are about the catalog rules of published datasets: the publication review (TAX-13, tested in
# test_publication_review.py) is switched off so provider staff's datasets publish at once
pytestmark = pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false")


@pytest.fixture
def catalog():
    user = factories.User(name="browse_editor")
    org = factories.Organization(name="city-market", title="滨州市市场监督管理局",
                                 users=[{"name": user["name"], "capacity": "editor"}])
    unconditional = create_dataset(
        user["name"], org["id"], title="企业登记信息", priority_domains=["market_regulation", "enterprise_credit"],
        theme="economy", update_frequency="daily", release_date="2024-03-01",
        resources=[{"url": "http://example.com/a.csv", "format": "CSV", "name": "名录"}])
    conditional = create_dataset(
        user["name"], org["id"], title="食品抽检结果", priority_domains=["market_regulation"],
        theme="health", update_frequency="monthly", **conditional_fields())
    return {"user": user, "org": org, "unconditional": unconditional, "conditional": conditional}


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestFacets:
    def test_multi_value_fields_facet_per_value_with_labels(self, catalog):
        result = tk.get_action("package_search")({}, {
            "facet.field": ["open_attribute", "priority_domains", "theme", "update_frequency", "res_format",
                            "organization"]})
        facets = result["search_facets"]
        domains = {item["name"]: item for item in facets["priority_domains"]["items"]}
        assert domains["market_regulation"]["count"] == 2
        assert domains["enterprise_credit"]["count"] == 1
        assert domains["market_regulation"]["display_name"] == "市场监管"
        attributes = {item["name"]: item["display_name"] for item in facets["open_attribute"]["items"]}
        assert attributes == {"unconditional": "无条件开放", "conditional": "有条件开放"}
        assert {item["name"] for item in facets["update_frequency"]["items"]} == {"daily", "monthly"}
        assert [item["name"] for item in facets["res_format"]["items"]] == ["CSV"]

    def test_filtering_on_a_priority_domain(self, catalog):
        result = tk.get_action("package_search")({}, {"fq": "priority_domains:enterprise_credit"})
        assert [dataset["id"] for dataset in result["results"]] == [catalog["unconditional"]["id"]]

    def test_the_search_page_offers_the_taxonomy_facets_translated(self, app, catalog):
        page = app.get(tk.url_for("dataset.search"))
        for label in ("开放属性", "重点领域", "主题分类", "更新周期", "市场监管", "有条件开放"):
            assert label in page.body, label
        english = app.get(tk.url_for("dataset.search", locale="en"))
        assert "Priority domains" in english.body and "Market regulation" in english.body


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestPages:
    def test_dataset_list_shows_open_attribute_badges(self, app, catalog):
        page = app.get(tk.url_for("dataset.search"))
        assert 'data-open-attribute="unconditional"' in page.body
        assert 'data-open-attribute="conditional"' in page.body

    def test_conditional_dataset_page_shows_conditions_and_apply(self, app, catalog):
        page = app.get(tk.url_for("dataset.read", id=catalog["conditional"]["name"]))
        assert 'data-open-attribute="conditional"' in page.body
        assert conditional_fields()["open_conditions_text"] in page.body
        assert "应用场景要求" in page.body and "数据安全要求" in page.body
        # the 申请使用 entry: the access plugin's application form when loaded, else the catalog's placeholder
        from ckanext.publicdata.catalog.helpers import publicdata_apply_url

        with app.flask_app.test_request_context():
            apply_url = publicdata_apply_url(catalog["conditional"])
        assert apply_url and apply_url in page.body
        assert app.get(apply_url, status=None).status_code < 500

    def test_unconditional_dataset_page_has_no_apply_entry(self, app, catalog):
        page = app.get(tk.url_for("dataset.read", id=catalog["unconditional"]["name"]))
        assert 'data-open-attribute="unconditional"' in page.body
        assert "/apply" not in page.body
        app.get(f"/dataset/{catalog['unconditional']['name']}/apply", status=404)

    def test_dataset_page_has_a_citation_with_a_copy_button(self, app, catalog):
        page = app.get(tk.url_for("dataset.read", id=catalog["unconditional"]["name"]))
        assert "publicdata-citation-text" in page.body and "publicdata-copy-citation" in page.body
        assert f"滨州市市场监督管理局. 企业登记信息[DS/OL]" in page.body
        assert f"[{today().isoformat()}]" in page.body


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestCitation:
    def test_citation_action_and_package_show_agree(self, catalog):
        dataset = catalog["unconditional"]
        citation = tk.get_action("publicdata_dataset_citation")({}, {"id": dataset["name"]})
        assert citation["source"] == "滨州市市场监督管理局"
        assert citation["title"] == "企业登记信息"
        assert citation["portal"] == tk.config.get("ckanext.publicdata.portal_name")
        assert citation["url"].endswith(f"/dataset/{dataset['name']}")
        assert citation["accessed"] == today().isoformat()
        assert citation["release_date"] == "2024-03-01"
        assert citation["text"] == (f"滨州市市场监督管理局. 企业登记信息[DS/OL]. {citation['portal']}, 2024-03-01"
                                    f"[{citation['accessed']}]. {citation['url']}")
        shown = tk.get_action("package_show")({}, {"id": dataset["id"]})
        assert shown["citation"] == citation

    def test_accessed_is_today_in_the_display_time_zone(self):
        zone_today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
        assert today() == zone_today

    @pytest.mark.ckan_config("ckanext.publicdata.portal_name", "淄博市公共数据开放网")
    def test_the_portal_name_comes_from_config(self, catalog):
        citation = tk.get_action("publicdata_dataset_citation")({}, {"id": catalog["conditional"]["id"]})
        assert citation["portal"] == "淄博市公共数据开放网" and "淄博市公共数据开放网" in citation["text"]

    def test_citation_over_the_http_api(self, app, catalog):
        response = app.get(tk.url_for("api.action", ver=3, logic_function="publicdata_dataset_citation",
                                      id=catalog["unconditional"]["name"]))
        assert response.json["result"]["title"] == "企业登记信息"
        app.get(tk.url_for("api.action", ver=3, logic_function="publicdata_dataset_citation", id="no-such"),
                status=404)
