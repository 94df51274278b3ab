"""Options read by the operations part of ``publicdata_harvest`` (declared in harvest/config_declaration.yaml)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["stuck_after_minutes", "error_report_records_per_group"]

DEFAULT_STUCK_AFTER_MINUTES = 60


def stuck_after_minutes() -> int:
    """Minutes without progress after which a Running harvest job counts as stuck.

    ``ckanext.publicdata.harvest.stuck_after_minutes``; when unset, ckanext-harvest's own job timeout
    ``ckan.harvest.timeout`` (minutes) where that is set, else 60.
    """
    value = tk.config.get("ckanext.publicdata.harvest.stuck_after_minutes")
    if value in (None, ""):
        value = tk.config.get("ckan.harvest.timeout")
    try:
        return max(0, int(value)) if value not in (None, "") else DEFAULT_STUCK_AFTER_MINUTES
    except (TypeError, ValueError):
        return DEFAULT_STUCK_AFTER_MINUTES


def error_report_records_per_group() -> int:
    """Record identifiers listed per error group on the error report page (the CSV export lists all)."""
    try:
        return max(1, int(tk.config.get("ckanext.publicdata.harvest.error_report_records_per_group") or 50))
    except (TypeError, ValueError):
        return 50
