"""Handle-by dates, extensions with their caps, forwarding deadlines and overdue flags (FB-1; issue 6 item 2),
counted on the mainland-China calendar across the 2026 Mid-Autumn / National Day holidays.

Calendar facts used below (State Council arrangement for 2026): 09-25 (Fri) is a holiday, 10-01…10-07 are
holidays, Saturday 10-10 is an adjusted working day (调休). A ticket filed on Tuesday 2026-09-29 therefore counts
its working days as 09-30 (1), 10-08 (2), 10-09 (3), 10-10 (4), 10-12 (5), 10-13 (6), 10-14 (7), 10-15 (8),
10-16 (9), 10-19 (10), and onwards 10-20 … 10-30 (11…19), 11-02 … 11-06 (20…24), 11-09 … 11-13 (25…29),
11-16 (30).
"""
from __future__ import annotations

import pytest
from freezegun import freeze_time

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.feedback.model.ticket import Ticket, TicketExtension
from tests.feedback.ticket_setup import bilingual, call, file, first_error, step, world

FILED = "2026-09-29 02:00:00"  # 10:00 in Shanghai, Tuesday


@pytest.fixture
def people():
    return world()


def _report(people, user="citizen"):
    return file(user, "error_report", package_id=people["datasets"]["market"]["id"], error_type="wrong_value")


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestBinzhouDefault:
    def test_ten_working_days_across_the_national_day_holiday(self, people):
        with freeze_time(FILED):
            ticket = _report(people)
        assert ticket["deadline_key"] == "feedback_handle"
        assert ticket["due_on"] == "2026-10-19"

    def test_forwarding_deadline_of_a_report_sent_to_the_authority(self, people):
        with freeze_time(FILED):
            ticket = file("citizen", "suggestion")
        assert ticket["status"] == "at_authority"
        assert ticket["due_on"] == "2026-10-08"  # 2 wd: 09-30, 10-08
        with freeze_time("2026-10-09 02:00:00"):
            forwarded = step("city_admin", ticket["id"], "forward", organization_id="bincheng-market")
        # the provider's own 10 wd count from the forwarding day: 10-10 (1), 10-12 … 10-16 (2…6), 10-19 … 10-22
        assert forwarded["due_on"] == "2026-10-22"

    def test_overdue_flag_and_dashboard_order(self, people):
        with freeze_time(FILED):
            early = _report(people)
        with freeze_time("2026-10-12 02:00:00"):
            late = _report(people)  # due 10 wd after 10-12: 10-26
            assert late["due_on"] == "2026-10-26"
        with freeze_time("2026-10-19 15:00:00"):  # 23:00 on 10-19 in Shanghai: still the due day
            shown = call("publicdata_feedback_ticket_show", "provider_editor", id=early["id"])
            assert shown["overdue"] is False and shown["workdays_left"] == 0
        with freeze_time("2026-10-19 16:30:00"):  # 00:30 on 10-20 in Shanghai
            shown = call("publicdata_feedback_ticket_show", "provider_editor", id=early["id"])
            assert shown["overdue"] is True and shown["workdays_left"] == -1
            board = call("publicdata_feedback_dashboard", "provider_editor")
            assert [item["id"] for item in board["to_handle"]] == [early["id"], late["id"]]
            assert board["overdue_count"] == 1
            overdue = call("publicdata_feedback_ticket_list", "provider_editor", overdue=True)
            assert [item["id"] for item in overdue["results"]] == [early["id"]]
            answered = step("provider_editor", early["id"], "answer", response="已更正")
            assert answered["overdue"] is False  # closed tickets are never overdue

    def test_no_extension_is_provided_for(self, people):
        ticket = _report(people)
        with pytest.raises(tk.ValidationError) as error:
            call("publicdata_feedback_extension_request", "provider_editor", id=ticket["id"], workdays=5,
                 reason="情况复杂")
        assert bilingual(first_error(error.value)) and "BZ-R 17" in first_error(error.value)
        assert model.Session.query(TicketExtension).count() == 0


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.ckan_config("ckanext.publicdata.deadline_preset", "su")
class TestSuzhouPreset:
    def test_five_days_extended_by_the_authority_up_to_thirty(self, people):
        with freeze_time(FILED):
            ticket = _report(people)
            assert ticket["due_on"] == "2026-10-12"  # 5 wd
            with pytest.raises(tk.NotAuthorized):
                call("publicdata_feedback_extension_request", "citizen", id=ticket["id"], workdays=5, reason="x")
            with pytest.raises(tk.ValidationError) as error:
                call("publicdata_feedback_extension_request", "provider_editor", id=ticket["id"], workdays=26,
                     reason="需现场核查")
            assert "25" in first_error(error.value) and bilingual(first_error(error.value))
            with pytest.raises(tk.ValidationError) as error:
                call("publicdata_feedback_extension_request", "provider_editor", id=ticket["id"], workdays=10,
                     reason="")
            assert bilingual(error.value.error_dict["reason"][0])

            first = call("publicdata_feedback_extension_request", "provider_editor", id=ticket["id"],
                         workdays=10, reason="需现场核查")
            with pytest.raises(tk.ValidationError):  # one pending request at a time
                call("publicdata_feedback_extension_request", "provider_editor", id=ticket["id"], workdays=3,
                     reason="再延")
            # SU 10: the authority approves, not the provider's own head
            with pytest.raises(tk.NotAuthorized):
                call("publicdata_feedback_extension_decide", "provider_admin", id=first["id"], approve=True)
            board = call("publicdata_feedback_dashboard", "county_admin")
            assert [item["id"] for item in board["extensions_to_decide"]] == [first["id"]]
            approved = call("publicdata_feedback_extension_decide", "county_admin", id=first["id"], approve=True)
            assert approved["due_on"] == "2026-10-26"  # 5 + 10 = 15 wd
            assert [event["action"] for event in approved["events"]][-2:] == [
                "extension_request", "extension_approve"]

    def test_cap_of_thirty_working_days(self, people):
        with freeze_time(FILED):
            ticket = _report(people)
            first = call("publicdata_feedback_extension_request", "provider_editor", id=ticket["id"],
                         workdays=10, reason="需现场核查")
            call("publicdata_feedback_extension_decide", "city_admin", id=first["id"], approve=True)
            shown = call("publicdata_feedback_ticket_show", "provider_editor", id=ticket["id"])
            assert shown["due_on"] == "2026-10-26"  # 15 wd
            assert shown["extension_room"] == 15
            with pytest.raises(tk.ValidationError):
                call("publicdata_feedback_extension_request", "provider_editor", id=ticket["id"], workdays=16,
                     reason="仍需核查")
            second = call("publicdata_feedback_extension_request", "provider_editor", id=ticket["id"],
                          workdays=15, reason="仍需核查")
            extended = call("publicdata_feedback_extension_decide", "city_admin", id=second["id"], approve=True)
            assert extended["due_on"] == "2026-11-16"  # 30 wd, the cap
            with pytest.raises(tk.ValidationError) as error:
                call("publicdata_feedback_extension_request", "provider_editor", id=ticket["id"], workdays=1,
                     reason="再延")
            assert "30" in first_error(error.value)
            events = [event["action"] for event in extended["events"]]
            assert events.count("extension_request") == 2 and events.count("extension_approve") == 2
            assert {extension["status"] for extension in extended["extensions"]} == {"approved"}

    def test_refusal_needs_a_reason_and_keeps_the_date(self, people):
        with freeze_time(FILED):
            ticket = _report(people)
            request = call("publicdata_feedback_extension_request", "provider_editor", id=ticket["id"],
                           workdays=5, reason="需核查")
            with pytest.raises(tk.ValidationError) as error:
                call("publicdata_feedback_extension_decide", "city_admin", id=request["id"], approve=False)
            assert bilingual(error.value.error_dict["note"][0])
            refused = call("publicdata_feedback_extension_decide", "city_admin", id=request["id"], approve=False,
                           note="情况并不复杂")
            assert refused["due_on"] == "2026-10-12"
            assert model.Session.get(TicketExtension, request["id"]).status == "rejected"
            with pytest.raises(tk.ValidationError):
                call("publicdata_feedback_extension_decide", "city_admin", id=request["id"], approve=True)


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.ckan_config("ckanext.publicdata.deadline_preset", "zb")
class TestZiboPreset:
    def test_head_of_the_provider_extends_up_to_ten_days(self, people):
        with freeze_time(FILED):
            ticket = _report(people)
            assert ticket["due_on"] == "2026-10-12"
            request = call("publicdata_feedback_extension_request", "provider_editor", id=ticket["id"],
                           workdays=5, reason="情况复杂")
            with pytest.raises(tk.NotAuthorized):  # an editor is not the head (负责人)
                call("publicdata_feedback_extension_decide", "provider_editor", id=request["id"], approve=True)
            approved = call("publicdata_feedback_extension_decide", "provider_admin", id=request["id"],
                            approve=True)
            assert approved["due_on"] == "2026-10-19"  # 10 wd, ZB 17's cap
            with pytest.raises(tk.ValidationError):
                call("publicdata_feedback_extension_request", "provider_editor", id=ticket["id"], workdays=1,
                     reason="再延")

    def test_a_new_stage_starts_a_new_period(self, people):
        with freeze_time(FILED):
            ticket = file("citizen", "suggestion")
        assert Ticket.get(ticket["id"]).deadline_key == "complaint_forward"
        with pytest.raises(tk.ValidationError):  # forwarding is not a handling period: no extension
            call("publicdata_feedback_extension_request", "fb_sysadmin", id=ticket["id"], workdays=1, reason="x")


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestReminders:
    def test_overdue_tickets_remind_their_handlers_once_a_day(self, people, cli):
        from ckan.cli.cli import ckan as ckan_command

        from ckanext.publicdata.feedback.tickets import REMINDER_KIND
        from ckanext.publicdata.notifications.model import Notification

        with freeze_time(FILED):
            overdue = _report(people)
            waiting_on_authority = file("citizen", "suggestion")  # due 10-08, waits on the authority
        with freeze_time("2026-10-20 02:00:00"):
            result = cli.invoke(ckan_command, ["feedback-tickets", "remind"])
            assert result.exit_code == 0, result.output
            assert "overdue: 2" in result.output
            again = cli.invoke(ckan_command, ["feedback-tickets", "remind"])
            assert "notifications sent: 0" in again.output

        def reminders(user_name, ticket_id):
            user_id = people["users"][user_name]["id"]
            return model.Session.query(Notification).filter(
                Notification.kind == REMINDER_KIND, Notification.user_id == user_id,
                Notification.object_id == ticket_id).count()

        assert reminders("provider_editor", overdue["id"]) == 1
        assert reminders("city_admin", waiting_on_authority["id"]) == 1
        assert reminders("other_editor", overdue["id"]) == 0
        assert reminders("citizen", overdue["id"]) == 0
