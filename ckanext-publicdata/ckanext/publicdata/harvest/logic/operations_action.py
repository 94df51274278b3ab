"""Action functions of the ``publicdata_harvest`` plugin: operations (progress, error reports, stuck jobs, run now)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.publicdata.harvest import operations, stuck
from ckanext.publicdata.harvest.logic import operations_validators as schemas

__all__ = [
    "publicdata_harvest_job_progress",
    "publicdata_harvest_source_errors",
    "publicdata_harvest_source_status",
    "publicdata_harvest_run_now",
    "publicdata_harvest_stuck_list",
    "publicdata_harvest_stuck_close",
]


def _validate(data_dict: DataDict, schema: dict[str, Any], context: Context) -> dict[str, Any]:
    data, errors = tk.navl_validate(dict(data_dict), schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def _source_id(value: str) -> str:
    try:
        return operations.resolve_source(value).id
    except LookupError:
        raise tk.ObjectNotFound("采集来源不存在 / Harvest source not found")


@tk.side_effect_free
def publicdata_harvest_job_progress(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Progress of one harvest job: its records by stage (from the harvest objects' states).

    :param id: the harvest job id
    :type id: string

    :returns: ``status``, ``gathered``, ``waiting``, ``fetching``, ``importing``, ``fetched``, ``imported``
        (``added`` + ``updated``), ``unchanged``, ``withdrawn``, ``errored``, ``gather_errors``, ``done_share``
        (0–1) and the job's timestamps incl. ``last_progress``
    :rtype: dictionary
    """
    data = _validate(data_dict, schemas.progress_schema(), context)
    tk.check_access("publicdata_harvest_job_progress", context, data)
    try:
        return operations.job_progress(data["id"])
    except LookupError:
        raise tk.ObjectNotFound("采集任务不存在 / Harvest job not found")


