"""Auth functions of the ``publicdata_harvest`` plugin: operations.

Progress, error reports, status and run-now follow ckanext-harvest's own rule: whoever may update the harvest
source (its organization's editors and admins, sysadmins) may see its jobs and run it. Stuck-job handling acts on
every source, so it is for sysadmins only.
"""
from __future__ import annotations

from typing import Optional

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__ = [
    "publicdata_harvest_job_progress",
    "publicdata_harvest_source_errors",
    "publicdata_harvest_source_status",
    "publicdata_harvest_run_now",
    "publicdata_harvest_stuck_list",
    "publicdata_harvest_stuck_close",
]

_NOT_ALLOWED = "无权查看或操作此采集来源 / You are not allowed to see or run this harvest source"


def _source_id(data_dict: DataDict) -> Optional[str]:
    from ckanext.publicdata.harvest.operations import resolve_source

    value = data_dict.get("id") or data_dict.get("source_id")
    if not value:
        return None
    try:
        return resolve_source(str(value)).id
    except LookupError:
        raise tk.ObjectNotFound("采集来源不存在 / Harvest source not found")


def _can_update_source(context: Context, source_id: Optional[str]) -> AuthResult:
    if not source_id:
        return {"success": False, "msg": _NOT_ALLOWED}
    try:
        tk.check_access("harvest_source_update", dict(context), {"id": source_id})
    except tk.NotAuthorized:
        return {"success": False, "msg": _NOT_ALLOWED}
    return {"success": True}


def publicdata_harvest_job_progress(context: Context, data_dict: DataDict) -> AuthResult:
    from ckanext.harvest.model import HarvestJob

    job = HarvestJob.get(str(data_dict.get("id") or ""))
    if job is None:
        raise tk.ObjectNotFound("采集任务不存在 / Harvest job not found")
    return _can_update_source(context, job.source_id)


def publicdata_harvest_source_errors(context: Context, data_dict: DataDict) -> AuthResult:
    return _can_update_source(context, _source_id(data_dict))


def publicdata_harvest_source_status(context: Context, data_dict: DataDict) -> AuthResult:
    return _can_update_source(context, _source_id(data_dict))


def publicdata_harvest_run_now(context: Context, data_dict: DataDict) -> AuthResult:
    return _can_update_source(context, _source_id(data_dict))


def publicdata_harvest_stuck_list(context: Context, data_dict: DataDict) -> AuthResult:
    # sysadmins pass before this is called; everybody else is refused
    return {"success": False, "msg": "只有系统管理员可以处理停滞的采集任务 / Only sysadmins can handle stuck harvest jobs"}


def publicdata_harvest_stuck_close(context: Context, data_dict: DataDict) -> AuthResult:
    return publicdata_harvest_stuck_list(context, data_dict)
