"""Deadlines of feedback tickets, in mainland-China working days (FB-1, DEM-1, FB-4).

The figures come from :mod:`ckanext.publicdata.deadlines` (the configured city preset: BZ-R by default, SU or ZB);
the counting from :mod:`ckanext.publicdata.workdays` (start day not counted, 调休 respected). A stage's due date
is the last working day on which the step is still on time (Asia/Shanghai calendar day).

Extensions (FB-1): only a stage running on ``feedback_handle`` can be extended, and only when the preset's
``feedback_extension_cap`` is longer than ``feedback_handle`` (BZ-R provides for none; SU up to 30 wd with the
authority's approval; ZB up to 10 wd with the provider head's approval). The total period of the stage — the
original period plus every approved extension — never exceeds the cap.
"""
from __future__ import annotations

import datetime
from typing import Optional

import ckan.model as model

from ckanext.publicdata import deadlines, workdays
from ckanext.publicdata.feedback.model.ticket import EXTENSION_APPROVED, Ticket, TicketExtension

__all__ = ["EXTENDABLE_KEY", "stage_due_on", "today", "is_overdue", "workdays_left", "extension_policy",
           "granted_extension_days", "extension_room", "handled_on_time"]

EXTENDABLE_KEY = "feedback_handle"


def today() -> datetime.date:
    return workdays.now_local().date()


def stage_due_on(started_at: datetime.datetime | datetime.date, deadline_key: Optional[str],
                 extra_workdays: int = 0) -> Optional[datetime.date]:
    """The due date of a stage that started at ``started_at`` and runs on ``deadline_key`` (+ extensions)."""
    if not deadline_key:
        return None
    period = deadlines.workdays_for(deadline_key) + max(extra_workdays, 0)
    return workdays.add_workdays(workdays.local_date(started_at), period)


def is_overdue(ticket: Ticket, on: Optional[datetime.date] = None) -> bool:
    """An open ticket whose current stage's due date has passed."""
    if ticket.closed_at is not None or ticket.due_on is None:
        return False
    return (on or today()) > ticket.due_on


def workdays_left(ticket: Ticket, on: Optional[datetime.date] = None) -> Optional[int]:
    """Working days left until the due date (0 on the due date, negative once overdue); None without one."""
    if ticket.closed_at is not None or ticket.due_on is None:
        return None
    current = on or today()
    if current <= ticket.due_on:
        return workdays.workdays_between(current, ticket.due_on)
    return -workdays.workdays_between(ticket.due_on, current)


def extension_policy() -> dict[str, object]:
    """What the configured preset allows: handle period, cap, who approves, clause."""
    handle = deadlines.rule("feedback_handle")
    cap = deadlines.rule("feedback_extension_cap")
    return {
        "handle_workdays": handle.workdays,
        "cap_workdays": cap.workdays,
        "extendable": cap.workdays > handle.workdays,
        "approved_by": cap.approved_by or "authority",
        "clause": cap.clause,
        "summary": cap.summary,
    }


def granted_extension_days(ticket: Ticket) -> int:
    """Working days already granted to the ticket's current stage."""
    query = model.Session.query(TicketExtension).filter(
        TicketExtension.ticket_id == ticket.id, TicketExtension.status == EXTENSION_APPROVED)
    if ticket.stage_started_at is not None:
        query = query.filter(TicketExtension.requested_at >= ticket.stage_started_at)
    return sum(extension.workdays for extension in query)


def extension_room(ticket: Ticket) -> int:
    """How many more working days the current stage may still be extended by (0: none)."""
    if ticket.closed_at is not None or ticket.deadline_key != EXTENDABLE_KEY:
        return 0
    policy = extension_policy()
    used = int(policy["handle_workdays"]) + granted_extension_days(ticket)  # type: ignore[call-overload]
    return max(int(policy["cap_workdays"]) - used, 0)  # type: ignore[call-overload]


def handled_on_time(ticket: Ticket) -> Optional[bool]:
    """Whether the answer came by the due date in force at the time (None while unanswered)."""
    if ticket.handled_at is None:
        return None
    if ticket.due_on is None:
        return True
    return workdays.local_date(ticket.handled_at) <= ticket.due_on
