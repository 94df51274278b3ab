"""Catalog change requests (目录变更申请, TAX-7): the rules shared by the actions and the pages.

BZ-R 8: an agency whose catalog must change because a law was amended or its mandate changed (法律法规修改或者
职能职责变更) files a change request within ``deadlines.workdays_for("catalog_change_provider")`` working days (15)
of that change; the authority decides within ``workdays_for("catalog_change_authority")`` working days (2) of
receiving it and the open list follows (同步更新公共数据开放清单). ZB 10 and BZ-M 11 say the same (删减、修改目录
需报大数据主管部门同意并备案). Both deadlines are counted on the mainland-China calendar
(:mod:`ckanext.publicdata.workdays`) and stored with the request when it is filed.

A request carries what changes (the fields and their new values, or the withdrawal of the entry), the cause
(law amended / mandate changed), its basis (the law or the document that changed the mandate), the date of that
change and an explanation. A request filed after the provider's deadline is accepted and flagged ``filed_late``
(refusing it would keep a wrong catalog); a pending request past the authority's deadline is ``overdue``.

Approval applies the change through ``package_patch`` (or ``package_delete`` for a withdrawal) with the same
validators as every other edit. A lowered open attribute still goes through the downgrade lock (TAX-6): it is
recorded as a pending open-attribute change request for the authority, never applied silently.
"""
from __future__ import annotations

import datetime
import json
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata import deadlines, workdays
from ckanext.publicdata.catalog.model import CatalogChange, OpenAttributeChange, STATUS_PENDING

__all__ = [
    "NON_CHANGEABLE_FIELDS",
    "changeable_fields",
    "changeable_field_labels",
    "normalise_changes",
    "check_changes",
    "filing_deadlines",
    "today_local",
    "describe",
    "apply_change",
    "sync_open_list",
    "provider_workdays",
    "authority_workdays",
]

# not part of a catalog change: the URL slug, computed values, the resources (data, not catalog)
NON_CHANGEABLE_FIELDS = frozenset({"id", "name", "open_attribute_pending", "citation", "publication_status",
                                   "resources", "private", "state", "type"})


def _changeable_schema_fields() -> list[dict[str, Any]]:
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema("dataset") or {}
    return [field for field in schema.get("dataset_fields", []) if field["field_name"] not in NON_CHANGEABLE_FIELDS]


def changeable_fields() -> list[str]:
    """The dataset schema's fields a catalog change may set, in schema order."""
    return [field["field_name"] for field in _changeable_schema_fields()]


def changeable_field_labels() -> list[tuple[str, Any]]:
    """(field name, its label as in the schema: text or {language: text}) for the request form."""
    return [(field["field_name"], field.get("label") or field["field_name"]) for field in _changeable_schema_fields()]


def normalise_changes(raw: Any) -> dict[str, Any]:
    """``changes`` as a dict: a dict, or its JSON text. Unknown fields raise a bilingual ValidationError."""
    if raw in (None, ""):
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise tk.ValidationError({"changes": [
                "变更内容应为 JSON 对象（字段名 → 新值） / changes must be a JSON object (field → new value)"]})
    if not isinstance(raw, dict):
        raise tk.ValidationError({"changes": [
            "变更内容应为对象（字段名 → 新值） / changes must be an object (field → new value)"]})
    allowed = set(changeable_fields())
    unknown = sorted(str(field) for field in raw if field not in allowed)
    if unknown:
        names = ", ".join(unknown)
        raise tk.ValidationError({"changes": [
            f"以下字段不能通过目录变更修改：{names} / These fields cannot be changed by a catalog change: {names}"]})
    from ckanext.publicdata.catalog.hooks import MULTI_VALUE_FIELDS

    changes: dict[str, Any] = {}
    for field, value in raw.items():
        if field in MULTI_VALUE_FIELDS and isinstance(value, str):
            value = [part.strip() for part in value.replace("，", ",").split(",") if part.strip()]
        changes[field] = value
    return changes


def _comparable(value: Any) -> Any:
    from ckanext.publicdata.catalog.values import as_list

    if isinstance(value, (list, tuple)):
        return sorted(json.dumps(item, sort_keys=True, ensure_ascii=False) for item in value)
    if isinstance(value, str) and value.startswith("["):
        return _comparable(as_list(value))
    if value is None:
        return ""
    return value if not isinstance(value, str) else value.strip()


def _package_dict(package: model.Package) -> dict[str, Any]:
    return tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": package.id})


def current_values(package: model.Package, fields: list[str]) -> dict[str, Any]:
    pkg_dict = _package_dict(package)
    return {field: pkg_dict.get(field) for field in fields}


