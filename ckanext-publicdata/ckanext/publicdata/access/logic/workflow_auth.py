"""Auth functions of the ``publicdata_access`` plugin: workflow (one per action, same name).

Roles: the applicant (the application's user), the reviewing authority (``catalog.authority.is_authority_for`` the
dataset's provider: the city bureau, or the county bureau for its agencies), the provider (admin/editor of the
dataset's organization). Objects that do not exist pass here so the action can answer 404.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.access import workflow
from ckanext.publicdata.access.model.agreement import UseAgreement
from ckanext.publicdata.access.model.application import AccessRequest
from ckanext.publicdata.access.model.use_report import UseReport
from ckanext.publicdata.catalog import authority

__all__ = [
    "publicdata_access_identity_update",
    "publicdata_access_identity_show",
    "publicdata_access_identity_list",
    "publicdata_access_identity_verify",
    "publicdata_credit_blocklist_import",
    "publicdata_credit_blocklist_add",
    "publicdata_credit_blocklist_remove",
    "publicdata_credit_blocklist_list",
    "publicdata_access_request_create",
    "publicdata_access_request_update",
    "publicdata_access_request_attachment_add",
    "publicdata_access_request_submit",
    "publicdata_access_request_withdraw",
    "publicdata_access_request_show",
    "publicdata_access_request_list",
    "publicdata_access_request_review",
    "publicdata_access_request_decide",
    "publicdata_use_agreement_template_create",
    "publicdata_use_agreement_template_show",
    "publicdata_use_agreement_template_list",
    "publicdata_use_agreement_show",
    "publicdata_use_agreement_sign",
    "publicdata_use_report_create",
    "publicdata_use_report_list",
    "publicdata_use_report_show",
]

AuthResult = dict[str, Any]


def _user(context: dict[str, Any]) -> Optional[model.User]:
    user = context.get("auth_user_obj")
    if isinstance(user, model.User):
        return user
    return model.User.get(context.get("user")) if context.get("user") else None


def _ok() -> AuthResult:
    return {"success": True}


def _no(zh: str, en: str) -> AuthResult:
    return {"success": False, "msg": f"{zh} / {en}"}


def _logged_in(context: dict[str, Any]) -> AuthResult:
    return _ok() if _user(context) is not None else _no("请先登录", "Please log in first")


def _city_authority(context: dict[str, Any]) -> AuthResult:
    return _ok() if authority.is_city_authority(context.get("user")) else _no(
        "只有开放主管部门可以执行此操作", "Only the open-data authority may do this")


def _any_authority(context: dict[str, Any]) -> AuthResult:
    supervised = authority.organizations_supervised_by(context.get("user"))
    if supervised is None or supervised:  # the city authority (None: every agency) or a county bureau with agencies
        return _ok()
    return _no("只有开放主管部门可以执行此操作", "Only the open-data authority may do this")


def _request(data_dict: dict[str, Any], key: str = "id") -> Optional[AccessRequest]:
    return AccessRequest.get(str(data_dict.get(key) or ""))


def _applicant_only(context: dict[str, Any], data_dict: dict[str, Any], key: str = "id") -> AuthResult:
    user = _user(context)
    if user is None:
        return _no("请先登录", "Please log in first")
    request = _request(data_dict, key)
    if request is None or workflow.is_applicant(user, request):
        return _ok()
    return _no("只有申请人可以执行此操作", "Only the applicant may do this")


# ------------------------------------------------------------------------------------------- identity, blocklist

def publicdata_access_identity_update(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    return _logged_in(context)


@tk.auth_allow_anonymous_access
def publicdata_access_identity_show(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    user = _user(context)
    if user is None:
        return _no("请先登录", "Please log in first")
    target = data_dict.get("user")
    if not target or target in (user.name, user.id):
        return _ok()
    return _any_authority(context)


def publicdata_access_identity_list(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    return _any_authority(context)


def publicdata_access_identity_verify(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    return _any_authority(context)


def publicdata_credit_blocklist_import(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    return _city_authority(context)


def publicdata_credit_blocklist_add(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    return _city_authority(context)


def publicdata_credit_blocklist_remove(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    return _city_authority(context)


def publicdata_credit_blocklist_list(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    return _any_authority(context)


# ------------------------------------------------------------------------------------------- applications

def publicdata_access_request_create(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    return _logged_in(context)


def publicdata_access_request_update(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    return _applicant_only(context, data_dict)


def publicdata_access_request_attachment_add(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    return _applicant_only(context, data_dict)


def publicdata_access_request_submit(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    return _applicant_only(context, data_dict)


def publicdata_access_request_withdraw(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    return _applicant_only(context, data_dict)


@tk.auth_allow_anonymous_access
def publicdata_access_request_show(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    user = _user(context)
    if user is None:
        return _no("请先登录", "Please log in first")
    request = _request(data_dict)
    if request is None or workflow.can_view(user, request):
        return _ok()
    return _no("无权查看该申请", "You may not see this application")


def publicdata_access_request_list(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    return _logged_in(context)


def publicdata_access_request_review(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    user = _user(context)
    request = _request(data_dict)
    if user is not None and (request is None or workflow.is_reviewing_authority(user, request)):
        return _ok()
    return _no("只有该数据开放主体的主管部门可以进行规范性审查",
               "Only the open-data authority of this provider can carry out the formal review")


def publicdata_access_request_decide(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    user = _user(context)
    request = _request(data_dict)
    if user is not None and (request is None or workflow.is_provider(user, request)):
        return _ok()
    return _no("只有数据开放主体可以审核该申请", "Only the provider of the dataset can decide on this application")


# ------------------------------------------------------------------------------------------- agreements

def publicdata_use_agreement_template_create(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    owner_org = data_dict.get("owner_org")
    if not owner_org:
        return _city_authority(context)
    user_name = context.get("user")
    if authority.is_authority_for(user_name, owner_org) or \
            authz.users_role_for_group_or_org(owner_org, user_name or "") == "admin":
        return _ok()
    return _no("只有该组织的管理员或主管部门可以维护协议模板",
               "Only the organization's admins or the authority can maintain its agreement template")


@tk.auth_allow_anonymous_access
def publicdata_use_agreement_template_show(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    return _ok()  # templates are public: applicants read the terms before applying


@tk.auth_allow_anonymous_access
def publicdata_use_agreement_template_list(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    return _ok()


def _agreement_request(data_dict: dict[str, Any]) -> Optional[AccessRequest]:
    agreement = None
    if data_dict.get("id"):
        agreement = UseAgreement.get(str(data_dict["id"]))
    elif data_dict.get("request_id"):
        agreement = UseAgreement.for_request(str(data_dict["request_id"]))
    return AccessRequest.get(agreement.request_id) if agreement else None


@tk.auth_allow_anonymous_access
def publicdata_use_agreement_show(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    user = _user(context)
    if user is None:
        return _no("请先登录", "Please log in first")
    request = _agreement_request(data_dict)
    if request is None or workflow.can_view(user, request):
        return _ok()
    return _no("无权查看该协议", "You may not see this agreement")


def publicdata_use_agreement_sign(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    user = _user(context)
    request = _agreement_request(data_dict)
    if user is not None and (request is None or workflow.is_applicant(user, request)):
        return _ok()
    return _no("只有申请人可以签署协议", "Only the applicant can sign the agreement")


# ------------------------------------------------------------------------------------------- use reports

def publicdata_use_report_create(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    return _applicant_only(context, data_dict, "request_id")


def publicdata_use_report_list(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    user = _user(context)
    if user is None:
        return _no("请先登录", "Please log in first")
    if data_dict.get("overdue"):
        return _ok()  # the action lists only what the caller provides or supervises
    request = _request(data_dict, "request_id")
    if request is None or workflow.can_view(user, request):
        return _ok()
    return _no("无权查看这些报告", "You may not see these reports")


def publicdata_use_report_show(context: dict[str, Any], data_dict: dict[str, Any]) -> AuthResult:
    user = _user(context)
    if user is None:
        return _no("请先登录", "Please log in first")
    report = model.Session.get(UseReport, str(data_dict.get("id") or ""))
    request = AccessRequest.get(report.request_id) if report else None
    if request is None or workflow.can_view(user, request):
        return _ok()
    return _no("无权查看该报告", "You may not see this report")
