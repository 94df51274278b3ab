"""In-site notifications (and e-mail when configured) for the people a workflow step concerns.

Other capabilities call :func:`notify` / :func:`organization_recipients`; users read theirs on
/dashboard/notifications and through ``publicdata_notification_list``.
"""
from __future__ import annotations

from ckanext.publicdata.notifications.service import notify, organization_recipients, authority_recipients

__all__ = ["notify", "organization_recipients", "authority_recipients"]
