"""The application workflow (ACC-4 … ACC-6): statuses, transitions, deadlines, who may act, notifications.

::

    draft ─submit→ submitted ─accept→ provider_review ─approve→ approved ─sign→ active ─(grant)→ expired | revoked
      ↑               │                    │                                   (read from the grant)
      └──amend── returned ←─return─┘       └─refuse→ refused
    withdraw: from draft, submitted, returned, provider_review (before approval) → withdrawn

Deadlines are working days on the mainland-China calendar (``ckanext.publicdata.workdays``), their lengths from
the configured deadline preset (``deadlines.workdays_for``): the authority's formal review runs from submission
(again from each resubmission), the provider's review from the formal acceptance. Every transition writes an
``AccessRequestEvent`` (who, when, from, to, why), notifies the people concerned and goes to the audit log.
"""
from __future__ import annotations

import datetime
import logging
from typing import Any, Iterable, Optional

import ckan.authz as authz
import ckan.model as model

from ckanext.publicdata import deadlines, workdays
from ckanext.publicdata.access.model.application import AccessRequest, AccessRequestEvent
from ckanext.publicdata.catalog import authority
from ckanext.publicdata.notifications import service as notifications

log = logging.getLogger(__name__)

DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
PROVIDER_REVIEW = "provider_review"
APPROVED = "approved"
REFUSED = "refused"
ACTIVE = "active"
WITHDRAWN = "withdrawn"
EXPIRED = "expired"  # derived from the grant
REVOKED = "revoked"  # derived from the grant

STATUSES = (DRAFT, SUBMITTED, RETURNED, PROVIDER_REVIEW, APPROVED, REFUSED, ACTIVE, WITHDRAWN, EXPIRED, REVOKED)
OPEN_STATUSES = (DRAFT, SUBMITTED, RETURNED, PROVIDER_REVIEW, APPROVED)
EDITABLE_STATUSES = (DRAFT, RETURNED)

# action → (statuses it starts from, status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": ((DRAFT, RETURNED), SUBMITTED),
    "accept": ((SUBMITTED,), PROVIDER_REVIEW),
    "return": ((SUBMITTED,), RETURNED),
    "approve": ((PROVIDER_REVIEW,), APPROVED),
    "refuse": ((PROVIDER_REVIEW,), REFUSED),
    "sign": ((APPROVED,), ACTIVE),
    "withdraw": ((DRAFT, SUBMITTED, RETURNED, PROVIDER_REVIEW), WITHDRAWN),
}

STATUS_LABELS = {
    DRAFT: ("草稿", "Draft"),
    SUBMITTED: ("待规范性审查", "Awaiting formal review"),
    RETURNED: ("已退回补正", "Returned for amendment"),
    PROVIDER_REVIEW: ("待开放主体审核", "Awaiting provider review"),
    APPROVED: ("已同意，待签署协议", "Approved, agreement to sign"),
    REFUSED: ("未通过", "Refused"),
    ACTIVE: ("已签署，使用中", "Agreement signed, access active"),
    WITHDRAWN: ("已撤回", "Withdrawn"),
    EXPIRED: ("已到期", "Expired"),
    REVOKED: ("已撤销权限", "Access revoked"),
}

__all__ = [
    "STATUSES", "OPEN_STATUSES", "EDITABLE_STATUSES", "TRANSITIONS", "STATUS_LABELS",
    "TransitionError", "can_transition", "transition", "formal_review_due", "provider_review_due",
    "current_deadline", "is_overdue", "effective_status", "grant_of",
    "is_applicant", "is_reviewing_authority", "is_provider", "can_view",
    "reviewer_ids", "provider_ids", "notify", "audit_record",
]


class TransitionError(Exception):
    """A transition not allowed from the current status (bilingual message)."""


def can_transition(request: AccessRequest, action: str) -> bool:
    sources, _target = TRANSITIONS[action]
    return request.status in sources


# ------------------------------------------------------------------------------------------- deadlines

def formal_review_due(received: workdays.DateLike) -> datetime.date:
    """Due day of the authority's formal review of an application received (submitted) on ``received``."""
    return workdays.add_workdays(received, deadlines.workdays_for("access_formal_review"))


def provider_review_due(received: workdays.DateLike) -> datetime.date:
    """Due day of the provider's review of an application passed to it on ``received``."""
    return workdays.add_workdays(received, deadlines.workdays_for("access_provider_review"))


def current_deadline(request: AccessRequest) -> Optional[datetime.date]:
    """The due day of the step the application waits for, or None when nobody owes it a decision."""
    if request.status == SUBMITTED:
        return request.formal_due
    if request.status == PROVIDER_REVIEW:
        return request.provider_due
    return None


def is_overdue(request: AccessRequest, today: Optional[datetime.date] = None) -> bool:
    """True once the local day is after the due day of the pending step."""
    due = current_deadline(request)
    if due is None:
        return False
    return (today or workdays.local_date(workdays.now_local())) > due


# ------------------------------------------------------------------------------------------- grant status

def grant_of(request: AccessRequest) -> Any:
    from ckanext.publicdata.access.model.grant import Grant

    return (model.Session.query(Grant).filter(Grant.access_request_id == request.id)
            .order_by(Grant.created_at.desc()).first())


