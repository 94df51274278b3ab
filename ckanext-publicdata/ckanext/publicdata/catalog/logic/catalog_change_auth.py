"""Auth functions of the catalog change requests (TAX-7), each named after its action."""
from __future__ import annotations

from typing import Any

import ckan.authz as authz

from ckanext.publicdata.catalog import authority

__all__ = [
    "publicdata_catalog_change_create",
    "publicdata_catalog_change_show",
    "publicdata_catalog_change_list",
    "publicdata_catalog_change_approve",
    "publicdata_catalog_change_reject",
    "publicdata_catalog_change_cancel",
]

_SIGN_IN = {"success": False, "msg": "请先登录 / Please sign in"}


def _agency_editor(context: dict[str, Any], owner_org: str) -> bool:
    user = context.get("user")
    return bool(user and owner_org and authz.has_user_permission_for_group_or_org(owner_org, user, "update_dataset"))


def publicdata_catalog_change_create(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The dataset's agency: whoever may edit its datasets (editors and admins)."""
    if authz.auth_is_anon_user(context):
        return _SIGN_IN
    if _agency_editor(context, data_dict.get("owner_org") or ""):
        return {"success": True}
    return {"success": False, "msg": "只有该数据集的开放主体可以申请目录变更 / Only the dataset's agency files "
                                     "catalog changes"}


def publicdata_catalog_change_cancel(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The requesting agency's editors and admins."""
    return publicdata_catalog_change_create(context, data_dict)


def publicdata_catalog_change_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Members of the requesting agency and its open-data authority."""
    if authz.auth_is_anon_user(context):
        return _SIGN_IN
    owner_org = data_dict.get("owner_org") or ""
    user = context.get("user")
    if authority.is_authority_for(user, owner_org) or (
            owner_org and authz.has_user_permission_for_group_or_org(owner_org, user, "read")):
        return {"success": True}
    return {"success": False, "msg": "无权查看该目录变更申请 / Not allowed to see this catalog change request"}


def publicdata_catalog_change_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Any signed-in user; the action lists only what they may see."""
    if authz.auth_is_anon_user(context):
        return _SIGN_IN
    return {"success": True}


def _authority(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    if authority.is_authority_for(context.get("user"), data_dict.get("owner_org") or ""):
        return {"success": True}
    return {"success": False, "msg": "只有开放主管部门可以审核目录变更 / Only the open-data authority decides catalog "
                                     "changes"}


def publicdata_catalog_change_approve(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The open-data authority of the dataset's agency (city authority, or its county bureau)."""
    return _authority(context, data_dict)


def publicdata_catalog_change_reject(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The open-data authority of the dataset's agency (city authority, or its county bureau)."""
    return _authority(context, data_dict)
