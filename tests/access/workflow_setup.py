"""Builders for the access-workflow tests (ACC-2 … ACC-8): the city's authority hierarchy, a conditional dataset,
verified applicants and complete applications. Not fixtures, so other test modules are unaffected."""
from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.publicdata.access.model.identity import Identity
from ckanext.publicdata.catalog.credit_code import check_character
from ckanext.publicdata.catalog.pii import id_check_character

CITY_AUTHORITY = "city-big-data-bureau"  # ckanext.publicdata.authority_organization in config/ckan.ini.in
_numbers = itertools.count(1)


def id_number(body: str = "37160219900101123") -> str:
    """A valid 18-digit ID number (GB 11643 check digit) from its first 17 digits."""
    return body + id_check_character(body)


def credit_code(body: str = "91371600MA3C00001") -> str:
    """A valid unified social credit code (GB 32100 check character) from its first 17 characters."""
    return body + check_character(body)


def hierarchy(password: str | None = None) -> dict[str, Any]:
    """City bureau → county bureau → county agency (the provider), one city agency, an applicant, a stranger."""
    extra = {"password": password} if password else {}
    users = {name: factories.User(name=name, **extra) for name in (
        "city_admin", "county_admin", "provider_admin", "provider_editor", "other_editor", "applicant",
        "stranger")}
    users["sysadmin"] = factories.Sysadmin(name="acc_sysadmin")
    orgs = {
        "city": factories.Organization(name=CITY_AUTHORITY, title="滨州市大数据局", level="city",
                                       users=[{"name": "city_admin", "capacity": "admin"}]),
    }
    orgs["county"] = factories.Organization(
        name="bincheng-data-bureau", title="滨城区大数据中心", level="county", parent_authority=CITY_AUTHORITY,
        users=[{"name": "county_admin", "capacity": "admin"}])
    orgs["agency"] = factories.Organization(
        name="bincheng-market", title="滨城区市场监督管理局", level="county", parent_authority="bincheng-data-bureau",
        users=[{"name": "provider_admin", "capacity": "admin"}, {"name": "provider_editor", "capacity": "editor"}])
    orgs["other"] = factories.Organization(
        name="city-health", title="滨州市卫生健康委员会", level="city", parent_authority=CITY_AUTHORITY,
        users=[{"name": "other_editor", "capacity": "editor"}])
    return {"users": users, "orgs": orgs}


def conditional_dataset(owner_org: str, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "企业经营异常名录明细",
        "identifier": f"37160000-0001-2026-{next(_numbers):06d}",
        "owner_org": owner_org,
        "open_attribute": "conditional",
        "open_conditions": ["application_scenario", "data_security"],
        "open_conditions_text": "申请人须说明应用场景并签署数据安全承诺书。",
        "notes": "经营异常名录明细数据",
        "theme": "economy",
        "update_frequency": "monthly",
        "open_method": ["download", "api"],
    }
    data.update(fields)
    return helpers.call_action("package_create", context={"user": "acc_sysadmin"}, **data)


def verify(user_name: str, applicant_type: str = "individual", number: str | None = None,
           legal_name: str = "张三") -> dict[str, Any]:
    """State an identity as ``user_name`` and have the city authority verify it."""
    number = number or (id_number() if applicant_type == "individual" else credit_code())
    helpers.call_action("publicdata_access_identity_update", context={"user": user_name, "ignore_auth": False},
                        applicant_type=applicant_type, legal_name=legal_name, identity_number=number)
    return helpers.call_action("publicdata_access_identity_verify", context={"user": "city_admin"},
                               user=user_name, status="verified")


def application_fields(package_id: str, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "package_id": package_id,
        "title": "企业信用风险监测应用",
        "reason": "为中小企业提供合作方经营异常预警",
        "request_type": "dataset",
        "period_start": (datetime.date.today() + datetime.timedelta(days=7)).isoformat(),
        "period_end": (datetime.date.today() + datetime.timedelta(days=372)).isoformat(),
        "result_form": "风险预警报告",
        "scenario": "在本公司供应链管理系统内对合作企业进行经营异常预警",
        "condition_responses": {
            "application_scenario": "仅用于供应链合作方风险预警，不对外提供查询",
            "data_security": "数据存放于本公司等保三级机房，专人管理",
        },
        "commitments": ["truth", "compliance", "security", "purpose_bound"],
    }
    data.update(fields)
    return data


def identity_of(user_name: str) -> Identity | None:
    user = model.User.get(user_name)
    return Identity.for_user(user.id) if user else None


@pytest.fixture(autouse=False)
def purge_audit_log():
    """The audit log refuses DELETE outside its retention prune, and CKAN's clean_db deletes every row: empty it
    first inside a prune-flagged transaction (runs before clean_db when listed first / autouse)."""
    from sqlalchemy import text

    connection = model.Session.connection()
    exists = connection.execute(text("select to_regclass('publicdata_access_audit_event')")).scalar()
    if exists:
        connection.execute(text("SET LOCAL publicdata.audit_prune = 'on'"))
        connection.execute(text("DELETE FROM publicdata_access_audit_event"))
    model.Session.commit()
    yield


def api_headers(user_name: str) -> dict[str, str]:
    from ckan.tests import factories

    return {"Authorization": factories.APIToken(user=user_name)["token"]}


def hierarchy_org(name: str) -> str:
    """The id of an organization created by :func:`hierarchy`."""
    return model.Group.get(name).id
