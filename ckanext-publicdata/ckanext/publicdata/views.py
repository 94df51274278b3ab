"""All blueprints of the ``publicdata`` plugin, gathered from the capability packages."""
from __future__ import annotations

from ckanext.publicdata.catalog.views import catalog
from ckanext.publicdata.notifications.views import notifications
from ckanext.publicdata.openlist.views import open_list
from ckanext.publicdata.reminders.views import reminders

__all__ = ["catalog", "notifications", "open_list", "reminders"]
