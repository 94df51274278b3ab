"""What operators see of harvesting: per-job progress, per-source error reports (grouped, CSV), source status.

Everything is read from ckanext-harvest's own tables (HarvestJob, HarvestObject states and report statuses,
HarvestGatherError, HarvestObjectError) and the sources part's record table (for the catalog identifier of a
record), so it works for every harvester type.
"""
from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections import OrderedDict
from typing import Any, Iterable, Optional

import sqlalchemy as sa

from ckan import model

from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject, HarvestObjectError, HarvestSource

__all__ = [
    "job_progress", "source_error_report", "error_report_csv", "source_status", "resolve_source",
    "ERROR_CSV_HEADERS",
]

# Bilingual column headers of the error report export (operators open it in Excel; hence UTF-8 with BOM).
ERROR_CSV_HEADERS = [
    "错误 / Error", "阶段 / Stage", "记录标识 / Record", "信息资源代码 / Identifier", "采集任务 / Job",
    "时间 / Time (UTC)",
]


def resolve_source(id_or_name: str) -> HarvestSource:
    """The harvest source with this id or dataset name (harvest sources are datasets of type harvest)."""
    source = HarvestSource.get(id_or_name)
    if source is None:
        package = model.Package.get(id_or_name)
        if package is not None and package.type == "harvest":
            source = HarvestSource.get(package.id)
    if source is None:
        raise LookupError(id_or_name)
    return source


def _iso(moment: Optional[datetime.datetime]) -> Optional[str]:
    return moment.isoformat() if moment is not None else None


def job_progress(job_id: str) -> dict[str, Any]:
    """Counts of a job's records by stage, from HarvestObject states and report statuses.

    - ``gathered``: records the gather stage found (every harvest object of the job);
    - ``waiting`` / ``fetching`` / ``importing``: records not done yet, by stage;
    - ``fetched``: records past the fetch stage; ``imported``: added + updated; ``unchanged``: skipped by the
      content hash; ``withdrawn``: datasets withdrawn because the source dropped them; ``errored``;
    - ``gather_errors``: job-level errors; ``done_share``: finished records / gathered (0–1).
    """
    job = HarvestJob.get(job_id)
    if job is None:
        raise LookupError(job_id)
    rows = (model.Session.query(HarvestObject.state, HarvestObject.report_status, sa.func.count(HarvestObject.id))
            .filter(HarvestObject.harvest_job_id == job.id)
            .group_by(HarvestObject.state, HarvestObject.report_status).all())
    by_state: dict[str, int] = {}
    by_report: dict[str, int] = {}
    for state, report_status, count in rows:
        by_state[state or ""] = by_state.get(state or "", 0) + count
        if state == "COMPLETE":
            by_report[report_status or ""] = by_report.get(report_status or "", 0) + count
    fetched = (model.Session.query(sa.func.count(HarvestObject.id))
               .filter(HarvestObject.harvest_job_id == job.id, HarvestObject.fetch_finished.isnot(None)).scalar())
    gather_errors = (model.Session.query(sa.func.count(HarvestGatherError.id))
                     .filter(HarvestGatherError.harvest_job_id == job.id).scalar())
    gathered = sum(by_state.values())
    finished = by_state.get("COMPLETE", 0) + by_state.get("ERROR", 0)
    from ckanext.publicdata.harvest.stuck import last_progress

    return {
        "job_id": job.id,
        "source_id": job.source_id,
        "status": job.status,
        "created": _iso(job.created),
        "gather_started": _iso(job.gather_started),
        "gather_finished": _iso(job.gather_finished),
        "finished": _iso(job.finished),
        "last_progress": _iso(last_progress(job)),
        "gathered": gathered,
        "waiting": by_state.get("WAITING", 0),
        "fetching": by_state.get("FETCH", 0),
        "importing": by_state.get("IMPORT", 0),
        "fetched": fetched or 0,
        "imported": by_report.get("added", 0) + by_report.get("updated", 0),
        "added": by_report.get("added", 0),
        "updated": by_report.get("updated", 0),
        "unchanged": by_report.get("not modified", 0),
        "withdrawn": by_report.get("deleted", 0),
        "errored": by_state.get("ERROR", 0),
        "gather_errors": gather_errors or 0,
        "done_share": round(finished / gathered, 4) if gathered else (1.0 if job.status == "Finished" else 0.0),
    }


# ------------------------------------------------------------------ error report

_WHITESPACE = re.compile(r"\s+")


def _error_key(message: str, guid: Optional[str], identifier: Optional[str]) -> str:
    """The message with the record's own guid / identifier blanked, so equal errors of different records group."""
    text = message or ""
    for value in sorted({value for value in (guid, identifier) if value}, key=len, reverse=True):
        text = text.replace(value, "…")
    return _WHITESPACE.sub(" ", text).strip()


def _identifiers_by_guid(source_id: str, guids: Iterable[str]) -> dict[str, str]:
    """Catalog identifiers the sources part recorded for this source's record guids (where it knows them)."""
    guids = [guid for guid in set(guids) if guid]
    if not guids:
        return {}
    try:
        from ckanext.publicdata.harvest.model.records import HarvestRecord
    except ImportError:  # the sources part's table is not there: guids only
        return {}
    found: dict[str, str] = {}
    for start in range(0, len(guids), 1000):
        chunk = guids[start:start + 1000]
        for guid, identifier in (model.Session.query(HarvestRecord.guid, HarvestRecord.identifier)
                                 .filter(HarvestRecord.source_id == source_id, HarvestRecord.guid.in_(chunk)).all()):
            found[guid] = identifier
    return found


