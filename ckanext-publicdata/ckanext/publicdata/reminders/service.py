"""Which datasets are overdue against their update frequency (更新周期), and reminding their providers (TAX-11).

A dataset's last update is its ``data_updated`` date when set, else the date of its ``metadata_modified``. Its
due date is the last update plus the frequency's interval (realtime and daily: 1 day, weekly: 7 days, monthly:
1 month, quarterly: 3 months, semiannual: 6 months, annual: 12 months; irregular: never due). It is overdue when
today is later than the due date plus the grace days. One SQL query computes this for the whole catalog.
"""
from __future__ import annotations

import datetime
import zoneinfo
from typing import Any, Iterable, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata import config
from ckanext.publicdata.catalog.public_datasets import public_datasets_sql
from ckanext.publicdata.notifications import authority_recipients, notify, organization_recipients
from ckanext.publicdata.reminders.model import UpdateReminder

__all__ = ["EXPECTED_INTERVALS", "today", "overdue_datasets", "send_reminders", "NOTIFICATION_KIND",
           "SUMMARY_KIND"]

NOTIFICATION_KIND = "update_overdue"
SUMMARY_KIND = "update_overdue_summary"

# update_frequency → PostgreSQL interval; a frequency missing here (irregular) is never overdue
EXPECTED_INTERVALS = {
    "realtime": "1 day",
    "daily": "1 day",
    "weekly": "7 days",
    "monthly": "1 month",
    "quarterly": "3 months",
    "semiannual": "6 months",
    "annual": "12 months",
}

_INTERVAL_CASE = " ".join(f"when '{code}' then interval '{interval}'" for code, interval in EXPECTED_INTERVALS.items())

_DATASETS = public_datasets_sql(
    ("identifier", "open_attribute", "update_frequency", "data_updated"),
    columns=("(p.metadata_modified at time zone 'UTC' at time zone :timezone)::date as modified",),
    where="cast(:organization_ids as text[]) is null or p.owner_org = any(cast(:organization_ids as text[]))",
)

_OVERDUE_QUERY = sa.text(f"""
    with dataset as ({_DATASETS}
    ), dated as (
        select dataset.*,
               coalesce(case when data_updated ~ '^\\d{{4}}-\\d{{2}}-\\d{{2}}'
                             then cast(substr(data_updated, 1, 10) as date) end, modified) as last_update,
               case update_frequency {_INTERVAL_CASE} end as expected_interval
          from dataset
         where open_attribute = any(cast(:open_attributes as text[]))
    )
    select id, name, title, owner_org, organization_name, organization_title, identifier, open_attribute,
           update_frequency, last_update,
           cast(last_update + expected_interval as date) as due_date,
           cast(:today as date) - cast(last_update + expected_interval as date) as days_overdue
      from dated
     where expected_interval is not null
       and cast(last_update + expected_interval as date) + cast(:grace_days as integer) < cast(:today as date)
     order by organization_title, days_overdue desc, identifier
""")


def today() -> datetime.date:
    """Today's date in the portal's time zone (``ckanext.publicdata.timezone``)."""
    return datetime.datetime.now(zoneinfo.ZoneInfo(config.portal_timezone())).date()


def overdue_datasets(as_of: Optional[datetime.date] = None,
                     organization_ids: Optional[Iterable[str]] = None) -> list[dict[str, Any]]:
    """Overdue public datasets, by provider then most overdue first.

    :param as_of: the day to judge on (default today in the portal's time zone)
    :param organization_ids: only these providers' datasets (default all)
    :returns: dicts with package id, name, title, identifier, owner_org, organization name and title,
        open_attribute, update_frequency, last_update, due_date (dates) and days_overdue (days past the due date)
    """
    rows = model.Session.execute(_OVERDUE_QUERY, {
        "timezone": config.portal_timezone(),
        "today": as_of or today(),
        "grace_days": config.reminders_grace_days(),
        "open_attributes": config.reminders_open_attributes(),
        "organization_ids": None if organization_ids is None else list(organization_ids),
    }).mappings()
    return [dict(row) for row in rows]


