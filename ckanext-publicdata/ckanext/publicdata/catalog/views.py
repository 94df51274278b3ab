"""Pages of the catalog: the 有条件开放 application entry point placeholder and the publication review pages."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

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
    extra_vars = _dashboard_vars()
    extra_vars.update(queue=queue["results"], count=queue["count"], review_workdays=queue["review_workdays"])
    return tk.render("publicdata/review/queue.html", extra_vars)


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
    try:
        tk.get_action(action)(context, data)
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the open-data authority reviews publications"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.ValidationError as error:
        for line in _error_lines(error):
            tk.h.flash_error(line)
    else:
        tk.h.flash_success(tk._("Decision recorded"))
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
    try:
        tk.get_action("publicdata_publication_submit")(context, {"id": id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Unauthorized to submit this dataset"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.ValidationError as error:
        for line in _error_lines(error):
            tk.h.flash_error(line)
    else:
        tk.h.flash_success(tk._("Submitted for review"))
    return tk.redirect_to("dataset.read", id=id)


catalog.add_url_rule("/dashboard/review", view_func=review_queue, endpoint="review_queue")
catalog.add_url_rule("/dashboard/review/<id>/<decision>", view_func=review_decide, endpoint="review_decide",
                     methods=["POST"])
catalog.add_url_rule("/dashboard/my-publications", view_func=my_publications, endpoint="my_publications")
catalog.add_url_rule("/dataset/<id>/submit-review", view_func=submit_for_review, endpoint="submit_for_review",
                     methods=["POST"])
