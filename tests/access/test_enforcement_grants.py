"""Grants (ACC-6, ACC-9, ACC-11): the period decides access by itself; revocation by provider or authority with a
reason, an optional public notice and a notification to the holder."""
from __future__ import annotations

import datetime

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.publicdata.access import enforcement, grants
from ckanext.publicdata.access.model.audit import AuditEvent
from ckanext.publicdata.notifications.model import Notification
from tests.access.enforcement_setup import (
    SECRET_API_URL, SECRET_FILE_URL, conditional_catalog, grant, package_show, today)

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false")]


def _bilingual(message: str) -> bool:
    return " / " in message and any("\u4e00" <= char <= "\u9fff" for char in message)


@pytest.fixture
def catalog():
    return conditional_catalog()


def _urls(package: dict) -> list[str]:
    return [resource["url"] for resource in package["resources"]]


def test_active_grant_only_within_its_period(catalog):
    package_id = catalog["conditional"]["id"]
    user_id = model.User.get("applicant").id
    start, end = today() + datetime.timedelta(days=2), today() + datetime.timedelta(days=10)
    grants.grant_access(package_id, user_id, start, end, access_request_id=None, agreement_id=None,
                        created_by="provider_admin")
    model.Session.commit()
    assert grants.active_grant(user_id, package_id) is None  # not started yet
    assert grants.active_grant(user_id, package_id, on=start) is not None
    assert grants.active_grant("applicant", catalog["conditional"]["name"], on=end) is not None  # names work
    assert grants.active_grant(user_id, package_id, on=end + datetime.timedelta(days=1)) is None  # expired


def test_grant_with_bad_period_or_unknown_user_is_refused_bilingually(catalog):
    package_id = catalog["conditional"]["id"]
    with pytest.raises(tk.ValidationError) as error:
        grants.grant_access(package_id, "applicant", today(), today() - datetime.timedelta(days=1),
                            access_request_id=None, agreement_id=None, created_by=None)
    assert _bilingual(error.value.error_dict["expires_on"][0])
    with pytest.raises(tk.ValidationError) as error:
        grants.grant_access(package_id, "nobody-such", today(), today(), access_request_id=None,
                            agreement_id=None, created_by=None)
    assert _bilingual(error.value.error_dict["user_id"][0])
    model.Session.rollback()
    assert grants.active_grant("applicant", package_id) is None


def test_holder_sees_portal_gateway_not_upstream_and_others_see_nothing(catalog):
    package_id = catalog["conditional"]["id"]
    assert _urls(package_show("applicant", package_id)) == ["", ""]
    grant("applicant", package_id)
    held = package_show("applicant", package_id)
    assert all("/api/publicdata/access/resource/" in url for url in _urls(held))
    assert SECRET_FILE_URL not in str(held) and SECRET_API_URL not in str(held)
    assert _urls(package_show("bystander", package_id)) == ["", ""]
    assert _urls(package_show("provider_editor", package_id)) == [SECRET_FILE_URL, SECRET_API_URL]


def test_expired_grant_ends_access_without_any_job(catalog):
    package_id = catalog["conditional"]["id"]
    grant("expired_holder", package_id, starts_on=today() - datetime.timedelta(days=40),
          expires_on=today() - datetime.timedelta(days=1))
    shown = package_show("expired_holder", package_id)
    assert shown["access_denial"] == "conditional"
    assert all(resource["url_hidden"] for resource in shown["resources"])


def test_provider_revokes_with_reason_notice_and_notification(catalog):
    package_id = catalog["conditional"]["id"]
    held = grant("applicant", package_id)
    result = helpers.call_action(
        "publicdata_access_grant_revoke", {"user": "provider_editor", "ignore_auth": False},
        id=held.id, reason="超出协议约定用途使用数据", publish_notice=True)
    assert result["status"] == "revoked" and result["effective_status"] == "revoked"
    enforcement.clear_request_cache()
    assert package_show("applicant", package_id)["access_denial"] == "conditional"
    notices = model.Session.query(Notification).filter_by(
        user_id=model.User.get("applicant").id, kind="access_grant_revoked").all()
    assert len(notices) == 1 and "超出协议约定用途使用数据" in notices[0].body
    events = [row.event for row in model.Session.query(AuditEvent).order_by(AuditEvent.seq)]
    assert events == ["grant_created", "grant_revoked"]
    from ckanext.publicdata.access.enforcement_helpers import publicdata_access_revocation_notices

    assert [notice["reason"] for notice in publicdata_access_revocation_notices(package_id)] == [
        "超出协议约定用途使用数据"]


def test_revocation_needs_reason_and_rights(catalog):
    held = grant("applicant", catalog["conditional"]["id"])
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("publicdata_access_grant_revoke", {"user": "provider_admin", "ignore_auth": False},
                            id=held.id, reason="  ")
    assert _bilingual(error.value.error_dict["reason"][0])
    for outsider in ("other_editor", "applicant", "other_county_admin"):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("publicdata_access_grant_revoke", {"user": outsider, "ignore_auth": False},
                                id=held.id, reason="无")
    # the county bureau the agency answers to is its authority
    helpers.call_action("publicdata_access_grant_revoke", {"user": "county_admin", "ignore_auth": False},
                        id=held.id, reason="违反数据安全承诺")
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("publicdata_access_grant_revoke", {"user": "county_admin", "ignore_auth": False},
                            id=held.id, reason="再次撤销")
    assert _bilingual(error.value.error_dict["id"][0])


def test_grant_list_scopes(catalog):
    package_id = catalog["conditional"]["id"]
    grant("applicant", package_id)
    grant("bystander", package_id, starts_on=today() + datetime.timedelta(days=3),
          expires_on=today() + datetime.timedelta(days=9))

    def listed(user, **params):
        result = helpers.call_action("publicdata_access_grant_list", {"user": user, "ignore_auth": False},
                                     **params)
        return sorted(row["user_name"] for row in result["results"])

    assert listed("applicant") == ["applicant"]
    assert listed("provider_editor") == ["applicant", "bystander"]
    assert listed("city_admin") == ["applicant", "bystander"]
    assert listed("other_editor") == []
    assert listed("provider_editor", status="pending") == ["bystander"]
    assert listed("provider_editor", status="active") == ["applicant"]
    with pytest.raises(tk.ValidationError) as error:
        listed("provider_editor", status="sometimes")
    assert _bilingual(error.value.error_dict["status"][0])
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("publicdata_access_grant_list", {"user": "", "ignore_auth": False})


def test_grant_show_rights(catalog):
    held = grant("applicant", catalog["conditional"]["id"])
    shown = helpers.call_action("publicdata_access_grant_show", {"user": "applicant", "ignore_auth": False},
                                id=held.id)
    assert shown["package_id"] == catalog["conditional"]["id"] and shown["effective_status"] == "active"
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("publicdata_access_grant_show", {"user": "bystander", "ignore_auth": False},
                            id=held.id)
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("publicdata_access_grant_show", {"user": "applicant", "ignore_auth": False},
                            id="no-such-grant")
