"""Deadlines of the formal review (ACC-4) and the provider review (ACC-5) in working days on the mainland-China
calendar, across National Day and the Spring Festival of 2026 (package calendar, with 调休 working weekends) and
2027 (config/workdays.yaml's provisional override, read through the configured calendar); overdue flags."""
from __future__ import annotations

import datetime

import pytest
from freezegun import freeze_time

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.publicdata import deadlines, workdays
from ckanext.publicdata.access import workflow

from tests.access import workflow_setup as setup
from tests.access.workflow_setup import purge_audit_log  # noqa: F401 (fixture)

# Noon in Shanghai on a given day, as the naive UTC datetime the model stores (04:00 UTC).
def _noon(day: str) -> str:
    return f"{day}T04:00:00"


def _call(action: str, actor: str, **data):
    return helpers.call_action(action, context={"user": actor, "ignore_auth": False}, **data)


# ------------------------------------------------------------------------------------------- pure computations
# Expected days were counted by hand from the State Council's 2026 arrangement (春节 2-15…2-23 off, 2-14 and 2-28
# worked; 中秋 9-25…9-27 off; 国庆 10-1…10-7 off, 9-20 and 10-10 worked) and from config/workdays.yaml for 2027.

@pytest.mark.ckan_config("ckanext.publicdata.deadline_preset", "bz-r")
@pytest.mark.parametrize("received, formal_due", [
    ("2026-09-30", "2026-10-13"),  # 10-8, 10-9, Sat 10-10 (调休), 10-12, 10-13
    ("2026-10-03", "2026-10-14"),  # received on a holiday: deemed 10-8, then 10-9, 10-10, 10-12, 10-13, 10-14
    ("2026-02-13", "2026-02-27"),  # Sat 2-14 (调休) counts, 2-15…2-23 off: 2-14, 2-24, 2-25, 2-26, 2-27
    ("2026-02-17", "2026-03-02"),  # holiday: deemed 2-24; 2-25, 2-26, 2-27, Sat 2-28 (调休), Mon 3-2
    ("2027-02-04", "2027-02-15"),  # 2027 override: 2-5…2-8 off; 2-9, 2-10, 2-11, 2-12, 2-15
    ("2027-09-30", "2027-10-08"),  # 2027 override: 10-1…10-3 off; 10-4 … 10-8
])
def test_formal_review_due_counts_working_days(received, formal_due):
    assert deadlines.workdays_for("access_formal_review") == 5
    assert workflow.formal_review_due(datetime.date.fromisoformat(received)).isoformat() == formal_due


@pytest.mark.parametrize("received, provider_due", [
    ("2026-09-24", "2026-10-15"),  # 中秋 9-25…27 and 国庆 off; 9-28, 9-29, 9-30, 10-8, 10-9, 10-10, 10-12…10-15
    ("2026-02-12", "2026-03-04"),  # 2-13, Sat 2-14 (调休), 2-24, 2-25, 2-26, 2-27, Sat 2-28 (调休), 3-2, 3-3, 3-4
    ("2027-09-14", "2027-09-29"),  # 2027 override: 中秋 9-15 off
    ("2027-09-30", "2027-10-15"),  # 2027 override: 国庆 10-1…10-3 off
])
def test_provider_review_due_counts_working_days(received, provider_due):
    assert deadlines.workdays_for("access_provider_review") == 10
    assert workflow.provider_review_due(datetime.date.fromisoformat(received)).isoformat() == provider_due


def test_deadline_lengths_follow_the_configured_preset():
    # SU and ZB keep the same figures for these steps (deadlines.py cites why); the workflow reads the preset
    for preset in ("bz-r", "su", "zb"):
        assert deadlines.workdays_for("access_formal_review", preset) == 5
        assert deadlines.workdays_for("access_provider_review", preset) == 10


@pytest.mark.ckan_config("ckanext.publicdata.workdays.override_file", "")
def test_2027_without_the_override_is_a_clear_error_not_a_guess():
    with pytest.raises(workdays.WorkdayCalendarError) as error:
        workflow.formal_review_due(datetime.date(2027, 2, 4))
    assert "2027" in str(error.value) and " / " in str(error.value)


# ------------------------------------------------------------------------------------------- through the actions

