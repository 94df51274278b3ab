"""Builders for the enforcement tests: a provider with one conditional dataset whose resources carry known secret
addresses, and the users of every role. Not fixtures, so other modules in tests/access are unaffected."""
from __future__ import annotations

import datetime
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.publicdata.access import grants
from tests.catalog.taxonomy_setup import authority_hierarchy, conditional_fields, create_dataset

SECRET_FILE_URL = "https://data.example-agency.cn/secret/enterprise-credit-7f3a9c.csv"
SECRET_API_URL = "https://api.example-agency.cn/v2/secret-endpoint-51be07"
OPEN_FILE_URL = "https://data.example-agency.cn/open/enterprise-list.csv"


def today() -> datetime.date:
    return grants.local_today()


def conditional_catalog() -> dict[str, Any]:
    """The authority hierarchy plus: a conditional dataset (a linked file and an API) of the agency
    ``bincheng-market`` and an unconditional one with a linked file."""
    city = authority_hierarchy()
    agency = city["orgs"]["agency"]["id"]
    for name in ("applicant", "expired_holder", "revoked_holder", "pending_applicant", "bystander"):
        city["users"][name] = factories.User(name=name)
    conditional = create_dataset(
        "tax_sysadmin", agency, title="企业信用评价明细", **conditional_fields(),
        resources=[
            {"name": "信用评价明细", "url": SECRET_FILE_URL, "format": "CSV", "access_method": "download"},
            {"name": "信用评价查询接口", "url": SECRET_API_URL, "format": "API", "access_method": "api"},
        ])
    unconditional = create_dataset(
        "tax_sysadmin", agency, title="企业名录",
        resources=[{"name": "企业名录", "url": OPEN_FILE_URL, "format": "CSV", "access_method": "download"}])
    return {**city, "conditional": conditional, "unconditional": unconditional}


def grant(user_name: str, package_id: str, starts_on: datetime.date | None = None,
          expires_on: datetime.date | None = None, created_by: str = "provider_admin") -> Any:
    starts_on = starts_on or today() - datetime.timedelta(days=1)
    expires_on = expires_on or today() + datetime.timedelta(days=30)
    user = model.User.get(user_name)
    created = grants.grant_access(package_id, user.id, starts_on, expires_on, access_request_id=None,
                                  agreement_id=None, created_by=created_by)
    model.Session.commit()
    return created


def package_show(user_name: str | None, package_id: str) -> dict[str, Any]:
    return tk.get_action("package_show")({"user": user_name or ""}, {"id": package_id})
