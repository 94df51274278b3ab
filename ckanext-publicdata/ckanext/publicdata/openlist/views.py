"""The public open-list pages and their exports (CSV with BOM, XLSX), and the authority's publish/adjust buttons."""
from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog import authority

__all__ = ["open_list", "EXPORT_HEADERS", "export_rows"]

open_list = Blueprint("publicdata_open_list", __name__)

EXPORT_HEADERS = ("信息资源代码", "目录名称", "开放主体", "开放属性", "更新周期", "开放方式", "列入日期", "调整说明")
_FILTERS = ("organization", "open_attribute")


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _filters() -> dict[str, str]:
    return {key: tk.request.args[key] for key in _FILTERS if tk.request.args.get(key)}


def _show(year: int | None) -> dict[str, Any]:
    data_dict: dict[str, Any] = _filters()
    if year is not None:
        data_dict["year"] = year
    try:
        return tk.get_action("publicdata_open_list_show")(_context(), data_dict)
    except tk.ObjectNotFound as error:
        return tk.abort(404, str(error))
    except tk.ValidationError as error:
        return tk.abort(400, "; ".join(str(message) for messages in error.error_dict.values()
                                       for message in (messages if isinstance(messages, list) else [messages])))


def export_rows(result: dict[str, Any]) -> list[list[str]]:
    """The lines in force as export rows, labels in Chinese (the list's official language)."""
    from ckanext.publicdata.catalog.helpers import publicdata_vocabulary_label

    def label(field: str, value: Any) -> str:
        return publicdata_vocabulary_label(field, value, language="zh_Hans_CN") if value else ""

    rows = []
    for entry in result["entries"]:
        rows.append([
            entry["identifier"] or "",
            entry["title"] or "",
            entry["organization_title"] or entry["organization_name"] or "",
            label("open_attribute", entry["open_attribute"]),
            label("update_frequency", entry["update_frequency"]),
            "、".join(label("open_method", code) for code in entry["open_method"]),
            entry["added_on"],
            entry["change_reason"] or "",
        ])
    return rows


def _download_name(result: dict[str, Any], extension: str) -> str:
    return f"open-list-{result['year']}.{extension}"


@open_list.route("/open-list")
def latest() -> Any:
    try:
        result = tk.get_action("publicdata_open_list_show")(_context(), {})
    except tk.ObjectNotFound:
        return tk.render("publicdata/openlist/index.html", {
            "result": None, "filters": {}, "is_authority": authority.is_city_authority(_context()["user"]),
            "organizations": [], "current_year": datetime.date.today().year})
    return tk.redirect_to("publicdata_open_list.read", year=result["year"], **_filters())


@open_list.route("/open-list/<int:year>")
def read(year: int) -> Any:
    result = _show(year)
    organizations: dict[str, str] = {}
    if _filters():  # the organization choices come from the whole list, not the filtered one
        whole = tk.get_action("publicdata_open_list_show")(_context(), {"year": year})
    else:
        whole = result
    for entry in whole["entries"]:
        organizations[entry["organization_name"] or entry["organization_id"]] = (
            entry["organization_title"] or entry["organization_name"] or "")
    return tk.render("publicdata/openlist/index.html", {
        "result": result,
        "filters": _filters(),
        "is_authority": authority.is_city_authority(_context()["user"]),
        "organizations": sorted(organizations.items(), key=lambda item: item[1]),
        "current_year": datetime.date.today().year,
    })


@open_list.route("/open-list/<int:year>/export.csv")
def export_csv(year: int) -> Any:
    result = _show(year)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: Excel then reads the file as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_HEADERS)
    writer.writerows(export_rows(result))
    return Response(buffer.getvalue().encode("utf-8"), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{_download_name(result, "csv")}"'})


@open_list.route("/open-list/<int:year>/export.xlsx")
def export_xlsx(year: int) -> Any:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    result = _show(year)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{result['year']}年度开放清单"
    sheet.append(list(EXPORT_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in export_rows(result):
        sheet.append(row)
    for column, width in zip("ABCDEFGH", (28, 36, 28, 12, 10, 18, 12, 40)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Response(
        buffer.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_download_name(result, "xlsx")}"'})


@open_list.route("/open-list/<any(publish, sync):operation>", methods=["POST"])
def manage(operation: str) -> Any:
    """The authority's buttons: publish (or prepare a draft of) a year's list, and record adjustments."""
    action = {"publish": "publicdata_open_list_publish", "sync": "publicdata_open_list_sync"}[operation]
    year = tk.request.form.get("year", "")
    data_dict: dict[str, Any] = {"year": year}
    if operation == "publish" and tk.request.form.get("draft"):
        data_dict["draft"] = True
    try:
        tk.get_action(action)(_context(), data_dict)
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ValidationError as error:
        for messages in error.error_dict.values():
            for message in messages if isinstance(messages, list) else [messages]:
                tk.h.flash_error(str(message))
        return tk.redirect_to("publicdata_open_list.latest")
    else:
        tk.h.flash_success(tk._("The open list has been published.") if operation == "publish"
                           else tk._("The adjustments have been recorded."))
    return tk.redirect_to("publicdata_open_list.read", year=int(year))
