"""All blueprints of the ``publicdata`` plugin, gathered from the capability packages."""
from __future__ import annotations

from ckanext.publicdata.catalog.views import catalog
from ckanext.publicdata.notifications.views import notifications

__all__ = ["catalog", "notifications"]
