"""The application workflow (ACC-4, ACC-5, ACC-6): every transition, who may make it, its record and notices."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.publicdata.access import grants
from ckanext.publicdata.access.model.application import AccessRequest, AccessRequestEvent
from ckanext.publicdata.notifications.model import Notification

from tests.access import workflow_setup as setup
from tests.access.workflow_setup import purge_audit_log  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("purge_audit_log", "with_plugins", "clean_db")


def _call(action: str, actor: str, **data):
    return helpers.call_action(action, context={"user": actor, "ignore_auth": False}, **data)


def _notified(user_name: str, kind: str) -> list[Notification]:
    user = model.User.get(user_name)
    return model.Session.query(Notification).filter(Notification.user_id == user.id,
                                                     Notification.kind == kind).all()


@pytest.fixture
def world():
    built = setup.hierarchy()
    built["dataset"] = setup.conditional_dataset(built["orgs"]["agency"]["id"])
    setup.verify("applicant")
    return built


def _submitted(world, **fields):
    return _call("publicdata_access_request_create", "applicant", submit=True,
                 **setup.application_fields(world["dataset"]["id"], **fields))


def test_full_path_submit_accept_approve_sign_opens_access(world):
    request = _submitted(world)
    assert request["status"] == "submitted"
    assert request["formal_due"] and request["due"] == request["formal_due"]
    # the county bureau reviews its county's agency (ROLE-1); the city authority would be allowed too
    request = _call("publicdata_access_request_review", "county_admin", id=request["id"], outcome="accept")
    assert request["status"] == "provider_review" and request["provider_due"]
    request = _call("publicdata_access_request_decide", "provider_editor", id=request["id"], outcome="approve",
                    purpose="供应链合作方经营异常预警")
    assert request["status"] == "approved"
    agreement = request["agreement"]
    assert agreement["status"] == "pending" and "供应链合作方经营异常预警" in agreement["text"]
    signed = _call("publicdata_use_agreement_sign", "applicant", id=agreement["id"], signer_name="张三",
                   consent=True, text_sha256=agreement["text_sha256"])
    assert signed["status"] == "signed" and signed["signer_name"] == "张三" and signed["signed_at"]
    shown = _call("publicdata_access_request_show", "applicant", id=request["id"])
    assert shown["status"] == "active"
    assert shown["grant"]["expires_on"] == shown["period_end"]
    applicant = model.User.get("applicant")
    grant = grants.active_grant(applicant.id, world["dataset"]["id"], on=grants.local_today()
                                .fromisoformat(shown["period_start"]))
    assert grant is not None and grant.access_request_id == request["id"]
    actions = [event["action"] for event in shown["events"]]
    assert actions == ["create", "submit", "accept", "approve", "sign"]
    assert [event["actor_name"] for event in shown["events"]] == [
        "applicant", "applicant", "county_admin", "provider_editor", "applicant"]
    # every decision is in the access audit log (ACC-10), with who made it
    from ckanext.publicdata.access.model.audit import AuditEvent

    logged = [(row.event, row.user_id) for row in model.Session.query(AuditEvent)
              .filter(AuditEvent.object_id == request["id"]).order_by(AuditEvent.seq)]
    users = {name: model.User.get(name).id for name in ("applicant", "county_admin", "provider_editor")}
    assert logged == [("application_submitted", users["applicant"]), ("application_accepted", users["county_admin"]),
                      ("application_approved", users["provider_editor"]), ("agreement_signed", users["applicant"])]
    # the authority is told the agreement is signed (ACC-6: 告知本级主管部门), and so is the provider
    assert _notified("city_admin", "access_agreement_signed")
    assert _notified("county_admin", "access_agreement_signed")
    assert _notified("provider_admin", "access_agreement_signed")


def test_return_lists_every_reason_and_the_applicant_amends_and_resubmits(world):
    request = _submitted(world)
    reasons = ["应用场景描述不具体", "缺少数据安全管理制度材料"]
    returned = _call("publicdata_access_request_review", "city_admin", id=request["id"], outcome="return",
                     reasons=reasons)
    assert returned["status"] == "returned" and returned["return_reasons"] == reasons
    notice = _notified("applicant", "access_request_returned")
    assert notice and all(reason in notice[0].body for reason in reasons)
    amended = _call("publicdata_access_request_update", "applicant", id=request["id"],
                    scenario="在本公司供应链管理系统内，对 300 家合作企业按月进行经营异常预警")
    assert amended["status"] == "returned" and "300" in amended["scenario"]
    resubmitted = _call("publicdata_access_request_submit", "applicant", id=request["id"])
    assert resubmitted["status"] == "submitted"
    assert [event["action"] for event in resubmitted["events"]] == ["create", "submit", "return", "submit"]
    assert resubmitted["events"][2]["reasons"] == reasons


def test_return_without_reasons_is_refused_bilingually(world):
    request = _submitted(world)
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_access_request_review", "city_admin", id=request["id"], outcome="return", reasons=[])
    message = error.value.error_dict["reasons"][0]
    assert "理由" in message and "reason" in message
    assert AccessRequest.get(request["id"]).status == "submitted"


def test_refusal_needs_reasons_and_legal_basis_and_is_recorded(world):
    request = _submitted(world)
    _call("publicdata_access_request_review", "city_admin", id=request["id"], outcome="accept")
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_access_request_decide", "provider_admin", id=request["id"], outcome="refuse",
              reasons="数据涉及商业秘密")
    assert "legal_basis" in error.value.error_dict
    assert AccessRequest.get(request["id"]).status == "provider_review"
    refused = _call("publicdata_access_request_decide", "provider_admin", id=request["id"], outcome="refuse",
                    reasons="数据涉及商业秘密", legal_basis="《中华人民共和国反不正当竞争法》第九条")
    assert refused["status"] == "refused"
    assert refused["legal_basis"].startswith("《中华人民共和国反不正当竞争法》")
    assert refused["events"][-1]["reasons"] == ["数据涉及商业秘密"]
    notice = _notified("applicant", "access_request_refused")
    assert notice and "反不正当竞争法" in notice[0].body


@pytest.mark.parametrize("stage", ["draft", "submitted", "returned", "provider_review"])
def test_withdraw_at_any_stage_before_approval(world, stage):
    fields = setup.application_fields(world["dataset"]["id"])
    request = _call("publicdata_access_request_create", "applicant", submit=stage != "draft", **fields)
    if stage == "returned":
        _call("publicdata_access_request_review", "city_admin", id=request["id"], outcome="return", reasons="x")
    if stage == "provider_review":
        _call("publicdata_access_request_review", "city_admin", id=request["id"], outcome="accept")
    withdrawn = _call("publicdata_access_request_withdraw", "applicant", id=request["id"], reason="项目取消")
    assert withdrawn["status"] == "withdrawn"
    assert withdrawn["events"][-1]["from_status"] == stage


def test_withdraw_after_approval_is_refused(world):
    request = _submitted(world)
    _call("publicdata_access_request_review", "city_admin", id=request["id"], outcome="accept")
    _call("publicdata_access_request_decide", "provider_admin", id=request["id"], outcome="approve")
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_access_request_withdraw", "applicant", id=request["id"])
    assert "withdraw" in error.value.error_dict["status"][0]
    assert AccessRequest.get(request["id"]).status == "approved"


def test_transitions_out_of_order_are_refused(world):
    request = _call("publicdata_access_request_create", "applicant",
                    **setup.application_fields(world["dataset"]["id"]))
    with pytest.raises(tk.ValidationError):
        _call("publicdata_access_request_review", "city_admin", id=request["id"], outcome="accept")
    with pytest.raises(tk.ValidationError):
        _call("publicdata_access_request_decide", "provider_admin", id=request["id"], outcome="approve")
    assert AccessRequest.get(request["id"]).status == "draft"
    submitted = _call("publicdata_access_request_submit", "applicant", id=request["id"])
    with pytest.raises(tk.ValidationError):
        _call("publicdata_access_request_decide", "provider_admin", id=submitted["id"], outcome="approve")
    with pytest.raises(tk.ValidationError):
        _call("publicdata_access_request_update", "applicant", id=submitted["id"], title="改个标题")


@pytest.mark.parametrize("action, user, extra", [
    ("publicdata_access_request_review", "applicant", {"outcome": "accept"}),
    ("publicdata_access_request_review", "provider_admin", {"outcome": "accept"}),
    ("publicdata_access_request_review", "stranger", {"outcome": "accept"}),
    ("publicdata_access_request_submit", "stranger", {}),
    ("publicdata_access_request_withdraw", "provider_admin", {}),
    ("publicdata_access_request_show", "stranger", {}),
    ("publicdata_access_request_show", "other_editor", {}),
])
def test_only_the_right_role_acts_at_the_formal_step(world, action, user, extra):
    request = _submitted(world)
    with pytest.raises(tk.NotAuthorized):
        _call(action, user, id=request["id"], **extra)
    assert AccessRequest.get(request["id"]).status == "submitted"


def test_only_the_provider_decides_and_only_the_applicant_signs(world):
    request = _submitted(world)
    _call("publicdata_access_request_review", "city_admin", id=request["id"], outcome="accept")
    for outsider in ("other_editor", "county_admin", "applicant"):
        with pytest.raises(tk.NotAuthorized):
            _call("publicdata_access_request_decide", outsider, id=request["id"], outcome="approve")
    approved = _call("publicdata_access_request_decide", "provider_admin", id=request["id"], outcome="approve")
    agreement = approved["agreement"]
    with pytest.raises(tk.NotAuthorized):
        _call("publicdata_use_agreement_sign", "provider_admin", id=agreement["id"], signer_name="李四",
              consent=True, text_sha256=agreement["text_sha256"])
    assert AccessRequest.get(request["id"]).status == "approved"


def test_every_transition_notifies_the_next_actor(world):
    request = _submitted(world)
    assert _notified("city_admin", "access_request_submitted")
    assert _notified("county_admin", "access_request_submitted")  # the county's agency: its bureau reviews too
    assert not _notified("provider_admin", "access_request_submitted")
    _call("publicdata_access_request_review", "county_admin", id=request["id"], outcome="accept")
    assert _notified("provider_admin", "access_request_to_decide")
    assert _notified("provider_editor", "access_request_to_decide")
    assert _notified("applicant", "access_request_accepted")
    _call("publicdata_access_request_decide", "provider_admin", id=request["id"], outcome="approve")
    assert _notified("applicant", "access_request_approved")


def test_revoked_and_expired_grants_show_in_the_request_status(world):
    request = _submitted(world)
    _call("publicdata_access_request_review", "city_admin", id=request["id"], outcome="accept")
    approved = _call("publicdata_access_request_decide", "provider_admin", id=request["id"], outcome="approve")
    _call("publicdata_use_agreement_sign", "applicant", id=approved["agreement"]["id"], signer_name="张三",
          consent=True, text_sha256=approved["agreement"]["text_sha256"])
    shown = _call("publicdata_access_request_show", "applicant", id=request["id"])
    grants.revoke_grant(shown["grant"]["id"], model.User.get("provider_admin").id, "违反协议第五条", False)
    model.Session.commit()
    assert _call("publicdata_access_request_show", "applicant", id=request["id"])["status"] == "revoked"


def test_events_are_one_row_per_transition(world):
    request = _submitted(world)
    _call("publicdata_access_request_review", "city_admin", id=request["id"], outcome="return", reasons="a\nb")
    rows = (model.Session.query(AccessRequestEvent).filter(AccessRequestEvent.request_id == request["id"])
            .order_by(AccessRequestEvent.sequence).all())
    assert [(row.from_status, row.to_status) for row in rows] == [
        (None, "draft"), ("draft", "submitted"), ("submitted", "returned")]
    assert rows[-1].reasons == ["a", "b"] and rows[-1].actor_id == model.User.get("city_admin").id
