"""TAX-14 突发事件: flagged, faceted and filterable, and a fast track through the publication review (SU 18).
TAX-12 一数一源: the same identifier under a second organization is refused, bilingually, by API and form."""
from __future__ import annotations

import datetime

import pytest
from freezegun import freeze_time

import ckan.plugins.toolkit as tk

from ckanext.publicdata.workdays import add_workdays
from tests.catalog.taxonomy_setup import api_headers, authority_hierarchy, create_dataset, dataset_dict


@pytest.fixture
def city():
    return authority_hierarchy()


def _bilingual(message: str) -> bool:
    return " / " in message and any("\u4e00" <= char <= "\u9fff" for char in message)


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
@pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false")
class TestEmergencyFacet:
    def test_emergency_data_is_a_facet_and_a_filter_and_is_marked(self, app, city):
        org = city["orgs"]["agency"]["id"]
        flood = create_dataset("tax_sysadmin", org, title="汛期积水点实时数据", emergency=True)
        create_dataset("tax_sysadmin", org, title="企业登记信息", emergency=False)
        result = tk.get_action("package_search")({}, {"fq": "emergency:true", "facet.field": ["emergency"]})
        assert [dataset["id"] for dataset in result["results"]] == [flood["id"]]
        facet = tk.get_action("package_search")({}, {"facet.field": ["emergency"]})["search_facets"]["emergency"]
        counts = {item["name"]: item["count"] for item in facet["items"]}
        assert counts == {"true": 1, "false": 1}
        assert {item["display_name"] for item in facet["items"]} == {"是", "否"}
        page = app.get("/dataset/")
        assert "突发事件数据" in page.body  # the facet's title
        assert "publicdata-emergency-badge" in app.get(f"/dataset/{flood['name']}").body


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestEmergencyFastTrack:
    def test_an_emergency_dataset_jumps_the_queue_with_a_shorter_due_date(self, city):
        org = city["orgs"]["agency"]["id"]
        with freeze_time("2026-11-02 02:00:00"):  # Monday
            ordinary = create_dataset("provider_editor", org, title="企业登记信息")
            tk.get_action("publicdata_publication_submit")({"user": "provider_editor"}, {"id": ordinary["id"]})
        with freeze_time("2026-11-04 02:00:00"):  # Wednesday, two days later
            flood = create_dataset("provider_editor", org, title="汛期积水点实时数据", emergency=True)
            tk.get_action("publicdata_publication_submit")({"user": "provider_editor"}, {"id": flood["id"]})
            queue = tk.get_action("publicdata_publication_queue")({"user": "county_admin"}, {})["results"]
        assert [item["package_id"] for item in queue] == [flood["id"], ordinary["id"]]
        assert queue[0]["emergency"] is True and queue[1]["emergency"] is False
        # 1 working day for the emergency, 5 for the other (config defaults); no holiday in that week
        assert queue[0]["due_date"] == "2026-11-05"
        assert queue[1]["due_date"] == "2026-11-09"
        kinds = [(notice["kind"], notice["title"]) for notice in tk.get_action("publicdata_notification_list")(
            {"user": "county_admin"}, {})["results"]]
        assert any(kind == "publication_submitted" and "突发事件" in title for kind, title in kinds)


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false")
class TestOneDatasetOneSource:
    def test_the_same_identifier_under_another_organization_is_refused_by_the_api(self, app, city):
        first = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        response = app.post("/api/action/package_create", headers=api_headers("other_editor"), status=409,
                            json=dataset_dict(city["orgs"]["other"]["id"], identifier=first["identifier"]))
        (message,) = response.json["error"]["identifier"]
        assert _bilingual(message) and first["identifier"] in message
        assert "滨城区市场监督管理局" in message  # the organization that holds it

    def test_and_by_the_form(self, app, city):
        first = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        page = app.post(tk.url_for("dataset.new"), headers=api_headers("other_editor"), data={
            **{key: value for key, value in dataset_dict(city["orgs"]["other"]["id"],
                                                         identifier=first["identifier"]).items()
               if not isinstance(value, list)},
            "save": "", "_ckan_phase": "dataset_new_1", "pkg_name": ""})
        assert "须全市唯一" in page.body and "unique city-wide" in page.body
        assert tk.get_action("package_search")({"ignore_auth": True}, {
            "q": f'identifier:"{first["identifier"]}"', "include_private": True})["count"] == 1
