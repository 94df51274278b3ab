"""Running tickets: filing, the one :func:`transition` every state change goes through, deadline extensions,
who may act and see what, the dashboard, and notifications to the people concerned.

Callers (the actions) validate input and check access first; functions here add rows to the session and leave
the commit to the caller, so a step and its event, notifications and suspension are stored together or not at all.
"""
from __future__ import annotations

import datetime
import logging
import secrets
from typing import Any, Iterable, Optional

import sqlalchemy as sa

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog import authority
from ckanext.publicdata.feedback import deadlines as ticket_deadlines
from ckanext.publicdata.feedback import kinds as kind_registry
from ckanext.publicdata.feedback.attachments import IncomingFile
from ckanext.publicdata.feedback.kinds import AUTHORITY, PROVIDER, SUBMITTER, Kind, Transition
from ckanext.publicdata.feedback.model.ticket import (
    EXTENSION_APPROVED, EXTENSION_PENDING, EXTENSION_REJECTED, Ticket, TicketAttachment, TicketEvent,
    TicketExtension)
from ckanext.publicdata.notifications import service as notifications
from ckanext.publicdata import workdays

__all__ = ["NOTIFICATION_KIND", "roles_for", "can_view", "can_see_personal", "file_ticket", "transition",
           "available_transitions", "request_extension", "decide_extension", "can_decide_extension",
           "ticket_dict", "dashboard", "visible_query", "record_event", "ticket_link", "user_id_of",
           "provider_organization_ids", "remind_due", "REMINDER_KIND"]

log = logging.getLogger(__name__)

NOTIFICATION_KIND = "feedback_ticket"


def _utcnow() -> datetime.datetime:
    return datetime.datetime.utcnow()


def user_id_of(user_name_or_id: Optional[str]) -> Optional[str]:
    if not user_name_or_id:
        return None
    user = model.User.get(user_name_or_id)
    return user.id if user is not None else None


def _user_name(user_id: Optional[str]) -> Optional[str]:
    user = model.User.get(user_id) if user_id else None
    return user.name if user is not None else None


# --------------------------------------------------------------------------------------------------
# roles


def provider_organization_ids(user_name: Optional[str]) -> set[str]:
    """Organizations where the user is editor or admin (the providers they act for)."""
    user = model.User.get(user_name) if user_name else None
    if user is None:
        return set()
    rows = (
        model.Session.query(model.Member.group_id)
        .join(model.Group, model.Group.id == model.Member.group_id)
        .filter(model.Member.table_name == "user", model.Member.table_id == user.id,
                model.Member.state == "active", model.Member.capacity.in_(("admin", "editor")),
                model.Group.is_organization.is_(True), model.Group.state == "active")
    )
    return {row[0] for row in rows}


def roles_for(ticket: Ticket, user_name: Optional[str]) -> set[str]:
    """The roles ``user_name`` holds on ``ticket`` (sysadmins hold every handling role)."""
    roles: set[str] = set()
    if not user_name:
        return roles
    user = model.User.get(user_name)
    if user is None:
        return roles
    if ticket.submitter_id and ticket.submitter_id == user.id:
        roles.add(SUBMITTER)
    if user.sysadmin:
        return roles | {PROVIDER, AUTHORITY}
    if ticket.organization_id:
        if ticket.organization_id in provider_organization_ids(user.name):
            roles.add(PROVIDER)
        if authority.is_authority_for(user.name, ticket.organization_id):
            roles.add(AUTHORITY)
    elif authority.is_city_authority(user.name):
        roles.add(AUTHORITY)
    return roles


def _is_public(ticket: Ticket) -> bool:
    definition = kind_registry.KINDS.get(ticket.kind)
    return bool(definition and ticket.is_public and ticket.status in definition.public_when)


def can_view(ticket: Ticket, user_name: Optional[str], tracking_code: Optional[str] = None) -> bool:
    if roles_for(ticket, user_name):
        return True
    if tracking_code and ticket.tracking_code and secrets.compare_digest(tracking_code, ticket.tracking_code):
        return True
    return _is_public(ticket)


def can_see_personal(ticket: Ticket, user_name: Optional[str], tracking_code: Optional[str] = None) -> bool:
    """Contacts, submitter, attachments and the event log: the parties only, never the public."""
    if roles_for(ticket, user_name):
        return True
    return bool(tracking_code and ticket.tracking_code
                and secrets.compare_digest(tracking_code, ticket.tracking_code))


