"""Auth of the notification actions: a logged-in user reads and marks only their own."""
from __future__ import annotations

from ckan import authz
from ckan.types import AuthResult, Context, DataDict

__all__ = ["publicdata_notification_list", "publicdata_notification_mark_read"]


def _logged_in(context: Context) -> AuthResult:
    if authz.auth_is_anon_user(context):
        return {"success": False, "msg": "请先登录 / Please log in first"}
    return {"success": True}


def publicdata_notification_list(context: Context, data_dict: DataDict) -> AuthResult:
    return _logged_in(context)


def publicdata_notification_mark_read(context: Context, data_dict: DataDict) -> AuthResult:
    return _logged_in(context)
