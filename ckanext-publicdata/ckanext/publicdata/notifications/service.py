"""Creating notifications and working out who receives them."""
from __future__ import annotations

import datetime
import logging
from typing import Iterable, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata import config
from ckanext.publicdata.notifications.model import Notification

log = logging.getLogger(__name__)


def _email_configured() -> bool:
    return bool(tk.config.get("smtp.server") or tk.config.get("smtp.test_server"))


def notify(
    user_ids: Iterable[str],
    kind: str,
    title: str,
    body: str = "",
    link: Optional[str] = None,
    object_type: Optional[str] = None,
    object_id: Optional[str] = None,
    email: bool = True,
) -> list[Notification]:
    """Record one notification per (distinct, existing) user; e-mail them when e-mail is configured.

    The rows are added to the current session; the caller's commit stores them with the work they
    report on. E-mail failures are logged and never undo the work.
    """
    created: list[Notification] = []
    for user_id in dict.fromkeys(uid for uid in user_ids if uid):
        user = model.User.get(user_id)
        if user is None or user.state != "active":
            continue
        notification = Notification(
            user_id=user.id, kind=kind, title=title, body=body, link=link,
            object_type=object_type, object_id=object_id,
        )
        model.Session.add(notification)
        created.append(notification)
        if email and user.email and _email_configured():
            try:
                from ckan.lib.mailer import mail_user

                mail_user(user, title, body + (f"\n\n{link}" if link else ""))
                notification.emailed_at = datetime.datetime.utcnow()
            except Exception as error:  # e-mail is best effort; the in-site notification stays
                log.warning("could not e-mail %s about %s: %s", user.name, kind, error)
    return created


def organization_recipients(organization_id: str, capacities: tuple[str, ...] = ("admin", "editor")) -> list[str]:
    """User ids of an organization's members with the given capacities (its providers' staff)."""
    if not organization_id:
        return []
    rows = (
        model.Session.query(model.Member.table_id)
        .filter(model.Member.group_id == organization_id)
        .filter(model.Member.table_name == "user")
        .filter(model.Member.state == "active")
        .filter(model.Member.capacity.in_(capacities))
    )
    return [row[0] for row in rows]


def authority_recipients() -> list[str]:
    """User ids of the city authority: sysadmins and admins of the configured authority organization."""
    user_ids = [
        row[0] for row in model.Session.query(model.User.id).filter(
            model.User.sysadmin.is_(True), model.User.state == "active",
            model.User.name != tk.config.get("ckan.site_id"))
    ]
    authority = config.authority_organization()
    if authority:
        group = model.Group.get(authority)
        if group is not None:
            user_ids += organization_recipients(group.id, ("admin",))
    return list(dict.fromkeys(user_ids))
