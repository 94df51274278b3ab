"""Action functions of the ``publicdata_feedback`` plugin: ticket (issue 6 items 1, 2, 6, 7; FB-1…FB-6, DEM-1, DEM-2).

Each action validates, checks access, works, commits. Errors are bilingual; a refused step stores nothing.
"""
from __future__ import annotations

import datetime
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog import authority
from ckanext.publicdata.feedback import attachments as attachment_rules
from ckanext.publicdata.feedback import deadlines as ticket_deadlines
from ckanext.publicdata.feedback import kinds as kind_registry
from ckanext.publicdata.feedback import rate_limit, tickets
from ckanext.publicdata.feedback.kinds import AUTHORITY, PROVIDER, SUBMITTER
from ckanext.publicdata.feedback.logic.ticket_validators import (
    BODY_MAX, EMAIL_PATTERN, PHONE_PATTERN, TITLE_MAX, clean_filing, clean_text)
from ckanext.publicdata.feedback.model.ticket import Ticket, TicketExtension

__all__ = [
    "publicdata_feedback_ticket_create",
    "publicdata_feedback_ticket_show",
    "publicdata_feedback_ticket_list",
    "publicdata_feedback_ticket_update",
    "publicdata_feedback_ticket_transition",
    "publicdata_feedback_extension_request",
    "publicdata_feedback_extension_decide",
    "publicdata_feedback_dashboard",
    "publicdata_feedback_kinds",
]

_TRUE = {"true", "1", "yes", "on"}


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in _TRUE


def _as_int(value: Any, name: str, default: int | None = None, minimum: int = 0, maximum: int = 1000) -> int:
    if value in (None, ""):
        if default is None:
            raise tk.ValidationError({name: [f"{name} 不能为空 / {name} is required"]})
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise tk.ValidationError({name: [f"{name} 应为整数 / {name} must be a whole number"]}) from None
    if number < minimum or number > maximum:
        raise tk.ValidationError({name: [
            f"{name} 须在 {minimum} 到 {maximum} 之间 / {name} must be between {minimum} and {maximum}"]})
    return number


def _get_ticket(data_dict: dict[str, Any]) -> Ticket:
    ticket_id = str(data_dict.get("id") or "").strip()
    if not ticket_id:
        raise tk.ValidationError({"id": ["请指明反馈编号 / The ticket id is required"]})
    ticket = Ticket.get(ticket_id)
    if ticket is None:
        raise tk.ObjectNotFound("反馈不存在 / Ticket not found")
    return ticket


def _user(context: dict[str, Any]) -> tuple[str | None, str | None]:
    """(user name, user id) of the caller; both None for the anonymous public."""
    name = context.get("user") or None
    user = model.User.get(name) if name else None
    if user is None:
        return None, None
    return user.name, user.id


def _incoming_attachments(data_dict: dict[str, Any]) -> list[Any]:
    raws: list[Any] = []
    listed = data_dict.get("attachments")
    if isinstance(listed, list):
        raws.extend(listed)
    elif listed not in (None, ""):
        raws.append(listed)
    for key in sorted(data_dict):
        if key.startswith("attachment") and key != "attachments":
            raws.append(data_dict[key])
    return raws


