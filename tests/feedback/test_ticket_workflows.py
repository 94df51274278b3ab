"""Ticket kinds and their workflows (issue 6 item 1; FB-1, FB-2, FB-4, FB-5, FB-6): filing, who may act,
every step recorded, the people concerned notified, refused steps store nothing and say why in both languages."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.feedback.model.ticket import Ticket, TicketEvent
from tests.feedback.ticket_setup import bilingual, call, file, first_error, notifications_of, step, world


@pytest.fixture
def people():
    return world()


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestErrorReport:
    def test_anonymous_error_report_goes_to_the_provider_and_is_answered(self, people):
        dataset = people["datasets"]["market"]
        resource_id = dataset["resources"][0]["id"]
        filed = file(None, "error_report", package_id=dataset["name"], resource_id=resource_id,
                     title="注册资本单位错误", body="第3行注册资本应为万元", error_type="wrong_value",
                     location="第3行", contact_name="王先生", contact_phone="13800138000")
        assert filed["status"] == "submitted"
        assert filed["organization_id"] == people["orgs"]["agency"]["id"]
        assert filed["resource_id"] == resource_id
        assert filed["details"]["error_type"] == "wrong_value"
        assert filed["reference"].startswith("FK") and filed["tracking_code"]
        assert filed["due_on"]  # handle-by date of the provider's stage
        # the provider's staff are told; the other agency is not
        assert notifications_of("provider_editor", filed["id"])
        assert not notifications_of("other_editor", filed["id"])

        answered = step("provider_editor", filed["id"], "answer", response="已更正为万元", outcome="corrected")
        assert answered["status"] == "closed" and answered["outcome"] == "corrected"
        assert answered["handled_at"] and answered["closed_at"]
        assert answered["response"] == "已更正为万元"
        actions = [event["action"] for event in answered["events"]]
        assert actions == ["file", "answer"]
        assert answered["events"][1]["actor_name"] == "provider_editor"
        assert answered["events"][1]["from_status"] == "submitted"
        assert answered["events"][1]["to_status"] == "closed"

    def test_anonymous_filer_follows_the_ticket_with_the_tracking_code_only(self, people):
        dataset = people["datasets"]["market"]
        filed = file(None, "error_report", package_id=dataset["id"], error_type="outdated",
                     contact_name="李女士", contact_email="li@example.org")
        with pytest.raises(tk.NotAuthorized):
            call("publicdata_feedback_ticket_show", None, id=filed["id"])
        with pytest.raises(tk.NotAuthorized):
            call("publicdata_feedback_ticket_show", None, id=filed["id"], tracking_code="wrong-code")
        shown = call("publicdata_feedback_ticket_show", None, id=filed["reference"],
                     tracking_code=filed["tracking_code"])
        assert shown["id"] == filed["id"] and shown["contact_email"] == "li@example.org"
        assert "tracking_code" not in shown

    def test_only_error_reports_and_suggestions_may_be_filed_anonymously(self, people):
        dataset = people["datasets"]["market"]
        for kind in ("objection", "rights_complaint", "illegal_use_report", "data_demand", "opening_need",
                     "use_result", "rectification"):
            with pytest.raises(tk.NotAuthorized) as error:
                file(None, kind, package_id=dataset["id"], contact_name="王", contact_phone="13800138000")
            assert bilingual(error.value)
        assert file(None, "suggestion", contact_name="王", contact_phone="13800138000")["status"] == "at_authority"

    def test_anonymous_filing_needs_a_contact_and_every_problem_is_reported_at_once(self, people):
        with pytest.raises(tk.ValidationError) as error:
            call("publicdata_feedback_ticket_create", None, kind="error_report", title="",
                 body="", package_id="no-such-dataset", error_type="bogus", contact_phone="12345")
        errors = error.value.error_dict
        for key in ("title", "body", "package_id", "error_type", "contact_name", "contact_phone"):
            assert key in errors, key
            assert all(bilingual(message) for message in errors[key])
        assert model.Session.query(Ticket).count() == 0

    def test_a_report_without_a_provider_waits_for_the_authority_who_forwards_it(self, people):
        filed = file("citizen", "suggestion", title="希望开放更多交通数据")
        assert filed["status"] == "at_authority" and filed["organization_id"] is None
        assert notifications_of("city_admin", filed["id"])
        with pytest.raises(tk.NotAuthorized):
            step("provider_editor", filed["id"], "forward", organization_id=people["orgs"]["agency"]["id"])
        with pytest.raises(tk.ValidationError) as error:
            step("city_admin", filed["id"], "forward")
        assert bilingual(first_error(error.value))
        forwarded = step("city_admin", filed["id"], "forward", organization_id="bincheng-market")
        assert forwarded["status"] == "submitted"
        assert forwarded["organization_id"] == people["orgs"]["agency"]["id"]
        assert notifications_of("provider_editor", filed["id"])
        # the citizen hears that it moved on
        assert notifications_of("citizen", filed["id"])
        answered = step("provider_editor", filed["id"], "answer", response="已纳入计划", outcome="adopted")
        assert answered["outcome"] == "adopted"

    def test_a_county_bureau_forwards_only_to_its_own_agencies(self, people):
        filed = file("citizen", "suggestion")
        with pytest.raises(tk.NotAuthorized):
            step("county_admin", filed["id"], "forward", organization_id="bincheng-market")  # no org yet: city's
        step("city_admin", filed["id"], "forward", organization_id="bincheng-market")
        step("provider_editor", filed["id"], "return_to_authority", note="不属于本单位职责")
        with pytest.raises(tk.NotAuthorized):
            step("county_admin", filed["id"], "forward", organization_id="city-transport")
        assert step("county_admin", filed["id"], "forward",
                    organization_id="bincheng-market")["status"] == "submitted"

    def test_outsiders_cannot_act_or_see_and_wrong_steps_say_why(self, people):
        dataset = people["datasets"]["market"]
        filed = file("citizen", "error_report", package_id=dataset["id"], error_type="missing_data")
        with pytest.raises(tk.NotAuthorized):
            step("other_editor", filed["id"], "answer", response="x")
        with pytest.raises(tk.NotAuthorized):
            call("publicdata_feedback_ticket_show", "outsider", id=filed["id"])
        with pytest.raises(tk.ValidationError) as error:
            step("provider_editor", filed["id"], "answer")  # no response
        assert bilingual(error.value.error_dict["response"][0])
        with pytest.raises(tk.ValidationError) as error:
            step("provider_editor", filed["id"], "answer", response="ok", outcome="made_up")
        assert bilingual(error.value.error_dict["outcome"][0])
        with pytest.raises(tk.ValidationError) as error:
            step("provider_editor", filed["id"], "mark_opened")
        assert bilingual(error.value.error_dict["action"][0])
        # nothing was half-stored
        assert Ticket.get(filed["id"]).status == "submitted"
        assert model.Session.query(TicketEvent).filter(TicketEvent.ticket_id == filed["id"]).count() == 1

    def test_submitter_may_cancel_but_not_after_closing(self, people):
        filed = file("citizen", "error_report", package_id=people["datasets"]["market"]["id"],
                     error_type="format")
        with pytest.raises(tk.NotAuthorized):
            step("outsider", filed["id"], "cancel")
        cancelled = step("citizen", filed["id"], "cancel")
        assert cancelled["status"] == "closed" and cancelled["outcome"] == "cancelled"
        with pytest.raises(tk.ValidationError) as error:
            step("citizen", filed["id"], "cancel")
        assert bilingual(error.value.error_dict["action"][0])


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestOtherFeedbackKinds:
    def test_objection_needs_an_account_and_its_grounds(self, people):
        dataset = people["datasets"]["market"]
        with pytest.raises(tk.ValidationError) as error:
            file("citizen", "objection", package_id=dataset["id"])
        assert bilingual(error.value.error_dict["grounds"][0])
        filed = file("citizen", "objection", package_id=dataset["id"], grounds="公开了已注销企业的负责人信息")
        assert filed["status"] == "submitted"
        rejected = step("provider_admin", filed["id"], "reject", note="所涉信息依法应当公示")
        assert rejected["outcome"] == "rejected" and rejected["handled_at"]
        assert notifications_of("citizen", filed["id"])

    def test_illegal_use_report_starts_with_the_authority(self, people):
        filed = file("citizen", "illegal_use_report", package_id=people["datasets"]["market"]["id"],
                     reported_party="某科技公司", evidence="转售数据的网页截图")
        assert filed["status"] == "at_authority"
        assert filed["organization_id"] == people["orgs"]["agency"]["id"]
        # the county bureau is the authority for this agency and is told
        assert notifications_of("county_admin", filed["id"])
        answered = step("county_admin", filed["id"], "answer", response="已约谈并责令停止", outcome="substantiated")
        assert answered["outcome"] == "substantiated"

    def test_rectification_is_raised_by_the_authority_and_checked_by_it(self, people):
        dataset = people["datasets"]["market"]
        for user in ("citizen", "provider_editor", "other_editor"):
            with pytest.raises(tk.NotAuthorized):
                file(user, "rectification", package_id=dataset["id"], problems="缺少更新")
        task = file("county_admin", "rectification", package_id=dataset["id"], title="数据质量整改",
                    problems="统一社会信用代码列存在空值", audit_reference="2026年第三季度质量评估")
        assert task["status"] == "assigned" and task["due_on"]
        assert notifications_of("provider_editor", task["id"])
        with pytest.raises(tk.NotAuthorized):
            step("provider_editor", task["id"], "confirm")
        fixed = step("provider_editor", task["id"], "report_fixed", response="已补全空值")
        assert fixed["status"] == "fixed" and fixed["due_on"] is None
        sent_back = step("county_admin", task["id"], "send_back", note="仍有12条空值")
        assert sent_back["status"] == "assigned" and sent_back["due_on"]
        step("provider_editor", task["id"], "report_fixed", response="已全部补全")
        closed = step("county_admin", task["id"], "confirm")
        assert closed["outcome"] == "rectified"
        assert [event["action"] for event in closed["events"]] == [
            "file", "report_fixed", "send_back", "report_fixed", "confirm"]

    def test_use_result_is_moderated_then_public_without_personal_data(self, people):
        dataset = people["datasets"]["market"]
        with pytest.raises(tk.ValidationError) as error:
            file("citizen", "use_result", result_type="application", source_datasets=[],
                 acquisition_date="2099-01-01", url="javascript:alert(1)")
        errors = error.value.error_dict
        assert {"source_datasets", "acquisition_date", "url"} <= set(errors)
        result = file("citizen", "use_result", title="企业画像小程序", result_type="application",
                      source_datasets=[dataset["name"]], acquisition_date="2026-03-01",
                      url="https://example.org/app", contact_phone="13900139000")
        assert result["details"]["source_datasets"] == [dataset["id"]]
        assert result["is_public"] is False
        with pytest.raises(tk.NotAuthorized):
            call("publicdata_feedback_ticket_show", None, id=result["id"])
        with pytest.raises(tk.NotAuthorized):
            step("provider_editor", result["id"], "publish")
        published = step("city_admin", result["id"], "publish")
        assert published["status"] == "published" and published["is_public"] is True
        public = call("publicdata_feedback_ticket_show", None, id=result["id"])
        assert public["title"] == "企业画像小程序"
        for personal in ("contact_phone", "contact_name", "contact_email", "submitter_id", "events"):
            assert personal not in public
        listed = call("publicdata_feedback_ticket_list", None, kind="use_result")
        assert [item["id"] for item in listed["results"]] == [result["id"]]
        unpublished = step("citizen", result["id"], "unpublish", note="产品下线")
        assert unpublished["is_public"] is False and unpublished["outcome"] == "unpublished"
        assert call("publicdata_feedback_ticket_list", None, kind="use_result")["count"] == 0

    def test_opening_need_is_published_for_providers_and_closed_with_an_outcome(self, people):
        need = file("citizen", "opening_need", title="开放充电桩位置数据", domain="交通", expected_use="导航")
        assert need["status"] == "submitted" and need["due_on"]
        published = step("city_admin", need["id"], "publish")
        assert published["is_public"] is True
        seen_by_provider = call("publicdata_feedback_ticket_list", "other_editor", kind="opening_need")
        assert seen_by_provider["count"] == 1
        closed = step("city_admin", need["id"], "close", response="已列入2027年开放清单", outcome="adopted")
        assert closed["outcome"] == "adopted"


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestRightsComplaint:
    """FB-2 (BZ-R 22): the ticket side. The dataset-side effects are tested in test_suspension*.py."""

    def _complaint(self, people):
        return file("citizen", "rights_complaint", package_id=people["datasets"]["market"]["id"],
                    title="公开了本人手机号", right_type="privacy", evidence="第12行含本人手机号")

    def test_complaint_needs_the_right_and_evidence(self, people):
        with pytest.raises(tk.ValidationError) as error:
            file("citizen", "rights_complaint", package_id=people["datasets"]["market"]["id"])
        assert {"right_type", "evidence"} <= set(error.value.error_dict)

    def test_reject_closes_without_suspension(self, people):
        complaint = self._complaint(people)
        closed = step("provider_editor", complaint["id"], "reject", response="经核实不含个人信息")
        assert closed["status"] == "closed" and closed["outcome"] == "rejected"

    @pytest.mark.parametrize("ending, outcome", [("withdraw", "withdrawn"), ("restore", "restored")])
    def test_suspend_then_end(self, people, ending, outcome):
        complaint = self._complaint(people)
        with pytest.raises(tk.ValidationError):
            step("provider_editor", complaint["id"], ending, response="x")  # not suspended yet
        suspended = step("provider_editor", complaint["id"], "suspend", note="初步核实属实")
        assert suspended["status"] == "suspended" and suspended["handled_at"]
        ended = step("county_admin", complaint["id"], ending, response="已处理")
        assert ended["status"] == "closed" and ended["outcome"] == outcome
        assert [event["action"] for event in ended["events"]] == ["file", "suspend", ending]
        # the complainant is told of the suspension and of the outcome (by the ticket or the suspension module)
        from ckanext.publicdata.notifications.model import Notification

        told = model.Session.query(Notification).filter(
            Notification.user_id == people["users"]["citizen"]["id"]).count()
        assert told >= 2

    def test_suspend_and_lift_reach_the_dataset(self, people):
        suspension = pytest.importorskip("ckanext.publicdata.feedback.suspension")
        dataset_id = people["datasets"]["market"]["id"]
        complaint = self._complaint(people)
        step("provider_editor", complaint["id"], "suspend", note="初步核实属实")
        in_force = suspension.active_suspension(dataset_id)
        assert in_force is not None and in_force.ticket_id == complaint["id"]
        step("provider_editor", complaint["id"], "restore", response="已核实，恢复开放")
        model.Session.expire_all()
        assert suspension.Suspension.in_force_for(dataset_id) is None

    def test_a_refused_lift_leaves_the_ticket_suspended(self, people):
        pytest.importorskip("ckanext.publicdata.feedback.suspension")
        complaint = self._complaint(people)
        step("provider_editor", complaint["id"], "suspend", note="初步核实属实")
        # reprocessing needs a new resource version first: the suspension refuses, the ticket stays suspended
        with pytest.raises(tk.ValidationError):
            step("provider_editor", complaint["id"], "reprocess", response="已脱敏")
        model.Session.expire_all()
        assert Ticket.get(complaint["id"]).status == "suspended"


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestUpdate:
    def test_submitter_corrects_until_handling_starts(self, people):
        filed = file("citizen", "error_report", package_id=people["datasets"]["market"]["id"],
                     error_type="format", title="错字")
        with pytest.raises(tk.NotAuthorized):
            call("publicdata_feedback_ticket_update", "provider_editor", id=filed["id"], title="改标题")
        updated = call("publicdata_feedback_ticket_update", "citizen", id=filed["id"], title="表头错字",
                       contact_phone="13600136000")
        assert updated["title"] == "表头错字" and updated["contact_phone"] == "13600136000"
        with pytest.raises(tk.ValidationError) as error:
            call("publicdata_feedback_ticket_update", "citizen", id=filed["id"], title="")
        assert bilingual(error.value.error_dict["title"][0])
        step("provider_editor", filed["id"], "answer", response="已更正")
        with pytest.raises(tk.ValidationError) as error:
            call("publicdata_feedback_ticket_update", "citizen", id=filed["id"], body="补充")
        assert bilingual(error.value.error_dict["id"][0])

    def test_handlers_publish_a_closed_answer(self, people):
        filed = file("citizen", "error_report", package_id=people["datasets"]["market"]["id"],
                     error_type="format")
        with pytest.raises(tk.ValidationError):  # still open
            call("publicdata_feedback_ticket_update", "provider_editor", id=filed["id"], is_public=True)
        step("provider_editor", filed["id"], "answer", response="已更正")
        with pytest.raises(tk.NotAuthorized):
            call("publicdata_feedback_ticket_update", "citizen", id=filed["id"], is_public=True)
        updated = call("publicdata_feedback_ticket_update", "provider_editor", id=filed["id"], is_public=True,
                       response="已更正表头错字")
        assert updated["is_public"] is True and updated["response"] == "已更正表头错字"
        assert updated["events"][-1]["action"] == "update"


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestNotifications:
    """Issue 6 item 7: in-site always, e-mail when configured (config/test.ini sets smtp.test_server; CKAN's
    mail_server fixture catches the outgoing mail)."""

    def test_anonymous_filer_is_emailed_and_staff_notified_in_site_and_by_email(self, people, mail_server):
        dataset = people["datasets"]["market"]
        filed = file(None, "error_report", package_id=dataset["id"], error_type="wrong_value",
                     contact_name="李女士", contact_email="li.citizen@example.org")
        staff_mail = [message for message in mail_server.get_smtp_messages()
                      if "provider_editor@example.org" in message[2]]
        assert staff_mail, "the provider's staff are e-mailed about the new ticket"
        assert notifications_of("provider_editor", filed["id"])[0].emailed_at is not None
        mail_server.clear_smtp_messages()
        step("provider_editor", filed["id"], "answer", response="已更正", outcome="corrected")
        to_filer = [message for message in mail_server.get_smtp_messages()
                    if "li.citizen@example.org" in message[2]]
        assert len(to_filer) == 1
        assert filed["reference"] in to_filer[0][3] or filed["reference"].encode() in to_filer[0][3].encode()
