"""Use agreements (ACC-6, ACC-7; SU 21): templates per provider with a city default holding every SU 21 clause,
versioned; the approved purpose, scope, period, applicant and dataset filled in; electronic signature (name,
consent, time, IP, SHA-256 of the exact text); immutable once signed; downloadable; the authority notified."""
from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.publicdata.access import agreements
from ckanext.publicdata.access.model.agreement import UseAgreement

from tests.access import workflow_setup as setup
from tests.access.workflow_setup import purge_audit_log  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("purge_audit_log", "with_plugins", "clean_db")

SU_21_CLAUSES = ("用途", "使用范围", "使用方式", "后续服务和反馈要求", "禁止条款", "信用承诺", "违约责任", "争议解决方式")


def _call(action: str, actor: str, **data):
    return helpers.call_action(action, context={"user": actor, "ignore_auth": False}, **data)


@pytest.fixture
def world():
    built = setup.hierarchy()
    built["dataset"] = setup.conditional_dataset(built["orgs"]["agency"]["id"])
    setup.verify("applicant", legal_name="王五")
    return built


def _approved(world, **decision):
    request = _call("publicdata_access_request_create", "applicant", submit=True,
                    **setup.application_fields(world["dataset"]["id"]))
    _call("publicdata_access_request_review", "city_admin", id=request["id"], outcome="accept")
    return _call("publicdata_access_request_decide", "provider_admin", id=request["id"], outcome="approve",
                 **decision)


def _org_template(**overrides):
    body = "".join(f"第{index}条 {clause}\n内容。\n" for index, clause in enumerate(SU_21_CLAUSES, 1))
    data = {"title": "市场监管局数据利用协议", "body": body + "乙方：${applicant_name}；数据：${dataset_title}；"
            "用途：${purpose}；期限：${period_start} 至 ${period_end}"}
    data.update(overrides)
    return data


def test_the_city_default_has_every_su21_clause():
    assert all(clause in agreements.DEFAULT_BODY for clause in SU_21_CLAUSES)
    assert agreements.template_errors(agreements.DEFAULT_TITLE, agreements.DEFAULT_BODY) == {}


