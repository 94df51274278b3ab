"""Auth of the open-list actions: anyone reads the published list; the city authority publishes and adjusts it."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.publicdata.catalog import authority

__all__ = ["publicdata_open_list_show", "publicdata_open_list_publish", "publicdata_open_list_sync"]


@tk.auth_allow_anonymous_access
def publicdata_open_list_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Everyone (drafts are shown to the authority only, by the action)."""
    return {"success": True}


def _city_authority(context: Context, verb_zh: str, verb_en: str) -> AuthResult:
    if authority.is_city_authority(context.get("user")):
        return {"success": True}
    return {"success": False,
            "msg": f"只有开放主管部门可以{verb_zh}开放清单 / Only the open-data authority {verb_en} the open list"}


def publicdata_open_list_publish(context: Context, data_dict: DataDict) -> AuthResult:
    """Sysadmins and admins of the city authority organization (ROLE-1)."""
    return _city_authority(context, "发布", "publishes")


def publicdata_open_list_sync(context: Context, data_dict: DataDict) -> AuthResult:
    """Sysadmins and admins of the city authority organization (ROLE-1)."""
    return _city_authority(context, "调整", "adjusts")