def available_transitions(ticket: Ticket, user_name: Optional[str]) -> list[Transition]:
    """The steps ``user_name`` may take on ``ticket`` now."""
    definition = kind_registry.kind(ticket.kind)
    roles = roles_for(ticket, user_name)
    return [step for step in definition.transitions
            if ticket.status in step.sources and roles.intersection(step.actors)]


# --------------------------------------------------------------------------------------------------
# events and notifications


def record_event(ticket: Ticket, action: str, actor_id: Optional[str], note: str = "",
                 from_status: Optional[str] = None, to_status: Optional[str] = None,
                 due_on: Optional[datetime.date] = None) -> TicketEvent:
    last = (model.Session.query(sa.func.max(TicketEvent.seq)).filter(TicketEvent.ticket_id == ticket.id)
            .scalar())
    event = TicketEvent(ticket_id=ticket.id, seq=(last or 0) + 1, at=_utcnow(), actor_id=actor_id, action=action,
                        from_status=from_status, to_status=to_status, note=note or "", due_on=due_on)
    model.Session.add(event)
    model.Session.flush()
    return event


def ticket_link(ticket: Ticket) -> str:
    try:
        return tk.url_for("publicdata_feedback_ticket.read", id=ticket.id, _external=True)
    except Exception:  # outside a request and without site_url: a relative link still works in-site
        return f"/feedback/ticket/{ticket.id}"


def _authority_recipients_for(organization_id: Optional[str]) -> list[str]:
    recipients = list(notifications.authority_recipients())
    if organization_id:
        bureau = authority.county_bureau_of(organization_id)
        if bureau is not None:
            recipients += notifications.organization_recipients(bureau.id, ("admin",))
    return list(dict.fromkeys(recipients))


def _role_recipients(ticket: Ticket, role: Optional[str]) -> list[str]:
    if role == PROVIDER:
        return notifications.organization_recipients(ticket.organization_id or "")
    if role == AUTHORITY:
        return _authority_recipients_for(ticket.organization_id)
    return []


def _kind_label(ticket: Ticket) -> str:
    return tk._(kind_registry.kind(ticket.kind).label)


def _status_label(status: str) -> str:
    return tk._(kind_registry.STATUS_LABELS.get(status, status))


def _email_contact(ticket: Ticket, subject: str, body: str) -> None:
    """Tell an anonymous filer by e-mail at the contact they left (best effort, only when e-mail is set up)."""
    if ticket.submitter_id or not ticket.contact_email:
        return
    if not (tk.config.get("smtp.server") or tk.config.get("smtp.test_server")):
        return
    try:
        from ckan.lib.mailer import mail_recipient

        mail_recipient(ticket.contact_name or ticket.contact_email, ticket.contact_email, subject, body)
    except Exception as error:  # e-mail never undoes the work
        log.warning("could not e-mail the filer of ticket %s: %s", ticket.reference, error)


def _notify(user_ids: Iterable[str], ticket: Ticket, title: str, body: str, exclude: Optional[str] = None) -> None:
    targets = [user_id for user_id in user_ids if user_id and user_id != exclude]
    if targets:
        notifications.notify(targets, NOTIFICATION_KIND, title, body, link=ticket_link(ticket),
                             object_type="feedback_ticket", object_id=ticket.id)


def _due_text(ticket: Ticket) -> str:
    if ticket.due_on is None or ticket.closed_at is not None:
        return ""
    return tk._("Due on {date}").format(date=ticket.due_on.isoformat())


# --------------------------------------------------------------------------------------------------
# filing


def _reference(now: datetime.datetime) -> str:
    day = workdays.local_date(now)
    for _attempt in range(5):
        candidate = f"FK{day:%Y%m%d}-{secrets.token_hex(3).upper()}"
        if not model.Session.query(Ticket.id).filter(Ticket.reference == candidate).first():
            return candidate
    return f"FK{day:%Y%m%d}-{secrets.token_hex(6).upper()}"


def _start_stage(ticket: Ticket, deadline_key: Optional[str], now: datetime.datetime) -> None:
    ticket.stage_started_at = now
    ticket.deadline_key = deadline_key
    ticket.due_on = ticket_deadlines.stage_due_on(now, deadline_key)