def _identifier_from_content(content: Optional[str], guid: str) -> Optional[str]:
    """The catalog identifier inside a record's stored content, when the source wrote it under a known name."""
    if not content or len(content) > 2_000_000:
        return None
    try:
        data = json.loads(content)
    except ValueError:
        return None
    if isinstance(data, dict):
        for key in ("identifier", "信息资源代码", "resourceCode"):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()[:200]
    return None


def _report_job_ids(source: HarvestSource, job_id: Optional[str], all_jobs: bool) -> list[str]:
    query = model.Session.query(HarvestJob.id).filter(HarvestJob.source_id == source.id)
    if job_id:
        ids = [row[0] for row in query.filter(HarvestJob.id == job_id).all()]
        if not ids:
            raise LookupError(job_id)
        return ids
    if all_jobs:
        return [row[0] for row in query.all()]
    latest = query.filter(HarvestJob.status != "New").order_by(HarvestJob.created.desc()).first()
    return [latest[0]] if latest else []


def source_error_report(source_id: str, job_id: Optional[str] = None, all_jobs: bool = False,
                        records_per_group: Optional[int] = None) -> dict[str, Any]:
    """Errors of a source's latest job (or of ``job_id``, or of all its jobs), grouped by error.

    Returns ``{"source_id", "job_ids", "total_errors", "records_errored", "gather_errors": [...],
    "groups": [{"message", "stage", "count", "records": [{"guid", "identifier", "object_id", "job_id",
    "created"}], "more": n}]}``: groups ordered by count (largest first); ``records_per_group`` limits the
    records listed per group (None: all).
    """
    source = resolve_source(source_id)
    job_ids = _report_job_ids(source, job_id, all_jobs)
    report: dict[str, Any] = {"source_id": source.id, "source_title": source.title or source.url,
                              "job_ids": job_ids, "gather_errors": [], "groups": [], "total_errors": 0,
                              "records_errored": 0}
    if not job_ids:
        return report
    gather = (model.Session.query(HarvestGatherError)
              .filter(HarvestGatherError.harvest_job_id.in_(job_ids))
              .order_by(HarvestGatherError.created).all())
    report["gather_errors"] = [{"message": error.message, "job_id": error.harvest_job_id,
                                "created": _iso(error.created)} for error in gather]
    rows = (model.Session.query(HarvestObjectError.message, HarvestObjectError.stage, HarvestObjectError.created,
                                HarvestObject.id, HarvestObject.guid, HarvestObject.harvest_job_id,
                                HarvestObject.content)
            .join(HarvestObject, HarvestObject.id == HarvestObjectError.harvest_object_id)
            .filter(HarvestObject.harvest_job_id.in_(job_ids))
            .order_by(HarvestObjectError.created).all())
    identifiers = _identifiers_by_guid(source.id, (row.guid for row in rows))
    groups: "OrderedDict[tuple[str, str], dict[str, Any]]" = OrderedDict()
    errored_objects: set[str] = set()
    for message, stage, created, object_id, guid, row_job_id, content in rows:
        identifier = identifiers.get(guid) or _identifier_from_content(content, guid)
        key = (_error_key(message, guid, identifier), stage or "")
        group = groups.setdefault(key, {"message": key[0], "stage": key[1], "count": 0, "records": [], "more": 0})
        group["count"] += 1
        errored_objects.add(object_id)
        if records_per_group is None or len(group["records"]) < records_per_group:
            group["records"].append({"guid": guid, "identifier": identifier, "object_id": object_id,
                                     "job_id": row_job_id, "created": _iso(created), "message": message})
        else:
            group["more"] += 1
    report["groups"] = sorted(groups.values(), key=lambda group: -group["count"])
    report["total_errors"] = len(rows) + len(gather)
    report["records_errored"] = len(errored_objects)
    return report


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet never evaluates (record contents come from outside: formula injection)."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def error_report_csv(report: dict[str, Any]) -> str:
    """The report as CSV text (one row per error; record-level errors carry the record's guid and identifier)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ERROR_CSV_HEADERS)
    for error in report["gather_errors"]:
        writer.writerow([_csv_cell(error["message"]), "gather", "", "", error["job_id"], error["created"] or ""])
    for group in report["groups"]:
        for record in group["records"]:
            writer.writerow([_csv_cell(record["message"]), _csv_cell(group["stage"]), _csv_cell(record["guid"]),
                             _csv_cell(record["identifier"] or ""), record["job_id"], record["created"] or ""])
    return "\ufeff" + buffer.getvalue()


# ------------------------------------------------------------------ source status

def source_status(source_id: str, jobs: int = 5) -> dict[str, Any]:
    """A source's configuration summary and its latest jobs with their progress."""
    source = resolve_source(source_id)
    package = model.Package.get(source.id)
    recent = (model.Session.query(HarvestJob).filter(HarvestJob.source_id == source.id)
              .order_by(HarvestJob.created.desc()).limit(max(1, jobs)).all())
    return {
        "source_id": source.id,
        "name": package.name if package is not None else source.id,
        "title": source.title or source.url,
        "type": source.type,
        "url": source.url,
        "active": bool(source.active),
        "frequency": source.frequency,
        "next_run": _iso(source.next_run),
        "jobs": [job_progress(job.id) for job in recent],
    }
