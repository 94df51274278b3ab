"""Downgrade lock (TAX-6): a provider's downgrade waits for the authority; upgrades apply at once (ROLE-1, ROLE-2)."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from tests.catalog.taxonomy_setup import (
    api_headers,
    authority_hierarchy,
    conditional_fields,
    create_dataset,
    not_open_fields,
)


# these tests are about the catalog rules of published datasets: the publication review (TAX-13, tested in
# test_publication_review.py) is switched off so provider staff's datasets publish at once
pytestmark = pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false")


def _show(user: str, dataset_id: str) -> dict:
    return tk.get_action("package_show")({"user": user}, {"id": dataset_id})


def _patch(user: str, dataset_id: str, **fields) -> dict:
    return tk.get_action("package_patch")({"user": user}, dict(fields, id=dataset_id))


def _changes(user: str, **params) -> list[dict]:
    return tk.get_action("publicdata_open_attribute_change_list")({"user": user}, params)


@pytest.fixture
def city():
    return authority_hierarchy()


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestDowngradeRequest:
    def test_a_downgrade_keeps_the_old_attribute_and_records_a_pending_request(self, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        result = _patch("provider_editor", dataset["id"], **conditional_fields())
        assert result["open_attribute"] == "unconditional"
        shown = _show("provider_editor", dataset["id"])
        assert shown["open_attribute"] == "unconditional"
        assert "open_conditions_text" not in shown or not shown["open_conditions_text"]
        pending = shown["open_attribute_pending"]
        assert pending["from_attribute"] == "unconditional" and pending["to_attribute"] == "conditional"

        requests = _changes("provider_editor")
        assert len(requests) == 1
        request = requests[0]
        assert request["status"] == "pending" and request["requested_by"] == "provider_editor"
        assert request["requested_fields"]["open_conditions_text"] == conditional_fields()["open_conditions_text"]
        assert request["package_id"] == dataset["id"] and request["requested_at"]

    def test_the_same_downgrade_sent_again_is_not_duplicated(self, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        _patch("provider_editor", dataset["id"], **conditional_fields())
        _patch("provider_editor", dataset["id"], **conditional_fields())
        assert len(_changes("provider_editor", status="all")) == 1

    def test_a_downgrade_to_not_open_stays_public_until_approved_then_turns_private(self, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        _patch("provider_editor", dataset["id"], **not_open_fields())
        shown = _show("provider_editor", dataset["id"])
        assert shown["open_attribute"] == "unconditional" and shown["private"] is False

        request = _changes("city_admin")[0]
        decided = tk.get_action("publicdata_open_attribute_change_approve")(
            {"user": "city_admin"}, {"id": request["id"], "comment": "依法不予开放"})
        assert decided["status"] == "approved" and decided["decided_by"] == "city_admin" and decided["decided_at"]
        assert decided["decision_comment"] == "依法不予开放"
        approved = _show("provider_editor", dataset["id"])
        assert approved["open_attribute"] == "not_open"
        assert approved["private"] is True
        assert approved["not_open_basis"] == not_open_fields()["not_open_basis"]
        assert approved["open_attribute_pending"] is None

    def test_approval_by_the_county_bureau_of_the_agency(self, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        _patch("provider_editor", dataset["id"], **conditional_fields())
        requests = _changes("county_admin")
        assert [r["package_id"] for r in requests] == [dataset["id"]]
        tk.get_action("publicdata_open_attribute_change_approve")({"user": "county_admin"}, {"id": requests[0]["id"]})
        shown = _show("provider_editor", dataset["id"])
        assert shown["open_attribute"] == "conditional"
        assert shown["open_conditions"] == ["application_scenario", "data_security"]

    def test_provider_other_county_and_city_agency_cannot_decide(self, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        _patch("provider_editor", dataset["id"], **conditional_fields())
        request = _changes("provider_editor")[0]
        for user in ("provider_editor", "provider_admin", "other_county_admin", "city_agency_editor"):
            for action in ("publicdata_open_attribute_change_approve", "publicdata_open_attribute_change_reject"):
                with pytest.raises(tk.NotAuthorized):
                    tk.get_action(action)({"user": user}, {"id": request["id"], "comment": "不行"})
        # nothing was decided
        assert _changes("city_admin")[0]["status"] == "pending"
        assert _changes("other_county_admin") == []
        assert _show("provider_editor", dataset["id"])["open_attribute"] == "unconditional"

    def test_approval_is_refused_for_the_provider_through_the_api_with_403(self, app, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        _patch("provider_editor", dataset["id"], **conditional_fields())
        request = _changes("provider_editor")[0]
        app.post(tk.url_for("api.action", ver=3, logic_function="publicdata_open_attribute_change_approve"),
                 json={"id": request["id"]}, headers=api_headers("provider_editor"), status=403)
        response = app.post(
            tk.url_for("api.action", ver=3, logic_function="publicdata_open_attribute_change_approve"),
            json={"id": request["id"]}, headers=api_headers("city_admin"))
        assert response.json["result"]["status"] == "approved"
        app.get(tk.url_for("api.action", ver=3, logic_function="publicdata_open_attribute_change_list"),
                status=403)

    def test_rejection_needs_a_reason_and_keeps_the_dataset(self, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"], **conditional_fields())
        _patch("provider_editor", dataset["id"], **not_open_fields())
        request = _changes("city_admin")[0]
        with pytest.raises(tk.ValidationError) as error:
            tk.get_action("publicdata_open_attribute_change_reject")({"user": "city_admin"}, {"id": request["id"]})
        assert "comment" in error.value.error_dict
        decided = tk.get_action("publicdata_open_attribute_change_reject")(
            {"user": "city_admin"}, {"id": request["id"], "comment": "无法律依据，不同意降级"})
        assert decided["status"] == "rejected" and decided["decided_by"] == "city_admin"
        shown = _show("provider_editor", dataset["id"])
        assert shown["open_attribute"] == "conditional" and shown["private"] is False
        assert shown["open_conditions_text"] == conditional_fields()["open_conditions_text"]
        assert shown["open_attribute_pending"] is None
        with pytest.raises(tk.ValidationError):
            tk.get_action("publicdata_open_attribute_change_approve")({"user": "city_admin"}, {"id": request["id"]})
        assert _changes("provider_editor", status="rejected")[0]["decision_comment"] == "无法律依据，不同意降级"

    def test_upgrades_apply_at_once_and_close_a_pending_downgrade(self, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"], **conditional_fields())
        _patch("provider_editor", dataset["id"], **not_open_fields())
        assert _show("provider_editor", dataset["id"])["open_attribute_pending"] is not None
        upgraded = _patch("provider_editor", dataset["id"], open_attribute="unconditional")
        assert upgraded["open_attribute"] == "unconditional"
        assert _show("provider_editor", dataset["id"])["open_attribute_pending"] is None
        assert _changes("provider_editor", status="superseded")[0]["to_attribute"] == "not_open"

    def test_a_not_open_dataset_may_be_opened_directly(self, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"], **not_open_fields())
        opened = _patch("provider_editor", dataset["id"], **conditional_fields())
        assert opened["open_attribute"] == "conditional"
        assert _changes("provider_editor", status="all") == []

    def test_a_downgrade_request_still_checks_the_requested_rules(self, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        with pytest.raises(tk.ValidationError) as error:
            _patch("provider_editor", dataset["id"], open_attribute="not_open")
        assert "not_open_basis" in error.value.error_dict
        assert _changes("provider_editor", status="all") == []

    def test_other_agencies_do_not_see_the_request(self, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        _patch("provider_editor", dataset["id"], **conditional_fields())
        assert _changes("other_editor") == []
        assert _changes("city_agency_editor") == []
        assert len(_changes("tax_sysadmin")) == 1