def file_ticket(definition: Kind, fields: dict[str, Any], submitter_id: Optional[str],
                attachments: Iterable[IncomingFile] = ()) -> Ticket:
    """Store a validated filing: reference, first stage and its due date, attachments, the 'filed' event, and
    notices to whoever must act first. ``fields`` comes from the create validator."""
    now = _utcnow()
    organization_id = fields.get("organization_id")
    if organization_id or definition.unassigned_status is None:
        status, deadline_key = definition.initial_status, definition.initial_deadline
    else:
        status, deadline_key = definition.unassigned_status, definition.unassigned_deadline
    ticket = Ticket(
        reference=_reference(now), kind=definition.name, status=status,
        title=fields["title"], body=fields.get("body") or "",
        package_id=fields.get("package_id"), resource_id=fields.get("resource_id"),
        organization_id=organization_id, submitter_id=submitter_id,
        contact_name=fields.get("contact_name"), contact_phone=fields.get("contact_phone"),
        contact_email=fields.get("contact_email"),
        tracking_code=None if submitter_id else secrets.token_urlsafe(12),
        details=fields.get("details") or {}, is_public=False, featured=False,
        created_at=now, updated_at=now,
    )
    _start_stage(ticket, deadline_key, now)
    model.Session.add(ticket)
    model.Session.flush()
    for incoming in attachments:
        model.Session.add(TicketAttachment(
            ticket_id=ticket.id, filename=incoming.filename, mimetype=incoming.mimetype,
            size=len(incoming.content), sha256=incoming.sha256, content=incoming.content,
            uploaded_by=submitter_id, created_at=now))
    record_event(ticket, "file", submitter_id, "", None, status, ticket.due_on)
    waiting = definition.waiting_role(status)
    title = tk._("New {kind}: {title}").format(kind=_kind_label(ticket), title=ticket.title)
    _notify(_role_recipients(ticket, waiting), ticket, title,
            f"{ticket.reference} {_due_text(ticket)}".strip(), exclude=submitter_id)
    return ticket


# --------------------------------------------------------------------------------------------------
# the one state-change function


def _suspension_module() -> Any:
    try:
        from ckanext.publicdata.feedback import suspension  # written by the helper "feedback-suspension"
    except ImportError:
        return None
    return suspension


def _apply_suspension(step: Transition, ticket: Ticket, actor_id: Optional[str], note: str) -> bool:
    """Suspend or lift the dataset for a rights-complaint step; True when the suspension module did it (it then
    tells the complainant itself)."""
    if not step.suspension or not ticket.package_id:
        return False
    suspension = _suspension_module()
    if suspension is None:
        log.warning("ticket %s: %s of dataset %s not applied, the suspension module is missing",
                    ticket.reference, step.suspension, ticket.package_id)
        return False
    if step.suspension == "suspend":
        suspension.suspend_dataset(ticket.package_id, ticket.id, actor_id, note)
    else:
        suspension.lift_suspension(ticket.package_id, ticket.id, actor_id, step.outcome, note=note)
    return True


def _bilingual_missing(name: str) -> str:
    messages = {
        "note": "请填写理由 / A reason is required",
        "response": "请填写答复内容 / An answer is required",
        "organization_id": "请选择承办的开放主体 / Choose the provider organization to forward to",
        "linked_package_id": "请选择对应的数据集 / Choose the dataset that holds the data",
    }
    return messages.get(name, f"{name} 不能为空 / {name} is required")


def _active_organization(name_or_id: str) -> Optional[model.Group]:
    group = model.Group.get(name_or_id) if name_or_id else None
    if group is None or not group.is_organization or group.state != "active":
        return None
    return group


def _active_package(name_or_id: str) -> Optional[model.Package]:
    package = model.Package.get(name_or_id) if name_or_id else None
    if package is None or package.state != "active":
        return None
    return package


