"""Builders for the taxonomy tests: the authority hierarchy (city bureau → county bureau → agencies) and
valid catalog entries. Not fixtures, so other test modules in tests/catalog are unaffected."""
from __future__ import annotations

import itertools
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.publicdata.catalog.credit_code import check_character

_sequence = itertools.count(1)

CITY_AUTHORITY = "city-big-data-bureau"  # ckanext.publicdata.authority_organization in config/ckan.ini.in


def agency_code(body: str) -> str:
    """A valid unified social credit code for a government body (11 = 机构编制/机关) in 滨州 (371600)."""
    first17 = ("11371600" + body)[:17]
    return first17 + check_character(first17)


def new_identifier() -> str:
    return f"37160000-0001-2024-{next(_sequence):06d}"


def dataset_dict(owner_org: str, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "企业登记信息",
        "identifier": new_identifier(),
        "owner_org": owner_org,
        "open_attribute": "unconditional",
        "notes": "全市企业登记基本信息",
        "theme": "economy",
        "update_frequency": "monthly",
        "priority_domains": ["market_regulation"],
    }
    data.update(fields)
    return data


def create_dataset(user_name: str, owner_org: str, **fields: Any) -> dict[str, Any]:
    return tk.get_action("package_create")({"user": user_name}, dataset_dict(owner_org, **fields))


def conditional_fields(**fields: Any) -> dict[str, Any]:
    data = {
        "open_attribute": "conditional",
        "open_conditions": ["application_scenario", "data_security"],
        "open_conditions_text": "申请人须说明应用场景并签署数据安全承诺书。",
    }
    data.update(fields)
    return data


def not_open_fields(**fields: Any) -> dict[str, Any]:
    data = {
        "open_attribute": "not_open",
        "not_open_basis": "《中华人民共和国个人信息保护法》第二十八条",
    }
    data.update(fields)
    return data


def authority_hierarchy() -> dict[str, Any]:
    """Users and organizations of one city: the city bureau, a county bureau, agencies at both levels."""
    users = {name: factories.User(name=name) for name in (
        "city_admin", "county_admin", "other_county_admin", "provider_editor", "provider_admin",
        "city_agency_editor", "other_editor")}
    users["sysadmin"] = factories.Sysadmin(name="tax_sysadmin")
    orgs = {
        "city": factories.Organization(
            name=CITY_AUTHORITY, title="滨州市大数据局", level="city", agency_code=agency_code("MB1000001"),
            users=[{"name": "city_admin", "capacity": "admin"}]),
    }
    orgs["county"] = factories.Organization(
        name="bincheng-data-bureau", title="滨城区大数据中心", level="county", parent_authority=CITY_AUTHORITY,
        users=[{"name": "county_admin", "capacity": "admin"}])
    orgs["other_county"] = factories.Organization(
        name="huimin-data-bureau", title="惠民县大数据中心", level="county", parent_authority=CITY_AUTHORITY,
        users=[{"name": "other_county_admin", "capacity": "admin"}])
    orgs["agency"] = factories.Organization(
        name="bincheng-market", title="滨城区市场监督管理局", level="county",
        parent_authority="bincheng-data-bureau",
        users=[{"name": "provider_editor", "capacity": "editor"},
               {"name": "provider_admin", "capacity": "admin"}])
    orgs["city_agency"] = factories.Organization(
        name="city-health", title="滨州市卫生健康委员会", level="city", parent_authority=CITY_AUTHORITY,
        users=[{"name": "city_agency_editor", "capacity": "editor"}])
    orgs["other"] = factories.Organization(
        name="huimin-transport", title="惠民县交通运输局", level="county", parent_authority="huimin-data-bureau",
        users=[{"name": "other_editor", "capacity": "editor"}])
    return {"users": users, "orgs": orgs}


def api_headers(user_name: str) -> dict[str, str]:
    token = factories.APIToken(user=user_name)
    return {"Authorization": token["token"]}
