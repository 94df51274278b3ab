"""Builders for the ticket, deadline, demand, rate-limit and API tests (not fixtures, so other modules in
tests/feedback are unaffected)."""
from __future__ import annotations

import itertools
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

AUTHORITY = "city-big-data-bureau"  # ckanext.publicdata.authority_organization in config/ckan.ini
_numbers = itertools.count(1)


def bilingual(message: Any) -> bool:
    text = str(message)
    return " / " in text and any("\u4e00" <= char <= "\u9fff" for char in text)


def first_error(error: tk.ValidationError) -> str:
    return " ".join(str(message) for messages in error.error_dict.values()
                    for message in (messages if isinstance(messages, list) else [messages]))


def headers(user_name: str) -> dict[str, str]:
    return {"Authorization": factories.APIToken(user=user_name)["token"]}


def world() -> dict[str, Any]:
    """The city authority, a county bureau, two agencies with their staff, a citizen and an outsider, and one
    open dataset per agency."""
    users = {name: factories.User(name=name, email=f"{name}@example.org") for name in (
        "city_admin", "county_admin", "provider_editor", "provider_admin", "other_editor", "citizen",
        "outsider")}
    users["sysadmin"] = factories.Sysadmin(name="fb_sysadmin")
    orgs = {
        "city": factories.Organization(name=AUTHORITY, title="滨州市大数据局", level="city",
                                       users=[{"name": "city_admin", "capacity": "admin"}]),
        "county": factories.Organization(
            name="bincheng-data-bureau", title="滨城区大数据中心", level="county", parent_authority=AUTHORITY,
            users=[{"name": "county_admin", "capacity": "admin"}]),
    }
    orgs["agency"] = factories.Organization(
        name="bincheng-market", title="滨城区市场监督管理局", level="county", parent_authority="bincheng-data-bureau",
        users=[{"name": "provider_editor", "capacity": "editor"}, {"name": "provider_admin", "capacity": "admin"}])
    orgs["other"] = factories.Organization(
        name="city-transport", title="滨州市交通运输局", level="city", parent_authority=AUTHORITY,
        users=[{"name": "other_editor", "capacity": "editor"}])
    datasets = {
        "market": open_dataset("fb_sysadmin", orgs["agency"]["id"], "企业登记信息"),
        "transport": open_dataset("fb_sysadmin", orgs["other"]["id"], "公交线路信息"),
    }
    return {"users": users, "orgs": orgs, "datasets": datasets}


def open_dataset(user_name: str, owner_org: str, title: str, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": title,
        "identifier": f"37160000-0009-2026-{next(_numbers):06d}",
        "owner_org": owner_org,
        "open_attribute": "unconditional",
        "notes": f"{title}摘要",
        "theme": "economy",
        "update_frequency": "monthly",
        "open_method": ["download"],
        "resources": [{"name": f"{title}.csv", "url": "http://data.example.org/v1.csv", "format": "CSV"}],
    }
    data.update(fields)
    return tk.get_action("package_create")({"user": user_name}, data)


def call(action_name: str, user: str | None, **data: Any) -> Any:
    """Call an action as ``user`` (None: the anonymous public)."""
    context: dict[str, Any] = {"user": user or "", "ignore_auth": False}
    return tk.get_action(action_name)(context, data)


def file(user: str | None, kind: str, **data: Any) -> dict[str, Any]:
    data.setdefault("title", "标题")
    data.setdefault("body", "内容")
    return call("publicdata_feedback_ticket_create", user, kind=kind, **data)


def step(user: str, ticket_id: str, action: str, **data: Any) -> dict[str, Any]:
    return call("publicdata_feedback_ticket_transition", user, id=ticket_id, action=action, **data)


def notifications_of(user_name: str, ticket_id: str) -> list[Any]:
    from ckanext.publicdata.notifications.model import Notification

    user = model.User.get(user_name)
    return (model.Session.query(Notification)
            .filter(Notification.user_id == user.id, Notification.object_id == ticket_id).all())
