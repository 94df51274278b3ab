"""All click commands of the ``publicdata_feedback`` plugin, gathered from its parts (listed in each part's ``__all__``)."""
from __future__ import annotations

from ckanext.publicdata.feedback.ticket_cli import *  # noqa: F401,F403
from ckanext.publicdata.feedback.suspension_cli import *  # noqa: F401,F403
from ckanext.publicdata.feedback import ticket_cli as _ticket
from ckanext.publicdata.feedback import suspension_cli as _suspension

__all__ = [*_ticket.__all__, *_suspension.__all__]