@pytest.mark.usefixtures("purge_audit_log", "with_plugins", "clean_db")
class TestDeadlinesThroughTheWorkflow:

    def _world(self):
        built = setup.hierarchy()
        built["dataset"] = setup.conditional_dataset(built["orgs"]["agency"]["id"])
        setup.verify("applicant")
        return built

    def test_national_day_2026_formal_then_provider_deadline_and_overdue_flags(self):
        world = self._world()
        with freeze_time(_noon("2026-09-30")):
            request = _call("publicdata_access_request_create", "applicant", submit=True,
                            **setup.application_fields(world["dataset"]["id"]))
        assert request["formal_due"] == "2026-10-13" and request["due"] == "2026-10-13"
        with freeze_time(_noon("2026-10-13")):
            shown = _call("publicdata_access_request_show", "city_admin", id=request["id"])
            assert shown["overdue"] is False and shown["remaining_workdays"] == 0
        with freeze_time(_noon("2026-10-14")):
            shown = _call("publicdata_access_request_show", "city_admin", id=request["id"])
            assert shown["overdue"] is True
            review = _call("publicdata_access_request_list", "city_admin", role="review", overdue=True)
            assert [item["id"] for item in review["results"]] == [request["id"]]
            accepted = _call("publicdata_access_request_review", "city_admin", id=request["id"], outcome="accept")
        # the provider's 10 working days run from the acceptance (10-14): 10-15 … 10-28
        assert accepted["provider_due"] == "2026-10-28" and accepted["overdue"] is False

    def test_spring_festival_2027_through_the_configured_calendar(self):
        world = self._world()
        with freeze_time(_noon("2027-02-04")):
            request = _call("publicdata_access_request_create", "applicant", submit=True,
                            **setup.application_fields(world["dataset"]["id"]))
        assert request["formal_due"] == "2027-02-15"
        with freeze_time(_noon("2027-02-15")):
            accepted = _call("publicdata_access_request_review", "county_admin", id=request["id"],
                             outcome="accept")
        # 2-16 … 3-1 (10 working days, no holidays in between)
        assert accepted["provider_due"] == "2027-03-01"
        with freeze_time(_noon("2027-03-02")):
            assert _call("publicdata_access_request_show", "provider_admin", id=request["id"])["overdue"] is True

    def test_resubmission_restarts_the_formal_review_period(self):
        world = self._world()
        with freeze_time(_noon("2026-02-13")):
            request = _call("publicdata_access_request_create", "applicant", submit=True,
                            **setup.application_fields(world["dataset"]["id"],
                                                       period_start="2026-03-01", period_end="2026-12-31"))
        assert request["formal_due"] == "2026-02-27"
        with freeze_time(_noon("2026-02-24")):
            _call("publicdata_access_request_review", "city_admin", id=request["id"], outcome="return",
                  reasons="缺少安全承诺书")
        with freeze_time(_noon("2026-02-26")):
            again = _call("publicdata_access_request_submit", "applicant", id=request["id"])
        # received 2-26: 2-27, Sat 2-28 (调休), 3-2, 3-3, 3-4
        assert again["formal_due"] == "2026-03-04"

    def test_review_queue_lists_overdue_first_then_by_due_day(self):
        world = self._world()
        second = setup.conditional_dataset(world["orgs"]["agency"]["id"], title="个体工商户登记明细")
        third = setup.conditional_dataset(world["orgs"]["other"]["id"], title="医疗机构执业许可")
        with freeze_time(_noon("2026-11-02")):  # due 11-09
            early = _call("publicdata_access_request_create", "applicant", submit=True,
                          **setup.application_fields(world["dataset"]["id"]))
        with freeze_time(_noon("2026-11-10")):  # due 11-17
            late = _call("publicdata_access_request_create", "applicant", submit=True,
                         **setup.application_fields(third["id"]))
        with freeze_time(_noon("2026-11-05")):  # due 11-12
            middle = _call("publicdata_access_request_create", "applicant", submit=True,
                           **setup.application_fields(second["id"]))
        with freeze_time(_noon("2026-11-10")):
            queue = _call("publicdata_access_request_list", "city_admin", role="review")["results"]
            assert [item["id"] for item in queue] == [early["id"], middle["id"], late["id"]]
            assert [item["overdue"] for item in queue] == [True, False, False]
            # the county bureau sees only its county's agency
            county = _call("publicdata_access_request_list", "county_admin", role="review")["results"]
            assert {item["id"] for item in county} == {early["id"], middle["id"]}
            with pytest.raises(tk.NotAuthorized):
                _call("publicdata_access_request_list", "", role="review")


@pytest.mark.usefixtures("purge_audit_log", "with_plugins", "clean_db")
def test_the_daily_reminder_tells_the_reviewers_of_overdue_applications(cli):
    import ckan.model as model

    from ckanext.publicdata.access.workflow_cli import publicdata_access
    from ckanext.publicdata.notifications.model import Notification

    built = setup.hierarchy()
    dataset = setup.conditional_dataset(built["orgs"]["agency"]["id"])
    setup.verify("applicant")
    with freeze_time(_noon("2026-09-30")):
        _call("publicdata_access_request_create", "applicant", submit=True,
              **setup.application_fields(dataset["id"]))
    with freeze_time(_noon("2026-10-13")):  # the due day: nothing yet
        result = cli.invoke(publicdata_access, ["remind"])
        assert result.exit_code == 0 and result.output.startswith("0 overdue applications")
    with freeze_time(_noon("2026-10-14")):
        result = cli.invoke(publicdata_access, ["remind"])
        assert result.exit_code == 0 and result.output.startswith("1 overdue applications")
    county = model.User.get("county_admin")
    assert model.Session.query(Notification).filter_by(user_id=county.id, kind="access_request_overdue").count() == 1
    provider = model.User.get("provider_admin")
    assert model.Session.query(Notification).filter_by(user_id=provider.id, kind="access_request_overdue").count() == 0
