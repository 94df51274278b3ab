"""Transparency of feedback handling (issue 6 item 4; PLAT evaluation figures, BZ-R 20 / SU 37).

- :func:`handled_feedback`: the public list of handled tickets — kind, dataset (only a public one), provider,
  filed and answered dates, response time in working days, outcome and the public response. Never the filer's
  title or text, names, phones, e-mails or account ids: the list is built from an explicit set of fields.
- :func:`agency_figures`: per agency (the ticket's responsible organization) for a period — received, handled,
  handled on time, handled late, open and overdue, median working days to answer — for the open-data authority.

Reads the tickets helper's ``Ticket`` table; response times use the mainland-China working-day calendar.
"""
from __future__ import annotations

import datetime
import statistics
from typing import Any, Iterable, Optional


import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata import workdays
from ckanext.publicdata.feedback import deadlines as ticket_deadlines
from ckanext.publicdata.feedback import kinds as kind_registry
from ckanext.publicdata.feedback.model.ticket import Ticket

__all__ = [
    "PUBLIC_KINDS",
    "FIGURE_COLUMNS",
    "response_workdays",
    "handled_feedback",
    "agency_figures",
    "period_bounds",
]

# the kinds of feedback whose handling is shown publicly (use results have their gallery; rectification tasks are
# the authority's internal quality audits)
PUBLIC_KINDS = ("error_report", "objection", "rights_complaint", "suggestion", "illegal_use_report",
                "data_demand", "opening_need")
UNASSIGNED = "__authority__"
FIGURE_COLUMNS = ("organization_id", "organization_name", "organization_title", "received", "handled",
                  "handled_on_time", "handled_late", "open", "open_overdue", "overdue", "on_time_rate",
                  "median_workdays")


def response_workdays(ticket: Ticket) -> Optional[int]:
    """Working days from filing to the answer (same day: 0); None while unanswered."""
    if ticket.handled_at is None or ticket.created_at is None:
        return None
    return max(workdays.workdays_between(workdays.local_date(ticket.created_at),
                                         workdays.local_date(ticket.handled_at)), 0)


def _translated(label: Optional[str]) -> str:
    if not label:
        return ""
    try:
        return tk._(label)
    except Exception:
        return label


def _public_packages(package_ids: Iterable[Optional[str]]) -> dict[str, model.Package]:
    ids = sorted({package_id for package_id in package_ids if package_id})
    if not ids:
        return {}
    rows = (model.Session.query(model.Package)
            .filter(model.Package.id.in_(ids), model.Package.state == "active",
                    model.Package.private.is_(False)))
    return {row.id: row for row in rows}


def _organizations(organization_ids: Iterable[Optional[str]]) -> dict[str, model.Group]:
    ids = sorted({organization_id for organization_id in organization_ids if organization_id})
    if not ids:
        return {}
    return {row.id: row for row in model.Session.query(model.Group).filter(model.Group.id.in_(ids))}


def handled_feedback(kind: Optional[str] = None, package_id: Optional[str] = None, limit: int = 20,
                     offset: int = 0) -> dict[str, Any]:
    """Handled tickets of the public kinds, most recently answered first, without personal data."""
    query = model.Session.query(Ticket).filter(Ticket.handled_at.isnot(None),
                                               Ticket.kind.in_(PUBLIC_KINDS))
    if kind:
        if kind not in PUBLIC_KINDS:
            raise tk.ValidationError({"kind": [
                f"该类型不在公开范围内：{kind} / Not a publicly listed kind: {kind} "
                f"(one of {', '.join(PUBLIC_KINDS)})"]})
        query = query.filter(Ticket.kind == kind)
    if package_id:
        package = model.Package.get(package_id)
        query = query.filter(Ticket.package_id == (package.id if package else package_id))
    count = query.count()
    tickets = query.order_by(Ticket.handled_at.desc(), Ticket.id).offset(offset).limit(limit).all()
    packages = _public_packages(ticket.package_id for ticket in tickets)
    organizations = _organizations(ticket.organization_id for ticket in tickets)
    results = []
    for ticket in tickets:
        definition = kind_registry.KINDS.get(ticket.kind)
        package = packages.get(ticket.package_id or "")
        organization = organizations.get(ticket.organization_id or "")
        results.append({
            "reference": ticket.reference,
            "kind": ticket.kind,
            "kind_label": _translated(definition.label if definition else ticket.kind),
            "dataset": {"id": package.id, "name": package.name, "title": package.title} if package else None,
            "organization": ({"id": organization.id, "name": organization.name, "title": organization.title}
                             if organization is not None else None),
            "filed_on": workdays.local_date(ticket.created_at).isoformat(),
            "handled_on": workdays.local_date(ticket.handled_at).isoformat(),
            "response_workdays": response_workdays(ticket),
            "on_time": ticket_deadlines.handled_on_time(ticket),
            "status": ticket.status,
            "outcome": ticket.outcome,
            "outcome_label": _translated(kind_registry.OUTCOME_LABELS.get(ticket.outcome or "", ticket.outcome)),
            "response": ticket.response or "",
        })
    return {"count": count, "results": results}


