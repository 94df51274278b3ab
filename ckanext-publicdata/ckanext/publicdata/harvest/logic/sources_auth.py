"""Auth functions of the ``publicdata_harvest`` plugin: sources."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog import authority

__all__ = ["publicdata_harvest_conflict_list", "publicdata_harvest_record_list"]


@tk.auth_allow_anonymous_access
def publicdata_harvest_conflict_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Sysadmins and the city open-data authority (ROLE-1) see conflicts between sources."""
    user = context.get("user")
    if user and authority.is_city_authority(user):
        return {"success": True}
    return {"success": False, "msg": "只有开放主管部门可以查看采集冲突 / Only the open-data authority sees harvest "
                                     "conflicts"}


@tk.auth_allow_anonymous_access
def publicdata_harvest_record_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The city authority, or whoever may update the harvest source (its organization's editors)."""
    user = context.get("user")
    if user and authority.is_city_authority(user):
        return {"success": True}
    source = model.Package.get(data_dict.get("source_id") or "")
    if source is not None and user:
        try:
            tk.check_access("harvest_source_update", dict(context), {"id": source.id})
            return {"success": True}
        except tk.NotAuthorized:
            pass
    return {"success": False, "msg": "无权查看该采集来源的记录 / Not allowed to see the records of this harvest source"}
