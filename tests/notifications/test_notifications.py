"""In-site notifications: created for the right users, listed and marked read by their owner only."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.publicdata.notifications import authority_recipients, notify, organization_recipients

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _notify_and_commit(*args, **kwargs):
    created = notify(*args, **kwargs)
    model.Session.commit()
    return created


def test_notify_skips_unknown_and_duplicate_users_and_lists_newest_first():
    user = factories.User()
    _notify_and_commit([user["id"], user["id"], "no-such-user"], "test", "第一条 / first")
    _notify_and_commit([user["id"]], "test", "第二条 / second", body="正文", link="/dataset/x")

    result = helpers.call_action("publicdata_notification_list", context={"user": user["name"]})
    assert result["count"] == 2
    assert result["unread"] == 2
    assert [item["title"] for item in result["results"]] == ["第二条 / second", "第一条 / first"]
    assert result["results"][0]["link"] == "/dataset/x"


def test_a_user_sees_and_marks_only_their_own():
    owner, other = factories.User(), factories.User()
    [mine] = _notify_and_commit([owner["id"]], "test", "mine")
    _notify_and_commit([other["id"]], "test", "theirs")

    # marking someone else's notification by id marks nothing
    marked = helpers.call_action("publicdata_notification_mark_read", context={"user": other["name"]}, ids=[mine.id])
    assert marked == {"marked": 0}
    marked = helpers.call_action("publicdata_notification_mark_read", context={"user": owner["name"]}, ids=[mine.id])
    assert marked == {"marked": 1}

    mine_listed = helpers.call_action("publicdata_notification_list", context={"user": owner["name"]})
    assert mine_listed["unread"] == 0 and mine_listed["count"] == 1
    assert helpers.call_action("publicdata_notification_list", context={"user": other["name"]},
                               unread_only=True)["count"] == 1


def test_mark_read_needs_ids_or_all_with_a_bilingual_error():
    user = factories.User()
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("publicdata_notification_mark_read", context={"user": user["name"]})
    message = error.value.error_dict["ids"][0]
    assert "通知" in message and "notification" in message


def test_anonymous_cannot_list(app):
    response = app.get("/api/3/action/publicdata_notification_list", status=403)
    assert response.json["success"] is False


def test_recipients_of_an_organization_and_of_the_authority():
    admin, editor, member = factories.User(), factories.User(), factories.User()
    organization = factories.Organization(users=[
        {"name": admin["name"], "capacity": "admin"},
        {"name": editor["name"], "capacity": "editor"},
        {"name": member["name"], "capacity": "member"},
    ])
    assert set(organization_recipients(organization["id"])) >= {admin["id"], editor["id"]}
    assert member["id"] not in organization_recipients(organization["id"])
    sysadmin = factories.Sysadmin()
    assert sysadmin["id"] in authority_recipients()
    assert admin["id"] not in authority_recipients()


@pytest.mark.ckan_config("ckanext.publicdata.authority_organization", "city-bureau")
def test_authority_organization_admins_are_authority_recipients():
    bureau_admin = factories.User()
    factories.Organization(name="city-bureau", users=[{"name": bureau_admin["name"], "capacity": "admin"}])
    assert bureau_admin["id"] in authority_recipients()


def test_dashboard_page_lists_and_marks_all_read(app):
    user = factories.User()
    _notify_and_commit([user["id"]], "test", "数据更新提醒 / update reminder", body="请更新")
    token = factories.APIToken(user=user["name"])["token"]
    page = app.get("/dashboard/notifications", headers={"Authorization": token})
    assert "数据更新提醒 / update reminder" in page.body
    app.post("/dashboard/notifications", headers={"Authorization": token}, status=200)
    result = helpers.call_action("publicdata_notification_list", context={"user": user["name"]})
    assert result["unread"] == 0


def test_dashboard_page_needs_login(app):
    app.get("/dashboard/notifications", status=403)
