"""Auth functions of the catalog actions (each named after its action)."""
from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog import authority

__all__ = [
    "publicdata_open_attribute_change_list",
    "publicdata_open_attribute_change_approve",
    "publicdata_open_attribute_change_reject",
    "publicdata_dataset_citation",
]


def publicdata_open_attribute_change_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Any signed-in user; the action shows only the requests of agencies they belong to or supervise."""
    if authz.auth_is_anon_user(context):
        return {"success": False, "msg": "请先登录 / Please sign in"}
    return {"success": True}


def _authority_decision(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    user = context.get("user")
    if authority.is_authority_for(user, data_dict.get("owner_org") or ""):
        return {"success": True}
    return {"success": False,
            "msg": "只有开放主管部门可以审批开放属性变更 / Only the open-data authority decides open-attribute changes"}


def publicdata_open_attribute_change_approve(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The open-data authority of the dataset's agency (city authority, or its county bureau)."""
    return _authority_decision(context, data_dict)


def publicdata_open_attribute_change_reject(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The open-data authority of the dataset's agency (city authority, or its county bureau)."""
    return _authority_decision(context, data_dict)


@tk.auth_allow_anonymous_access
def publicdata_dataset_citation(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Whoever may see the dataset."""
    return authz.is_authorized("package_show", context, {"id": data_dict.get("id")})


from ckanext.publicdata.catalog.logic import publication_auth as _publication  # noqa: E402
from ckanext.publicdata.catalog.logic.publication_auth import *  # noqa: E402,F401,F403

__all__ += _publication.__all__

from ckanext.publicdata.catalog.logic import catalog_change_auth as _catalog_change  # noqa: E402
from ckanext.publicdata.catalog.logic.catalog_change_auth import *  # noqa: E402,F401,F403

__all__ += _catalog_change.__all__