def transition(ticket: Ticket, action: str, actor_id: Optional[str], note: str = "", **changes: Any) -> Ticket:
    """Take workflow step ``action`` on ``ticket`` as ``actor_id``.

    Validates the step against the kind's workflow and its required parameters (``response``, ``outcome``,
    ``organization_id``, ``linked_package_id``; ``note`` is the reason), records the event, starts the next
    stage with its due date, applies a rights complaint's suspension or lifting, and notifies the submitter and
    whoever acts next. Raises ``tk.ValidationError`` (bilingual) when the step is not possible.
    """
    definition = kind_registry.kind(ticket.kind)
    step = definition.transition(action)
    if step is None:
        known = ", ".join(candidate.action for candidate in definition.transitions)
        raise tk.ValidationError({"action": [
            f"此类反馈没有“{action}”操作 / {definition.name} has no action '{action}' (one of {known})"]})
    if ticket.status not in step.sources:
        raise tk.ValidationError({"action": [
            f"当前状态（{ticket.status}）不能执行“{action}” / '{action}' is not possible while the ticket is "
            f"{ticket.status}"]})

    note = (note or "").strip()
    response = (changes.get("response") or "").strip()
    errors: dict[str, list[str]] = {}
    given = {"note": note, "response": response,
             "organization_id": (changes.get("organization_id") or "").strip(),
             "linked_package_id": (changes.get("linked_package_id") or "").strip()}
    for name in step.requires:
        if not given.get(name):
            errors.setdefault(name, []).append(_bilingual_missing(name))
    organization = None
    if given["organization_id"] and "organization_id" in step.requires:
        organization = _active_organization(given["organization_id"])
        if organization is None:
            errors.setdefault("organization_id", []).append(
                f"开放主体不存在：{given['organization_id']} / No such organization: {given['organization_id']}")
    linked_package = None
    if given["linked_package_id"] and "linked_package_id" in step.requires:
        linked_package = _active_package(given["linked_package_id"])
        if linked_package is None:
            errors.setdefault("linked_package_id", []).append(
                f"数据集不存在：{given['linked_package_id']} / No such dataset: {given['linked_package_id']}")
    outcome = step.outcome
    if step.outcomes:
        chosen = (changes.get("outcome") or "").strip() or step.outcomes[0]
        if chosen not in step.outcomes:
            errors.setdefault("outcome", []).append(
                f"处理结果无效：{chosen}（可选 {', '.join(step.outcomes)}） / Invalid outcome: {chosen} "
                f"(one of {', '.join(step.outcomes)})")
        outcome = chosen
    if errors:
        raise tk.ValidationError(errors)

    now = _utcnow()
    from_status = ticket.status
    due_before = ticket.due_on
    previous_waiting = definition.waiting_role(from_status)
    ticket.status = step.target
    ticket.updated_at = now
    if response:
        ticket.response = response
    if organization is not None:
        ticket.organization_id = organization.id
    if linked_package is not None:
        ticket.linked_package_id = linked_package.id
    if step.handles and ticket.handled_at is None:
        ticket.handled_at = now
    if step.makes_public is not None:
        ticket.is_public = step.makes_public
    if step.closes:
        ticket.closed_at = now
        ticket.outcome = outcome
        ticket.deadline_key = None
    else:
        if outcome:
            ticket.outcome = outcome
        if step.target != from_status or step.deadline_key:
            _start_stage(ticket, step.deadline_key, now)
    record_event(ticket, action, actor_id, note or response, from_status, step.target, due_before)
    told_by_suspension = _apply_suspension(step, ticket, actor_id, note or response)

    # the submitter hears of every step they did not take themselves; the next actor hears it is their turn
    status_text = _status_label(step.target)
    if step.closes and outcome:
        status_text += f" · {tk._(kind_registry.OUTCOME_LABELS.get(outcome, outcome))}"
    title = tk._("{reference} {kind}: {status}").format(
        reference=ticket.reference, kind=_kind_label(ticket), status=status_text)
    body = response or note
    if ticket.submitter_id:
        if not told_by_suspension:
            _notify([ticket.submitter_id], ticket, title, body, exclude=actor_id)
    else:
        _email_contact(ticket, title, f"{body}\n\n{ticket_link(ticket)}")
    waiting = definition.waiting_role(step.target) if not step.closes else None
    if waiting and (waiting != previous_waiting or organization is not None or step.target != from_status):
        _notify(_role_recipients(ticket, waiting), ticket,
                tk._("For you to handle: {title}").format(title=ticket.title),
                f"{ticket.reference} {_due_text(ticket)}".strip(), exclude=actor_id)
    model.Session.flush()
    return ticket


# --------------------------------------------------------------------------------------------------
# extensions (FB-1)


