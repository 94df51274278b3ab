"""Applicant identity (ACC-2; BZ-R 14 (一)): individual or organization, checksum-validated numbers, pluggable
verification with the authority's check of materials as the built-in verifier."""
from __future__ import annotations

import pytest

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.publicdata.access.interfaces import IIdentityVerifier

from tests.access import workflow_setup as setup
from tests.access.workflow_setup import purge_audit_log  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("purge_audit_log", "with_plugins", "clean_db")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _call(action: str, actor: str, **data):
    return helpers.call_action(action, context={"user": actor, "ignore_auth": False}, **data)


def _bilingual(message: str) -> bool:
    return " / " in message and any("\u4e00" <= char <= "\u9fff" for char in message)


@pytest.fixture
def people():
    return setup.hierarchy()


def test_individual_with_a_valid_id_number_waits_for_the_authority(people):
    identity = _call("publicdata_access_identity_update", "applicant", applicant_type="individual",
                     legal_name="张三", identity_number=setup.id_number().lower())
    assert identity["status"] == "pending"
    assert identity["identity_number"] == setup.id_number().upper()  # normalised
    verified = _call("publicdata_access_identity_verify", "city_admin", user="applicant", status="verified")
    assert verified["status"] == "verified" and verified["verifier"] == "authority"
    assert verified["verified_by"] == people["users"]["city_admin"]["id"]


@pytest.mark.parametrize("applicant_type, number", [
    ("individual", "371602199001011230"),  # wrong check digit (the right one is computed in setup.id_number)
    ("individual", "37160219900231123X"),  # 31 February
    ("organization", "91371600MA3C000010"),  # wrong check character
    ("organization", "123"),
    ("individual", ""),
])
def test_bad_numbers_are_refused_bilingually_and_nothing_is_stored(people, applicant_type, number):
    if number == "371602199001011230" and setup.id_number().endswith("0"):
        number = "371602199001011231"
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_access_identity_update", "applicant", applicant_type=applicant_type, legal_name="张三",
              identity_number=number)
    assert _bilingual(error.value.error_dict["identity_number"][0])
    assert setup.identity_of("applicant") is None


def test_organization_with_a_valid_credit_code_and_materials(people):
    identity = helpers.call_action(
        "publicdata_access_identity_update", context={"user": "applicant", "ignore_auth": False},
        applicant_type="organization", legal_name="滨州某某科技有限公司", identity_number=setup.credit_code(),
        upload=("营业执照.png", PNG))
    assert identity["applicant_type"] == "organization"
    assert identity["materials"][0]["kind"] == "png" and identity["materials"][0]["filename"] == "营业执照.png"


def test_rejection_needs_a_reason_and_only_the_authority_decides(people):
    _call("publicdata_access_identity_update", "applicant", applicant_type="individual", legal_name="张三",
          identity_number=setup.id_number())
    with pytest.raises(tk.ValidationError):
        _call("publicdata_access_identity_verify", "city_admin", user="applicant", status="rejected")
    for outsider in ("provider_admin", "stranger", "applicant"):
        with pytest.raises(tk.NotAuthorized):
            _call("publicdata_access_identity_verify", outsider, user="applicant", status="verified")
    rejected = _call("publicdata_access_identity_verify", "county_admin", user="applicant", status="rejected",
                     note="身份证照片不清晰")
    assert rejected["status"] == "rejected" and rejected["note"] == "身份证照片不清晰"


def test_changing_the_number_resets_verification(people):
    setup.verify("applicant")
    changed = _call("publicdata_access_identity_update", "applicant", applicant_type="individual", legal_name="张三",
                    identity_number=setup.id_number("37160219851212004"))
    assert changed["status"] == "pending"


def test_a_user_sees_only_their_own_identity_the_authority_sees_all(people):
    setup.verify("applicant")
    assert _call("publicdata_access_identity_show", "applicant")["status"] == "verified"
    with pytest.raises(tk.NotAuthorized):
        _call("publicdata_access_identity_show", "stranger", user="applicant")
    assert _call("publicdata_access_identity_show", "city_admin", user="applicant")["legal_name"] == "张三"
    assert _call("publicdata_access_identity_show", "stranger")["status"] == "unverified"


class _TrustingVerifier(p.SingletonPlugin):
    """A city's provincial identity service stand-in: verifies organizations itself, leaves individuals."""

    p.implements(IIdentityVerifier)

    def verify_identity(self, user_name, identity):
        if identity["applicant_type"] == "organization":
            return {"status": "verified", "note": "省统一身份认证通过", "verifier": "provincial"}
        return None


def test_a_pluggable_verifier_decides_and_falls_back_to_the_authority(people, monkeypatch):
    import ckan.plugins.core as core

    monkeypatch.setitem(core._PLUGINS_SERVICE, "acc_test_verifier", _TrustingVerifier(name="acc_test_verifier"))
    organization = _call("publicdata_access_identity_update", "applicant", applicant_type="organization",
                         legal_name="滨州某某科技有限公司", identity_number=setup.credit_code())
    person = _call("publicdata_access_identity_update", "stranger", applicant_type="individual",
                   legal_name="李四", identity_number=setup.id_number())
    assert organization["status"] == "verified" and organization["verifier"] == "provincial"
    assert person["status"] == "pending"
