"""Typed accessors for every option the extension reads (declared in config_declaration.yaml)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def portal_name() -> str:
    return tk.config.get("ckanext.publicdata.portal_name")


def city_name() -> str:
    return tk.config.get("ckanext.publicdata.city_name")


def authority_organization() -> str:
    return tk.config.get("ckanext.publicdata.authority_organization") or ""


def deadline_preset() -> str:
    return tk.config.get("ckanext.publicdata.deadline_preset") or "bz-r"


def workdays_override_file() -> str:
    return tk.config.get("ckanext.publicdata.workdays.override_file") or ""


def search_backend() -> str:
    return tk.config.get("ckanext.publicdata.search.backend") or "postgres"


def search_user_dictionary() -> str:
    return tk.config.get("ckanext.publicdata.search.user_dictionary") or ""


def discriminatory_condition_patterns() -> list[str]:
    """Regular expressions that a dataset's open conditions must not match (TAX-4)."""
    value = tk.config.get("ckanext.publicdata.catalog.discriminatory_patterns") or []
    if isinstance(value, str):
        value = value.split()
    return [pattern for pattern in value if pattern]


def identifier_pattern() -> str:
    """Regular expression a dataset identifier (信息资源代码) must match in full."""
    return tk.config.get("ckanext.publicdata.catalog.identifier_pattern") or r"^[0-9A-Za-z][0-9A-Za-z./_-]{2,99}$"


def reminders_grace_days() -> int:
    """Days of tolerance after a dataset's due date before it is overdue (TAX-11)."""
    value = tk.config.get("ckanext.publicdata.reminders.grace_days")
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0


def portal_timezone() -> str:
    """The portal's IANA time zone: overdue dates are computed and open-list dates shown in it."""
    return tk.config.get("ckanext.publicdata.timezone") or "Asia/Shanghai"


def reminders_open_attributes() -> list[str]:
    """Open attributes whose datasets are held to their update frequency."""
    value = tk.config.get("ckanext.publicdata.reminders.open_attributes") or ["unconditional", "conditional"]
    if isinstance(value, str):
        value = value.split()
    return [attribute for attribute in value if attribute]


def pii_scan_links() -> bool:
    """Whether linked http(s) resources are fetched and scanned before publication (SEC-1)."""
    return tk.asbool(tk.config.get("ckanext.publicdata.pii.scan_links", True))


def pii_link_max_bytes() -> int:
    value = tk.config.get("ckanext.publicdata.pii.link_max_bytes")
    try:
        return max(int(value), 1024) if value not in (None, "") else 20 * 1024 * 1024
    except (TypeError, ValueError):
        return 20 * 1024 * 1024


def pii_link_timeout() -> float:
    value = tk.config.get("ckanext.publicdata.pii.link_timeout")
    try:
        return max(float(value), 1.0) if value not in (None, "") else 10.0
    except (TypeError, ValueError):
        return 10.0


def pii_link_allow_private() -> bool:
    """Fetch links to private/loopback addresses too (off: SSRF protection)."""
    return tk.asbool(tk.config.get("ckanext.publicdata.pii.link_allow_private", False))