def can_decide_extension(ticket: Ticket, user_name: Optional[str]) -> bool:
    """The authority approves (SU); under ZB the provider's head (an admin of the organization) may too."""
    roles = roles_for(ticket, user_name)
    if AUTHORITY in roles:
        return True
    policy = ticket_deadlines.extension_policy()
    if policy["approved_by"] == "provider_head" and ticket.organization_id and user_name:
        return authz.users_role_for_group_or_org(ticket.organization_id, user_name) == "admin"
    return False


def request_extension(ticket: Ticket, extra_workdays: int, reason: str, actor_id: Optional[str]) -> TicketExtension:
    policy = ticket_deadlines.extension_policy()
    if ticket.closed_at is not None:
        raise tk.ValidationError({"id": ["此件已办结，不能申请延期 / The ticket is closed; no extension possible"]})
    if ticket.deadline_key != ticket_deadlines.EXTENDABLE_KEY:
        raise tk.ValidationError({"id": [
            "当前环节不适用延期 / This stage of the ticket cannot be extended"]})
    if not policy["extendable"]:
        raise tk.ValidationError({"workdays": [
            f"本市规定（{policy['clause']}）未设延期，须在 {policy['handle_workdays']} 个工作日内办结 / "
            f"The city's rules ({policy['clause']}) provide for no extension: answer within "
            f"{policy['handle_workdays']} working days"]})
    pending = (model.Session.query(TicketExtension)
               .filter(TicketExtension.ticket_id == ticket.id, TicketExtension.status == EXTENSION_PENDING)
               .first())
    if pending is not None:
        raise tk.ValidationError({"id": [
            "已有待审批的延期申请 / An extension request is already waiting for a decision"]})
    room = ticket_deadlines.extension_room(ticket)
    errors: dict[str, list[str]] = {}
    if room <= 0:
        errors["workdays"] = [
            f"已达延期上限（共 {policy['cap_workdays']} 个工作日） / The extension cap of {policy['cap_workdays']} "
            f"working days is reached"]
    elif extra_workdays < 1 or extra_workdays > room:
        errors["workdays"] = [
            f"延期天数须在 1 到 {room} 个工作日之间（上限共 {policy['cap_workdays']} 个工作日） / The extension "
            f"must be 1 to {room} working days (at most {policy['cap_workdays']} in all)"]
    if not (reason or "").strip():
        errors["reason"] = ["请说明延期理由 / A reason for the extension is required"]
    if errors:
        raise tk.ValidationError(errors)
    extension = TicketExtension(ticket_id=ticket.id, workdays=extra_workdays, reason=reason.strip(),
                                status=EXTENSION_PENDING, requested_by=actor_id, requested_at=_utcnow(),
                                previous_due_on=ticket.due_on)
    model.Session.add(extension)
    model.Session.flush()
    record_event(ticket, "extension_request", actor_id,
                 f"+{extra_workdays} · {reason.strip()}", ticket.status, ticket.status, ticket.due_on)
    approvers = _authority_recipients_for(ticket.organization_id)
    if policy["approved_by"] == "provider_head":
        approvers += notifications.organization_recipients(ticket.organization_id or "", ("admin",))
    _notify(approvers, ticket, tk._("Extension requested: {title}").format(title=ticket.title),
            f"{ticket.reference} +{extra_workdays} · {reason.strip()}", exclude=actor_id)
    return extension


