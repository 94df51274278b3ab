"""Typed accessors for the options the access workflow reads (declared in access/config_declaration.yaml)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

_DEFAULT_ATTACHMENT_TYPES = ("pdf", "png", "jpeg", "docx", "xlsx", "zip", "ofd")


def _int(key: str, default: int, minimum: int = 0) -> int:
    try:
        return max(int(tk.config.get(key) if tk.config.get(key) is not None else default), minimum)
    except (TypeError, ValueError):
        return default


def attachment_max_bytes() -> int:
    """Largest accepted attachment (application materials, identity materials)."""
    return _int("ckanext.publicdata.access.attachment_max_mb", 10, 1) * 1024 * 1024


def attachment_types() -> list[str]:
    """File kinds accepted as attachments, recognised by their content (magic bytes), not their names."""
    value = tk.config.get("ckanext.publicdata.access.attachment_types") or list(_DEFAULT_ATTACHMENT_TYPES)
    if isinstance(value, str):
        value = value.split()
    return [kind.lower() for kind in value if kind]


def max_use_period_days() -> int:
    """Longest period of use (使用期限) an application may ask for, in calendar days."""
    return _int("ckanext.publicdata.access.max_use_period_days", 1095, 1)


def use_report_interval_days() -> int:
    """How often a grant holder reports on use, results and benefits (ACC-8), in calendar days."""
    return _int("ckanext.publicdata.access.use_report_interval_days", 90, 1)


def use_report_grace_days() -> int:
    """Days after a report falls due before it is flagged overdue to the provider."""
    return _int("ckanext.publicdata.access.use_report_grace_days", 15, 0)


def storage_path() -> str:
    return tk.config.get("ckan.storage_path") or ""