def period_bounds(start: Optional[datetime.date], end: Optional[datetime.date]
                  ) -> tuple[Optional[datetime.datetime], Optional[datetime.datetime]]:
    """UTC datetimes for the Asia/Shanghai days [start, end] (either may be open)."""
    def utc(day: datetime.date) -> datetime.datetime:
        local = datetime.datetime.combine(day, datetime.time.min, tzinfo=workdays.SHANGHAI)
        return local.astimezone(datetime.timezone.utc).replace(tzinfo=None)

    if start and end and end < start:
        raise tk.ValidationError({"end": ["结束日期不能早于开始日期 / The end date is before the start date"]})
    return (utc(start) if start else None, utc(end + datetime.timedelta(days=1)) if end else None)


def agency_figures(start: Optional[datetime.date] = None, end: Optional[datetime.date] = None,
                   organization_ids: Optional[set[str]] = None, kind: Optional[str] = None,
                   on: Optional[datetime.date] = None) -> dict[str, Any]:
    """Per agency, for tickets filed in [start, end]: received, handled (on time / late), open (overdue) and
    the median working days to answer. ``organization_ids`` limits the agencies (None: all, with the tickets
    not yet assigned to a provider under ``__authority__``)."""
    if kind and kind not in kind_registry.KINDS:
        kind_registry.kind(kind)  # the bilingual unknown-kind error
    since, until = period_bounds(start, end)
    query = model.Session.query(Ticket).filter(Ticket.kind != "use_result")
    if kind:
        query = query.filter(Ticket.kind == kind)
    if since is not None:
        query = query.filter(Ticket.created_at >= since)
    if until is not None:
        query = query.filter(Ticket.created_at < until)
    if organization_ids is not None:
        query = query.filter(Ticket.organization_id.in_(sorted(organization_ids) or [""]))
    today = on or ticket_deadlines.today()
    rows: dict[str, dict[str, Any]] = {}
    durations: dict[str, list[int]] = {}
    for ticket in query.yield_per(500):
        key = ticket.organization_id or UNASSIGNED
        row = rows.setdefault(key, {"received": 0, "handled": 0, "handled_on_time": 0, "handled_late": 0,
                                    "open": 0, "open_overdue": 0})
        row["received"] += 1
        if ticket.handled_at is not None:
            row["handled"] += 1
            if ticket_deadlines.handled_on_time(ticket):
                row["handled_on_time"] += 1
            else:
                row["handled_late"] += 1
            durations.setdefault(key, []).append(response_workdays(ticket) or 0)
        elif ticket.closed_at is None:
            row["open"] += 1
            if ticket_deadlines.is_overdue(ticket, on=today):
                row["open_overdue"] += 1
    organizations = _organizations(key for key in rows if key != UNASSIGNED)
    results = []
    for key, row in rows.items():
        organization = organizations.get(key)
        handled = row["handled"]
        days = durations.get(key) or []
        results.append({
            "organization_id": None if key == UNASSIGNED else key,
            "organization_name": organization.name if organization else None,
            "organization_title": (organization.title if organization else
                                   _translated("Open-data authority (not yet assigned)")),
            **row,
            "overdue": row["handled_late"] + row["open_overdue"],
            "on_time_rate": round(row["handled_on_time"] / handled, 4) if handled else None,
            "median_workdays": statistics.median(days) if days else None,
        })
    results.sort(key=lambda item: (-item["received"], item["organization_title"] or ""))
    totals = {name: sum(item[name] for item in results) for name in
              ("received", "handled", "handled_on_time", "handled_late", "open", "open_overdue", "overdue")}
    all_days = [day for values in durations.values() for day in values]
    totals["median_workdays"] = statistics.median(all_days) if all_days else None
    return {
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
        "as_of": today.isoformat(),
        "results": results,
        "totals": totals,
    }


