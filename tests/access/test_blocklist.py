"""The credit blocklist (ACC-2; BZ-R 14 (二)): CSV import, add, remove, list — authority only — and a listed
applicant is refused with the reason; the list is pluggable (ICreditBlocklist)."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.publicdata.access.interfaces import ICreditBlocklist
from ckanext.publicdata.access.model.blocklist import BlocklistEntry

from tests.access import workflow_setup as setup
from tests.access.workflow_setup import purge_audit_log  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("purge_audit_log", "with_plugins", "clean_db")


def _call(action: str, actor: str, **data):
    return helpers.call_action(action, context={"user": actor, "ignore_auth": False}, **data)


@pytest.fixture
def world():
    built = setup.hierarchy()
    built["dataset"] = setup.conditional_dataset(built["orgs"]["agency"]["id"])
    return built


def test_csv_import_with_chinese_headers_then_a_listed_applicant_is_refused_with_the_reason(world):
    setup.verify("applicant")
    csv_text = ("证件号码,名称,名单类型,原因,来源,列入日期\n"
                f"{setup.id_number()},张三,失信被执行人,拒不履行（2025）鲁1602执123号判决,信用中国,2025-06-01\n"
                f"{setup.credit_code()},滨州某某公司,严重违法失信名单,虚假申报,市场监管局,\n")
    result = _call("publicdata_credit_blocklist_import", "city_admin", csv=csv_text)
    assert result == {"imported": 2, "total": 2}
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_access_request_create", "applicant", **setup.application_fields(world["dataset"]["id"]))
    message = error.value.error_dict["identity"][0]
    assert "失信被执行人" in message and "拒不履行" in message and "dishonest" in message


def test_a_bad_line_rejects_the_whole_file(world):
    csv_text = ("identity_number,name,list_type,reason\n"
                f"{setup.id_number()},张三,dishonest_person,a\n"
                "371602199001011239X,李四,dishonest_person,b\n")
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_credit_blocklist_import", "city_admin", csv=csv_text)
    assert "line 3" in error.value.error_dict["upload"][0]
    assert model.Session.query(BlocklistEntry).count() == 0


def test_listing_after_submission_stops_signing(world):
    setup.verify("applicant")
    request = _call("publicdata_access_request_create", "applicant", submit=True,
                    **setup.application_fields(world["dataset"]["id"]))
    _call("publicdata_access_request_review", "city_admin", id=request["id"], outcome="accept")
    approved = _call("publicdata_access_request_decide", "provider_admin", id=request["id"], outcome="approve")
    _call("publicdata_credit_blocklist_add", "city_admin", identity_number=setup.id_number(),
          list_type="serious_violation", reason="严重违法")
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_use_agreement_sign", "applicant", id=approved["agreement"]["id"], signer_name="张三",
              consent=True, text_sha256=approved["agreement"]["text_sha256"])
    assert "严重违法" in error.value.error_dict["identity"][0]


def test_add_list_remove_and_only_the_city_authority_edits(world):
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_credit_blocklist_add", "city_admin", identity_number="123", reason="x")
    assert "identity_number" in error.value.error_dict
    for outsider in ("county_admin", "provider_admin", "applicant"):
        with pytest.raises(tk.NotAuthorized):
            _call("publicdata_credit_blocklist_add", outsider, identity_number=setup.id_number(), reason="x")
    entry = _call("publicdata_credit_blocklist_add", "city_admin", identity_number=setup.id_number(), name="张三",
                  reason="失信")
    listed = _call("publicdata_credit_blocklist_list", "city_admin", q="张")
    assert [item["id"] for item in listed["results"]] == [entry["id"]]
    with pytest.raises(tk.ValidationError):
        _call("publicdata_credit_blocklist_remove", "city_admin", id=entry["id"])  # a reason is required
    _call("publicdata_credit_blocklist_remove", "city_admin", id=entry["id"], reason="信用修复")
    assert _call("publicdata_credit_blocklist_list", "city_admin")["count"] == 0


class _ExternalCreditList(p.SingletonPlugin):
    p.implements(ICreditBlocklist)

    def credit_blocklist_hit(self, identity_number, applicant_type):
        if identity_number == setup.id_number():
            return {"list_type": "dishonest_person", "reason": "省信用平台记录", "source": "province"}
        return None


def test_a_pluggable_credit_list_refuses_too(world, monkeypatch):
    import ckan.plugins.core as core

    setup.verify("applicant")
    monkeypatch.setitem(core._PLUGINS_SERVICE, "acc_test_credit", _ExternalCreditList(name="acc_test_credit"))
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_access_request_create", "applicant", **setup.application_fields(world["dataset"]["id"]))
    assert "省信用平台记录" in error.value.error_dict["identity"][0]
