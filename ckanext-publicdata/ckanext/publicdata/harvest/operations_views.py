"""Blueprints of the ``publicdata_harvest`` plugin: operations (job progress page, source error report + CSV)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.publicdata.harvest.operations_config import error_report_records_per_group

__all__ = ["publicdata_harvest_operations"]

publicdata_harvest_operations = Blueprint("publicdata_harvest_operations", __name__)


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _source_dict(source: str) -> dict[str, Any]:
    try:
        return tk.get_action("harvest_source_show")(_context(), {"id": source})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Harvest source not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))


def job_progress(source: str, job_id: str) -> Any:
    harvest_source = _source_dict(source)
    try:
        progress = tk.get_action("publicdata_harvest_job_progress")(_context(), {"id": job_id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Harvest job not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    if progress["source_id"] != harvest_source["id"]:
        return tk.abort(404, tk._("Harvest job not found"))
    return tk.render("publicdata/harvest/job_progress.html",
                     {"harvest_source": harvest_source, "progress": progress})


def _report(source: str) -> tuple[dict[str, Any], dict[str, Any]]:
    harvest_source = _source_dict(source)
    params = {"id": harvest_source["id"], "job_id": tk.request.args.get("job_id") or None,
              "all_jobs": tk.asbool(tk.request.args.get("all_jobs", False))}
    try:
        report = tk.get_action("publicdata_harvest_source_errors")(_context(), params)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Harvest job not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    return harvest_source, report


def source_errors(source: str) -> Any:
    harvest_source, report = _report(source)
    return tk.render("publicdata/harvest/source_errors.html", {
        "harvest_source": harvest_source, "report": report, "records_per_group": error_report_records_per_group(),
        "all_jobs": tk.asbool(tk.request.args.get("all_jobs", False)), "job_id": tk.request.args.get("job_id") or "",
    })


def source_errors_csv(source: str) -> Any:
    from ckanext.publicdata.harvest.operations import error_report_csv

    harvest_source, report = _report(source)
    return Response(error_report_csv(report), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="harvest-errors-{harvest_source["name"]}.csv"'})


publicdata_harvest_operations.add_url_rule("/harvest/<source>/job/<job_id>/progress", view_func=job_progress)
publicdata_harvest_operations.add_url_rule("/harvest/<source>/errors", view_func=source_errors)
publicdata_harvest_operations.add_url_rule("/harvest/<source>/errors.csv", view_func=source_errors_csv)
