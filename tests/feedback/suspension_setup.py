"""Builders shared by the suspension, transparency and use-result tests (not fixtures)."""
from __future__ import annotations

import itertools
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.tests import factories

AUTHORITY = "city-big-data-bureau"  # ckanext.publicdata.authority_organization in config/ckan.ini
_numbers = itertools.count(1)


def bilingual(message: Any) -> bool:
    text = str(message)
    return " / " in text and any("\u4e00" <= char <= "\u9fff" for char in text)


def headers(user_name: str) -> dict[str, str]:
    return {"Authorization": factories.APIToken(user=user_name)["token"]}


def people_and_agencies() -> dict[str, Any]:
    """The city authority, a county bureau, two agencies with their staff, a complainant and an outsider."""
    users = {name: factories.User(name=name, email=f"{name}@example.org") for name in (
        "city_admin", "county_admin", "provider_editor", "provider_member", "other_editor",
        "complainant", "outsider")}
    users["sysadmin"] = factories.Sysadmin(name="sus_sysadmin")
    orgs = {
        "city": factories.Organization(
            name=AUTHORITY, title="滨州市大数据局", level="city",
            users=[{"name": "city_admin", "capacity": "admin"}]),
        "county": factories.Organization(
            name="bincheng-data-bureau", title="滨城区大数据中心", level="county", parent_authority=AUTHORITY,
            users=[{"name": "county_admin", "capacity": "admin"}]),
    }
    orgs["agency"] = factories.Organization(
        name="bincheng-market", title="滨城区市场监督管理局", level="county",
        parent_authority="bincheng-data-bureau",
        users=[{"name": "provider_editor", "capacity": "editor"},
               {"name": "provider_member", "capacity": "member"}])
    orgs["other"] = factories.Organization(
        name="city-transport", title="滨州市交通运输局", level="city", parent_authority=AUTHORITY,
        users=[{"name": "other_editor", "capacity": "editor"}])
    return {"users": users, "orgs": orgs}


def open_dataset(user_name: str, owner_org: str, title: str = "企业登记信息", **fields: Any) -> dict[str, Any]:
    """A published, unconditionally open dataset with one downloadable resource."""
    data: dict[str, Any] = {
        "title": title,
        "identifier": f"37160000-0001-2026-{next(_numbers):06d}",
        "owner_org": owner_org,
        "open_attribute": "unconditional",
        "notes": f"{title}摘要",
        "theme": "economy",
        "update_frequency": "monthly",
        "open_method": ["download"],
        "resources": [{"name": f"{title}.csv", "url": "http://data.example.org/enterprises-v1.csv",
                       "format": "CSV"}],
    }
    data.update(fields)
    return tk.get_action("package_create")({"user": user_name}, data)
