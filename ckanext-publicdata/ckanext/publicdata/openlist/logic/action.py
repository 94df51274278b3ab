"""Actions of the annual open list (年度开放清单, TAX-8; BZ-R 8, SU 13)."""
from __future__ import annotations

import datetime
import zoneinfo
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.publicdata import config
from ckanext.publicdata.catalog import authority
from ckanext.publicdata.openlist import service
from ckanext.publicdata.openlist.logic import schema
from ckanext.publicdata.openlist.model import (
    CHANGE_CHANGED,
    CHANGE_PUBLISHED,
    STATUS_DRAFT,
    STATUS_PUBLISHED,
    OpenList,
    OpenListEntry,
)

__all__ = ["publicdata_open_list_show", "publicdata_open_list_publish", "publicdata_open_list_sync"]


def _not_published(year: Any) -> tk.ObjectNotFound:
    return tk.ObjectNotFound(f"{year} 年度开放清单尚未发布 / The open list of {year} has not been published")


def _published_years() -> list[int]:
    rows = (model.Session.query(OpenList.year).filter(OpenList.status == STATUS_PUBLISHED)
            .order_by(OpenList.year.desc()))
    return [row[0] for row in rows]


def _organization_ids(name_or_id: str) -> set[str]:
    group = model.Group.get(name_or_id)
    return {group.id} if group is not None else {name_or_id}


def _local_date(value: datetime.datetime) -> str:
    """A UTC timestamp as a date in the portal's time zone (the list's dates are the city's dates)."""
    zone = zoneinfo.ZoneInfo(config.portal_timezone())
    return value.replace(tzinfo=datetime.timezone.utc).astimezone(zone).date().isoformat()


def _entry(row: OpenListEntry) -> dict[str, Any]:
    return {**row.dictize(), "added_on": _local_date(row.added_at),
            "removed_on": _local_date(row.removed_at) if row.removed_at else None}


def _adjustments(rows: list[OpenListEntry]) -> list[dict[str, Any]]:
    """What changed after publication, oldest first: lines added, changed (the new line) and removed."""
    replaced = {(row.package_id, row.added_at) for row in rows if row.change == CHANGE_CHANGED}
    adjustments: list[dict[str, Any]] = []
    for row in rows:
        if row.change != CHANGE_PUBLISHED:
            adjustments.append({**_entry(row), "kind": row.change, "date": row.added_at.isoformat(),
                                "on": _local_date(row.added_at), "reason": row.change_reason})
        if row.removed_at is not None and (row.package_id, row.removed_at) not in replaced:
            adjustments.append({**_entry(row), "kind": "removed", "date": row.removed_at.isoformat(),
                                "on": _local_date(row.removed_at), "reason": row.removal_reason})
    adjustments.sort(key=lambda item: (item["date"], item["identifier"] or ""))
    return adjustments


@tk.side_effect_free
@tk.validate(schema.open_list_show)
def publicdata_open_list_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The open list of a year as published, with its adjustments since publication.

    Only 无条件开放 and 有条件开放 datasets are ever listed. A draft list is shown to the authority only.

    :param year: the year (optional; default the latest published year)
    :type year: int
    :param organization: only this provider's lines (organization id or name, optional)
    :type organization: string
    :param open_attribute: only ``unconditional`` or ``conditional`` lines (optional)
    :type open_attribute: string
    :param include_removed: also return the lines no longer in force (optional, default false)
    :type include_removed: bool
    :returns: ``{"year", "status", "published_at", …, "years": published years, "count",
        "entries": [line, …] (in force, by provider then identifier), "adjustments": [adjustment, …]}``;
        ``added_on``, ``removed_on`` and an adjustment's ``on`` are dates in the portal's time zone
    :rtype: dictionary
    """
    tk.check_access("publicdata_open_list_show", context, data_dict)
    is_authority = authority.is_city_authority(context.get("user"))
    years = _published_years()
    year: Optional[int] = data_dict.get("year")
    if year is None:
        if not years:
            raise tk.ObjectNotFound("尚未发布任何年度开放清单 / No open list has been published yet")
        year = years[0]
    open_list = OpenList.get(year)
    if open_list is None or (open_list.status != STATUS_PUBLISHED and not is_authority):
        raise _not_published(year)

    query = model.Session.query(OpenListEntry).filter(OpenListEntry.year == year)
    if data_dict.get("organization"):
        query = query.filter(OpenListEntry.organization_id.in_(_organization_ids(data_dict["organization"])))
    if data_dict.get("open_attribute"):
        query = query.filter(OpenListEntry.open_attribute == data_dict["open_attribute"])
    rows = query.order_by(OpenListEntry.organization_title, OpenListEntry.identifier, OpenListEntry.added_at).all()

    entries = [_entry(row) for row in rows
               if row.removed_at is None or data_dict.get("include_removed")]
    return {
        **open_list.dictize(),
        "years": years,
        "count": sum(1 for row in rows if row.removed_at is None),
        "entries": entries,
        "adjustments": _adjustments(rows),
    }


@tk.validate(schema.open_list_publish)
def publicdata_open_list_publish(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Publish the year's open list: a snapshot of the public catalog (authority only).

    With ``draft`` the snapshot is kept as a draft the authority can review (and re-take) before publishing.
    A published list is not re-taken: its later adjustments are recorded by ``publicdata_open_list_sync``.

    :param year: the year of the list
    :type year: int
    :param draft: prepare a draft instead of publishing (optional, default false)
    :type draft: bool
    :returns: the list with its counts (``count``: lines)
    :rtype: dictionary
    """
    tk.check_access("publicdata_open_list_publish", context, data_dict)
    year = data_dict["year"]
    open_list = OpenList.get(year)
    if open_list is not None and open_list.status == STATUS_PUBLISHED:
        raise tk.ValidationError({"year": [
            f"{year} 年度开放清单已发布，请用动态调整记录变化 / The open list of {year} is already published; "
            "record changes with an adjustment (sync)"]})
    if open_list is None:
        open_list = OpenList(year=year, status=STATUS_DRAFT)
        model.Session.add(open_list)

    now = datetime.datetime.utcnow()
    count = service.snapshot(year, now)
    if not data_dict.get("draft"):
        user = model.User.get(context.get("user") or "")
        open_list.status = STATUS_PUBLISHED
        open_list.published_at = now
        open_list.published_by = user.id if user else None
        open_list.synced_at = now
    if not context.get("defer_commit"):
        model.Session.commit()
    return {**open_list.dictize(), "count": count}


@tk.validate(schema.open_list_sync)
def publicdata_open_list_sync(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Record the adjustments of a published list since publication (authority only).

    Datasets that became public (无条件/有条件开放) are added, those deleted, made private or 不予开放 are
    removed, and those whose listed properties changed get a new line that says what changed.

    :param year: the year of the list
    :type year: int
    :returns: the list with ``added``, ``removed`` and ``changed`` counts
    :rtype: dictionary
    """
    tk.check_access("publicdata_open_list_sync", context, data_dict)
    year = data_dict["year"]
    open_list = OpenList.get(year)
    if open_list is None or open_list.status != STATUS_PUBLISHED:
        raise tk.ValidationError({"year": [
            f"{year} 年度开放清单尚未发布，无法调整 / The open list of {year} is not published; nothing to adjust"]})
    now = datetime.datetime.utcnow()
    counts = service.sync(year, now)
    open_list.synced_at = now
    if not context.get("defer_commit"):
        model.Session.commit()
    return {**open_list.dictize(), **counts}
