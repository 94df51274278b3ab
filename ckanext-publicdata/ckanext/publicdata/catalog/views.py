"""Pages of the catalog: the 有条件开放 application entry point placeholder, the publication review pages and the
catalog change requests (TAX-7)."""
from __future__ import annotations

from typing import Any, Optional

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog import catalog_change

__all__ = ["catalog"]

catalog = Blueprint("publicdata_catalog", __name__)


def apply(id: str) -> str:
    """申请使用: the application for conditionally open data is another issue; until then say it is coming."""
    try:
        pkg_dict = tk.get_action("package_show")({}, {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))
    if pkg_dict.get("open_attribute") != "conditional":
        return tk.abort(404, "只有有条件开放的数据需要申请 / Only conditionally open data is applied for")
    return tk.render("publicdata/catalog/apply_placeholder.html", {"pkg_dict": pkg_dict})


catalog.add_url_rule("/dataset/<id>/apply", view_func=apply, endpoint="apply")


# ------------------------------------------------------------------ publication review (TAX-13, SEC-1)

def _dashboard_vars() -> dict[str, Any]:
    """The user header the dashboard templates expect (as the notifications dashboard builds it)."""
    from ckan.views.user import _extra_template_variables

    return _extra_template_variables(
        {"for_view": True, "user": tk.current_user.name, "auth_user_obj": tk.current_user},
        {"user_obj": tk.current_user},
    )


def _signed_in_context() -> dict[str, Any]:
    if not tk.current_user.is_authenticated:
        tk.abort(403, tk._("Please log in first"))
    return {"user": tk.current_user.name}


def _error_lines(error: tk.ValidationError) -> list[str]:
    lines: list[str] = []
    for messages in (error.error_dict or {}).values():
        lines.extend(messages if isinstance(messages, list) else [str(messages)])
    return lines


def review_queue() -> Any:
    """/dashboard/review: the datasets waiting for the authority's review, overdue (oldest) first."""
    context = _signed_in_context()
    try:
        queue = tk.get_action("publicdata_publication_queue")(context, {"limit": 200})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the open-data authority reviews publications"))
    catalog_changes = tk.get_action("publicdata_catalog_change_list")(
        context, {"scope": "review", "status": "pending", "limit": 200})
    extra_vars = _dashboard_vars()
    extra_vars.update(queue=queue["results"], count=queue["count"], review_workdays=queue["review_workdays"],
                      catalog_changes=catalog_changes["results"], catalog_changes_overdue=catalog_changes["overdue"],
                      catalog_change_workdays=catalog_change.authority_workdays())
    return tk.render("publicdata/review/queue.html", extra_vars)


def _run_and_flash(action: str, context: dict[str, Any], data: dict[str, Any], success: str,
                   not_authorized: str, not_found: str) -> bool:
    """Run an action from a page's form: flash its success or its validation errors, 403/404 otherwise."""
    try:
        tk.get_action(action)(context, data)
    except tk.NotAuthorized:
        tk.abort(403, not_authorized)
    except tk.ObjectNotFound:
        tk.abort(404, not_found)
    except tk.ValidationError as error:
        for line in _error_lines(error):
            tk.h.flash_error(line)
        return False
    tk.h.flash_success(success)
    return True


def review_decide(id: str, decision: str) -> Any:
    """POST /dashboard/review/<id>/<approve|return|override> from the queue's forms."""
    context = _signed_in_context()
    form = tk.request.form
    actions = {
        "approve": ("publicdata_publication_approve", {"id": id, "comment": form.get("comment", "")}),
        "return": ("publicdata_publication_return", {"id": id, "reasons": form.get("reasons", "")}),
        "override": ("publicdata_publication_override", {"id": id, "reason": form.get("reason", "")}),
    }
    if decision not in actions:
        return tk.abort(404)
    action, data = actions[decision]
    _run_and_flash(action, context, data, tk._("Decision recorded"),
                   tk._("Only the open-data authority reviews publications"), tk._("Dataset not found"))
    return tk.redirect_to("publicdata_catalog.review_queue")


