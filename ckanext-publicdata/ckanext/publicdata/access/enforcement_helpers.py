"""Template helpers of the ``publicdata_access`` plugin: enforcement."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.publicdata import workdays

__all__ = ["publicdata_access_denial_label", "publicdata_access_revocation_notices"]


def publicdata_access_denial_label(denial: Optional[str]) -> str:
    """Why a resource's address is hidden, for the resource list and page."""
    labels = {
        "conditional": tk._("Conditionally open: apply for access to download or call this data"),
        "suspended": tk._("Access suspended while a complaint or a data-security risk is handled"),
        "not_open": tk._("Not open"),
    }
    return labels.get(denial or "", tk._("Access restricted"))


def publicdata_access_revocation_notices(package_id: str) -> list[dict[str, Any]]:
    """Published revocation notices of a dataset (ACC-9): day and reason, the holder is not named."""
    from ckanext.publicdata.access.grants import published_notices

    if not package_id:
        return []
    return [
        {"revoked_on": workdays.local_date(grant.revoked_at).isoformat() if grant.revoked_at else "",
         "reason": grant.revoke_reason or ""}
        for grant in published_notices(package_id)
    ]
