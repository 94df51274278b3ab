"""What the feedback plugin's dataset and resource hooks do for suspensions (the plugin class only delegates)."""
from __future__ import annotations

from typing import Any, Optional

import ckan.model as model

from ckanext.publicdata.feedback import suspension as suspensions

__all__ = [
    "resource_access_denial",
    "index_dataset",
    "show_dataset",
    "label_search_results",
    "resource_changed",
    "resource_deleting",
]

# added on read, never stored or indexed as a field of the dataset
COMPUTED_FIELD = "suspension"
INDEX_FLAG = "suspended"


def resource_access_denial(package: dict[str, Any], user_name: Optional[str]) -> Optional[str]:
    """IResourceGate: ``"suspended"`` while a suspension is in force, except for provider, authority, sysadmin."""
    suspension = suspensions.active_suspension(package.get("id"))
    if suspension is None:
        return None
    owner_org = package.get("owner_org") or suspension.owner_org
    if suspensions.may_bypass(user_name, owner_org):
        return None
    return suspensions.DENIAL_SUSPENDED


def index_dataset(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """The index carries ``suspended: true`` while suspended (so ``fq=suspended:true`` finds them)."""
    pkg_dict.pop(COMPUTED_FIELD, None)
    pkg_dict.pop(f"extras_{COMPUTED_FIELD}", None)
    if pkg_dict.get("id") and suspensions.Suspension.in_force_for(pkg_dict["id"]) is not None:
        pkg_dict[INDEX_FLAG] = "true"
    else:
        pkg_dict.pop(INDEX_FLAG, None)
    return pkg_dict


def show_dataset(context: dict[str, Any], pkg_dict: dict[str, Any]) -> None:
    """package_show carries ``suspension: {since, cause, notice}`` (or None) — no personal data."""
    if context.get("for_indexing") or context.get("validate") is False or not pkg_dict.get("id"):
        return
    if pkg_dict.get("type", "dataset") != "dataset":
        return
    suspension = suspensions.active_suspension(pkg_dict["id"])
    pkg_dict[COMPUTED_FIELD] = suspensions.public_summary(suspension) if suspension else None


def label_search_results(search_results: dict[str, Any]) -> dict[str, Any]:
    """package_search results carry the same ``suspension`` summary (one query for the whole page)."""
    results = search_results.get("results") or []
    ids = [item.get("id") for item in results if isinstance(item, dict) and item.get("id")]
    if not ids:
        return search_results
    in_force = suspensions.suspensions_in_force(ids)
    for item in results:
        if isinstance(item, dict) and item.get("id"):
            suspension = in_force.get(item["id"])
            item[COMPUTED_FIELD] = suspensions.public_summary(suspension) if suspension else None
    return search_results


def _commit_unless_deferred(context: dict[str, Any]) -> None:
    # resource_create/update have committed before their after_* hooks run: store the note the same way
    if not context.get("defer_commit"):
        model.Session.commit()


def resource_changed(context: dict[str, Any], resource: dict[str, Any], change: str) -> None:
    package_id = resource.get("package_id")
    if not package_id and resource.get("id"):
        row = model.Resource.get(resource["id"])
        package_id = row.package_id if row is not None else None
    if suspensions.record_resource_change(package_id, resource, change):
        _commit_unless_deferred(context)


def resource_deleting(context: dict[str, Any], resource: dict[str, Any]) -> None:
    row = model.Resource.get(resource.get("id") or "")
    if row is None:
        return
    # before the delete: resource_delete's own commit stores the note with the deletion
    suspensions.record_resource_change(row.package_id, {"id": row.id, "name": row.name}, "deleted")
