"""Actions of the catalog: open-attribute change requests (TAX-6) and dataset citations (TAX-15)."""
from __future__ import annotations

import datetime
import json
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog import authority
from ckanext.publicdata.catalog.citation import build_citation
from ckanext.publicdata.catalog.logic import schema
from ckanext.publicdata.catalog.model import (
    STATUS_APPROVED,
    STATUS_PENDING,
    STATUS_REJECTED,
    OpenAttributeChange,
)
from ckanext.publicdata.catalog.open_attribute import CONTEXT_APPROVED

__all__ = [
    "publicdata_open_attribute_change_list",
    "publicdata_open_attribute_change_approve",
    "publicdata_open_attribute_change_reject",
    "publicdata_dataset_citation",
]


def _validate(data_dict: dict[str, Any], input_schema: dict[str, Any],
              context: dict[str, Any]) -> dict[str, Any]:
    data, errors = tk.navl_validate(data_dict, input_schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def _user_id(context: dict[str, Any]) -> str | None:
    user = model.User.get(context.get("user") or "")
    return user.id if user else None


def _member_organization_ids(user_name: str | None) -> set[str]:
    user = model.User.get(user_name or "")
    if user is None:
        return set()
    return set(user.get_group_ids(group_type="organization"))


@tk.side_effect_free
def publicdata_open_attribute_change_list(context: dict[str, Any], data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """List open-attribute downgrade requests (TAX-6) the caller may see, newest first.

    The open-data authority sees the requests of the agencies it supervises (the city authority: all);
    members of an agency see their own agency's requests.

    :param status: ``pending`` (default), ``approved``, ``rejected``, ``superseded`` or ``all``
    :type status: string
    :param package_id: only the requests of this dataset (id or name)
    :type package_id: string
    :param owner_org: only the requests of this organization (id or name)
    :type owner_org: string
    :param limit: at most this many (default 50, at most 500)
    :type limit: int
    :param offset: skip this many
    :type offset: int
    :rtype: list of dictionaries
    """
    data = _validate(data_dict, schema.open_attribute_change_list_schema(), context)
    tk.check_access("publicdata_open_attribute_change_list", context, data)

    query = model.Session.query(OpenAttributeChange)
    if data["status"] != "all":
        query = query.filter(OpenAttributeChange.status == data["status"])
    if data.get("package_id"):
        package = model.Package.get(data["package_id"])
        query = query.filter(OpenAttributeChange.package_id == (package.id if package else data["package_id"]))
    if data.get("owner_org"):
        organization = model.Group.get(data["owner_org"])
        query = query.filter(OpenAttributeChange.owner_org == (organization.id if organization else data["owner_org"]))

    user_name = context.get("user")
    supervised = authority.organizations_supervised_by(user_name)
    if supervised is not None:
        visible = supervised | _member_organization_ids(user_name)
        query = query.filter(OpenAttributeChange.owner_org.in_(visible or {""}))

    limit = min(int(data["limit"]), 500)
    query = query.order_by(OpenAttributeChange.requested_at.desc()).offset(int(data["offset"])).limit(limit)
    return [change.dictize() for change in query]


def _pending_change(context: dict[str, Any], data: dict[str, Any], auth_name: str) -> OpenAttributeChange:
    change = OpenAttributeChange.get(data["id"])
    if change is None:
        raise tk.ObjectNotFound("未找到该开放属性变更申请 / Open-attribute change request not found")
    tk.check_access(auth_name, context, {"id": change.id, "owner_org": change.owner_org})
    if change.status != STATUS_PENDING:
        raise tk.ValidationError({"id": [
            f"该申请已处理（{change.status}） / This request has already been decided ({change.status})"]})
    return change


def _decide(change: OpenAttributeChange, status: str, context: dict[str, Any], comment: str | None) -> None:
    change.status = status
    change.decided_by = _user_id(context)
    change.decided_at = datetime.datetime.utcnow()
    change.decision_comment = comment


def publicdata_open_attribute_change_approve(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Approve a downgrade request: the dataset takes the requested open attribute and its conditions or basis.

    Only the open-data authority for the dataset's agency may approve (sysadmins, admins of the city
    authority organization, admins of the county bureau the agency answers to). A 不予开放 result is private.

    :param id: the id of the request
    :type id: string
    :param comment: the authority's opinion (optional)
    :type comment: string
    :returns: the decided request
    :rtype: dictionary
    """
    data = _validate(data_dict, schema.open_attribute_change_decision_schema(), context)
    change = _pending_change(context, data, "publicdata_open_attribute_change_approve")

    package = model.Package.get(change.package_id)
    if package is None or package.state == "deleted":
        raise tk.ObjectNotFound("数据集不存在或已删除 / The dataset does not exist or was deleted")
    if package.extras.get("open_attribute") != change.from_attribute:
        raise tk.ValidationError({"id": [
            "申请提出后数据集的开放属性已变化，请重新申请 / The dataset's open attribute changed since the request; "
            "ask again"]})

    patch: dict[str, Any] = {"id": package.id, "open_attribute": change.to_attribute}
    for field, value in change.fields().items():
        if field == "open_conditions" and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = [value]
        patch[field] = value
    nested_context = {
        "model": model,
        "session": model.Session,
        "user": context.get("user"),
        "ignore_auth": True,
        "defer_commit": True,
        CONTEXT_APPROVED: True,
    }
    try:
        tk.get_action("package_patch")(nested_context, patch)
    except tk.ValidationError as error:
        model.Session.rollback()
        raise tk.ValidationError({"id": [
            "申请的内容已不满足目录规则，无法生效 / The requested change no longer passes the catalog rules"],
            "dataset": [json.dumps(error.error_dict, ensure_ascii=False)]})

    _decide(change, STATUS_APPROVED, context, data.get("comment"))
    if not context.get("defer_commit"):
        model.repo.commit()
    return change.dictize()


def publicdata_open_attribute_change_reject(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Reject a downgrade request; the dataset keeps its open attribute.

    :param id: the id of the request
    :type id: string
    :param comment: why it is rejected (required)
    :type comment: string
    :returns: the decided request
    :rtype: dictionary
    """
    data = _validate(data_dict, schema.open_attribute_change_decision_schema(), context)
    change = _pending_change(context, data, "publicdata_open_attribute_change_reject")
    if not data.get("comment"):
        raise tk.ValidationError({"comment": ["驳回须说明理由 / A rejection needs its reason"]})
    _decide(change, STATUS_REJECTED, context, data["comment"])
    if not context.get("defer_commit"):
        model.repo.commit()
    return change.dictize()


@tk.side_effect_free
def publicdata_dataset_citation(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """How to cite a dataset (TAX-15): source unit, title, portal, URL, acquisition date (today) and the text.

    :param id: the id or name of the dataset
    :type id: string
    :rtype: dictionary
    """
    data = _validate(data_dict, schema.dataset_citation_schema(), context)
    tk.check_access("publicdata_dataset_citation", context, data)
    pkg_dict = tk.get_action("package_show")(context, {"id": data["id"]})
    return build_citation(pkg_dict)


from ckanext.publicdata.catalog.logic import publication_action as _publication  # noqa: E402
from ckanext.publicdata.catalog.logic.publication_action import *  # noqa: E402,F401,F403

__all__ += _publication.__all__

from ckanext.publicdata.catalog.logic import catalog_change_action as _catalog_change  # noqa: E402
from ckanext.publicdata.catalog.logic.catalog_change_action import *  # noqa: E402,F401,F403

__all__ += _catalog_change.__all__

from ckanext.publicdata.catalog.logic import form_action as _form  # noqa: E402
from ckanext.publicdata.catalog.logic.form_action import *  # noqa: E402,F401,F403

__all__ += _form.__all__
