"""Options read by the enforcement part of ``publicdata_access`` (declared in access/config_declaration.yaml)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["audit_retention_days", "gateway_timeout", "gateway_max_bytes"]


def audit_retention_days() -> int:
    """Days the access-audit records are kept (ACC-10, SEC-4)."""
    return int(tk.config.get("ckanext.publicdata.access.audit_retention_days") or 1095)


def gateway_timeout() -> float:
    """Seconds the API gateway waits for an upstream answer (connect and each read)."""
    return float(tk.config.get("ckanext.publicdata.access.gateway_timeout") or 30)


def gateway_max_bytes() -> int:
    """Largest upstream answer the gateway relays (0: no limit)."""
    return int(tk.config.get("ckanext.publicdata.access.gateway_max_bytes") or 0)
