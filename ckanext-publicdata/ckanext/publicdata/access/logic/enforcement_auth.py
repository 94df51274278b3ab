"""Auth functions of the ``publicdata_access`` plugin: enforcement."""
from __future__ import annotations

from typing import Any, Optional

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.publicdata.access import enforcement, grants
from ckanext.publicdata.catalog import authority

_OWN = [
    "publicdata_access_grant_show",
    "publicdata_access_grant_list",
    "publicdata_access_grant_revoke",
    "publicdata_access_audit_list",
]
_DATASTORE = ["datastore_search", "datastore_info", "datastore_search_sql"]


def _configured_plugins() -> list[str]:
    value = tk.config.get("ckan.plugins") or []
    return value.split() if isinstance(value, str) else list(value)


# the datastore auth functions are chained only when the datastore plugin is configured
__all__ = [*_OWN, *(_DATASTORE if "datastore" in _configured_plugins() else [])]

_NOT_ALLOWED = "无权执行此操作 / You are not allowed to do this"


def _user(context: Context) -> Optional[model.User]:
    name = context.get("user")
    return model.User.get(name) if name else None


def is_provider_staff(user_name: Optional[str], owner_org: Optional[str]) -> bool:
    """Admin or editor of the organization that owns the dataset."""
    if not user_name or not owner_org:
        return False
    return authz.users_role_for_group_or_org(owner_org, user_name) in ("admin", "editor")


def may_oversee_package(user_name: Optional[str], package_id: str) -> bool:
    """Provider staff of the dataset, its authority, sysadmins."""
    if not user_name:
        return False
    if authz.is_sysadmin(user_name):
        return True
    package = model.Package.get(package_id)
    if package is None:
        return False
    return is_provider_staff(user_name, package.owner_org) or authority.is_authority_for(
        user_name, package.owner_org or "")


def _grant(context: Context, data_dict: DataDict) -> Any:
    grant = context.get("publicdata_grant")
    if grant is None:
        grant = grants.get_grant((data_dict or {}).get("id") or "")
    if grant is None:
        raise tk.ObjectNotFound("授权不存在 / Grant not found")
    return grant


@tk.auth_allow_anonymous_access
def publicdata_access_grant_show(context: Context, data_dict: DataDict) -> AuthResult:
    grant = _grant(context, data_dict)
    user = _user(context)
    if user is not None and (grant.user_id == user.id or may_oversee_package(user.name, grant.package_id)):
        return {"success": True}
    return {"success": False, "msg": _NOT_ALLOWED}


def publicdata_access_grant_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Any logged-in user; the action limits the rows to those the user may see."""
    if _user(context) is None:
        return {"success": False, "msg": "请先登录 / Please log in"}
    return {"success": True}


def publicdata_access_grant_revoke(context: Context, data_dict: DataDict) -> AuthResult:
    grant = _grant(context, data_dict)
    user = _user(context)
    if user is not None and may_oversee_package(user.name, grant.package_id):
        return {"success": True}
    return {"success": False, "msg": _NOT_ALLOWED}


def publicdata_access_audit_list(context: Context, data_dict: DataDict) -> AuthResult:
    """The authority (city or county) and provider staff (admin or editor of any organization); rows are
    limited to the datasets they oversee."""
    user = _user(context)
    if user is None:
        return {"success": False, "msg": "请先登录 / Please log in"}
    if authz.is_sysadmin(user.name) or authority.organizations_supervised_by(user.name) != set():
        return {"success": True}
    staff = model.Session.query(model.Member.id).filter(
        model.Member.table_name == "user", model.Member.table_id == user.id, model.Member.state == "active",
        model.Member.capacity.in_(("admin", "editor"))).first()
    if staff is not None:
        return {"success": True}
    return {"success": False, "msg": _NOT_ALLOWED}


# --------------------------------------------------------------------------------------------------
# datastore: the rows of a denied dataset are as secret as its files

def _resource_denied(context: Context, resource_id: str) -> Optional[str]:
    resource = model.Resource.get(resource_id) if resource_id else None
    if resource is None:
        return None
    return enforcement.resource_access_denial(resource.package_id, context.get("user") or None)


def _denied_result(denial: str) -> AuthResult:
    return {"success": False, "msg": f"无权访问该数据（{denial}）/ Access to this data is restricted ({denial})"}


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search(next_auth: Any, context: Context, data_dict: DataDict) -> AuthResult:
    denial = _resource_denied(context, (data_dict or {}).get("resource_id") or (data_dict or {}).get("id") or "")
    if denial:
        return _denied_result(denial)
    return next_auth(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_info(next_auth: Any, context: Context, data_dict: DataDict) -> AuthResult:
    denial = _resource_denied(context, (data_dict or {}).get("resource_id") or (data_dict or {}).get("id") or "")
    if denial:
        return _denied_result(denial)
    return next_auth(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search_sql(next_auth: Any, context: Context, data_dict: DataDict) -> AuthResult:
    for table_name in context.get("table_names") or []:
        denial = _resource_denied(context, table_name)
        if denial:
            return _denied_result(denial)
    return next_auth(context, data_dict)
