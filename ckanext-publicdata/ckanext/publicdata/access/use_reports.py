"""Periodic use reports (ACC-8; BZ-R 5, 17): grant holders report use, results, benefits and problems found.

A report is due every ``use_report_interval_days`` from the start of the grant (then from the end of the last
reported period); it is overdue ``use_report_grace_days`` after that, and overdue reports are flagged to the
provider (``ckan publicdata-access use-reports remind`` and the provider's review dashboard).
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import ckan.model as model

from ckanext.publicdata import workdays
from ckanext.publicdata.access import workflow, workflow_config
from ckanext.publicdata.access.model.application import AccessRequest
from ckanext.publicdata.access.model.use_report import UseReport

__all__ = ["reports_of", "next_due", "is_overdue", "overdue_requests", "remind_overdue"]


def reports_of(request_id: str) -> list[UseReport]:
    return (model.Session.query(UseReport).filter(UseReport.request_id == request_id)
            .order_by(UseReport.period_end.desc(), UseReport.submitted_at.desc()).all())


def next_due(request: AccessRequest) -> Optional[datetime.date]:
    """When the next report is due, or None when the application has no grant (or it has ended)."""
    grant = workflow.grant_of(request)
    if grant is None or grant.status != "active":
        return None
    reports = reports_of(request.id)
    covered_until = reports[0].period_end if reports else grant.starts_on
    due = covered_until + datetime.timedelta(days=workflow_config.use_report_interval_days())
    if reports and reports[0].period_end >= grant.expires_on:
        return None  # the whole period is reported
    return due


def is_overdue(request: AccessRequest, today: Optional[datetime.date] = None) -> bool:
    due = next_due(request)
    if due is None:
        return False
    today = today or workdays.local_date(workdays.now_local())
    return today > due + datetime.timedelta(days=workflow_config.use_report_grace_days())


def overdue_requests(today: Optional[datetime.date] = None, owner_orgs: Optional[set[str]] = None
                     ) -> list[tuple[AccessRequest, datetime.date]]:
    """Active applications whose holder owes a report past the grace period, with the due day."""
    query = model.Session.query(AccessRequest).filter(AccessRequest.status == workflow.ACTIVE)
    if owner_orgs is not None:
        query = query.filter(AccessRequest.owner_org.in_(owner_orgs or {""}))
    result = []
    for request in query:
        if is_overdue(request, today):
            due = next_due(request)
            if due is not None:
                result.append((request, due))
    return sorted(result, key=lambda pair: pair[1])


def remind_overdue(today: Optional[datetime.date] = None) -> list[dict[str, Any]]:
    """Flag every overdue report to its provider and remind the holder (in-site, e-mail when configured)."""
    flagged = []
    for request, due in overdue_requests(today):
        title = (f"利用情况报告逾期：{request.title} / Use report overdue: {request.title}")
        body = (f"应于 {due.isoformat()} 提交的数据利用情况报告尚未提交。 / "
                f"The use report due on {due.isoformat()} has not been submitted.")
        workflow.notify(workflow.provider_ids(request.owner_org) + [request.user_id], request,
                        "access_use_report_overdue", title, body)
        flagged.append({"request_id": request.id, "due": due.isoformat()})
    return flagged
