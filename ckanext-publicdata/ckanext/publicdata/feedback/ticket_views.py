"""Blueprints of the ``publicdata_feedback`` plugin: ticket.

* ``/feedback`` — the general feedback page: every kind a person may file, and following a ticket by its reference;
* ``/feedback/new?kind=…&package_id=…`` — the filing form of a kind (the dataset page's 纠错/反馈 entry links here);
* ``/feedback/ticket/<id>`` — a ticket with its history, and the steps the viewer may take (providers, authority);
* ``/feedback/dashboard`` — tickets waiting on me (overdue first), extensions for me to decide, tickets I filed;
* ``/feedback/track`` — an anonymous filer follows a ticket with its reference and tracking code.

The API channel of ``publicdata_feedback_ticket_create`` is rate limited by a ``before_app_request`` hook so a
refusal is a real HTTP 429 with a bilingual JSON message (the action API turns other exceptions into 500).
"""
from __future__ import annotations

import json
import re
from typing import Any, Optional

from flask import Blueprint, Response, request

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.feedback import kinds as kind_registry
from ckanext.publicdata.feedback import rate_limit, tickets
from ckanext.publicdata.feedback.model.ticket import Ticket, TicketAttachment

__all__ = ["publicdata_feedback_ticket"]

publicdata_feedback_ticket = Blueprint("publicdata_feedback_ticket", __name__)

_CREATE_API = re.compile(r"^/api/(?:\d/)?action/publicdata_feedback_ticket_create/?$")


def _user_name() -> str:
    user = tk.current_user
    return user.name if user and user.is_authenticated else ""


def _context() -> dict[str, Any]:
    return {"user": _user_name()}


def _user_id() -> Optional[str]:
    user = tk.current_user
    return user.id if user and user.is_authenticated else None


def _rate_limited_page(exceeded: rate_limit.RateLimitExceeded) -> Response:
    body = tk.render("publicdata/feedback/rate_limited.html", {"message": str(exceeded)})
    return Response(body, status=429, headers={"Retry-After": str(exceeded.retry_after)},
                    mimetype="text/html")


@publicdata_feedback_ticket.before_app_request
def _limit_api_filings() -> Optional[Response]:
    """Count filings made through the action API before the action runs; refuse with 429 when over the limit."""
    if request.method != "POST" or not _CREATE_API.match(request.path):
        return None
    try:
        rate_limit.check_request(_user_id())
    except rate_limit.RateLimitExceeded as exceeded:
        payload = {"success": False, "error": {"__type": "Rate Limit Exceeded", "message": str(exceeded)}}
        return Response(json.dumps(payload, ensure_ascii=False), status=429, mimetype="application/json",
                        headers={"Retry-After": str(exceeded.retry_after)})
    return None


def _kinds_for(user_name: str, with_dataset: bool) -> list[kind_registry.Kind]:
    result = []
    for definition in kind_registry.KINDS.values():
        if definition.filed_by == "authority":
            continue  # rectification tasks are raised from the ticket list of the authority
        if with_dataset and not definition.on_dataset_page:
            continue
        if not with_dataset and definition.dataset == "required":
            continue
        result.append(definition)
    return result


@publicdata_feedback_ticket.route("/feedback")
def index() -> str:
    user_name = _user_name()
    return tk.render("publicdata/feedback/index.html", {
        "kinds": _kinds_for(user_name, with_dataset=False),
        "signed_in": bool(user_name),
    })


def _package_for_form(package_ref: str) -> Optional[dict[str, Any]]:
    if not package_ref:
        return None
    try:
        return tk.get_action("package_show")(_context(), {"id": package_ref})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def _form_data() -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in request.form:
        if key in ("_csrf_token", "csrf_token"):
            continue
        values = request.form.getlist(key)
        data[key] = values if key == "source_datasets" else values[0]
    if "source_datasets" in data:
        data["source_datasets"] = [value for raw in data["source_datasets"]
                                   for value in re.split(r"[\s,，]+", raw) if value]
    files = [upload for upload in request.files.getlist("attachments") if upload and upload.filename]
    if files:
        data["attachments"] = files
    return data


@publicdata_feedback_ticket.route("/feedback/new", methods=["GET", "POST"])
def new() -> Any:
    user_name = _user_name()
    kind_name = request.values.get("kind") or ""
    package_ref = request.values.get("package_id") or ""
    package = _package_for_form(package_ref)
    definition = kind_registry.KINDS.get(kind_name)
    choices = _kinds_for(user_name, with_dataset=bool(package))
    if definition is None or definition not in choices:
        return tk.render("publicdata/feedback/choose_kind.html", {"kinds": choices, "package": package})
    if not user_name and not definition.anonymous_allowed:
        return tk.redirect_to("user.login", came_from=request.full_path)

    data: dict[str, Any] = {"package_id": package["id"] if package else "",
                            "resource_id": request.values.get("resource_id") or ""}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = _form_data()
        data["kind"] = definition.name
        try:
            rate_limit.check_request(_user_id())
        except rate_limit.RateLimitExceeded as exceeded:
            return _rate_limited_page(exceeded)
        try:
            created = tk.get_action("publicdata_feedback_ticket_create")(_context(), data)
        except tk.ValidationError as error:
            errors = error.error_dict
        except tk.NotAuthorized as error:
            return tk.abort(403, str(error))
        else:
            if created.get("tracking_code"):
                return tk.render("publicdata/feedback/filed.html", {"ticket": created})
            tk.h.flash_success(tk._("Thank you. Your reference is {reference}.").format(
                reference=created["reference"]))
            return tk.redirect_to("publicdata_feedback_ticket.read", id=created["id"])
    return tk.render("publicdata/feedback/new.html", {
        "kind": definition, "package": package, "data": data, "errors": errors,
        "signed_in": bool(user_name),
    })


