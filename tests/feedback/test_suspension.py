"""Suspension of a dataset's opening (FB-2 rights complaints, FB-3 leaks): takes effect at once, outcomes."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.feedback import suspension as suspensions
from ckanext.publicdata.feedback.model.suspension import Suspension
from ckanext.publicdata.notifications.model import Notification

from tests.feedback.suspension_setup import bilingual, headers, open_dataset, people_and_agencies

pytestmark = [
    pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false"),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

ACTION = "/api/3/action/"


@pytest.fixture
def world():
    setup = people_and_agencies()
    setup["dataset"] = open_dataset("provider_editor", setup["orgs"]["agency"]["id"])
    return setup


def _rights_complaint(dataset: dict, submitter_id: str):
    from ckanext.publicdata.feedback.model.ticket import Ticket

    ticket = Ticket(kind="rights_complaint", status="submitted", title="含有本人身份证号",
                    body="第 12 行含有我的身份证号", package_id=dataset["id"],
                    organization_id=dataset["owner_org"], submitter_id=submitter_id,
                    contact_name="王某", contact_phone="13800000000", details={})
    model.Session.add(ticket)
    model.Session.commit()
    return ticket


def _search(fq: str, user: str | None = None) -> dict:
    context = {"user": user} if user else {"ignore_auth": False}
    return tk.get_action("package_search")(context, {"fq": fq})


class TestSuspendAtOnce:
    def test_suspend_shows_on_package_show_and_search_in_the_same_request_cycle(self, app, world):
        dataset = world["dataset"]
        response = app.post(ACTION + "publicdata_dataset_suspend",
                            json={"id": dataset["name"], "reason": "发现第 12 行含有身份证号"},
                            headers=headers("provider_editor"))
        result = response.json["result"]
        assert result["in_force"] is True and result["cause"] == "security"

        shown = app.get(ACTION + "package_show", params={"id": dataset["name"]}).json["result"]
        assert shown["suspension"]["since"]
        assert "身份证" not in str(shown["suspension"])  # the reason is never public
        found = app.get(ACTION + "package_search", params={"fq": "suspended:true"}).json["result"]
        assert [item["id"] for item in found["results"]] == [dataset["id"]]
        assert found["results"][0]["suspension"]["notice"]

    def test_the_suspend_function_is_effective_before_commit(self, world):
        dataset = world["dataset"]
        user_id = world["users"]["provider_editor"]["id"]
        suspensions.suspend_dataset(dataset["id"], None, user_id, "疑似泄露")
        # same transaction, nothing committed yet: the index and the hooks already see it
        assert suspensions.active_suspension(dataset["id"]) is not None
        assert _search("suspended:true")["count"] == 1
        model.Session.rollback()
        assert suspensions.active_suspension(dataset["id"]) is None
        assert _search("suspended:true")["count"] == 0

    def test_only_provider_staff_and_authority_may_suspend(self, app, world):
        dataset = world["dataset"]
        for user in ("outsider", "other_editor", "provider_member", "complainant"):
            app.post(ACTION + "publicdata_dataset_suspend", json={"id": dataset["id"], "reason": "x"},
                     headers=headers(user), status=403)
        app.post(ACTION + "publicdata_dataset_suspend", json={"id": dataset["id"], "reason": "x"}, status=403)
        assert Suspension.in_force_for(dataset["id"]) is None
        # the county bureau supervising the agency may
        app.post(ACTION + "publicdata_dataset_suspend", json={"id": dataset["id"], "reason": "泄露风险"},
                 headers=headers("county_admin"))
        assert Suspension.in_force_for(dataset["id"]) is not None

    def test_bad_input_is_refused_in_both_languages(self, app, world):
        dataset = world["dataset"]
        missing = app.post(ACTION + "publicdata_dataset_suspend", json={"id": dataset["id"], "reason": "  "},
                           headers=headers("provider_editor"), status=409).json["error"]
        assert bilingual(missing["reason"][0])
        app.post(ACTION + "publicdata_dataset_suspend", json={"id": "no-such-dataset", "reason": "x"},
                 headers=headers("provider_editor"), status=404)
        app.post(ACTION + "publicdata_dataset_suspend", json={"id": dataset["id"], "reason": "泄露"},
                 headers=headers("provider_editor"))
        twice = app.post(ACTION + "publicdata_dataset_suspend", json={"id": dataset["id"], "reason": "再次"},
                         headers=headers("provider_editor"), status=409).json["error"]
        assert bilingual(twice["id"][0])
        assert len(Suspension.history_of(dataset["id"])) == 1
        wrong = app.post(ACTION + "publicdata_dataset_suspension_lift",
                         json={"id": dataset["id"], "outcome": "forgotten"},
                         headers=headers("provider_editor"), status=409).json["error"]
        assert bilingual(wrong["outcome"][0])
        assert Suspension.in_force_for(dataset["id"]) is not None


class TestOutcomes:
    def _suspend(self, app, dataset, user="provider_editor"):
        app.post(ACTION + "publicdata_dataset_suspend", json={"id": dataset["id"], "reason": "含个人信息"},
                 headers=headers(user))

    def test_restore_reopens(self, app, world):
        dataset = world["dataset"]
        self._suspend(app, dataset)
        lifted = app.post(ACTION + "publicdata_dataset_suspension_lift",
                          json={"id": dataset["id"], "outcome": "restored", "note": "核实无个人信息"},
                          headers=headers("provider_editor")).json["result"]
        assert lifted["outcome"] == "restored" and lifted["in_force"] is False
        shown = app.get(ACTION + "package_show", params={"id": dataset["id"]}).json["result"]
        assert shown["suspension"] is None
        assert app.get(ACTION + "package_search", params={"fq": "suspended:true"}).json["result"]["count"] == 0
        assert app.get(ACTION + "package_search", params={"q": "企业登记"}).json["result"]["count"] == 1

    def test_reprocess_needs_a_new_resource_version_and_records_it(self, app, world):
        dataset = world["dataset"]
        self._suspend(app, dataset)
        refused = app.post(ACTION + "publicdata_dataset_suspension_lift",
                           json={"id": dataset["id"], "outcome": "reprocessed"},
                           headers=headers("provider_editor"), status=409).json["error"]
        assert bilingual(refused["outcome"][0])
        resource_id = dataset["resources"][0]["id"]
        app.post(ACTION + "resource_patch",
                 json={"id": resource_id, "url": "http://data.example.org/enterprises-v2-desensitised.csv"},
                 headers=headers("provider_editor"))
        lifted = app.post(ACTION + "publicdata_dataset_suspension_lift",
                          json={"id": dataset["id"], "outcome": "reprocessed", "note": "已脱敏"},
                          headers=headers("provider_editor")).json["result"]
        assert lifted["outcome"] == "reprocessed"
        changed = lifted["changed_resources"]
        assert [change["id"] for change in changed] == [resource_id]
        assert changed[0]["url"].endswith("enterprises-v2-desensitised.csv")
        assert app.get(ACTION + "package_show", params={"id": dataset["id"]}).json["result"]["suspension"] is None

    def test_withdraw_takes_the_dataset_out_of_the_public_catalog(self, app, world):
        dataset = world["dataset"]
        self._suspend(app, dataset, user="city_admin")
        app.post(ACTION + "publicdata_dataset_suspension_lift",
                 json={"id": dataset["id"], "outcome": "withdrawn"}, headers=headers("city_admin"))
        app.get(ACTION + "package_show", params={"id": dataset["id"]}, status=403)
        assert app.get(ACTION + "package_search", params={"q": "企业登记"}).json["result"]["count"] == 0
        # the provider keeps it
        kept = app.get(ACTION + "package_show", params={"id": dataset["id"]},
                       headers=headers("provider_editor")).json["result"]
        assert kept["private"] is True

    def test_a_lifted_dataset_can_be_suspended_again(self, app, world):
        dataset = world["dataset"]
        self._suspend(app, dataset)
        app.post(ACTION + "publicdata_dataset_suspension_lift", json={"id": dataset["id"], "outcome": "restored"},
                 headers=headers("provider_editor"))
        self._suspend(app, dataset)
        history = app.get(ACTION + "publicdata_dataset_suspension_show", params={"id": dataset["id"]},
                          headers=headers("provider_editor")).json["result"]["history"]
        assert [row["in_force"] for row in history] == [True, False]


class TestComplaintSide:
    def test_complainant_is_told_of_the_suspension_and_the_outcome(self, world):
        dataset = world["dataset"]
        complainant = world["users"]["complainant"]
        ticket = _rights_complaint(dataset, complainant["id"])
        editor_id = world["users"]["provider_editor"]["id"]
        suspensions.suspend_dataset(dataset["id"], ticket.id, editor_id, "")
        model.Session.commit()
        suspension = Suspension.in_force_for(dataset["id"])
        assert suspension.cause == "rights_complaint" and suspension.ticket_id == ticket.id
        assert ticket.reference is None or ticket.reference in suspension.reason or ticket.id in suspension.reason
        suspensions.lift_suspension(dataset["id"], ticket.id, editor_id, "restored", note="经核实不含个人信息")
        model.Session.commit()
        kinds = [row.kind for row in model.Session.query(Notification)
                 .filter(Notification.user_id == complainant["id"]).order_by(Notification.created)]
        assert kinds == ["feedback_suspension_started", "feedback_suspension_outcome"]
        outcome = (model.Session.query(Notification)
                   .filter(Notification.user_id == complainant["id"],
                           Notification.kind == "feedback_suspension_outcome").one())
        assert "经核实不含个人信息" in outcome.body

    def test_a_suspension_is_lifted_only_by_its_own_ticket(self, world):
        dataset = world["dataset"]
        complainant_id = world["users"]["complainant"]["id"]
        first = _rights_complaint(dataset, complainant_id)
        second = _rights_complaint(dataset, complainant_id)
        editor_id = world["users"]["provider_editor"]["id"]
        suspensions.suspend_dataset(dataset["id"], first.id, editor_id, "申诉")
        with pytest.raises(tk.ValidationError) as error:
            suspensions.lift_suspension(dataset["id"], second.id, editor_id, "restored")
        assert bilingual(error.value.error_dict["ticket_id"][0])
        assert Suspension.in_force_for(dataset["id"]).ticket_id == first.id


class TestVisibility:
    def test_public_show_hides_the_reason_provider_sees_it(self, app, world):
        dataset = world["dataset"]
        app.post(ACTION + "publicdata_dataset_suspend", json={"id": dataset["id"], "reason": "第 12 行身份证号"},
                 headers=headers("provider_editor"))
        public = app.get(ACTION + "publicdata_dataset_suspension_show", params={"id": dataset["id"]}).json["result"]
        assert public["suspended"] is True
        assert "reason" not in public["suspension"] and "history" not in public
        assert "suspended_by" not in public["suspension"]
        staff = app.get(ACTION + "publicdata_dataset_suspension_show", params={"id": dataset["id"]},
                        headers=headers("city_admin")).json["result"]
        assert staff["suspension"]["reason"] == "第 12 行身份证号"
        assert staff["suspension"]["suspended_by"] == "provider_editor"

    def test_steps_are_audited_and_recipients_traced_for_the_handlers(self, app, world):
        from ckanext.publicdata.access import audit

        dataset = world["dataset"]
        holder = world["users"]["outsider"]
        # a granted download recorded earlier by the access enforcement
        audit.record("download", user_id=holder["id"], package_id=dataset["id"],
                     resource_id=dataset["resources"][0]["id"], bytes=2048, detail={"channel": "download"})
        model.Session.commit()
        app.post(ACTION + "publicdata_dataset_suspend", json={"id": dataset["id"], "reason": "泄露"},
                 headers=headers("provider_editor"))
        staff = app.get(ACTION + "publicdata_dataset_suspension_show", params={"id": dataset["id"]},
                        headers=headers("provider_editor")).json["result"]
        assert [(row["user"], row["downloads"], row["bytes"]) for row in staff["data_recipients"]] == [
            ("outsider", 1, 2048)]
        public = app.get(ACTION + "publicdata_dataset_suspension_show", params={"id": dataset["id"]}).json["result"]
        assert "data_recipients" not in public
        events = [row.event for row in audit.query_events(package_ids=[dataset["id"]])]
        assert events == ["download", "dataset_suspended"]
        assert audit.verify().ok

    def test_list_shows_each_handler_their_own(self, app, world):
        mine = world["dataset"]
        theirs = open_dataset("other_editor", world["orgs"]["other"]["id"], title="公交线路")
        for dataset, user in ((mine, "provider_editor"), (theirs, "other_editor")):
            app.post(ACTION + "publicdata_dataset_suspend", json={"id": dataset["id"], "reason": "核查"},
                     headers=headers(user))

        def listed(user):
            result = app.get(ACTION + "publicdata_dataset_suspension_list", headers=headers(user)).json["result"]
            return {row["package_id"] for row in result["results"]}

        assert listed("provider_editor") == {mine["id"]}
        assert listed("county_admin") == {mine["id"]}
        assert listed("city_admin") == {mine["id"], theirs["id"]}
        app.get(ACTION + "publicdata_dataset_suspension_list", headers=headers("outsider"), status=403)


class TestTicketWiring:
    """The one-click suspend and the outcomes go through the rights complaint's transitions (tickets helper)."""

    def _complaint(self, app, dataset) -> dict:
        return app.post(ACTION + "publicdata_feedback_ticket_create", json={
            "kind": "rights_complaint", "package_id": dataset["id"], "title": "数据含有本人身份证号",
            "body": "第 12 行是我的身份证号", "right_type": "privacy", "evidence": "身份证复印件已附"},
            headers=headers("complainant")).json["result"]

    def _transition(self, app, ticket_id, action, user="provider_editor", status=200, **extra):
        return app.post(ACTION + "publicdata_feedback_ticket_transition",
                        json={"id": ticket_id, "action": action, **extra}, headers=headers(user), status=status)

    def test_suspend_and_restore_through_the_ticket(self, app, world):
        dataset = world["dataset"]
        ticket = self._complaint(app, dataset)
        self._transition(app, ticket["id"], "suspend", note="初步核实属实，立即中止开放")
        shown = app.get(ACTION + "package_show", params={"id": dataset["id"]}).json["result"]
        assert shown["suspension"]["cause"] == "rights_complaint"
        assert shown["resources"][0]["access_denial"] == "suspended"
        suspension = Suspension.in_force_for(dataset["id"])
        assert suspension.ticket_id == ticket["id"]
        self._transition(app, ticket["id"], "restore", response="经核实为他人同名信息，恢复开放")
        assert Suspension.in_force_for(dataset["id"]) is None
        model.Session.expire_all()
        assert Suspension.get(suspension.id).outcome == "restored"
        outcome_notes = (model.Session.query(Notification)
                         .filter(Notification.user_id == world["users"]["complainant"]["id"],
                                 Notification.kind == "feedback_suspension_outcome").all())
        assert len(outcome_notes) == 1 and "恢复开放" in outcome_notes[0].body

    def test_suspend_action_with_a_ticket_moves_the_ticket(self, app, world):
        dataset = world["dataset"]
        ticket = self._complaint(app, dataset)
        app.post(ACTION + "publicdata_dataset_suspend",
                 json={"id": dataset["id"], "reason": "初步核实属实", "ticket_id": ticket["id"]},
                 headers=headers("city_admin"))
        shown = app.get(ACTION + "publicdata_feedback_ticket_show", params={"id": ticket["id"]},
                        headers=headers("provider_editor")).json["result"]
        assert shown["status"] == "suspended"
        # lifting through the suspension action closes the ticket with the same outcome
        app.post(ACTION + "publicdata_dataset_suspension_lift",
                 json={"id": dataset["id"], "outcome": "withdrawn", "note": "确含个人信息，撤回数据"},
                 headers=headers("provider_editor"))
        shown = app.get(ACTION + "publicdata_feedback_ticket_show", params={"id": ticket["id"]},
                        headers=headers("provider_editor")).json["result"]
        assert (shown["status"], shown["outcome"]) == ("closed", "withdrawn")
        assert Suspension.in_force_for(dataset["id"]) is None

    def test_reprocess_without_a_new_version_stores_nothing(self, app, world):
        dataset = world["dataset"]
        ticket = self._complaint(app, dataset)
        self._transition(app, ticket["id"], "suspend", note="核实中")
        refused = self._transition(app, ticket["id"], "reprocess", response="已脱敏", status=409).json["error"]
        assert bilingual(refused["outcome"][0])
        shown = app.get(ACTION + "publicdata_feedback_ticket_show", params={"id": ticket["id"]},
                        headers=headers("provider_editor")).json["result"]
        assert shown["status"] == "suspended"  # nothing half-stored
        assert Suspension.in_force_for(dataset["id"]) is not None
        app.post(ACTION + "resource_create", json={"package_id": dataset["id"], "name": "脱敏后数据",
                                                   "url": "http://data.example.org/enterprises-v2.csv"},
                 headers=headers("provider_editor"))
        self._transition(app, ticket["id"], "reprocess", response="已脱敏后重新开放")
        model.Session.expire_all()
        lifted = Suspension.history_of(dataset["id"])[0]
        assert lifted.outcome == "reprocessed"
        assert [change["change"] for change in lifted.resources_changed()] == ["created"]

    def test_a_complaint_about_another_dataset_cannot_suspend_this_one(self, app, world):
        dataset = world["dataset"]
        other = open_dataset("provider_editor", world["orgs"]["agency"]["id"], title="个体工商户名录")
        ticket = self._complaint(app, other)
        error = app.post(ACTION + "publicdata_dataset_suspend",
                         json={"id": dataset["id"], "reason": "x", "ticket_id": ticket["id"]},
                         headers=headers("provider_editor"), status=409).json["error"]
        assert bilingual(error["ticket_id"][0])
        assert Suspension.in_force_for(dataset["id"]) is None


class TestCommand:
    def test_list_command(self, cli, world):
        from ckan.cli.cli import ckan

        dataset = world["dataset"]
        suspensions.suspend_dataset(dataset["id"], None, world["users"]["city_admin"]["id"], "泄露风险")
        model.Session.commit()
        result = cli.invoke(ckan, ["feedback-suspensions", "list"])
        assert result.exit_code == 0, result.output
        assert dataset["name"] in result.output and "security" in result.output
        suspensions.lift_suspension(dataset["id"], None, world["users"]["city_admin"]["id"], "restored")
        model.Session.commit()
        assert dataset["name"] not in cli.invoke(ckan, ["feedback-suspensions", "list"]).output
        every = cli.invoke(ckan, ["feedback-suspensions", "list", "--all"]).output
        assert dataset["name"] in every and "restored" in every
