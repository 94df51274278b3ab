"""Actions of the notification capability."""
from __future__ import annotations

import datetime
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.publicdata.notifications.logic import schema
from ckanext.publicdata.notifications.model import Notification

__all__ = ["publicdata_notification_list", "publicdata_notification_mark_read"]


def _current_user_id(context: Context) -> str:
    user = model.User.get(context.get("user") or "")
    if user is None:
        raise tk.NotAuthorized("请先登录 / Please log in first")
    return user.id


@tk.side_effect_free
@tk.validate(schema.notification_list)
def publicdata_notification_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """List the calling user's notifications, newest first.

    :param unread_only: only unread notifications (optional, default false)
    :type unread_only: bool
    :param limit: at most this many (optional, default 20, maximum 100)
    :type limit: int
    :param offset: skip this many (optional, default 0)
    :type offset: int
    :returns: ``{"count": total, "unread": unread count, "results": [notification, …]}``
    :rtype: dict
    """
    tk.check_access("publicdata_notification_list", context, data_dict)
    user_id = _current_user_id(context)
    query = model.Session.query(Notification).filter(Notification.user_id == user_id)
    unread = query.filter(Notification.read_at.is_(None)).count()
    if data_dict.get("unread_only"):
        query = query.filter(Notification.read_at.is_(None))
    total = query.count()
    rows = (
        query.order_by(Notification.created.desc())
        .offset(data_dict.get("offset", 0))
        .limit(data_dict.get("limit", 20))
    )
    return {"count": total, "unread": unread, "results": [row.dictize() for row in rows]}


@tk.validate(schema.notification_mark_read)
def publicdata_notification_mark_read(context: Context, data_dict: DataDict) -> dict[str, int]:
    """Mark the calling user's notifications as read.

    :param ids: ids of the notifications to mark (a list, or one id)
    :type ids: list of strings
    :param all: mark every unread notification of the user instead (optional)
    :type all: bool
    :returns: ``{"marked": number of notifications marked}``
    :rtype: dict
    """
    tk.check_access("publicdata_notification_mark_read", context, data_dict)
    user_id = _current_user_id(context)
    ids = data_dict.get("ids") or []
    if isinstance(ids, str):
        ids = [ids]
    if not data_dict.get("all") and not ids:
        raise tk.ValidationError({"ids": ["请指定要标记的通知，或使用 all / Give the notification ids, or all"]})
    query = model.Session.query(Notification).filter(
        Notification.user_id == user_id, Notification.read_at.is_(None))
    if not data_dict.get("all"):
        query = query.filter(Notification.id.in_(ids))
    now = datetime.datetime.utcnow()
    marked = 0
    for notification in query:
        notification.read_at = now
        marked += 1
    if not context.get("defer_commit"):
        model.Session.commit()
    return {"marked": marked}