@tk.side_effect_free
def publicdata_harvest_source_errors(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Error report of a harvest source, grouped by error, with the identifiers of the records concerned.

    :param id: the harvest source id or name
    :type id: string
    :param job_id: report on this job of the source (optional; default: the latest job that ran)
    :type job_id: string
    :param all_jobs: report on every job of the source (optional, default False)
    :type all_jobs: bool
    :param records_per_group: list at most this many records per group (optional; default all)
    :type records_per_group: int

    :returns: ``source_id``, ``job_ids``, ``total_errors``, ``records_errored``, ``gather_errors`` (job-level
        errors: ``message``, ``job_id``, ``created``) and ``groups`` (``message`` with the record's own code
        blanked as "…", ``stage``, ``count``, ``records``: ``guid``, ``identifier``, ``object_id``, ``job_id``,
        ``created``, ``message``; ``more``: records not listed), largest group first
    :rtype: dictionary
    """
    data = _validate(data_dict, schemas.source_errors_schema(), context)
    data["id"] = _source_id(data["id"])
    tk.check_access("publicdata_harvest_source_errors", context, data)
    try:
        return operations.source_error_report(data["id"], job_id=data.get("job_id"),
                                              all_jobs=bool(data.get("all_jobs")),
                                              records_per_group=data.get("records_per_group"))
    except LookupError:
        raise tk.ObjectNotFound("该来源没有这个采集任务 / The source has no such harvest job")


@tk.side_effect_free
def publicdata_harvest_source_status(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """A harvest source's type, URL, schedule (frequency, next run) and its latest jobs with their progress.

    :param id: the harvest source id or name
    :type id: string
    :param jobs: how many of the latest jobs (optional, default 5)
    :type jobs: int

    :rtype: dictionary
    """
    data = _validate(data_dict, schemas.source_status_schema(), context)
    data["id"] = _source_id(data["id"])
    tk.check_access("publicdata_harvest_source_status", context, data)
    return operations.source_status(data["id"], jobs=data.get("jobs") or 5)


def publicdata_harvest_run_now(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Start a harvest job of a source now (puts it on the gather queue), whatever its schedule.

    :param id: the harvest source id or name
    :type id: string

    :returns: the new job (as ``harvest_job_create`` returns it)
    :rtype: dictionary
    """
    from ckanext.harvest.logic import HarvestJobExists, HarvestSourceInactiveError

    data = _validate(data_dict, {"id": [tk.get_validator("not_empty"), tk.get_validator("unicode_safe")]},
                     context)
    data["id"] = _source_id(data["id"])
    tk.check_access("publicdata_harvest_run_now", context, data)
    try:
        return tk.get_action("harvest_job_create")(
            {"user": context.get("user"), "ignore_auth": True}, {"source_id": data["id"], "run": True})
    except HarvestJobExists:
        raise tk.ValidationError({"id": [
            "该来源已有未完成的采集任务；如已停滞，请先关闭（ckan publicdata-harvest stuck --close） / The source "
            "already has an unfinished harvest job; if it is stuck, close it first (ckan publicdata-harvest stuck "
            "--close)"]})
    except HarvestSourceInactiveError:
        raise tk.ValidationError({"id": ["该采集来源已停用 / The harvest source is inactive"]})


@tk.side_effect_free
def publicdata_harvest_stuck_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Running harvest jobs without progress (nothing gathered, fetched or imported) for some minutes.

    :param minutes: minutes without progress (optional; default
        ``ckanext.publicdata.harvest.stuck_after_minutes``, else ``ckan.harvest.timeout``, else 60)
    :type minutes: int
    :param source_id: only this source's jobs (optional)
    :type source_id: string

    :returns: ``job_id``, ``source_id``, ``source_title``, ``created``, ``last_progress``, ``idle_minutes``,
        ``gather_finished``, ``unfinished_records`` per stuck job
    :rtype: list of dictionaries
    """
    data = _validate(data_dict, schemas.stuck_schema(), context)
    if data.get("source_id"):
        data["source_id"] = _source_id(data["source_id"])
    tk.check_access("publicdata_harvest_stuck_list", context, data)
    return [job.as_dict() for job in stuck.find_stuck_jobs(data.get("minutes"), data.get("source_id"))]


def publicdata_harvest_stuck_close(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Close (or resume) stuck harvest jobs.

    Closing marks the job Finished with a bilingual job error and its unfinished records as errored (the next job
    of the source processes them again); resuming puts the unfinished records back on the fetch queue, or the job
    back on the gather queue when its gather was interrupted.

    :param minutes: minutes without progress that make a job stuck (optional; default as for
        ``publicdata_harvest_stuck_list``)
    :type minutes: int
    :param source_id: only this source's jobs (optional)
    :type source_id: string
    :param job_id: only this job (optional)
    :type job_id: string
    :param resume: resume instead of closing (optional, default False)
    :type resume: bool
    :param reason: a note added to the job error when closing (optional)
    :type reason: string

    :returns: per job handled: ``job_id``, ``source_id``, ``action`` ("closed", "fetch requeued",
        "gather requeued"), ``unfinished_records``
    :rtype: list of dictionaries
    """
    data = _validate(data_dict, schemas.stuck_schema(), context)
    if data.get("source_id"):
        data["source_id"] = _source_id(data["source_id"])
    tk.check_access("publicdata_harvest_stuck_close", context, data)
    jobs = stuck.find_stuck_jobs(data.get("minutes"), data.get("source_id"))
    if data.get("job_id"):
        jobs = [job for job in jobs if job.job_id == data["job_id"]]
        if not jobs:
            raise tk.ValidationError({"job_id": [
                "该采集任务不在运行或没有停滞 / The harvest job is not running or not stuck"]})
    handled = []
    for job in jobs:
        if data.get("resume"):
            handled.append(stuck.resume_job(job.job_id))
        else:
            handled.append(stuck.close_job(job.job_id, data.get("reason")))
    return handled