def publicdata_feedback_ticket_create(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """File a ticket of any kind.

    :param kind: ``error_report``, ``objection``, ``rights_complaint``, ``suggestion``, ``illegal_use_report``,
        ``data_demand``, ``opening_need``, ``rectification`` (authority only) or ``use_result``
    :param title: a short title (at most 200 characters)
    :param body: the description (at most 5000 characters)
    :param package_id: the dataset it is about (required for error_report, objection, rights_complaint,
        rectification; optional for suggestion and illegal_use_report; ignored for demands and use results)
    :param resource_id: the resource it is about (optional, must belong to the dataset)
    :param contact_name, contact_phone, contact_email: how to reach the filer; anonymous filers (error_report and
        suggestion only) must give a name and a phone number or e-mail. Never shown to the public.
    :param details: the kind's own fields (see ``publicdata_feedback_kinds``); they may also be given flat
    :param attachments: files (multipart fields named ``attachment…``) or a list of
        ``{"filename": ..., "content_base64": ...}``; type by content, size ≤ ``attachment_max_mb``
    :returns: the ticket; for anonymous filers also ``tracking_code`` (the only time it is shown)
    """
    user_name, user_id = _user(context)
    tk.check_access("publicdata_feedback_ticket_create", context, data_dict)
    definition, fields = clean_filing(data_dict, user_name)
    incoming = attachment_rules.read_incoming(_incoming_attachments(data_dict))
    if not context.get("ignore_rate_limit"):
        try:
            rate_limit.check_request(user_id)
        except rate_limit.RateLimitExceeded as exceeded:
            raise tk.ValidationError({"rate_limit": [str(exceeded)]}) from None
    ticket = tickets.file_ticket(definition, fields, user_id, incoming)
    model.Session.commit()
    result = tickets.ticket_dict(ticket, user_name, tracking_code=ticket.tracking_code)
    if ticket.tracking_code:
        result["tracking_code"] = ticket.tracking_code
    return result


@tk.side_effect_free
def publicdata_feedback_ticket_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """One ticket as the caller may see it.

    :param id: the ticket id or its reference (FK…)
    :param tracking_code: lets an anonymous filer see their ticket (optional)
    :returns: the ticket; contacts, submitter, events, extensions and attachments only for the parties
        (submitter, provider, authority), never for the public
    """
    ticket = _get_ticket(data_dict)
    tk.check_access("publicdata_feedback_ticket_show", context, data_dict)
    return tickets.ticket_dict(ticket, context.get("user") or None, tracking_code=data_dict.get("tracking_code"))


@tk.side_effect_free
def publicdata_feedback_ticket_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Tickets the caller may see, open and overdue first.

    :param kind: only this kind (optional)
    :param status: only this status (optional)
    :param package_id: only about this dataset (optional)
    :param organization_id: only for this provider (optional)
    :param mine: only tickets the caller filed (optional, boolean)
    :param open: true: only open tickets; false: only closed ones (optional)
    :param overdue: only overdue tickets (optional, boolean)
    :param limit: at most this many (default 50, at most 500); :param offset: skip this many
    :returns: ``{"count": n, "results": [ticket, ...]}``
    """
    tk.check_access("publicdata_feedback_ticket_list", context, data_dict)
    user_name, user_id = _user(context)
    limit = _as_int(data_dict.get("limit"), "limit", 50, 1, 500)
    offset = _as_int(data_dict.get("offset"), "offset", 0, 0, 10_000_000)
    query = tickets.visible_query(user_name)
    if data_dict.get("kind"):
        query = query.filter(Ticket.kind == kind_registry.kind(str(data_dict["kind"])).name)
    if data_dict.get("status"):
        query = query.filter(Ticket.status == str(data_dict["status"]))
    if data_dict.get("package_id"):
        package = model.Package.get(str(data_dict["package_id"]))
        query = query.filter(Ticket.package_id == (package.id if package else str(data_dict["package_id"])))
    if data_dict.get("organization_id"):
        group = model.Group.get(str(data_dict["organization_id"]))
        query = query.filter(Ticket.organization_id == (group.id if group else str(data_dict["organization_id"])))
    if _as_bool(data_dict.get("mine")):
        query = query.filter(Ticket.submitter_id == (user_id or ""))
    if data_dict.get("open") not in (None, ""):
        query = query.filter(Ticket.closed_at.is_(None) if _as_bool(data_dict["open"])
                             else Ticket.closed_at.isnot(None))
    if _as_bool(data_dict.get("overdue")):
        query = query.filter(Ticket.closed_at.is_(None), Ticket.due_on < ticket_deadlines.today())
    count = query.count()
    rows = (query.order_by(Ticket.closed_at.isnot(None),
                           (Ticket.due_on < ticket_deadlines.today()).desc().nullslast(),
                           Ticket.due_on.asc().nullslast(), Ticket.created_at.desc())
            .offset(offset).limit(limit).all())
    return {"count": count, "results": [tickets.ticket_dict(ticket, user_name, full=False) for ticket in rows]}


def publicdata_feedback_ticket_update(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Change a ticket outside its workflow.

    The submitter may correct ``title``, ``body`` and the contact fields while nobody has acted on the ticket yet;
    the provider or authority may change ``response`` (the public answer) and, for a closed ticket, ``is_public``
    (whether the answer appears on the public page of handled feedback).

    :param id: the ticket id or reference
    :returns: the ticket
    """
    ticket = _get_ticket(data_dict)
    tk.check_access("publicdata_feedback_ticket_update", context, data_dict)
    user_name, user_id = _user(context)
    roles = tickets.roles_for(ticket, user_name)
    errors: dict[str, list[str]] = {}
    changed: list[str] = []
    submitter_fields = ("title", "body", "contact_name", "contact_phone", "contact_email")
    if any(name in data_dict for name in submitter_fields):
        acted = any(event.action not in ("file", "update") for event in ticket.events())
        if SUBMITTER not in roles:
            raise tk.NotAuthorized("仅提交人可修改内容 / Only the submitter may change the content")
        if acted or ticket.closed_at is not None:
            raise tk.ValidationError({"id": [
                "已开始处理，不能再修改内容 / Handling has started: the content can no longer be changed"]})
        for name in submitter_fields:
            if name not in data_dict:
                continue
            value = clean_text(data_dict[name])
            limit = TITLE_MAX if name == "title" else BODY_MAX if name == "body" else 254
            if name in ("title", "body") and not value:
                errors.setdefault(name, []).append(
                    "标题不能为空 / A title is required" if name == "title"
                    else "内容不能为空 / A description is required")
            elif name == "contact_phone" and value and not PHONE_PATTERN.match(value.replace(" ", "")):
                errors.setdefault(name, []).append(f"电话号码格式无效：{value} / Invalid phone number: {value}")
            elif name == "contact_email" and value and not EMAIL_PATTERN.match(value):
                errors.setdefault(name, []).append(f"电子邮箱格式无效：{value} / Invalid e-mail address: {value}")
            elif len(value) > limit:
                errors.setdefault(name, []).append(f"{name} 过长（最多 {limit} 字） / {name} is too long "
                                                   f"(at most {limit} characters)")
            else:
                setattr(ticket, name, value or None if name.startswith("contact_") else value)
                changed.append(name)
    if "response" in data_dict or "is_public" in data_dict:
        if not roles.intersection((PROVIDER, AUTHORITY)):
            raise tk.NotAuthorized("仅承办单位可修改答复 / Only those handling the ticket may change the answer")
        if "response" in data_dict:
            value = clean_text(data_dict["response"])
            if len(value) > BODY_MAX:
                errors.setdefault("response", []).append("答复过长 / The answer is too long")
            else:
                ticket.response = value or None
                changed.append("response")
        if "is_public" in data_dict:
            definition = kind_registry.kind(ticket.kind)
            if definition.public_when:
                errors.setdefault("is_public", []).append(
                    "此类事项通过流程公开 / This kind is made public through its workflow (publish)")
            elif ticket.closed_at is None:
                errors.setdefault("is_public", []).append(
                    "办结后才能公开 / A ticket can be made public once it is closed")
            else:
                ticket.is_public = _as_bool(data_dict["is_public"])
                changed.append("is_public")
    if errors:
        model.Session.rollback()
        raise tk.ValidationError(errors)
    if changed:
        ticket.updated_at = datetime.datetime.utcnow()
        tickets.record_event(ticket, "update", user_id, ", ".join(changed), ticket.status, ticket.status,
                             ticket.due_on)
        model.Session.commit()
    return tickets.ticket_dict(ticket, user_name)


def publicdata_feedback_ticket_transition(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Take a workflow step on a ticket (see ``publicdata_feedback_kinds`` for each kind's steps).

    :param id: the ticket id or reference
    :param action: the step, e.g. ``answer``, ``forward``, ``reject``, ``suspend``, ``restore``, ``withdraw``,
        ``reprocess``, ``answer_can_open``, ``mark_opened``, ``publish``, ``report_fixed``, ``confirm``, ``cancel``
    :param note: the reason (required by reject, return_to_authority, suspend, send_back, unpublish)
    :param response: the public answer (required by answer and the closing steps)
    :param outcome: the result, where the step offers a choice (e.g. answer of an error_report:
        ``corrected``, ``not_an_error``, ``explained``)
    :param organization_id: the provider to forward to (forward)
    :param linked_package_id: the dataset that holds the data (answer_already_open, mark_opened)
    :returns: the ticket
    """
    ticket = _get_ticket(data_dict)
    action = str(data_dict.get("action") or "").strip()
    if not action:
        raise tk.ValidationError({"action": ["请指明操作 / The action is required"]})
    tk.check_access("publicdata_feedback_ticket_transition", context, data_dict)
    user_name, user_id = _user(context)
    step = kind_registry.kind(ticket.kind).transition(action)
    organization_id = str(data_dict.get("organization_id") or "").strip()
    if step is not None and "organization_id" in step.requires and organization_id:
        group = model.Group.get(organization_id)
        if group is not None and not authority.is_authority_for(user_name, group.id):
            raise tk.NotAuthorized(
                "只能转交给您主管的开放主体 / You can only forward to providers you are the authority for")
    try:
        tickets.transition(ticket, action, user_id, note=str(data_dict.get("note") or ""),
                           response=data_dict.get("response"), outcome=data_dict.get("outcome"),
                           organization_id=organization_id, linked_package_id=data_dict.get("linked_package_id"))
    except Exception:
        model.Session.rollback()
        raise
    model.Session.commit()
    return tickets.ticket_dict(ticket, user_name)


def publicdata_feedback_extension_request(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Ask for more time on a ticket's handling period (FB-1: SU up to 30 wd with the authority's approval,
    ZB up to 10 wd with the head's approval; BZ-R provides for none).

    :param id: the ticket id or reference
    :param workdays: extra working days asked for
    :param reason: why
    :returns: the extension request
    """
    ticket = _get_ticket(data_dict)
    tk.check_access("publicdata_feedback_extension_request", context, data_dict)
    _user_name, user_id = _user(context)
    extra = _as_int(data_dict.get("workdays"), "workdays", None, 0, 1000)
    try:
        extension = tickets.request_extension(ticket, extra, clean_text(data_dict.get("reason")), user_id)
    except Exception:
        model.Session.rollback()
        raise
    model.Session.commit()
    return extension.dictize()


def publicdata_feedback_extension_decide(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Approve or refuse an extension request; an approval moves the due date, never past the preset's cap.

    :param id: the extension request id
    :param approve: true to approve, false to refuse
    :param note: the reason (required to refuse)
    :returns: the ticket
    """
    extension = TicketExtension.get(str(data_dict.get("id") or ""))
    if extension is None:
        raise tk.ObjectNotFound("延期申请不存在 / Extension request not found")
    tk.check_access("publicdata_feedback_extension_decide", context, data_dict)
    user_name, user_id = _user(context)
    if "approve" not in data_dict:
        raise tk.ValidationError({"approve": ["请选择批准或驳回 / Say whether you approve"]})
    try:
        ticket = tickets.decide_extension(extension, _as_bool(data_dict.get("approve")), user_id,
                                          clean_text(data_dict.get("note")))
    except Exception:
        model.Session.rollback()
        raise
    model.Session.commit()
    return tickets.ticket_dict(ticket, user_name)


@tk.side_effect_free
def publicdata_feedback_dashboard(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """What concerns the caller: ``to_handle`` (tickets waiting on the caller as provider or authority, overdue
    first, then by due date), ``extensions_to_decide``, ``mine`` (tickets the caller filed), ``overdue_count``."""
    tk.check_access("publicdata_feedback_dashboard", context, data_dict)
    return tickets.dashboard(context.get("user"))


@tk.side_effect_free
def publicdata_feedback_kinds(context: dict[str, Any], data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """Every ticket kind with its form fields, workflow steps and deadlines in the configured preset."""
    tk.check_access("publicdata_feedback_kinds", context, data_dict)
    from ckanext.publicdata import deadlines

    def days(key: str | None) -> int | None:
        return deadlines.workdays_for(key) if key else None

    result = []
    for definition in kind_registry.KINDS.values():
        result.append({
            "name": definition.name,
            "label": tk._(definition.label),
            "description": tk._(definition.description),
            "filed_by": definition.filed_by,
            "anonymous_allowed": definition.anonymous_allowed,
            "dataset": definition.dataset,
            "fields": [{"name": field.name, "label": tk._(field.label), "required": field.required,
                        "input": field.input, "choices": [value for value, _label in field.choices]}
                       for field in definition.fields],
            "initial_status": definition.initial_status,
            "initial_deadline": {"key": definition.initial_deadline,
                                 "workdays": days(definition.initial_deadline)},
            "transitions": [{"action": step.action, "label": tk._(step.label), "from": list(step.sources),
                             "to": step.target, "actors": list(step.actors), "requires": list(step.requires),
                             "outcomes": list(step.outcomes) or ([step.outcome] if step.outcome else []),
                             "deadline": {"key": step.deadline_key, "workdays": days(step.deadline_key)}}
                            for step in definition.transitions],
        })
    return result
