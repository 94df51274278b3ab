"""Blueprints of the ``publicdata_access`` plugin: workflow pages (ACC-2 … ACC-8), bilingual through gettext.

* ``/access/apply/<dataset>``: the application form (endpoint ``publicdata_access.apply``, the dataset page's 申请使用);
* ``/access/requests/<id>``: one application — its record, and the forms of whoever may act now (amend, submit,
  withdraw, formal review, provider decision, signing, use reports); ``/access/requests/<id>/edit``;
* ``/access/requests/<id>/agreement.txt``: the signed agreement; ``…/attachments/<aid>``: an attachment;
* ``/dashboard/access`` (my applications) and ``/dashboard/access/review`` (to review, overdue first);
* ``/access/identity`` (state one's identity), ``/access/identities`` (the authority's verification queue),
  ``/access/blocklist`` (the authority's credit blocklist: CSV import, add, remove).
"""
from __future__ import annotations

from typing import Any, Optional
from urllib.parse import quote

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.publicdata.access import applications, attachments
from ckanext.publicdata.access.model.blocklist import LIST_TYPES

__all__ = ["publicdata_access"]

publicdata_access = Blueprint("publicdata_access", __name__)


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _require_login() -> Optional[Any]:
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=tk.request.full_path)
    return None


def _dashboard_vars() -> dict[str, Any]:
    from ckan.views.user import _extra_template_variables

    return _extra_template_variables(
        {"for_view": True, "user": tk.current_user.name, "auth_user_obj": tk.current_user},
        {"user_obj": tk.current_user},
    )


def _flash_errors(error: tk.ValidationError) -> None:
    for messages in (error.error_dict or {}).values():
        for message in (messages if isinstance(messages, list) else [messages]):
            tk.h.flash_error(str(message))


def _form_data(form: Any) -> dict[str, Any]:
    """Application fields from a posted form (conditions as ``condition_<code>``, commitments as checkboxes)."""
    data: dict[str, Any] = {name: form.get(name, "") for name in
                            ("title", "reason", "request_type", "period_start", "period_end", "result_form",
                             "scenario")}
    data["condition_responses"] = {key[len("condition_"):]: value for key, value in form.items()
                                   if key.startswith("condition_")}
    data["commitments"] = form.getlist("commitments")
    return data


def _attach_uploads(request_id: str) -> None:
    for upload in tk.request.files.getlist("upload"):
        if upload and upload.filename:
            tk.get_action("publicdata_access_request_attachment_add")(
                _context(), {"id": request_id, "upload": upload,
                             "description": tk.request.form.get("upload_description", "")})


def _form_vars(package: dict[str, Any], values: dict[str, Any], errors: dict[str, Any],
               request: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    identity = None
    try:
        identity = tk.get_action("publicdata_access_identity_show")(_context(), {})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        pass
    template = tk.get_action("publicdata_use_agreement_template_show")(
        _context(), {"owner_org": package.get("owner_org")})
    return {
        "pkg_dict": package, "values": values, "errors": errors, "access_request": request,
        "conditions": applications.dataset_conditions(package), "commitments": applications.COMMITMENTS,
        "identity": identity, "agreement_template": template,
    }


def apply(id: str) -> Any:
    """GET: the application form for a conditionally open dataset; POST: save a draft or submit."""
    redirect = _require_login()
    if redirect is not None:
        return redirect
    try:
        package = tk.get_action("package_show")(_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))
    if package.get("open_attribute") != "conditional":
        return tk.abort(404, "只有有条件开放的数据需要申请 / Only conditionally open data is applied for")
    mine = tk.get_action("publicdata_access_request_list")(_context(), {"role": "mine"})["results"]
    for existing in mine:
        if existing["package_id"] == package["id"] and existing["stored_status"] in (
                "draft", "submitted", "returned", "provider_review", "approved"):
            tk.h.flash_notice(tk._("You already have an application for this dataset."))
            return tk.redirect_to("publicdata_access.request_read", id=existing["id"])
    values: dict[str, Any] = {"request_type": "dataset"}
    errors: dict[str, Any] = {}
    if tk.request.method == "POST":
        values = _form_data(tk.request.form)
        submit = tk.request.form.get("save") == "submit"
        try:
            created = tk.get_action("publicdata_access_request_create")(
                _context(), {**values, "package_id": package["id"]})
            _attach_uploads(created["id"])
            if submit:
                tk.get_action("publicdata_access_request_submit")(_context(), {"id": created["id"]})
                tk.h.flash_success(tk._("Application submitted"))
            else:
                tk.h.flash_success(tk._("Draft saved"))
            return tk.redirect_to("publicdata_access.request_read", id=created["id"])
        except tk.ValidationError as error:
            errors = error.error_dict
            if "created" in locals():
                _flash_errors(error)
                return tk.redirect_to("publicdata_access.request_edit", id=created["id"])
    return tk.render("publicdata/access/apply.html", _form_vars(package, values, errors))


