"""Auth functions of the ``publicdata_feedback`` plugin: ticket."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog import authority
from ckanext.publicdata.feedback import kinds as kind_registry
from ckanext.publicdata.feedback import tickets
from ckanext.publicdata.feedback.kinds import PROVIDER
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

Result = dict[str, Any]


def _allowed() -> Result:
    return {"success": True}


def _denied(message: str) -> Result:
    return {"success": False, "msg": message}


def _ticket(data_dict: dict[str, Any]) -> Ticket:
    ticket = Ticket.get(str(data_dict.get("id") or ""))
    if ticket is None:
        raise tk.ObjectNotFound("反馈不存在 / Ticket not found")
    return ticket


def _is_any_authority(user_name: str) -> bool:
    return authority.is_city_authority(user_name) or bool(authority.county_bureaus_administered_by(user_name))


@tk.auth_allow_anonymous_access
def publicdata_feedback_ticket_create(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    """Error reports and suggestions from anyone (with a contact); other kinds need an account; rectification
    tasks come from the authority for the dataset's provider."""
    user_name = context.get("user")
    definition = kind_registry.KINDS.get(str(data_dict.get("kind") or ""))
    if definition is None:
        return _allowed()  # the action explains the unknown kind (409, not 403)
    if not user_name and not definition.anonymous_allowed:
        return _denied("此类反馈须登录后提交 / Sign in to file this kind of request")
    if definition.filed_by == "authority":
        if not user_name:
            return _denied("仅开放主管部门可下发整改任务 / Only the authority raises rectification tasks")
        package = model.Package.get(str(data_dict.get("package_id") or ""))
        if package is not None and package.owner_org:
            if not authority.is_authority_for(user_name, package.owner_org):
                return _denied("您不是该开放主体的主管部门 / You are not the authority for this provider")
        elif not _is_any_authority(user_name):
            return _denied("仅开放主管部门可下发整改任务 / Only the authority raises rectification tasks")
    return _allowed()


@tk.auth_allow_anonymous_access
def publicdata_feedback_ticket_show(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    ticket = _ticket(data_dict)
    if tickets.can_view(ticket, context.get("user"), data_dict.get("tracking_code")):
        return _allowed()
    return _denied("无权查看此反馈 / You may not see this ticket")


@tk.auth_allow_anonymous_access
def publicdata_feedback_ticket_list(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    """Anyone; the list holds only what the user may see."""
    return _allowed()


def publicdata_feedback_ticket_update(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    ticket = _ticket(data_dict)
    if tickets.roles_for(ticket, context.get("user")):
        return _allowed()
    return _denied("无权修改此反馈 / You may not change this ticket")


def publicdata_feedback_ticket_transition(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    ticket = _ticket(data_dict)
    roles = tickets.roles_for(ticket, context.get("user"))
    definition = kind_registry.kind(ticket.kind)
    step = definition.transition(str(data_dict.get("action") or ""))
    if step is None:
        # an unknown step is the action's to explain (409), for anyone who may act on the ticket at all
        return _allowed() if roles else _denied("无权处理此反馈 / You may not act on this ticket")
    if roles.intersection(step.actors):
        return _allowed()
    return _denied("您无权执行此操作 / You may not take this step on this ticket")


def publicdata_feedback_extension_request(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    ticket = _ticket(data_dict)
    if PROVIDER in tickets.roles_for(ticket, context.get("user")):
        return _allowed()
    return _denied("仅承办的开放主体可申请延期 / Only the provider handling the ticket may ask for more time")


def publicdata_feedback_extension_decide(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    extension = TicketExtension.get(str(data_dict.get("id") or ""))
    if extension is None:
        raise tk.ObjectNotFound("延期申请不存在 / Extension request not found")
    ticket = Ticket.get(extension.ticket_id)
    if ticket is not None and tickets.can_decide_extension(ticket, context.get("user")):
        return _allowed()
    return _denied("无权审批此延期申请 / You may not decide on this extension")


def publicdata_feedback_dashboard(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    if context.get("user"):
        return _allowed()
    return _denied("请先登录 / Sign in first")


@tk.auth_allow_anonymous_access
def publicdata_feedback_kinds(context: dict[str, Any], data_dict: dict[str, Any]) -> Result:
    return _allowed()
