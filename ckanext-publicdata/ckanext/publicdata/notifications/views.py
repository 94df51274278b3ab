"""The dashboard page of a user's notifications."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

notifications = Blueprint("publicdata_notifications", __name__)


@notifications.route("/dashboard/notifications", methods=["GET", "POST"])
def dashboard() -> Any:
    if not tk.current_user.is_authenticated:
        return tk.abort(403, tk._("Please log in first"))
    context = {"user": tk.current_user.name}
    if tk.request.method == "POST":
        tk.get_action("publicdata_notification_mark_read")(context, {"all": True})
        return tk.redirect_to("publicdata_notifications.dashboard")
    unread_only = tk.request.args.get("unread") == "1"
    page_arg = tk.request.args.get("page", "1")
    page = max(int(page_arg), 1) if page_arg.isdigit() else 1
    per_page = 20
    result = tk.get_action("publicdata_notification_list")(
        context, {"unread_only": unread_only, "limit": per_page, "offset": (page - 1) * per_page}
    )
    from ckan.views.user import _extra_template_variables  # the user header the dashboard templates expect

    extra_vars = _extra_template_variables(
        {"for_view": True, "user": tk.current_user.name, "auth_user_obj": tk.current_user},
        {"user_obj": tk.current_user},
    )
    extra_vars.update(
        notifications=result["results"], count=result["count"], unread=result["unread"],
        unread_only=unread_only, page_number=page, per_page=per_page,
    )
    return tk.render("publicdata/notifications/dashboard.html", extra_vars)