def _request_or_abort(id: str) -> dict[str, Any]:
    try:
        return tk.get_action("publicdata_access_request_show")(_context(), {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Application not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("You may not see this application"))


def request_read(id: str) -> Any:
    redirect = _require_login()
    if redirect is not None:
        return redirect
    access_request = _request_or_abort(id)
    package = tk.get_action("package_show")({"ignore_auth": True}, {"id": access_request["package_id"]})
    return tk.render("publicdata/access/request_read.html", {
        "access_request": access_request, "pkg_dict": package,
        "conditions": applications.dataset_conditions(package), "commitments": applications.COMMITMENTS,
    })


def request_edit(id: str) -> Any:
    redirect = _require_login()
    if redirect is not None:
        return redirect
    access_request = _request_or_abort(id)
    if "update" not in access_request["allowed_actions"]:
        return tk.redirect_to("publicdata_access.request_read", id=id)
    package = tk.get_action("package_show")({"ignore_auth": True}, {"id": access_request["package_id"]})
    values = dict(access_request)
    errors: dict[str, Any] = {}
    if tk.request.method == "POST":
        values = _form_data(tk.request.form)
        submit = tk.request.form.get("save") == "submit"
        try:
            tk.get_action("publicdata_access_request_update")(_context(), {**values, "id": id})
            _attach_uploads(id)
            if submit:
                tk.get_action("publicdata_access_request_submit")(_context(), {"id": id})
                tk.h.flash_success(tk._("Application submitted"))
            else:
                tk.h.flash_success(tk._("Draft saved"))
            return tk.redirect_to("publicdata_access.request_read", id=id)
        except tk.ValidationError as error:
            errors = error.error_dict
    return tk.render("publicdata/access/apply.html", _form_vars(package, values, errors, access_request))


_OPERATIONS = {
    "submit": lambda form, id: ("publicdata_access_request_submit", {"id": id}),
    "withdraw": lambda form, id: ("publicdata_access_request_withdraw", {"id": id, "reason": form.get("reason", "")}),
    "review": lambda form, id: ("publicdata_access_request_review", {
        "id": id, "outcome": form.get("outcome", ""), "reasons": form.get("reasons", ""),
        "note": form.get("note", "")}),
    "decide": lambda form, id: ("publicdata_access_request_decide", {
        "id": id, "outcome": form.get("outcome", ""), "reasons": form.get("reasons", ""),
        "legal_basis": form.get("legal_basis", ""), "purpose": form.get("purpose", ""),
        "scope": form.get("scope", "")}),
    "sign": lambda form, id: ("publicdata_use_agreement_sign", {
        "request_id": id, "signer_name": form.get("signer_name", ""), "consent": form.get("consent", ""),
        "text_sha256": form.get("text_sha256", "")}),
    "use_report": lambda form, id: ("publicdata_use_report_create", {
        "request_id": id, **{name: form.get(name, "") for name in (
            "period_start", "period_end", "use_description", "results", "benefits", "problems")}}),
}

_DONE_MESSAGES = {
    "submit": "Application submitted", "withdraw": "Application withdrawn", "review": "Formal review recorded",
    "decide": "Decision recorded", "sign": "Agreement signed; access is open", "use_report": "Use report submitted",
}


def request_operation(id: str, operation: str) -> Any:
    """POST /access/requests/<id>/<operation> from the forms of the application page."""
    redirect = _require_login()
    if redirect is not None:
        return redirect
    if operation not in _OPERATIONS:
        return tk.abort(404)
    action, data = _OPERATIONS[operation](tk.request.form, id)
    try:
        tk.get_action(action)(_context(), data)
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error) or tk._("Not authorized"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Application not found"))
    except tk.ValidationError as error:
        _flash_errors(error)
    else:
        tk.h.flash_success(tk._(_DONE_MESSAGES[operation]))
    return tk.redirect_to("publicdata_access.request_read", id=id)


def agreement_download(id: str) -> Any:
    """The agreement text as a UTF-8 file; once signed, followed by the signature record (the SHA-256 covers the
    text above the separator line exactly)."""
    redirect = _require_login()
    if redirect is not None:
        return redirect
    try:
        agreement = tk.get_action("publicdata_use_agreement_show")(_context(), {"request_id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Agreement not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("You may not see this agreement"))
    body = agreement["text"]
    if agreement["status"] == "signed":
        body += (
            "\n\n" + "-" * 24 + " 电子签署记录 / Electronic signature record " + "-" * 24 + "\n"
            f"协议编号 / Number: {agreement['number']}\n"
            f"签署人 / Signer: {agreement['signer_name']}\n"
            f"同意声明 / Consent: 已阅读并同意本协议全部条款 / read and agreed to every clause\n"
            f"签署时间 (UTC) / Signed at (UTC): {agreement['signed_at']}\n"
            f"IP: {agreement['signed_ip'] or '-'}\n"
            f"SHA-256（分隔线以上协议全文 / of the text above the line）: {agreement['text_sha256']}\n")
    filename = f"{agreement['number']}.txt"
    return Response(body.encode("utf-8"), mimetype="text/plain; charset=utf-8", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
        "X-Agreement-SHA256": agreement["text_sha256"],
    })


def attachment_download(id: str, attachment_id: str) -> Any:
    redirect = _require_login()
    if redirect is not None:
        return redirect
    access_request = _request_or_abort(id)
    record = next((item for item in access_request["attachments"] if item["id"] == attachment_id), None)
    if record is None:
        return tk.abort(404, tk._("Attachment not found"))
    try:
        with attachments.open_stored(record) as stream:
            data = stream.read()
    except FileNotFoundError:
        return tk.abort(404, tk._("Attachment not found"))
    return Response(data, mimetype=record.get("mimetype") or "application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(record.get('filename') or 'attachment')}",
        "X-Content-Type-Options": "nosniff",
    })


def dashboard_mine() -> Any:
    redirect = _require_login()
    if redirect is not None:
        return redirect
    result = tk.get_action("publicdata_access_request_list")(_context(), {"role": "mine"})
    extra_vars = _dashboard_vars()
    extra_vars.update(items=result["results"], count=result["count"])
    return tk.render("publicdata/access/dashboard_mine.html", extra_vars)


def dashboard_review() -> Any:
    redirect = _require_login()
    if redirect is not None:
        return redirect
    result = tk.get_action("publicdata_access_request_list")(_context(), {"role": "review"})
    overdue_reports = tk.get_action("publicdata_use_report_list")(_context(), {"overdue": True})
    extra_vars = _dashboard_vars()
    extra_vars.update(items=result["results"], count=result["count"], overdue_reports=overdue_reports["results"])
    return tk.render("publicdata/access/dashboard_review.html", extra_vars)


def identity_page() -> Any:
    redirect = _require_login()
    if redirect is not None:
        return redirect
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    if tk.request.method == "POST":
        values = {name: tk.request.form.get(name, "") for name in (
            "applicant_type", "legal_name", "identity_number", "contact_person", "contact_phone")}
        upload = tk.request.files.get("upload")
        try:
            tk.get_action("publicdata_access_identity_update")(
                _context(), {**values, "upload": upload if upload and upload.filename else None})
            tk.h.flash_success(tk._("Identity saved"))
            return tk.redirect_to("publicdata_access.identity")
        except tk.ValidationError as error:
            errors = error.error_dict
    identity = tk.get_action("publicdata_access_identity_show")(_context(), {})
    return tk.render("publicdata/access/identity.html", {
        "identity": identity, "values": values or identity, "errors": errors})


def identities_queue() -> Any:
    redirect = _require_login()
    if redirect is not None:
        return redirect
    if tk.request.method == "POST":
        try:
            tk.get_action("publicdata_access_identity_verify")(_context(), {
                "user": tk.request.form.get("user", ""), "status": tk.request.form.get("status", ""),
                "note": tk.request.form.get("note", "")})
            tk.h.flash_success(tk._("Decision recorded"))
        except tk.NotAuthorized:
            return tk.abort(403, tk._("Only the open-data authority may do this"))
        except (tk.ValidationError, tk.ObjectNotFound) as error:
            if isinstance(error, tk.ValidationError):
                _flash_errors(error)
            else:
                tk.h.flash_error(str(error))
        return tk.redirect_to("publicdata_access.identities")
    try:
        pending = tk.get_action("publicdata_access_identity_list")(_context(), {"status": "pending"})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the open-data authority may do this"))
    extra_vars = _dashboard_vars()
    extra_vars.update(identities=pending)
    return tk.render("publicdata/access/identities.html", extra_vars)


def blocklist_page() -> Any:
    redirect = _require_login()
    if redirect is not None:
        return redirect
    if tk.request.method == "POST":
        form = tk.request.form
        operation = form.get("operation")
        try:
            if operation == "import":
                upload = tk.request.files.get("upload")
                result = tk.get_action("publicdata_credit_blocklist_import")(
                    _context(), {"upload": upload, "replace": form.get("replace", "")})
                tk.h.flash_success(tk._("Imported {count} entries").format(count=result["imported"]))
            elif operation == "remove":
                tk.get_action("publicdata_credit_blocklist_remove")(
                    _context(), {"id": form.get("id", ""), "reason": form.get("reason", "")})
                tk.h.flash_success(tk._("Entry removed"))
            else:
                tk.get_action("publicdata_credit_blocklist_add")(_context(), {
                    name: form.get(name, "") for name in (
                        "identity_number", "name", "list_type", "reason", "source", "listed_on")})
                tk.h.flash_success(tk._("Entry saved"))
        except tk.NotAuthorized:
            return tk.abort(403, tk._("Only the open-data authority may do this"))
        except tk.ObjectNotFound as error:
            tk.h.flash_error(str(error))
        except tk.ValidationError as error:
            _flash_errors(error)
        return tk.redirect_to("publicdata_access.blocklist")
    try:
        entries = tk.get_action("publicdata_credit_blocklist_list")(
            _context(), {"q": tk.request.args.get("q", ""), "limit": 200})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the open-data authority may do this"))
    extra_vars = _dashboard_vars()
    extra_vars.update(entries=entries["results"], count=entries["count"], list_types=LIST_TYPES,
                      q=tk.request.args.get("q", ""))
    return tk.render("publicdata/access/blocklist.html", extra_vars)


publicdata_access.add_url_rule("/access/apply/<id>", view_func=apply, endpoint="apply", methods=["GET", "POST"])
publicdata_access.add_url_rule("/access/requests/<id>", view_func=request_read, endpoint="request_read")
publicdata_access.add_url_rule("/access/requests/<id>/edit", view_func=request_edit, endpoint="request_edit",
                               methods=["GET", "POST"])
publicdata_access.add_url_rule("/access/requests/<id>/agreement.txt", view_func=agreement_download,
                               endpoint="agreement_download")
publicdata_access.add_url_rule("/access/requests/<id>/attachments/<attachment_id>", view_func=attachment_download,
                               endpoint="attachment_download")
publicdata_access.add_url_rule("/access/requests/<id>/<operation>", view_func=request_operation,
                               endpoint="request_operation", methods=["POST"])
publicdata_access.add_url_rule("/dashboard/access", view_func=dashboard_mine, endpoint="dashboard_mine")
publicdata_access.add_url_rule("/dashboard/access/review", view_func=dashboard_review, endpoint="dashboard_review")
publicdata_access.add_url_rule("/access/identity", view_func=identity_page, endpoint="identity",
                               methods=["GET", "POST"])
publicdata_access.add_url_rule("/access/identities", view_func=identities_queue, endpoint="identities",
                               methods=["GET", "POST"])
publicdata_access.add_url_rule("/access/blocklist", view_func=blocklist_page, endpoint="blocklist",
                               methods=["GET", "POST"])