def test_the_agreement_is_filled_in_with_the_approved_terms(world):
    approved = _approved(world, purpose="合作方经营异常预警", scope="仅限乙方供应链管理部门内部使用")
    agreement = approved["agreement"]
    text = agreement["text"]
    for expected in ("合作方经营异常预警", "仅限乙方供应链管理部门内部使用", approved["period_start"],
                     approved["period_end"], "王五", world["dataset"]["title"], world["dataset"]["identifier"],
                     "滨城区市场监督管理局", agreement["number"]):
        assert expected in text
    assert "${" not in text
    assert agreement["text_sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert agreement["template_version"] == 0  # the built-in city default


def test_signing_records_name_consent_time_ip_and_hash_and_opens_access(world):
    agreement = _approved(world)["agreement"]
    signed = helpers.call_action("publicdata_use_agreement_sign",
                                 context={"user": "applicant", "ignore_auth": False, "client_ip": "203.0.113.7"},
                                 id=agreement["id"], signer_name="王五", consent="true",
                                 text_sha256=agreement["text_sha256"].upper())
    assert (signed["status"], signed["signer_name"], signed["consent"], signed["signed_ip"]) == (
        "signed", "王五", True, "203.0.113.7")
    assert signed["signed_at"] and signed["text_sha256"] == agreement["text_sha256"]
    with pytest.raises(tk.ValidationError):  # twice is refused
        _call("publicdata_use_agreement_sign", "applicant", id=agreement["id"], signer_name="王五", consent=True,
              text_sha256=agreement["text_sha256"])


@pytest.mark.parametrize("changes, field", [
    ({"consent": ""}, "consent"),
    ({"signer_name": ""}, "signer_name"),
    ({"text_sha256": "0" * 64}, "text_sha256"),
])
def test_signing_needs_consent_a_name_and_the_hash_of_the_text_seen(world, changes, field):
    agreement = _approved(world)["agreement"]
    data = {"id": agreement["id"], "signer_name": "王五", "consent": True, "text_sha256": agreement["text_sha256"]}
    data.update(changes)
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_use_agreement_sign", "applicant", **data)
    assert field in error.value.error_dict
    assert model.Session.get(UseAgreement, agreement["id"]).status == "pending"


def test_a_signed_agreement_cannot_be_changed_even_in_the_database(world):
    agreement = _approved(world)["agreement"]
    _call("publicdata_use_agreement_sign", "applicant", id=agreement["id"], signer_name="王五", consent=True,
          text_sha256=agreement["text_sha256"])
    with pytest.raises(sa.exc.DBAPIError):
        model.Session.execute(sa.text("update publicdata_access_agreement set text = 'changed' where id = :id"),
                              {"id": agreement["id"]})
    model.Session.rollback()
    assert model.Session.get(UseAgreement, agreement["id"]).text == agreement["text"]


def test_provider_templates_are_versioned_and_used_for_their_datasets(world):
    org = world["orgs"]["agency"]["name"]
    first = _call("publicdata_use_agreement_template_create", "provider_admin", owner_org=org, **_org_template())
    second = _call("publicdata_use_agreement_template_create", "provider_admin", owner_org=org,
                   **_org_template(title="市场监管局数据利用协议（2027版）"), change_note="更新标题")
    assert (first["version"], second["version"]) == (1, 2)
    versions = _call("publicdata_use_agreement_template_list", "stranger", owner_org=org)
    assert [item["version"] for item in versions] == [2, 1]
    agreement = _approved(world, purpose="经营异常预警")["agreement"]
    assert agreement["template_version"] == 2 and agreement["title"] == "市场监管局数据利用协议（2027版）"
    assert "用途：经营异常预警" in agreement["text"] and "乙方：王五" in agreement["text"]


def test_templates_lacking_a_clause_or_with_unknown_placeholders_are_refused(world):
    org = world["orgs"]["agency"]["name"]
    body = _org_template()["body"].replace("争议解决方式", "其他")
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_use_agreement_template_create", "provider_admin", owner_org=org, title="t", body=body)
    assert "争议解决方式" in error.value.error_dict["body"][0]
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_use_agreement_template_create", "provider_admin", owner_org=org,
              **_org_template(body=_org_template()["body"] + "${bank_account}"))
    assert "bank_account" in error.value.error_dict["body"][0]


def test_who_maintains_templates(world):
    org = world["orgs"]["agency"]["name"]
    with pytest.raises(tk.NotAuthorized):
        _call("publicdata_use_agreement_template_create", "provider_editor", owner_org=org, **_org_template())
    with pytest.raises(tk.NotAuthorized):
        _call("publicdata_use_agreement_template_create", "provider_admin", **_org_template())  # the city's
    city = _call("publicdata_use_agreement_template_create", "city_admin", **_org_template(title="滨州市协议"))
    assert city["scope"] == "city" and city["version"] == 1
    assert _call("publicdata_use_agreement_template_show", "stranger")["title"] == "滨州市协议"


def test_only_the_parties_see_the_agreement(world):
    agreement = _approved(world)["agreement"]
    for party in ("applicant", "provider_editor", "city_admin"):
        assert _call("publicdata_use_agreement_show", party, id=agreement["id"])["number"] == agreement["number"]
    with pytest.raises(tk.NotAuthorized):
        _call("publicdata_use_agreement_show", "other_editor", id=agreement["id"])


def test_the_signed_agreement_downloads_with_its_signature_record(world, app):
    approved = _approved(world)
    agreement = approved["agreement"]
    _call("publicdata_use_agreement_sign", "applicant", id=agreement["id"], signer_name="王五", consent=True,
          text_sha256=agreement["text_sha256"])
    url = tk.url_for("publicdata_access.agreement_download", id=approved["id"])
    response = app.get(url, headers=setup.api_headers("applicant"))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    text, record = body.split("\n\n" + "-" * 24, 1)
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == agreement["text_sha256"]
    assert "王五" in record and agreement["text_sha256"] in record
    assert app.get(url, headers=setup.api_headers("other_editor")).status_code == 403
