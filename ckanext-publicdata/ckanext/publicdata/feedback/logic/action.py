"""All action functions of the ``publicdata_feedback`` plugin, gathered from its parts (listed in each part's ``__all__``)."""
from __future__ import annotations

from ckanext.publicdata.feedback.logic.ticket_action import *  # noqa: F401,F403
from ckanext.publicdata.feedback.logic.suspension_action import *  # noqa: F401,F403
from ckanext.publicdata.feedback.logic import ticket_action as _ticket
from ckanext.publicdata.feedback.logic import suspension_action as _suspension

__all__ = [*_ticket.__all__, *_suspension.__all__]
