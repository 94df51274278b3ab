"""Use reports (ACC-8; BZ-R 5, 17): grant holders report use, results, benefits and problems; reports fall due
periodically and overdue ones are flagged to the provider."""
from __future__ import annotations

import datetime

import pytest
from freezegun import freeze_time

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.publicdata.access import use_reports
from ckanext.publicdata.access.model.application import AccessRequest
from ckanext.publicdata.notifications.model import Notification

from tests.access import workflow_setup as setup
from tests.access.workflow_setup import purge_audit_log  # noqa: F401 (fixture)

pytestmark = [pytest.mark.usefixtures("purge_audit_log", "with_plugins", "clean_db"),
              pytest.mark.ckan_config("ckanext.publicdata.access.use_report_interval_days", "90"),
              pytest.mark.ckan_config("ckanext.publicdata.access.use_report_grace_days", "10")]


def _call(action: str, actor: str, **data):
    return helpers.call_action(action, context={"user": actor, "ignore_auth": False}, **data)


@pytest.fixture
def active_request():
    built = setup.hierarchy()
    dataset = setup.conditional_dataset(built["orgs"]["agency"]["id"])
    setup.verify("applicant")
    with freeze_time("2026-12-01T04:00:00"):
        request = _call("publicdata_access_request_create", "applicant", submit=True,
                        **setup.application_fields(dataset["id"], period_start="2026-12-01",
                                                   period_end="2027-11-30"))
        _call("publicdata_access_request_review", "city_admin", id=request["id"], outcome="accept")
        approved = _call("publicdata_access_request_decide", "provider_admin", id=request["id"], outcome="approve")
        _call("publicdata_use_agreement_sign", "applicant", id=approved["agreement"]["id"], signer_name="张三",
              consent=True, text_sha256=approved["agreement"]["text_sha256"])
    return request


def test_reports_fall_due_every_interval_and_a_report_moves_the_due_day(active_request):
    request = AccessRequest.get(active_request["id"])
    assert use_reports.next_due(request) == datetime.date(2026, 12, 1) + datetime.timedelta(days=90)
    with freeze_time("2027-03-05T04:00:00"):
        report = _call("publicdata_use_report_create", "applicant", request_id=request.id,
                       use_description="用于 120 家合作企业的经营异常预警", results="月度风险报告 3 份",
                       benefits="避免坏账约 50 万元", problems="2027-02 批次缺少 3 条记录")
    assert (report["period_start"], report["period_end"]) == ("2026-12-01", "2027-03-05")
    assert use_reports.next_due(request) == datetime.date(2027, 3, 5) + datetime.timedelta(days=90)
    # a report naming problems reaches the provider as such
    provider = model.User.get("provider_editor")
    notice = model.Session.query(Notification).filter_by(user_id=provider.id, kind="access_use_report").one()
    assert "缺少 3 条记录" in notice.body and "problems" in notice.title


def test_overdue_reports_are_flagged_to_the_provider(active_request):
    request = AccessRequest.get(active_request["id"])
    due = datetime.date(2026, 12, 1) + datetime.timedelta(days=90)
    assert not use_reports.is_overdue(request, due + datetime.timedelta(days=10))  # within the grace days
    assert use_reports.is_overdue(request, due + datetime.timedelta(days=11))
    with freeze_time("2027-03-20T04:00:00"):
        flagged = _call("publicdata_use_report_list", "provider_admin", overdue=True)
        assert [item["id"] for item in flagged["results"]] == [request.id]
        assert _call("publicdata_use_report_list", "other_editor", overdue=True)["count"] == 0
        sent = use_reports.remind_overdue()
        model.Session.commit()
    assert [item["request_id"] for item in sent] == [request.id]
    admin = model.User.get("provider_admin")
    assert model.Session.query(Notification).filter_by(user_id=admin.id, kind="access_use_report_overdue").count() == 1


def test_only_the_holder_reports_and_only_with_a_grant(active_request):
    with pytest.raises(tk.NotAuthorized):
        _call("publicdata_use_report_create", "provider_admin", request_id=active_request["id"],
              use_description="x")
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_use_report_create", "applicant", request_id=active_request["id"], use_description="")
    assert "use_description" in error.value.error_dict
    other = setup.conditional_dataset(setup.hierarchy_org("bincheng-market"), title="另一数据")
    draft = _call("publicdata_access_request_create", "applicant", **setup.application_fields(other["id"]))
    with pytest.raises(tk.ValidationError):
        _call("publicdata_use_report_create", "applicant", request_id=draft["id"], use_description="x")


def test_the_provider_reads_reports_an_outsider_does_not(active_request):
    with freeze_time("2027-01-05T04:00:00"):
        _call("publicdata_use_report_create", "applicant", request_id=active_request["id"], use_description="试运行")
    listed = _call("publicdata_use_report_list", "provider_editor", request_id=active_request["id"])
    assert [item["use_description"] for item in listed["results"]] == ["试运行"]
    with pytest.raises(tk.NotAuthorized):
        _call("publicdata_use_report_list", "other_editor", request_id=active_request["id"])
