"""Auth functions of the ``publicdata_feedback`` plugin: suspension, transparency figures, use results."""
from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog import authority
from ckanext.publicdata.feedback import suspension as suspensions

__all__ = [
    "publicdata_dataset_suspend",
    "publicdata_dataset_suspension_lift",
    "publicdata_dataset_suspension_show",
    "publicdata_dataset_suspension_list",
    "publicdata_feedback_figures",
    "publicdata_feedback_handled_list",
    "publicdata_use_result_list",
    "publicdata_use_result_feature",
]


def _owner_org(data_dict: dict[str, Any]) -> str | None:
    package = model.Package.get(data_dict.get("id") or data_dict.get("package_id") or "")
    return package.owner_org if package is not None else None


def _handle(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    if suspensions.may_handle(context.get("user"), _owner_org(data_dict)):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only the provider of the dataset or the open-data authority may do this")}


def publicdata_dataset_suspend(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Provider editors/admins of the dataset's organization, the authority for it, sysadmins."""
    return _handle(context, data_dict)


def publicdata_dataset_suspension_lift(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The same people as may suspend."""
    return _handle(context, data_dict)


@tk.auth_allow_anonymous_access
def publicdata_dataset_suspension_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Whoever may read the dataset (the public part); the provider and the authority see the rest."""
    return authz.is_authorized("package_show", context, {"id": data_dict.get("id")})


def _is_staff_or_authority(user_name: str | None) -> bool:
    if not user_name:
        return False
    if authority.is_city_authority(user_name) or authority.county_bureaus_administered_by(user_name):
        return True
    user = model.User.get(user_name)
    return bool(user is not None and user.get_group_ids(group_type="organization", capacity="editor")) or bool(
        user is not None and user.get_group_ids(group_type="organization", capacity="admin"))


def publicdata_dataset_suspension_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Provider staff (their organizations' suspensions) and the authority (those it supervises)."""
    if _is_staff_or_authority(context.get("user")):
        return {"success": True}
    return {"success": False, "msg": tk._("Only providers and the open-data authority may list suspensions")}


def publicdata_feedback_figures(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The open-data authority (a county bureau: its agencies) and sysadmins."""
    user_name = context.get("user")
    if user_name and (authority.is_city_authority(user_name)
                      or authority.county_bureaus_administered_by(user_name)):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the open-data authority may see the feedback figures")}


@tk.auth_allow_anonymous_access
def publicdata_feedback_handled_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Public: handled feedback without personal data."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def publicdata_use_result_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Public: published use results."""
    return {"success": True}


def publicdata_use_result_feature(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The city open-data authority promotes outstanding use results (BZ-R 18)."""
    if authority.is_city_authority(context.get("user")):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the open-data authority may feature use results")}
