"""Blueprints of the ``publicdata_feedback`` plugin: the public transparency pages and the use-results gallery.

* ``/feedback/handled`` — handled feedback with response times, no personal data (public);
* ``/feedback/figures`` and ``/feedback/figures.csv`` — per-agency figures for the open-data authority;
* ``/use-results`` — the gallery of published data-use results; the authority features outstanding ones
  (``POST /use-results/<id>/feature``).
"""
from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response, request

import ckan.plugins.toolkit as tk

__all__ = ["publicdata_feedback_public"]

publicdata_feedback_public = Blueprint("publicdata_feedback_public", __name__)

PAGE_SIZE = 20


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user and tk.current_user.is_authenticated else ""}


def _page() -> int:
    try:
        return max(int(request.args.get("page", 1)), 1)
    except ValueError:
        return 1


def _pages(count: int, page: int) -> dict[str, Any]:
    last = max((count + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return {"page": page, "last": last, "has_previous": page > 1, "has_next": page < last}


@publicdata_feedback_public.route("/feedback/handled")
def handled() -> Any:
    kind = request.args.get("kind") or None
    page = _page()
    try:
        result = tk.get_action("publicdata_feedback_handled_list")(
            _context(), {"kind": kind, "limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE})
    except tk.ValidationError as error:
        return tk.abort(400, "; ".join(str(message) for messages in error.error_dict.values()
                                       for message in messages))
    from ckanext.publicdata.feedback import kinds as kind_registry
    from ckanext.publicdata.feedback.transparency import PUBLIC_KINDS

    kinds = [(name, kind_registry.KINDS[name].label) for name in PUBLIC_KINDS if name in kind_registry.KINDS]
    return tk.render("publicdata/feedback/public/handled.html", {
        "result": result, "kind": kind, "kinds": kinds, "pages": _pages(result["count"], page)})


def _figures_request() -> dict[str, Any]:
    return {key: request.args.get(key) for key in ("start", "end", "kind", "owner_org") if request.args.get(key)}


@publicdata_feedback_public.route("/feedback/figures")
def figures() -> Any:
    data = _figures_request()
    errors: dict[str, Any] = {}
    try:
        figures_result = tk.get_action("publicdata_feedback_figures")(_context(), dict(data))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the open-data authority may see the feedback figures"))
    except tk.ObjectNotFound as error:
        return tk.abort(404, str(error))
    except tk.ValidationError as error:
        errors = error.error_dict
        figures_result = None
    return tk.render("publicdata/feedback/public/figures.html", {
        "figures": figures_result, "filters": data, "errors": errors})


CSV_HEADERS = (
    ("organization_title", "开放主体 Agency"),
    ("organization_name", "机构标识 Agency id"),
    ("received", "受理数 Received"),
    ("handled", "已办结 Handled"),
    ("handled_on_time", "按期办结 Handled on time"),
    ("handled_late", "超期办结 Handled late"),
    ("open", "办理中 Open"),
    ("open_overdue", "办理中已超期 Open and overdue"),
    ("overdue", "超期合计 Overdue"),
    ("on_time_rate", "按期率 On-time rate"),
    ("median_workdays", "办理时长中位数(工作日) Median working days"),
)


@publicdata_feedback_public.route("/feedback/figures.csv")
def figures_csv() -> Any:
    data = _figures_request()
    try:
        result = tk.get_action("publicdata_feedback_figures")(_context(), dict(data))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the open-data authority may see the feedback figures"))
    except tk.ObjectNotFound as error:
        return tk.abort(404, str(error))
    except tk.ValidationError as error:
        return tk.abort(400, "; ".join(str(message) for messages in error.error_dict.values()
                                       for message in messages))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _key, label in CSV_HEADERS])
    for row in result["results"]:
        writer.writerow(["" if row.get(key) is None else row.get(key) for key, _label in CSV_HEADERS])
    totals = result["totals"]
    writer.writerow(["合计 Total", ""] + ["" if totals.get(key) is None else totals.get(key)
                                          for key, _label in CSV_HEADERS[2:]])
    period = f"{result['start'] or 'all'}_{result['end'] or result['as_of']}"
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="feedback-figures-{period}.csv"'})


@publicdata_feedback_public.route("/use-results")
def use_results() -> Any:
    page = _page()
    result = tk.get_action("publicdata_use_result_list")(
        _context(), {"limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE})
    from ckanext.publicdata.catalog import authority

    return tk.render("publicdata/feedback/public/use_results.html", {
        "result": result, "pages": _pages(result["count"], page),
        "can_feature": authority.is_city_authority(_context()["user"] or None)})


@publicdata_feedback_public.route("/use-results/<result_id>/feature", methods=["POST"])
def feature(result_id: str) -> Any:
    featured = request.form.get("featured", "true")
    try:
        tk.get_action("publicdata_use_result_feature")(_context(), {"id": result_id, "featured": featured})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the open-data authority may feature use results"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Use result not found"))
    except tk.ValidationError as error:
        for messages in error.error_dict.values():
            for message in messages:
                tk.h.flash_error(str(message))
    return tk.redirect_to("publicdata_feedback_public.use_results")
