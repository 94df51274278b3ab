"""Actions of the update reminders (TAX-11; BZ-R 12, SU 16)."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.publicdata import config
from ckanext.publicdata.reminders import access, service
from ckanext.publicdata.reminders.logic import schema
from ckanext.publicdata.reminders.model import UpdateReminder

__all__ = ["publicdata_overdue_dataset_list"]


@tk.side_effect_free
@tk.validate(schema.overdue_dataset_list)
def publicdata_overdue_dataset_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Public datasets overdue against their update frequency (更新周期), by provider, most overdue first.

    The city authority sees every provider's, a county bureau those of its agencies, an organization's
    editors and admins their own organization's.

    :param organization: only this provider's datasets (organization id or name, optional)
    :type organization: string
    :returns: ``{"as_of": date, "grace_days": int, "count": int, "results": [dataset, …]}``; each dataset has
        ``id``, ``name``, ``title``, ``identifier``, ``owner_org``, ``organization_name``, ``organization_title``,
        ``update_frequency``, ``last_update``, ``due_date``, ``days_overdue`` and ``reminded_at`` (when its
        provider was reminded of this overdue period, or null)
    :rtype: dictionary
    """
    tk.check_access("publicdata_overdue_dataset_list", context, data_dict)
    visible = access.visible_organization_ids(context.get("user"))
    if data_dict.get("organization"):
        group = model.Group.get(data_dict["organization"])
        wanted = {group.id if group else data_dict["organization"]}
        visible = wanted if visible is None else visible & wanted

    as_of = service.today()
    overdue = service.overdue_datasets(as_of, visible)
    reminded: dict[tuple[str, Any], Any] = {}
    if overdue:
        for reminder in (model.Session.query(UpdateReminder)
                         .filter(UpdateReminder.package_id.in_([dataset["id"] for dataset in overdue]))):
            reminded[(reminder.package_id, reminder.due_date)] = reminder.sent_at
    results = []
    for dataset in overdue:
        sent_at = reminded.get((dataset["id"], dataset["due_date"]))
        results.append({
            **dataset,
            "last_update": dataset["last_update"].isoformat(),
            "due_date": dataset["due_date"].isoformat(),
            "reminded_at": sent_at.isoformat() if sent_at else None,
        })
    return {"as_of": as_of.isoformat(), "grace_days": config.reminders_grace_days(), "count": len(results),
            "results": results}