def decide_extension(extension: TicketExtension, approve: bool, actor_id: Optional[str], note: str = "") -> Ticket:
    ticket = Ticket.get(extension.ticket_id)
    if ticket is None:
        raise tk.ObjectNotFound("反馈不存在 / Ticket not found")
    if extension.status != EXTENSION_PENDING:
        raise tk.ValidationError({"id": ["此延期申请已有决定 / This extension request has already been decided"]})
    now = _utcnow()
    extension.decided_by = actor_id
    extension.decided_at = now
    extension.decision_note = (note or "").strip()
    if approve:
        if ticket.closed_at is not None or ticket.deadline_key != ticket_deadlines.EXTENDABLE_KEY:
            raise tk.ValidationError({"id": [
                "此件已不在可延期的环节 / The ticket is no longer at a stage that can be extended"]})
        room = ticket_deadlines.extension_room(ticket)
        if extension.workdays > room:
            raise tk.ValidationError({"workdays": [
                f"超过延期上限：最多还可延长 {room} 个工作日 / Over the cap: at most {room} more working days"]})
        extension.status = EXTENSION_APPROVED
        model.Session.flush()
        granted = ticket_deadlines.granted_extension_days(ticket)
        ticket.due_on = ticket_deadlines.stage_due_on(ticket.stage_started_at or ticket.created_at,
                                                      ticket.deadline_key, granted)
        extension.new_due_on = ticket.due_on
    else:
        if not extension.decision_note:
            raise tk.ValidationError({"note": ["驳回延期须说明理由 / A reason is required to refuse"]})
        extension.status = EXTENSION_REJECTED
    ticket.updated_at = now
    record_event(ticket, "extension_approve" if approve else "extension_reject", actor_id,
                 extension.decision_note, ticket.status, ticket.status, extension.previous_due_on)
    title = (tk._("Extension approved, now due on {date}").format(date=ticket.due_on.isoformat())
             if approve and ticket.due_on else tk._("Extension refused"))
    _notify([extension.requested_by or "", ticket.submitter_id or ""], ticket, f"{ticket.reference} {title}",
            extension.decision_note, exclude=actor_id)
    model.Session.flush()
    return ticket


# --------------------------------------------------------------------------------------------------
# reading


def _package_summary(package_id: Optional[str]) -> Optional[dict[str, Any]]:
    package = model.Package.get(package_id) if package_id else None
    if package is None:
        return None
    return {"id": package.id, "name": package.name, "title": package.title}


def _organization_summary(organization_id: Optional[str]) -> Optional[dict[str, Any]]:
    group = model.Group.get(organization_id) if organization_id else None
    if group is None:
        return None
    return {"id": group.id, "name": group.name, "title": group.title}


def ticket_dict(ticket: Ticket, user_name: Optional[str], tracking_code: Optional[str] = None,
                full: bool = True) -> dict[str, Any]:
    """The ticket as the user may see it: personal data, events and attachments only for the parties."""
    result = ticket.base_dict()
    definition = kind_registry.KINDS.get(ticket.kind)
    result["kind_label"] = tk._(definition.label) if definition else ticket.kind
    result["status_label"] = _status_label(ticket.status)
    result["outcome_label"] = (tk._(kind_registry.OUTCOME_LABELS.get(ticket.outcome, ticket.outcome))
                               if ticket.outcome else None)
    result["overdue"] = ticket_deadlines.is_overdue(ticket)
    result["workdays_left"] = ticket_deadlines.workdays_left(ticket)
    result["waiting_on"] = definition.waiting_role(ticket.status) if definition and ticket.closed_at is None \
        else None
    result["package"] = _package_summary(ticket.package_id)
    result["organization"] = _organization_summary(ticket.organization_id)
    result["linked_package"] = _package_summary(ticket.linked_package_id)
    personal = can_see_personal(ticket, user_name, tracking_code)
    if personal:
        result.update({
            "submitter_id": ticket.submitter_id,
            "submitter_name": _user_name(ticket.submitter_id),
            "contact_name": ticket.contact_name,
            "contact_phone": ticket.contact_phone,
            "contact_email": ticket.contact_email,
        })
        if full:
            result["events"] = [dict(event.dictize(), actor_name=_user_name(event.actor_id))
                                for event in ticket.events()]
            result["extensions"] = [extension.dictize() for extension in ticket.extensions()]
            result["attachments"] = [attachment.dictize() for attachment in ticket.attachments()]
    if full:
        roles = roles_for(ticket, user_name)
        result["my_roles"] = sorted(roles)
        result["available_actions"] = [step.action for step in available_transitions(ticket, user_name)]
        result["extension_room"] = ticket_deadlines.extension_room(ticket) if PROVIDER in roles else 0
    return result


def visible_query(user_name: Optional[str]) -> Any:
    """Tickets the user may see: their own, their organizations', those they are authority for, public ones."""
    query = model.Session.query(Ticket)
    public_clauses = [sa.and_(Ticket.kind == name, Ticket.is_public.is_(True), Ticket.status.in_(definition.public_when))
                      for name, definition in kind_registry.KINDS.items() if definition.public_when]
    clauses: list[Any] = list(public_clauses)
    user = model.User.get(user_name) if user_name else None
    if user is not None:
        if user.sysadmin:
            return query
        clauses.append(Ticket.submitter_id == user.id)
        organizations = provider_organization_ids(user.name)
        supervised = authority.organizations_supervised_by(user.name)
        if supervised is None:
            return query
        organizations |= supervised
        if organizations:
            clauses.append(Ticket.organization_id.in_(organizations))
    if not clauses:
        return query.filter(sa.false())
    return query.filter(sa.or_(*clauses))


