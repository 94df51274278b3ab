"""Auth functions of the publication review actions (each named after its action)."""
from __future__ import annotations

from typing import Any

import ckan.authz as authz

from ckanext.publicdata.catalog import authority

__all__ = [
    "publicdata_publication_submit",
    "publicdata_publication_approve",
    "publicdata_publication_return",
    "publicdata_publication_override",
    "publicdata_publication_queue",
    "publicdata_publication_list_mine",
]


def publicdata_publication_submit(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Whoever may edit the dataset (its agency's editors and admins)."""
    if authz.auth_is_anon_user(context):
        return {"success": False, "msg": "请先登录 / Please sign in"}
    return authz.is_authorized("package_update", context, {"id": data_dict.get("id")})


def _reviewer(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    if authority.is_authority_for(context.get("user"), data_dict.get("owner_org") or ""):
        return {"success": True}
    return {"success": False,
            "msg": "只有该开放主体的开放主管部门可以审核发布 / Only the agency's open-data authority reviews "
                   "publications"}


def publicdata_publication_approve(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The open-data authority of the dataset's agency (city authority, or its county bureau)."""
    return _reviewer(context, data_dict)


def publicdata_publication_return(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The open-data authority of the dataset's agency (city authority, or its county bureau)."""
    return _reviewer(context, data_dict)


def publicdata_publication_override(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The open-data authority of the dataset's agency (city authority, or its county bureau)."""
    return _reviewer(context, data_dict)


def publicdata_publication_queue(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The city authority and county bureaus' admins."""
    user = context.get("user")
    if authority.is_city_authority(user) or authority.county_bureaus_administered_by(user):
        return {"success": True}
    return {"success": False, "msg": "只有开放主管部门可以查看审核队列 / Only the open-data authority sees the "
                                     "review queue"}


def publicdata_publication_list_mine(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Any signed-in user; the action lists only their own agencies' datasets."""
    if authz.auth_is_anon_user(context):
        return {"success": False, "msg": "请先登录 / Please sign in"}
    return {"success": True}
