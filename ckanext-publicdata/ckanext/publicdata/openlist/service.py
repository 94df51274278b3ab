"""Snapshot of the public catalog and the adjustments of a published open list (TAX-8).

The list publishes what the public may see: active, public datasets whose open attribute is 无条件开放 or
有条件开放. 不予开放 datasets are never listed (TAX-5). One SQL query over ``package``, ``package_extra`` and
``group`` reads the whole catalog; no per-dataset package_show.
"""
from __future__ import annotations

import datetime
import json
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model

from ckanext.publicdata.catalog.public_datasets import public_datasets_sql

from ckanext.publicdata.openlist.model import (
    CHANGE_ADDED,
    CHANGE_CHANGED,
    CHANGE_PUBLISHED,
    ENTRY_FIELDS,
    OpenListEntry,
)

__all__ = ["LISTED_ATTRIBUTES", "public_catalog", "snapshot", "sync", "current_entries"]

LISTED_ATTRIBUTES = ("unconditional", "conditional")
OPEN_METHOD_ORDER = ("download", "api")

_FIELD_LABELS = {
    "identifier": ("信息资源代码", "identifier"),
    "title": ("目录名称", "title"),
    "organization_id": ("开放主体", "provider"),
    "open_attribute": ("开放属性", "open attribute"),
    "update_frequency": ("更新周期", "update frequency"),
    "open_method": ("开放方式", "open method"),
}

_CATALOG_QUERY = sa.text(
    "select * from ("
    + public_datasets_sql(("identifier", "open_attribute", "update_frequency", "open_method"))
    + ") dataset where open_attribute in ('unconditional', 'conditional')"
)


def _open_method_codes(stored: Optional[str]) -> str:
    """``'["api", "download"]'`` (scheming's JSON) → ``'download,api'`` (schema order)."""
    if not stored:
        return ""
    try:
        values = json.loads(stored)
    except ValueError:
        values = stored.split(",")
    if isinstance(values, str):
        values = [values]
    codes = {str(value).strip() for value in values or []}
    ordered = [code for code in OPEN_METHOD_ORDER if code in codes]
    return ",".join(ordered + sorted(codes - set(OPEN_METHOD_ORDER) - {""}))


def public_catalog() -> dict[str, dict[str, Any]]:
    """package id → the properties an open-list line records, for every dataset the list publishes."""
    catalog: dict[str, dict[str, Any]] = {}
    for row in model.Session.execute(_CATALOG_QUERY).mappings():
        catalog[row["id"]] = {
            "package_name": row["name"],
            "identifier": row["identifier"],
            "title": row["title"] or row["name"],
            "organization_id": row["owner_org"],
            "organization_name": row["organization_name"],
            "organization_title": row["organization_title"],
            "open_attribute": row["open_attribute"],
            "update_frequency": row["update_frequency"],
            "open_method": _open_method_codes(row["open_method"]),
        }
    return catalog


def current_entries(year: int) -> list[OpenListEntry]:
    """The lines of the year's list that are in force (not removed)."""
    return (model.Session.query(OpenListEntry)
            .filter(OpenListEntry.year == year, OpenListEntry.removed_at.is_(None))
            .all())


def snapshot(year: int, now: datetime.datetime) -> int:
    """Replace the year's lines by the current public catalog (publication, or re-preparing a draft)."""
    model.Session.query(OpenListEntry).filter(OpenListEntry.year == year).delete(synchronize_session=False)
    catalog = public_catalog()
    for package_id, properties in catalog.items():
        model.Session.add(OpenListEntry(year=year, package_id=package_id, added_at=now,
                                        change=CHANGE_PUBLISHED, **properties))
    return len(catalog)


def _describe_change(before: dict[str, Any], after: dict[str, Any]) -> str:
    from ckanext.publicdata.catalog.helpers import publicdata_vocabulary_label

    def label(field: str, value: Any, language: str) -> str:
        if field in ("open_attribute", "update_frequency"):
            return publicdata_vocabulary_label(field, value, language=language) or "—"
        if field == "open_method":
            return "、".join(publicdata_vocabulary_label("open_method", code, language=language)
                            for code in (value or "").split(",") if code) or "—"
        return str(value or "—")

    chinese, english = [], []
    for field, (zh_name, en_name) in _FIELD_LABELS.items():
        if before.get(field) == after.get(field):
            continue
        if field == "organization_id":
            old, new = before.get("organization_title"), after.get("organization_title")
            chinese.append(f"{zh_name}：{old or '—'} → {new or '—'}")
            english.append(f"{en_name}: {old or '—'} → {new or '—'}")
            continue
        chinese.append(f"{zh_name}：{label(field, before.get(field), 'zh_Hans_CN')} → "
                       f"{label(field, after.get(field), 'zh_Hans_CN')}")
        english.append(f"{en_name}: {label(field, before.get(field), 'en')} → {label(field, after.get(field), 'en')}")
    return "；".join(chinese) + " / " + "; ".join(english)


def _removal_reason(package_id: str) -> str:
    package = model.Package.get(package_id)
    if package is None or package.state != "active":
        return "数据集已删除 / The dataset was deleted"
    if package.extras.get("open_attribute") == "not_open":
        return "开放属性调整为不予开放 / The open attribute changed to not open"
    if package.private:
        return "数据集已不再公开 / The dataset is no longer public"
    return "数据集不再列入开放清单 / The dataset left the open list"


def sync(year: int, now: datetime.datetime) -> dict[str, int]:
    """Record the adjustments since publication: lines added, removed and changed (old closed, new added)."""
    catalog = public_catalog()
    in_force = {entry.package_id: entry for entry in current_entries(year)}
    counts = {"added": 0, "removed": 0, "changed": 0}

    for package_id, entry in in_force.items():
        properties = catalog.get(package_id)
        if properties is None:
            entry.removed_at = now
            entry.removal_reason = _removal_reason(package_id)
            counts["removed"] += 1
            continue
        before = entry.properties()
        after = {field: properties[field] for field in ENTRY_FIELDS}
        if before == after:
            if entry.package_name != properties["package_name"]:
                entry.package_name = properties["package_name"]  # the slug is not part of the list
            continue
        entry.removed_at = now
        entry.removal_reason = "已调整（见新条目）/ Adjusted (see the new line)"
        model.Session.add(OpenListEntry(year=year, package_id=package_id, added_at=now, change=CHANGE_CHANGED,
                                        change_reason=_describe_change(before, after), **properties))
        counts["changed"] += 1

    for package_id, properties in catalog.items():
        if package_id in in_force:
            continue
        model.Session.add(OpenListEntry(year=year, package_id=package_id, added_at=now, change=CHANGE_ADDED,
                                        change_reason="新列入开放清单 / Added to the open list", **properties))
        counts["added"] += 1
    return counts
