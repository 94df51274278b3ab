"""Template helpers of the ``publicdata_access`` plugin: workflow."""
from __future__ import annotations

from typing import Any, Optional

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog import authority

__all__ = ["publicdata_access_is_reviewer", "publicdata_access_my_request"]


def publicdata_access_is_reviewer() -> bool:
    """Whether the current user reviews applications: an authority, or staff of some organization."""
    if not tk.current_user.is_authenticated:
        return False
    name = tk.current_user.name
    supervised = authority.organizations_supervised_by(name)
    if supervised is None or supervised:
        return True
    return bool(authz.has_user_permission_for_some_org(name, "update_dataset"))


def publicdata_access_my_request(package_id: str) -> Optional[dict[str, Any]]:
    """The current user's newest application for a dataset (id, status), or None."""
    if not tk.current_user.is_authenticated or not package_id:
        return None
    from ckanext.publicdata.access.model.application import AccessRequest

    row = (model.Session.query(AccessRequest)
           .filter(AccessRequest.user_id == tk.current_user.id, AccessRequest.package_id == package_id)
           .order_by(AccessRequest.created.desc()).first())
    if row is None:
        return None
    from ckanext.publicdata.access import workflow

    status = workflow.effective_status(row)
    zh, en = workflow.STATUS_LABELS.get(status, (status, status))
    return {"id": row.id, "status": status, "status_label": {"zh_Hans_CN": zh, "en": en}}
