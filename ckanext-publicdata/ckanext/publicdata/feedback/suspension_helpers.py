"""Template helpers of the ``publicdata_feedback`` plugin: suspension notices and the "used in" list."""
from __future__ import annotations

from typing import Any, Optional

__all__ = ["publicdata_suspension_summary", "publicdata_dataset_used_in"]


def publicdata_suspension_summary(package_id: Optional[str]) -> Optional[dict[str, Any]]:
    """The public summary (since, cause, notice) of the dataset's suspension in force, or None."""
    from ckanext.publicdata.feedback import suspension

    found = suspension.active_suspension(package_id)
    return suspension.public_summary(found) if found is not None else None


def publicdata_dataset_used_in(package_id: Optional[str], limit: int = 10) -> list[dict[str, Any]]:
    """The published data-use results that used the dataset (featured first)."""
    if not package_id:
        return []
    from ckanext.publicdata.feedback import use_results

    return use_results.used_in(package_id, limit=limit)