def _dataset_link(name: str) -> str:
    try:
        return tk.url_for("dataset.read", id=name)
    except Exception:  # no request context (the CLI before an app exists)
        return f"/dataset/{name}"


def _overview_link() -> str:
    try:
        return tk.url_for("publicdata_reminders.overdue_updates")
    except Exception:
        return "/dashboard/overdue-updates"


_FREQUENCY_LABELS = {
    "realtime": ("实时", "real time"), "daily": ("每日", "daily"), "weekly": ("每周", "weekly"),
    "monthly": ("每月", "monthly"), "quarterly": ("每季度", "quarterly"), "semiannual": ("每半年", "semiannual"),
    "annual": ("每年", "annual"),
}


def _reminder_text(dataset: dict[str, Any]) -> tuple[str, str]:
    zh_frequency, en_frequency = _FREQUENCY_LABELS.get(dataset["update_frequency"],
                                                       (dataset["update_frequency"],) * 2)
    title = (f"数据集逾期未更新：{dataset['title']} / Dataset overdue for update: {dataset['title']}")
    body = (
        f"数据集“{dataset['title']}”（{dataset['identifier'] or dataset['name']}）的更新周期为{zh_frequency}，"
        f"最近更新于 {dataset['last_update']:%Y-%m-%d}，应于 {dataset['due_date']:%Y-%m-%d} 前更新，"
        f"已逾期 {dataset['days_overdue']} 天。请及时更新数据并填写数据更新时间。\n"
        f"The dataset \"{dataset['title']}\" is updated {en_frequency}; it was last updated on "
        f"{dataset['last_update']:%Y-%m-%d} and was due by {dataset['due_date']:%Y-%m-%d}, "
        f"{dataset['days_overdue']} day(s) ago. Please update the data and its update date."
    )
    return title, body


def send_reminders(as_of: Optional[datetime.date] = None) -> dict[str, int]:
    """Remind the providers (organization admins and editors) of every overdue dataset, once per overdue period.

    The authority (sysadmins, admins of the authority organization) gets one summary when new reminders went
    out. Everything is committed together.

    :returns: ``{"overdue": datasets overdue, "reminded": reminders sent now, "notified": notifications created}``
    """
    overdue = overdue_datasets(as_of)
    sent_periods: set[tuple[str, datetime.date]] = set()
    if overdue:
        rows = (model.Session.query(UpdateReminder.package_id, UpdateReminder.due_date)
                .filter(UpdateReminder.package_id.in_([dataset["id"] for dataset in overdue])))
        sent_periods = {(row[0], row[1]) for row in rows}

    reminded, notified = 0, 0
    for dataset in overdue:
        if (dataset["id"], dataset["due_date"]) in sent_periods:
            continue
        recipients = organization_recipients(dataset["owner_org"] or "")
        title, body = _reminder_text(dataset)
        created = notify(recipients, NOTIFICATION_KIND, title, body, link=_dataset_link(dataset["name"]),
                         object_type="package", object_id=dataset["id"])
        model.Session.add(UpdateReminder(
            package_id=dataset["id"], organization_id=dataset["owner_org"],
            update_frequency=dataset["update_frequency"], last_update=dataset["last_update"],
            due_date=dataset["due_date"], recipients=len(created)))
        reminded += 1
        notified += len(created)

    if reminded:
        created = notify(
            authority_recipients(), SUMMARY_KIND,
            f"{reminded} 个数据集逾期未更新，已提醒开放主体 / {reminded} overdue dataset(s): providers reminded",
            f"共 {len(overdue)} 个数据集逾期未更新。/ {len(overdue)} dataset(s) are overdue for update in total.",
            link=_overview_link(), object_type="update_reminders")
        notified += len(created)
    model.Session.commit()
    return {"overdue": len(overdue), "reminded": reminded, "notified": notified}