def my_publications() -> Any:
    """/dashboard/my-publications: the provider's datasets in draft, under review or returned, with reasons."""
    context = _signed_in_context()
    result = tk.get_action("publicdata_publication_list_mine")(context, {"limit": 200})
    extra_vars = _dashboard_vars()
    extra_vars.update(items=result["results"], count=result["count"])
    return tk.render("publicdata/review/mine.html", extra_vars)


def submit_for_review(id: str) -> Any:
    """POST /dataset/<id>/submit-review: the 提交审核 button of the dataset page."""
    context = _signed_in_context()
    _run_and_flash("publicdata_publication_submit", context, {"id": id}, tk._("Submitted for review"),
                   tk._("Unauthorized to submit this dataset"), tk._("Dataset not found"))
    return tk.redirect_to("dataset.read", id=id)


catalog.add_url_rule("/dashboard/review", view_func=review_queue, endpoint="review_queue")
catalog.add_url_rule("/dashboard/review/<id>/<decision>", view_func=review_decide, endpoint="review_decide",
                     methods=["POST"])
catalog.add_url_rule("/dashboard/my-publications", view_func=my_publications, endpoint="my_publications")
catalog.add_url_rule("/dataset/<id>/submit-review", view_func=submit_for_review, endpoint="submit_for_review",
                     methods=["POST"])


# ------------------------------------------------------------------ catalog change requests (TAX-7)

def _form_changes(form: Any) -> dict[str, Any]:
    """The form's rows of (field, new value) as the action's ``changes``; blank rows are dropped."""
    changes: dict[str, Any] = {}
    for field, value in zip(form.getlist("change_field"), form.getlist("change_value")):
        field, value = (field or "").strip(), (value or "").strip()
        if field and value:
            changes[field] = value
    return changes


def catalog_change_new(id: str) -> Any:
    """/dataset/<id>/catalog-change: the provider's form for a catalog change request (GET shows, POST files)."""
    context = _signed_in_context()
    try:
        pkg_dict = tk.get_action("package_show")(context, {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))
    if not tk.h.check_access("publicdata_catalog_change_create",
                             {"package_id": pkg_dict["id"], "owner_org": pkg_dict.get("owner_org")}):
        return tk.abort(403, tk._("Only the dataset's agency files catalog changes"))
    form_data: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    if tk.request.method == "POST":
        form = tk.request.form
        form_data = {key: form.get(key, "") for key in ("kind", "cause", "basis", "cause_date", "description")}
        data = dict(form_data, package_id=pkg_dict["id"])
        if form_data.get("kind") != "withdraw":
            data["changes"] = _form_changes(form)
        try:
            tk.get_action("publicdata_catalog_change_create")(context, data)
        except tk.ValidationError as error:
            errors = error.error_dict
        else:
            tk.h.flash_success(tk._("Catalog change request filed"))
            return tk.redirect_to("publicdata_catalog.catalog_changes_mine")
    return tk.render("publicdata/catalog_change/form.html", {
        "pkg_dict": pkg_dict, "data": form_data, "errors": errors, "error_lines": _error_lines(
            tk.ValidationError(errors)) if errors else [],
        "changeable_fields": catalog_change.changeable_field_labels(),
        "provider_workdays": catalog_change.provider_workdays(),
    })


def catalog_changes_mine() -> Any:
    """/dashboard/catalog-changes: the provider's catalog change requests, with deadlines and decisions."""
    context = _signed_in_context()
    result = tk.get_action("publicdata_catalog_change_list")(context, {"scope": "mine", "status": "all",
                                                                       "limit": 200})
    extra_vars = _dashboard_vars()
    extra_vars.update(changes=result["results"], count=result["count"])
    return tk.render("publicdata/catalog_change/mine.html", extra_vars)