def effective_status(request: AccessRequest, today: Optional[datetime.date] = None) -> str:
    """The stored status, with ``active`` read through the grant: ``revoked`` or ``expired`` when it is."""
    if request.status != ACTIVE:
        return request.status
    grant = grant_of(request)
    if grant is None:
        return ACTIVE
    if grant.status == "revoked":
        return REVOKED
    today = today or workdays.local_date(workdays.now_local())
    if today > grant.expires_on:
        return EXPIRED
    return ACTIVE


# ------------------------------------------------------------------------------------------- roles

def is_applicant(user: Optional[model.User], request: AccessRequest) -> bool:
    return user is not None and user.id == request.user_id


def is_reviewing_authority(user: Optional[model.User], request: AccessRequest) -> bool:
    """The open-data authority of the dataset's provider (the city bureau, or the county bureau for its agencies)."""
    return user is not None and authority.is_authority_for(user.name, request.owner_org or "")


def is_provider(user: Optional[model.User], request: AccessRequest) -> bool:
    """Staff (admin or editor) of the dataset's provider organization, or a sysadmin."""
    if user is None:
        return False
    if user.sysadmin:
        return True
    if not request.owner_org:
        return False
    return authz.users_role_for_group_or_org(request.owner_org, user.name) in ("admin", "editor")


def can_view(user: Optional[model.User], request: AccessRequest) -> bool:
    return is_applicant(user, request) or is_reviewing_authority(user, request) or is_provider(user, request)


def reviewer_ids(owner_org: Optional[str]) -> list[str]:
    """Who reviews applications formally for ``owner_org``: the city authority and the county bureau's admins."""
    ids = list(notifications.authority_recipients())
    bureau = authority.county_bureau_of(owner_org or "")
    if bureau is not None:
        ids += notifications.organization_recipients(bureau.id, ("admin",))
    return list(dict.fromkeys(ids))


def provider_ids(owner_org: Optional[str]) -> list[str]:
    return notifications.organization_recipients(owner_org or "")


# ------------------------------------------------------------------------------------------- records

# transition → audit-log event name
AUDIT_EVENTS = {
    "submit": "application_submitted",
    "accept": "application_accepted",
    "return": "application_returned",
    "approve": "application_approved",
    "refuse": "application_refused",
    "sign": "agreement_signed",
    "withdraw": "application_withdrawn",
}


def audit_record(event: str, **fields: Any) -> None:
    """Log a decision in the access audit log (ACC-10) when the enforcement part provides it."""
    try:
        from ckanext.publicdata.access import audit
    except ImportError:
        log.debug("access audit log not available; %s not recorded there", event)
        return
    audit.record(event, **fields)


def notify(user_ids: Iterable[str], request: AccessRequest, kind: str, title: str, body: str) -> None:
    notifications.notify(list(user_ids), kind, title, body, link=f"/access/requests/{request.id}",
                         object_type="access_request", object_id=request.id)


def _next_sequence(request_id: str) -> int:
    last = (model.Session.query(AccessRequestEvent.sequence)
            .filter(AccessRequestEvent.request_id == request_id)
            .order_by(AccessRequestEvent.sequence.desc()).first())
    return (last[0] + 1) if last else 1


def record_event(request: AccessRequest, action: str, from_status: Optional[str], actor: Optional[model.User],
                 reasons: Optional[list[str]] = None, note: Optional[str] = None) -> AccessRequestEvent:
    event = AccessRequestEvent(
        request_id=request.id, sequence=_next_sequence(request.id), action=action, from_status=from_status,
        to_status=request.status, actor_id=actor.id if actor else None, at=datetime.datetime.utcnow(),
        reasons=list(reasons or []), note=note or None)
    model.Session.add(event)
    return event


def transition(request: AccessRequest, action: str, actor: Optional[model.User], *,
               reasons: Optional[list[str]] = None, note: Optional[str] = None,
               now: Optional[datetime.datetime] = None) -> AccessRequestEvent:
    """Move ``request`` by ``action``: check the source status, set the target status and the step's fields and
    deadline, record the event and the audit entry. Notifications are the caller's (they depend on the step)."""
    sources, target = TRANSITIONS[action]
    if request.status not in sources:
        zh_from, en_from = STATUS_LABELS.get(request.status, (request.status, request.status))
        raise TransitionError(
            f"申请当前状态为“{zh_from}”，不能执行此操作（{action}） / "
            f"The application is '{en_from}'; '{action}' is not possible now")
    now = now or datetime.datetime.utcnow()
    from_status = request.status
    request.status = target
    actor_id = actor.id if actor else None
    if action == "submit":
        request.submitted_at = now
        request.formal_due = formal_review_due(now)
        request.provider_due = None
    elif action in ("accept", "return"):
        request.formal_reviewed_at = now
        request.formal_reviewed_by = actor_id
        if action == "accept":
            request.provider_due = provider_review_due(now)
            request.return_reasons = []
        else:
            request.return_reasons = list(reasons or [])
    elif action in ("approve", "refuse"):
        request.decided_at = now
        request.decided_by = actor_id
        if action == "refuse":
            request.decision_reasons = "\n".join(reasons or [])
    elif action == "withdraw":
        request.closed_at = now
    request.modified = now
    event = record_event(request, action, from_status, actor, reasons, note)
    audit_record(AUDIT_EVENTS[action], user_id=actor_id, package_id=request.package_id, object_id=request.id,
                 detail={"from": from_status, "to": target, "reasons": list(reasons or []), "note": note})
    return event