def check_changes(package: model.Package, changes: dict[str, Any], user_name: Optional[str]) -> dict[str, Any]:
    """Validate the dataset as it would be after the change (the same validators as an edit), without saving.

    Returns the fields' current values. Raises ValidationError when nothing would change or the result breaks a
    catalog rule (the errors are those of the dataset form, keyed by field).
    """
    from ckan.lib import plugins as lib_plugins

    pkg_dict = _package_dict(package)
    previous = {field: pkg_dict.get(field) for field in changes}
    if all(_comparable(pkg_dict.get(field)) == _comparable(value) for field, value in changes.items()):
        raise tk.ValidationError({"changes": [
            "变更内容与目录现状相同 / The requested values are those the catalog already has"]})
    computed = ("open_attribute_pending", "citation", "publication_status")
    merged = {key: value for key, value in pkg_dict.items() if key not in computed}
    merged.update(changes)
    context: dict[str, Any] = {"model": model, "session": model.Session, "user": user_name or "",
                               "package": package, "ignore_auth": True}
    package_plugin = lib_plugins.lookup_package_plugin(package.type)
    schema = package_plugin.update_package_schema()
    _, errors = lib_plugins.plugin_validate(package_plugin, context, merged, schema, "package_update")
    if errors:
        raise tk.ValidationError(errors)
    return previous


def today_local() -> datetime.date:
    return workdays.now_local().date()


def filing_deadlines(cause_date: datetime.date, received: datetime.datetime) -> dict[str, Any]:
    """The provider's deadline (cause date + 15 wd), whether the filing is late, the authority's (receipt + 2 wd)."""
    try:
        provider_due = workdays.add_workdays(cause_date, deadlines.workdays_for("catalog_change_provider"))
        authority_due = workdays.add_workdays(received, deadlines.workdays_for("catalog_change_authority"))
    except workdays.WorkdayCalendarError as error:
        raise tk.ValidationError({"cause_date": [str(error)]})
    return {"provider_due_date": provider_due,
            "filed_late": workdays.local_date(received) > provider_due,
            "authority_due_date": authority_due}


def describe(change: CatalogChange, package: Optional[model.Package] = None) -> dict[str, Any]:
    """The request as the API returns it: the stored record plus the dataset, organization and overdue flags."""
    result = change.dictize()
    package = package or model.Package.get(change.package_id)
    organization = model.Group.get(change.owner_org) if change.owner_org else None
    result["dataset"] = ({"id": package.id, "name": package.name, "title": package.title, "state": package.state}
                         if package else None)
    result["organization_title"] = organization.title if organization else None
    today = today_local()
    due = change.authority_due_date
    result["overdue"] = bool(change.status == STATUS_PENDING and due is not None and today > due)
    decided_on = workdays.local_date(change.decided_at) if change.decided_at else None
    result["decided_late"] = bool(decided_on is not None and due is not None and decided_on > due)
    result["provider_rule"] = deadlines.rule("catalog_change_provider").clause
    result["authority_rule"] = deadlines.rule("catalog_change_authority").clause
    return result


def apply_change(change: CatalogChange, approver: Optional[str]) -> Optional[str]:
    """Apply an approved request to the dataset; returns the id of a downgrade request it left (TAX-6), if any.

    Runs in the caller's transaction (``defer_commit``); a ValidationError leaves nothing applied.
    """
    from ckanext.publicdata.catalog.model import CHANGE_WITHDRAW

    package = model.Package.get(change.package_id)
    if package is None or package.state == "deleted":
        raise tk.ObjectNotFound("数据集不存在或已删除 / The dataset does not exist or was deleted")
    requester = model.User.get(change.requested_by or "")
    context: dict[str, Any] = {"model": model, "session": model.Session, "ignore_auth": True,
                               "defer_commit": True,
                               # the provider's change, applied on the authority's approval
                               "user": requester.name if requester else (approver or "")}
    if change.kind == CHANGE_WITHDRAW:
        tk.get_action("package_delete")(context, {"id": package.id})
        return None
    changes = change.change_dict()
    before = current_values(package, list(changes))
    pending_before = OpenAttributeChange.pending_for(package.id)
    tk.get_action("package_patch")(context, dict(changes, id=package.id))
    change.previous = json.dumps(before, ensure_ascii=False, default=str)
    model.Session.flush()  # CKAN's session does not autoflush: make a downgrade request the patch left visible
    pending_after = OpenAttributeChange.pending_for(package.id)
    if pending_after is not None and (pending_before is None or pending_after.id != pending_before.id
                                      or pending_after.requested_fields != pending_before.requested_fields):
        return pending_after.id
    return None


def sync_open_list(now: datetime.datetime) -> Optional[dict[str, int]]:
    """BZ-R 8: the open list follows the catalog — record the adjustments of this year's list if published."""
    from ckanext.publicdata.openlist import service as open_list_service
    from ckanext.publicdata.openlist.model import STATUS_PUBLISHED, OpenList

    open_list = OpenList.get(today_local().year)
    if open_list is None or open_list.status != STATUS_PUBLISHED:
        return None
    counts = open_list_service.sync(open_list.year, now)
    open_list.synced_at = now
    return counts


def provider_workdays() -> int:
    return deadlines.workdays_for("catalog_change_provider")


def authority_workdays() -> int:
    return deadlines.workdays_for("catalog_change_authority")