def catalog_change_decide(change_id: str, decision: str) -> Any:
    """POST /dashboard/catalog-changes/<id>/<approve|reject|cancel>."""
    context = _signed_in_context()
    actions = {"approve": "publicdata_catalog_change_approve", "reject": "publicdata_catalog_change_reject",
               "cancel": "publicdata_catalog_change_cancel"}
    if decision not in actions:
        return tk.abort(404)
    _run_and_flash(actions[decision], context, {"id": change_id, "comment": tk.request.form.get("comment", "")},
                   tk._("Decision recorded"), tk._("Not allowed to decide this catalog change"),
                   tk._("Catalog change request not found"))
    if decision == "cancel":
        return tk.redirect_to("publicdata_catalog.catalog_changes_mine")
    return tk.redirect_to("publicdata_catalog.review_queue")


catalog.add_url_rule("/dataset/<id>/catalog-change", view_func=catalog_change_new, endpoint="catalog_change_new",
                     methods=["GET", "POST"])
catalog.add_url_rule("/dashboard/catalog-changes", view_func=catalog_changes_mine, endpoint="catalog_changes_mine")
catalog.add_url_rule("/dashboard/catalog-changes/<change_id>/<decision>", view_func=catalog_change_decide,
                     endpoint="catalog_change_decide", methods=["POST"])


# ------------------------------------------------------------------ code lists (/vocab, the DCAT profile's URIs)

def _vocab_response(scheme_dict: dict[str, Any], code: Optional[str], suffix: Optional[str]) -> Any:
    from flask import make_response

    from ckanext.publicdata.catalog import vocab

    suffix = suffix or vocab.rdf_format_for(tk.request.headers.get("Accept", ""))
    if suffix is None:
        return None
    rdf_format, media_type = vocab.RDF_FORMATS[suffix]
    body = vocab.scheme_graph(scheme_dict, code).serialize(format=rdf_format)
    response = make_response(body)
    response.headers["Content-Type"] = f"{media_type}; charset=utf-8"
    response.headers["Vary"] = "Accept"
    return response


def vocab_index() -> Any:
    """/vocab: every code list of the portal."""
    from ckanext.publicdata.catalog import vocab

    return tk.render("publicdata/vocab/index.html", {"schemes": vocab.schemes()})


def vocab_scheme(scheme: str) -> Any:
    """/vocab/<scheme>[.ttl|.jsonld|.rdf]: a code list as HTML or SKOS."""
    from ckanext.publicdata.catalog import vocab

    name, suffix = vocab.split_suffix(scheme)
    scheme_dict = vocab.scheme(name)
    if scheme_dict is None:
        return tk.abort(404, tk._("Code list not found"))
    response = _vocab_response(scheme_dict, None, suffix)
    if response is not None:
        return response
    return tk.render("publicdata/vocab/scheme.html", {"scheme": scheme_dict})


def vocab_concept(scheme: str, code: str) -> Any:
    """/vocab/<scheme>/<code>[.ttl|.jsonld|.rdf]: one code with its labels, as HTML or SKOS."""
    from ckanext.publicdata.catalog import vocab

    scheme_dict = vocab.scheme(scheme)
    code, suffix = vocab.split_suffix(code)
    concept = next((item for item in (scheme_dict or {}).get("concepts", []) if item["code"] == code), None)
    if scheme_dict is None or concept is None:
        return tk.abort(404, tk._("Code not found"))
    response = _vocab_response(scheme_dict, code, suffix)
    if response is not None:
        return response
    return tk.render("publicdata/vocab/concept.html", {"scheme": scheme_dict, "concept": concept})


catalog.add_url_rule("/vocab", view_func=vocab_index, endpoint="vocab_index")
catalog.add_url_rule("/vocab/<scheme>", view_func=vocab_scheme, endpoint="vocab_scheme")
catalog.add_url_rule("/vocab/<scheme>/<code>", view_func=vocab_concept, endpoint="vocab_concept")
