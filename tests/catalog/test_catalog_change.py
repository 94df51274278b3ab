"""Catalog change requests (TAX-7; BZ-R 8, ZB 10, BZ-M 11): a provider files within 15 working days of a legal or
mandate change, the authority decides within 2 working days, the change applies and the open list follows."""
from __future__ import annotations

import pytest
from freezegun import freeze_time

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog.model import OpenAttributeChange
from tests.catalog.taxonomy_setup import (
    api_headers,
    authority_hierarchy,
    conditional_fields,
    create_dataset,
)

# catalog changes concern published datasets: the publication review (TAX-13) is off so provider staff publish
pytestmark = pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false")

# 2026: Mid-autumn 09-25..27 and National Day 10-01..07 are holidays, Saturday 10-10 is a working day (调休)
FILED_AT = "2026-09-30 02:00:00"  # 10:00 in Shanghai, a Wednesday before the National Day holiday


def _bilingual(message: str) -> bool:
    return " / " in message and any("\u4e00" <= char <= "\u9fff" for char in message)


def _call(action: str, user: str, **data):
    return tk.get_action(action)({"user": user}, data)


def _filing(dataset_id: str, **fields):
    data = {
        "package_id": dataset_id,
        "cause": "law_amended",
        "basis": "《山东省公共数据开放办法》修订（省政府令第 XXX 号）",
        "cause_date": "2026-09-28",
        "description": "更新周期由每月调整为每季度",
        "changes": {"update_frequency": "quarterly"},
    }
    data.update(fields)
    return data


