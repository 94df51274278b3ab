"""All action functions of the ``publicdata`` plugin, re-exported from the capability packages."""
from __future__ import annotations

from ckanext.publicdata.catalog.logic import action as _catalog
from ckanext.publicdata.catalog.logic.action import *  # noqa: F401,F403
from ckanext.publicdata.notifications.logic import action as _notifications
from ckanext.publicdata.notifications.logic.action import *  # noqa: F401,F403
from ckanext.publicdata.openlist.logic import action as _openlist
from ckanext.publicdata.openlist.logic.action import *  # noqa: F401,F403
from ckanext.publicdata.reminders.logic import action as _reminders
from ckanext.publicdata.reminders.logic.action import *  # noqa: F401,F403

__all__ = [*_catalog.__all__, *_notifications.__all__, *_openlist.__all__, *_reminders.__all__]
