"""Tables of the publicdata_feedback plugin (prefixed ``publicdata_feedback_``); import every model module here."""
from __future__ import annotations

from ckanext.publicdata.feedback.model.ticket import (  # noqa: F401
    Ticket, TicketAttachment, TicketEvent, TicketExtension)
from ckanext.publicdata.feedback.model.suspension import Suspension  # noqa: F401,E402
