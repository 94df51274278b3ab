"""Auth of the update-reminder actions: the authority sees every overdue dataset, providers their own."""
from __future__ import annotations

from ckan import authz
from ckan.types import AuthResult, Context, DataDict

from ckanext.publicdata.reminders import access

__all__ = ["publicdata_overdue_dataset_list"]


def publicdata_overdue_dataset_list(context: Context, data_dict: DataDict) -> AuthResult:
    """The open-data authority, and editors or admins of a provider (the action shows them their own)."""
    if authz.auth_is_anon_user(context):
        return {"success": False, "msg": "请先登录 / Please log in first"}
    if access.visible_organization_ids(context.get("user")) == set():
        return {"success": False, "msg": "只有开放主管部门和开放主体的编辑可以查看逾期更新 / Only the open-data "
                                         "authority and providers' editors see overdue updates"}
    return {"success": True}
