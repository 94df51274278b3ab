"""Pages of the catalog: the placeholder of the 有条件开放 application entry point."""
from __future__ import annotations

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
