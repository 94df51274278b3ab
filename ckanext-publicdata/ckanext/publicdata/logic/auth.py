"""All auth functions of the ``publicdata`` plugin, re-exported from the capability packages."""
from __future__ import annotations

from ckanext.publicdata.catalog.logic import auth as _catalog
from ckanext.publicdata.catalog.logic.auth import *  # noqa: F401,F403
from ckanext.publicdata.notifications.logic import auth as _notifications
from ckanext.publicdata.notifications.logic.auth import *  # noqa: F401,F403
from ckanext.publicdata.openlist.logic import auth as _openlist
from ckanext.publicdata.openlist.logic.auth import *  # noqa: F401,F403
from ckanext.publicdata.reminders.logic import auth as _reminders
from ckanext.publicdata.reminders.logic.auth import *  # noqa: F401,F403

__all__ = [*_catalog.__all__, *_notifications.__all__, *_openlist.__all__, *_reminders.__all__]