def _sort_key(ticket: Ticket) -> tuple[Any, ...]:
    overdue = ticket_deadlines.is_overdue(ticket)
    return (0 if overdue else 1, ticket.due_on or datetime.date.max, ticket.created_at)


def dashboard(user_name: Optional[str], limit: int = 200) -> dict[str, Any]:
    """What concerns the user: tickets waiting on them (overdue first, then by due date), extensions for them to
    decide, and the tickets they filed."""
    user = model.User.get(user_name) if user_name else None
    if user is None:
        return {"to_handle": [], "extensions_to_decide": [], "mine": []}
    to_handle: list[Ticket] = []
    open_query = visible_query(user.name).filter(Ticket.closed_at.is_(None))
    for ticket in open_query.limit(5000):
        definition = kind_registry.KINDS.get(ticket.kind)
        if definition is None:
            continue
        waiting = definition.waiting_role(ticket.status)
        if waiting in (PROVIDER, AUTHORITY) and waiting in roles_for(ticket, user.name):
            to_handle.append(ticket)
    to_handle.sort(key=_sort_key)
    extensions = []
    pending = model.Session.query(TicketExtension).filter(TicketExtension.status == EXTENSION_PENDING)
    for extension in pending.order_by(TicketExtension.requested_at):
        ticket = Ticket.get(extension.ticket_id)
        if ticket is not None and can_decide_extension(ticket, user.name):
            extensions.append(dict(extension.dictize(), ticket=ticket_dict(ticket, user.name, full=False)))
    mine = (model.Session.query(Ticket).filter(Ticket.submitter_id == user.id)
            .order_by(Ticket.closed_at.isnot(None), Ticket.created_at.desc()).limit(limit).all())
    return {
        "to_handle": [ticket_dict(ticket, user.name, full=False) for ticket in to_handle[:limit]],
        "extensions_to_decide": extensions,
        "mine": [ticket_dict(ticket, user.name, full=False) for ticket in mine],
        "overdue_count": sum(1 for ticket in to_handle if ticket_deadlines.is_overdue(ticket)),
    }


# --------------------------------------------------------------------------------------------------
# reminders (run daily by ``ckan feedback-tickets remind``)

REMINDER_KIND = "feedback_ticket_due"


def remind_due(on: Optional[datetime.date] = None) -> dict[str, int]:
    """Tell whoever a ticket waits on when it is overdue or due on ``on`` (default today); at most once a day
    per ticket and person. Adds rows to the session; the caller commits. Returns counts."""
    from ckanext.publicdata.notifications.model import Notification

    current = on or ticket_deadlines.today()
    start_of_day = datetime.datetime.combine(current, datetime.time.min, tzinfo=workdays.SHANGHAI)
    start_utc = start_of_day.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    counts = {"overdue": 0, "due_today": 0, "notifications": 0}
    query = model.Session.query(Ticket).filter(Ticket.closed_at.is_(None), Ticket.due_on.isnot(None),
                                               Ticket.due_on <= current)
    for ticket in query.order_by(Ticket.due_on):
        definition = kind_registry.KINDS.get(ticket.kind)
        waiting = definition.waiting_role(ticket.status) if definition else None
        if waiting is None:
            continue
        overdue = ticket.due_on < current
        counts["overdue" if overdue else "due_today"] += 1
        already = {row[0] for row in model.Session.query(Notification.user_id).filter(
            Notification.object_id == ticket.id, Notification.kind == REMINDER_KIND,
            Notification.created >= start_utc)}
        recipients = [user_id for user_id in _role_recipients(ticket, waiting) if user_id not in already]
        if not recipients:
            continue
        title = (tk._("Overdue since {date}: {title}") if overdue else tk._("Due today ({date}): {title}")).format(
            date=ticket.due_on.isoformat(), title=ticket.title)
        created = notifications.notify(recipients, REMINDER_KIND, title, ticket.reference or "",
                                       link=ticket_link(ticket), object_type="feedback_ticket", object_id=ticket.id)
        counts["notifications"] += len(created)
    return counts