@pytest.fixture
def city():
    hierarchy = authority_hierarchy()
    hierarchy["dataset"] = create_dataset("provider_editor", hierarchy["orgs"]["agency"]["id"])
    return hierarchy


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestFiling:
    def test_filing_keeps_the_dataset_and_counts_both_deadlines_on_the_china_calendar(self, city):
        dataset = city["dataset"]
        with freeze_time(FILED_AT):
            request = _call("publicdata_catalog_change_create", "provider_editor", **_filing(dataset["id"]))
        assert request["status"] == "pending" and request["requested_by"] == "provider_editor"
        assert request["changes"] == {"update_frequency": "quarterly"}
        assert request["previous"] == {"update_frequency": "monthly"}
        assert request["cause"] == "law_amended" and request["cause_date"] == "2026-09-28"
        # 15 working days after Mon 09-28: 09-29, 09-30, then 10-08 … (10-10 is a 调休 Saturday) → Fri 10-23
        assert request["provider_due_date"] == "2026-10-23" and request["filed_late"] is False
        # 2 working days after Wed 09-30: the holiday week is skipped → Thu 10-08, Fri 10-09
        assert request["authority_due_date"] == "2026-10-09"
        shown = _call("package_show", "provider_editor", id=dataset["id"])
        assert shown["update_frequency"] == "monthly"

    def test_a_filing_after_fifteen_working_days_is_accepted_and_flagged_late(self, city):
        with freeze_time("2026-10-28 02:00:00"):
            request = _call("publicdata_catalog_change_create", "provider_editor",
                            **_filing(city["dataset"]["id"], cause_date="2026-09-30"))
        # Wed 09-30 + 15 working days = Tue 10-27; filed on 10-28
        assert request["provider_due_date"] == "2026-10-27"
        assert request["filed_late"] is True

    def test_the_authority_is_notified_and_the_request_waits_in_its_queue(self, city):
        with freeze_time(FILED_AT):
            request = _call("publicdata_catalog_change_create", "provider_editor", **_filing(city["dataset"]["id"]))
        kinds = [notice["kind"] for notice in _call("publicdata_notification_list", "county_admin")["results"]]
        assert "catalog_change_submitted" in kinds
        with freeze_time("2026-10-09 08:00:00"):  # the due day itself: not overdue yet
            queue = _call("publicdata_catalog_change_list", "county_admin", scope="review")
        assert [item["id"] for item in queue["results"]] == [request["id"]]
        assert queue["results"][0]["overdue"] is False and queue["overdue"] == 0
        with freeze_time("2026-10-12 02:00:00"):
            queue = _call("publicdata_catalog_change_list", "county_admin", scope="review")
        assert queue["results"][0]["overdue"] is True and queue["overdue"] == 1
        # the other county's bureau does not supervise this agency
        assert _call("publicdata_catalog_change_list", "other_county_admin", scope="review")["count"] == 0
        assert _call("publicdata_catalog_change_list", "provider_editor", scope="mine")["count"] == 1

    def test_bad_requests_are_refused_in_both_languages_and_nothing_is_stored(self, city):
        dataset_id = city["dataset"]["id"]
        bad_filings = [
            ({"cause": "", "basis": "", "cause_date": ""}, {"cause", "basis", "cause_date"}),
            ({"cause_date": "2099-01-01"}, {"cause_date"}),
            ({"cause_date": "30/09/2026"}, {"cause_date"}),
            ({"changes": {"name": "renamed"}}, {"changes"}),
            ({"changes": {}}, {"changes"}),
            ({"changes": {"update_frequency": "monthly"}}, {"changes"}),  # what it already is
            ({"changes": {"update_frequency": "hourly"}}, {"update_frequency"}),  # not in the vocabulary
            ({"changes": {"open_attribute": "conditional"}}, {"open_conditions_text"}),  # conditions missing
            ({"kind": "withdraw"}, {"changes"}),  # a withdrawal carries no field changes
        ]
        for fields, keys in bad_filings:
            with pytest.raises(tk.ValidationError) as error:
                _call("publicdata_catalog_change_create", "provider_editor", **_filing(dataset_id, **fields))
            assert keys <= set(error.value.error_dict), (fields, error.value.error_dict)
            for key in keys:
                messages = error.value.error_dict[key]
                if key in ("cause", "basis", "cause_date", "changes"):
                    assert all(_bilingual(message) for message in messages), messages
        assert _call("publicdata_catalog_change_list", "city_admin", status="all")["count"] == 0

    def test_one_pending_request_per_dataset(self, city):
        _call("publicdata_catalog_change_create", "provider_editor", **_filing(city["dataset"]["id"]))
        with pytest.raises(tk.ValidationError) as error:
            _call("publicdata_catalog_change_create", "provider_editor",
                  **_filing(city["dataset"]["id"], changes={"theme": "health"}))
        assert _bilingual(error.value.error_dict["package_id"][0])


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestDecision:
    def test_approval_applies_the_change_and_records_who_when_and_why(self, city):
        dataset = city["dataset"]
        request = _call("publicdata_catalog_change_create", "provider_editor",
                        **_filing(dataset["id"], changes={"update_frequency": "quarterly", "theme": "health",
                                                          "priority_domains": "health,market_regulation"}))
        decided = _call("publicdata_catalog_change_approve", "county_admin", id=request["id"], comment="同意")
        assert decided["status"] == "approved" and decided["decided_by"] == "county_admin"
        assert decided["decided_at"] and decided["decision_comment"] == "同意"
        shown = _call("package_show", "provider_editor", id=dataset["id"])
        assert shown["update_frequency"] == "quarterly" and shown["theme"] == "health"
        assert sorted(shown["priority_domains"]) == ["health", "market_regulation"]
        kinds = [notice["kind"] for notice in _call("publicdata_notification_list", "provider_editor")["results"]]
        assert "catalog_change_approved" in kinds

    def test_rejection_needs_a_reason_and_leaves_the_dataset_unchanged(self, city):
        request = _call("publicdata_catalog_change_create", "provider_editor", **_filing(city["dataset"]["id"]))
        with pytest.raises(tk.ValidationError) as error:
            _call("publicdata_catalog_change_reject", "city_admin", id=request["id"])
        assert _bilingual(error.value.error_dict["comment"][0])
        decided = _call("publicdata_catalog_change_reject", "city_admin", id=request["id"],
                        comment="修订条款与该目录无关")
        assert decided["status"] == "rejected" and decided["decided_by"] == "city_admin"
        assert _call("package_show", "provider_editor", id=city["dataset"]["id"])["update_frequency"] == "monthly"
        with pytest.raises(tk.ValidationError):
            _call("publicdata_catalog_change_approve", "city_admin", id=request["id"])

    def test_a_downgrade_in_an_approved_change_still_waits_behind_the_downgrade_lock(self, city):
        dataset = city["dataset"]
        request = _call("publicdata_catalog_change_create", "provider_editor",
                        **_filing(dataset["id"], changes=conditional_fields()))
        decided = _call("publicdata_catalog_change_approve", "city_admin", id=request["id"])
        assert decided["open_attribute_change_id"]
        lock = model.Session.get(OpenAttributeChange, decided["open_attribute_change_id"])
        assert lock.status == "pending" and lock.to_attribute == "conditional"
        assert _call("package_show", "provider_editor", id=dataset["id"])["open_attribute"] == "unconditional"

    def test_withdrawal_removes_the_entry_and_the_published_open_list_records_it(self, city):
        dataset = city["dataset"]
        with freeze_time("2026-06-15 02:00:00"):
            _call("publicdata_open_list_publish", "city_admin", year=2026)
            request = _call("publicdata_catalog_change_create", "provider_editor",
                            **_filing(dataset["id"], kind="withdraw", changes=None, cause="mandate_changed",
                                      basis="机构改革方案：该职能划入市场监管局", cause_date="2026-06-10"))
            _call("publicdata_catalog_change_approve", "county_admin", id=request["id"])
            open_list = _call("publicdata_open_list_show", "city_admin", year=2026, include_removed=True)
        assert model.Package.get(dataset["id"]).state == "deleted"
        removed = [item for item in open_list["adjustments"] if item["kind"] == "removed"]
        assert [item["identifier"] for item in removed] == [dataset["identifier"]]

    def test_cancelled_by_the_provider(self, city):
        request = _call("publicdata_catalog_change_create", "provider_editor", **_filing(city["dataset"]["id"]))
        cancelled = _call("publicdata_catalog_change_cancel", "provider_admin", id=request["id"])
        assert cancelled["status"] == "cancelled"
        assert _call("publicdata_catalog_change_list", "city_admin")["count"] == 0


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestWhoMay:
    def test_only_the_agency_files_and_only_its_authority_decides(self, city):
        dataset_id = city["dataset"]["id"]
        for outsider in ("other_editor", "city_agency_editor", "county_admin"):
            with pytest.raises(tk.NotAuthorized):
                _call("publicdata_catalog_change_create", outsider, **_filing(dataset_id))
        request = _call("publicdata_catalog_change_create", "provider_editor", **_filing(dataset_id))
        for not_its_authority in ("provider_editor", "provider_admin", "other_county_admin", "other_editor"):
            with pytest.raises(tk.NotAuthorized):
                _call("publicdata_catalog_change_approve", not_its_authority, id=request["id"])
            with pytest.raises(tk.NotAuthorized):
                _call("publicdata_catalog_change_reject", not_its_authority, id=request["id"], comment="x")
        with pytest.raises(tk.NotAuthorized):
            _call("publicdata_catalog_change_show", "other_editor", id=request["id"])
        assert _call("publicdata_catalog_change_show", "provider_editor", id=request["id"])["id"] == request["id"]
        assert _call("publicdata_catalog_change_list", "other_editor")["count"] == 0
        with pytest.raises(tk.NotAuthorized):
            tk.get_action("publicdata_catalog_change_list")({"user": ""}, {})

    def test_through_the_api_errors_are_4xx(self, app, city):
        dataset_id = city["dataset"]["id"]
        url = "/api/action/publicdata_catalog_change_create"
        response = app.post(url, json=_filing(dataset_id), headers=api_headers("other_editor"), status=403)
        assert response.json["success"] is False
        response = app.post(url, json=_filing(dataset_id, basis=""), headers=api_headers("provider_editor"),
                            status=409)
        assert _bilingual(response.json["error"]["basis"][0])
        response = app.post(url, json=_filing(dataset_id), headers=api_headers("provider_editor"), status=200)
        change_id = response.json["result"]["id"]
        app.post("/api/action/publicdata_catalog_change_approve", json={"id": change_id},
                 headers=api_headers("provider_admin"), status=403)
        response = app.post("/api/action/publicdata_catalog_change_approve", json={"id": change_id},
                            headers=api_headers("county_admin"), status=200)
        assert response.json["result"]["status"] == "approved"


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestPages:
    def test_file_from_the_form_then_decide_from_the_review_queue(self, app, city):
        dataset = city["dataset"]
        provider = api_headers("provider_editor")
        page = app.get(f"/dataset/{dataset['name']}", headers=provider)
        assert f"/dataset/{dataset['name']}/catalog-change" in page.body
        anonymous_page = app.get(f"/dataset/{dataset['name']}")
        assert "/catalog-change" not in anonymous_page.body
        app.get(f"/dataset/{dataset['name']}/catalog-change", headers=api_headers("other_editor"), status=403)

        form_url = f"/dataset/{dataset['name']}/catalog-change"
        form = app.get(form_url, headers=provider)
        assert 'name="change_field"' in form.body and 'name="cause_date"' in form.body
        # a bad filing shows the bilingual errors on the form again, with what was typed
        refused = app.post(form_url, headers=provider, data={
            "kind": "modify", "cause": "law_amended", "basis": "", "cause_date": "2026-09-28",
            "change_field": ["update_frequency", ""], "change_value": ["quarterly", ""]})
        assert "请填写变更依据" in refused.body and "The basis is required" in refused.body
        assert _call("publicdata_catalog_change_list", "city_admin", status="all")["count"] == 0

        app.post(form_url, headers=provider, data={
            "kind": "modify", "cause": "mandate_changed", "basis": "市委编办〔2026〕12号", "cause_date": "2026-09-28",
            "description": "更新周期调整", "change_field": ["update_frequency", "", ""],
            "change_value": ["quarterly", "", ""]}, follow_redirects=False, status=302)
        mine = app.get("/dashboard/catalog-changes", headers=provider)
        assert "市委编办〔2026〕12号" in mine.body and "quarterly" in mine.body

        queue = app.get("/dashboard/review", headers=api_headers("county_admin"))
        assert "市委编办〔2026〕12号" in queue.body
        change_id = _call("publicdata_catalog_change_list", "county_admin")["results"][0]["id"]
        assert f"/dashboard/catalog-changes/{change_id}/approve" in queue.body
        app.post(f"/dashboard/catalog-changes/{change_id}/approve", headers=api_headers("provider_editor"),
                 data={"comment": ""}, status=403)
        app.post(f"/dashboard/catalog-changes/{change_id}/approve", headers=api_headers("county_admin"),
                 data={"comment": "同意"}, follow_redirects=False, status=302)
        assert _call("package_show", "provider_editor", id=dataset["id"])["update_frequency"] == "quarterly"
