"""The authority's page of overdue updates, by provider (TAX-11)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.publicdata.reminders import access

__all__ = ["reminders"]

reminders = Blueprint("publicdata_reminders", __name__)


@reminders.route("/dashboard/overdue-updates")
def overdue_updates() -> Any:
    if not tk.current_user.is_authenticated:
        return tk.abort(403, tk._("Please log in first"))
    if not access.is_overview_reader(tk.current_user.name):
        return tk.abort(403, tk._("Only the open-data authority sees overdue updates"))
    context = {"user": tk.current_user.name}
    result = tk.get_action("publicdata_overdue_dataset_list")(context, {})
    by_organization: dict[str, dict[str, Any]] = {}
    for dataset in result["results"]:
        key = dataset["owner_org"] or ""
        group = by_organization.setdefault(key, {
            "id": key, "name": dataset["organization_name"],
            "title": dataset["organization_title"] or dataset["organization_name"] or "", "datasets": []})
        group["datasets"].append(dataset)

    from ckan.views.user import _extra_template_variables  # the user header the dashboard templates expect

    extra_vars = _extra_template_variables(
        {"for_view": True, "user": tk.current_user.name, "auth_user_obj": tk.current_user},
        {"user_obj": tk.current_user},
    )
    extra_vars.update(result=result, organizations=sorted(by_organization.values(), key=lambda org: org["title"]))
    return tk.render("publicdata/reminders/overdue_updates.html", extra_vars)