def _show(ticket_id: str, tracking_code: Optional[str] = None) -> dict[str, Any]:
    data = {"id": ticket_id}
    if tracking_code:
        data["tracking_code"] = tracking_code
    return tk.get_action("publicdata_feedback_ticket_show")(_context(), data)


def _render_ticket(ticket: dict[str, Any], errors: Optional[dict[str, Any]] = None,
                   tracking_code: Optional[str] = None) -> str:
    definition = kind_registry.kind(ticket["kind"])
    steps = [definition.transition(action) for action in ticket.get("available_actions", [])]
    organizations = []
    if any(step is not None and "organization_id" in step.requires for step in steps):
        organizations = _forward_targets()
    pending_extension = next((extension for extension in ticket.get("extensions", [])
                              if extension["status"] == "pending"), None)
    can_decide = False
    if pending_extension is not None:
        record = Ticket.get(ticket["id"])
        can_decide = record is not None and tickets.can_decide_extension(record, _user_name())
    return tk.render("publicdata/feedback/read.html", {
        "ticket": ticket, "kind": definition, "steps": [step for step in steps if step is not None],
        "organizations": organizations, "errors": errors or {}, "tracking_code": tracking_code,
        "pending_extension": pending_extension, "can_decide_extension": can_decide,
        "status_labels": kind_registry.STATUS_LABELS, "outcome_labels": kind_registry.OUTCOME_LABELS,
    })


def _forward_targets() -> list[dict[str, Any]]:
    """Organizations the current user may forward to (they are authority for them)."""
    from ckanext.publicdata.catalog import authority

    user_name = _user_name()
    supervised = authority.organizations_supervised_by(user_name)
    query = model.Session.query(model.Group).filter(model.Group.is_organization.is_(True),
                                                    model.Group.state == "active")
    if supervised is not None:
        query = query.filter(model.Group.id.in_(supervised or {""}))
    return [{"id": group.id, "name": group.name, "title": group.title}
            for group in query.order_by(model.Group.title).limit(1000)]


@publicdata_feedback_ticket.route("/feedback/ticket/<id>")
def read(id: str) -> Any:
    try:
        ticket = _show(id)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Ticket not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("You may not see this ticket"))
    return _render_ticket(ticket)


@publicdata_feedback_ticket.route("/feedback/ticket/<id>/step", methods=["POST"])
def take_step(id: str) -> Any:
    data = {key: request.form.get(key) for key in
            ("action", "note", "response", "outcome", "organization_id", "linked_package_id")}
    data["id"] = id
    try:
        tk.get_action("publicdata_feedback_ticket_transition")(_context(), data)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Ticket not found"))
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ValidationError as error:
        return _render_ticket(_show(id), errors=error.error_dict), 409
    tk.h.flash_success(tk._("Saved."))
    return tk.redirect_to("publicdata_feedback_ticket.read", id=id)


@publicdata_feedback_ticket.route("/feedback/ticket/<id>/extension", methods=["POST"])
def extension_request(id: str) -> Any:
    data = {"id": id, "workdays": request.form.get("workdays"), "reason": request.form.get("reason")}
    try:
        tk.get_action("publicdata_feedback_extension_request")(_context(), data)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Ticket not found"))
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ValidationError as error:
        return _render_ticket(_show(id), errors=error.error_dict), 409
    tk.h.flash_success(tk._("Extension requested."))
    return tk.redirect_to("publicdata_feedback_ticket.read", id=id)


@publicdata_feedback_ticket.route("/feedback/extension/<id>/decide", methods=["POST"])
def extension_decide(id: str) -> Any:
    data = {"id": id, "approve": request.form.get("approve"), "note": request.form.get("note")}
    try:
        ticket = tk.get_action("publicdata_feedback_extension_decide")(_context(), data)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Extension request not found"))
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ValidationError as error:
        from ckanext.publicdata.feedback.model.ticket import TicketExtension

        extension = TicketExtension.get(id)
        return _render_ticket(_show(extension.ticket_id), errors=error.error_dict), 409
    tk.h.flash_success(tk._("Saved."))
    return tk.redirect_to("publicdata_feedback_ticket.read", id=ticket["id"])


@publicdata_feedback_ticket.route("/feedback/ticket/<id>/attachment/<attachment_id>")
def attachment(id: str, attachment_id: str) -> Any:
    ticket = Ticket.get(id)
    stored = TicketAttachment.get(attachment_id)
    if ticket is None or stored is None or stored.ticket_id != ticket.id:
        return tk.abort(404, tk._("Attachment not found"))
    if not tickets.can_see_personal(ticket, _user_name(), request.args.get("tracking_code")):
        return tk.abort(403, tk._("You may not see this attachment"))
    response = Response(stored.content, mimetype=stored.mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(stored.filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


@publicdata_feedback_ticket.route("/feedback/track", methods=["GET", "POST"])
def track() -> Any:
    reference = (request.values.get("reference") or "").strip()
    code = (request.values.get("tracking_code") or "").strip()
    error = None
    if reference and code:
        try:
            return _render_ticket(_show(reference, code), tracking_code=code)
        except (tk.ObjectNotFound, tk.NotAuthorized):
            error = tk._("No ticket matches this reference and tracking code.")
    return tk.render("publicdata/feedback/track.html", {"reference": reference, "error": error})


@publicdata_feedback_ticket.route("/feedback/dashboard")
def dashboard() -> Any:
    if not _user_name():
        return tk.redirect_to("user.login", came_from=request.full_path)
    board = tk.get_action("publicdata_feedback_dashboard")(_context(), {})
    return tk.render("publicdata/feedback/dashboard.html", {"board": board})
