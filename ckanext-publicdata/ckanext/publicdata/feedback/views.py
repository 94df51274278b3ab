"""All blueprints of the ``publicdata_feedback`` plugin, gathered from its parts (listed in each part's ``__all__``)."""
from __future__ import annotations

from ckanext.publicdata.feedback.ticket_views import *  # noqa: F401,F403
from ckanext.publicdata.feedback.suspension_views import *  # noqa: F401,F403
from ckanext.publicdata.feedback import ticket_views as _ticket
from ckanext.publicdata.feedback import suspension_views as _suspension

__all__ = [*_ticket.__all__, *_suspension.__all__]
