"""Actions of the catalog change requests (目录变更申请, TAX-7; BZ-R 8, ZB 10, BZ-M 11).

See :mod:`ckanext.publicdata.catalog.catalog_change` for the rules.
"""
from __future__ import annotations

import datetime
import json
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog import authority, catalog_change
from ckanext.publicdata.catalog import publication
from ckanext.publicdata.catalog.model import (
    CHANGE_CANCELLED,
    CHANGE_CAUSES,
    CHANGE_KINDS,
    CHANGE_MODIFY,
    CHANGE_STATUSES,
    CHANGE_WITHDRAW,
    STATUS_APPROVED,
    STATUS_PENDING,
    STATUS_REJECTED,
    CatalogChange,
)

__all__ = [
    "publicdata_catalog_change_create",
    "publicdata_catalog_change_show",
    "publicdata_catalog_change_list",
    "publicdata_catalog_change_approve",
    "publicdata_catalog_change_reject",
    "publicdata_catalog_change_cancel",
]

_CAUSE_LABELS = {"law_amended": "法律法规修改 / law amended", "mandate_changed": "职能职责变更 / mandate changed"}


def _text(data_dict: dict[str, Any], key: str) -> str:
    value = data_dict.get(key)
    return value.strip() if isinstance(value, str) else ""


def _user_id(user_name: Optional[str]) -> Optional[str]:
    user = model.User.get(user_name or "")
    return user.id if user else None


def _package(package_ref: Any) -> model.Package:
    package = model.Package.get(package_ref) if isinstance(package_ref, str) and package_ref else None
    if package is None or package.state == "deleted" or package.type != "dataset":
        raise tk.ObjectNotFound("数据集不存在或已删除 / The dataset does not exist or was deleted")
    return package


def _commit(context: dict[str, Any]) -> None:
    if not context.get("defer_commit"):
        model.repo.commit()


def _validated_filing(data_dict: dict[str, Any]) -> dict[str, Any]:
    """The request's own fields, every problem reported at once in Chinese and English."""
    errors: dict[str, list[str]] = {}
    kind = _text(data_dict, "kind") or CHANGE_MODIFY
    if kind not in CHANGE_KINDS:
        errors["kind"] = [f"变更类型应为 {' 或 '.join(CHANGE_KINDS)} / kind must be one of {', '.join(CHANGE_KINDS)}"]
    cause = _text(data_dict, "cause")
    if cause not in CHANGE_CAUSES:
        errors["cause"] = ["请选择变更原因：法律法规修改（law_amended）或职能职责变更（mandate_changed） / "
                           "The cause is required: law_amended or mandate_changed"]
    basis = _text(data_dict, "basis")
    if not basis:
        errors["basis"] = ["请填写变更依据（修改的法律法规或职能调整文件） / The basis is required (the amended law or "
                           "the document that changed the mandate)"]
    cause_date: Optional[datetime.date] = None
    raw_date = _text(data_dict, "cause_date")
    if not raw_date:
        errors["cause_date"] = ["请填写法律法规修改或职能变更的日期 / The date of the legal or mandate change is "
                                "required"]
    else:
        try:
            cause_date = datetime.date.fromisoformat(raw_date[:10])
        except ValueError:
            errors["cause_date"] = [f"日期格式应为 YYYY-MM-DD：{raw_date} / The date must be YYYY-MM-DD: {raw_date}"]
        else:
            if cause_date > catalog_change.today_local():
                errors["cause_date"] = ["变更日期不能晚于今天 / The date of the change cannot be in the future"]
    changes: dict[str, Any] = {}
    try:
        changes = catalog_change.normalise_changes(data_dict.get("changes"))
    except tk.ValidationError as error:
        errors.update(error.error_dict)
    if kind == CHANGE_MODIFY and not changes and "changes" not in errors:
        errors["changes"] = ["请说明要变更的字段及新值 / Say which fields change and their new values"]
    if kind == CHANGE_WITHDRAW and changes:
        errors["changes"] = ["撤销目录的申请不附字段变更 / A withdrawal carries no field changes"]
    if errors:
        raise tk.ValidationError(errors)
    return {"kind": kind, "cause": cause, "basis": basis, "cause_date": cause_date, "changes": changes,
            "description": _text(data_dict, "description") or None}


def publicdata_catalog_change_create(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """File a catalog change request for a dataset after a legal or mandate change (TAX-7, BZ-R 8).

    The provider files within 15 working days of the change (``catalog_change_provider``); a later filing is
    accepted and flagged ``filed_late``. The authority is due to decide within 2 working days of receipt
    (``catalog_change_authority``). The result is validated as the dataset form would validate it; nothing
    changes on the dataset until the authority approves. One pending request per dataset.

    :param package_id: the id or name of the dataset
    :type package_id: string
    :param kind: ``modify`` (default: fields change) or ``withdraw`` (the entry leaves the catalog)
    :type kind: string
    :param changes: for ``modify``, field name → new value (e.g. ``{"update_frequency": "monthly"}``); a JSON
        text is accepted; multi-value fields take a list or comma-separated codes
    :type changes: dictionary
    :param cause: ``law_amended`` (法律法规修改) or ``mandate_changed`` (职能职责变更)
    :type cause: string
    :param basis: the amended law or the document that changed the mandate
    :type basis: string
    :param cause_date: the date of that change (YYYY-MM-DD), not in the future
    :type cause_date: string
    :param description: what changes and why (optional)
    :type description: string
    :returns: the request with ``provider_due_date``, ``filed_late`` and ``authority_due_date``
    :rtype: dictionary
    """
    package = _package(data_dict.get("package_id") or data_dict.get("id"))
    tk.check_access("publicdata_catalog_change_create", context,
                    {"package_id": package.id, "owner_org": package.owner_org})
    filing = _validated_filing(data_dict)
    if CatalogChange.pending_for(package.id) is not None:
        raise tk.ValidationError({"package_id": [
            "该数据集已有待审核的目录变更申请，请等待决定或先撤回 / This dataset already has a pending catalog "
            "change request: wait for the decision or cancel it first"]})
    previous: dict[str, Any] = {}
    if filing["kind"] == CHANGE_MODIFY:
        previous = catalog_change.check_changes(package, filing["changes"], context.get("user"))
    now = datetime.datetime.utcnow()
    due = catalog_change.filing_deadlines(filing["cause_date"], now)
    change = CatalogChange(
        package_id=package.id,
        owner_org=package.owner_org,
        kind=filing["kind"],
        changes=json.dumps(filing["changes"], ensure_ascii=False, default=str),
        previous=json.dumps(previous, ensure_ascii=False, default=str),
        cause=filing["cause"],
        basis=filing["basis"],
        cause_date=filing["cause_date"],
        description=filing["description"],
        provider_due_date=due["provider_due_date"],
        filed_late=due["filed_late"],
        authority_due_date=due["authority_due_date"],
        status=STATUS_PENDING,
        requested_by=_user_id(context.get("user")),
        requested_at=now,
    )
    model.Session.add(change)
    model.Session.flush()
    late = "（逾期提出 / filed late）" if due["filed_late"] else ""
    publication.notify_authority(
        package, "catalog_change_submitted",
        f"数据集「{package.title}」提交了目录变更申请{late}，请于 {due['authority_due_date'].isoformat()} 前审核 / "
        f"Catalog change request for \"{package.title}\", decision due {due['authority_due_date'].isoformat()}",
        f"{_CAUSE_LABELS[filing['cause']]}: {filing['basis']} ({filing['cause_date'].isoformat()})",
    )
    _commit(context)
    return catalog_change.describe(change, package)


def _change(data_dict: dict[str, Any]) -> CatalogChange:
    change = CatalogChange.get(_text(data_dict, "id"))
    if change is None:
        raise tk.ObjectNotFound("未找到该目录变更申请 / Catalog change request not found")
    return change


@tk.side_effect_free
def publicdata_catalog_change_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """One catalog change request, for the requesting agency's members and its open-data authority.

    :param id: the id of the request
    :type id: string
    :rtype: dictionary
    """
    change = _change(data_dict)
    tk.check_access("publicdata_catalog_change_show", context, {"id": change.id, "owner_org": change.owner_org})
    return catalog_change.describe(change)


@tk.side_effect_free
def publicdata_catalog_change_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Catalog change requests the caller may see: the authority those of the agencies it supervises (the city
    authority all), agency members their own agencies'. Pending ones oldest first (the queue), others newest first.

    :param status: ``pending`` (default), ``approved``, ``rejected``, ``cancelled`` or ``all``
    :type status: string
    :param scope: ``all`` (default: what the caller may see), ``review`` (only agencies the caller is authority
        for) or ``mine`` (only the caller's own agencies)
    :type scope: string
    :param package_id: only this dataset's requests (id or name)
    :type package_id: string
    :param limit: at most this many (default 50, at most 500)
    :type limit: int
    :param offset: skip this many
    :type offset: int
    :returns: ``count``, ``overdue`` (pending past the authority's deadline) and ``results``
    :rtype: dictionary
    """
    tk.check_access("publicdata_catalog_change_list", context, data_dict)
    status = _text(data_dict, "status") or STATUS_PENDING
    if status not in CHANGE_STATUSES + ("all",):
        raise tk.ValidationError({"status": [f"未知状态：{status} / Unknown status: {status}"]})
    scope = _text(data_dict, "scope") or "all"
    if scope not in ("all", "review", "mine"):
        raise tk.ValidationError({"scope": [f"未知范围：{scope} / Unknown scope: {scope}"]})
    try:
        limit = min(max(int(data_dict.get("limit", 50)), 0), 500)
        offset = max(int(data_dict.get("offset", 0)), 0)
    except (TypeError, ValueError):
        raise tk.ValidationError({"limit": ["limit 和 offset 应为整数 / limit and offset must be integers"]})

    user_name = context.get("user")
    user = model.User.get(user_name or "")
    own = set(user.get_group_ids(group_type="organization")) if user else set()
    supervised = authority.organizations_supervised_by(user_name)
    query = model.Session.query(CatalogChange)
    if scope == "mine":
        query = query.filter(CatalogChange.owner_org.in_(own or {""}))
    elif scope == "review":
        if supervised is not None:
            query = query.filter(CatalogChange.owner_org.in_(supervised or {""}))
    elif supervised is not None:
        query = query.filter(CatalogChange.owner_org.in_((supervised | own) or {""}))
    if status != "all":
        query = query.filter(CatalogChange.status == status)
    if data_dict.get("package_id"):
        package = model.Package.get(str(data_dict["package_id"]))
        query = query.filter(CatalogChange.package_id == (package.id if package else str(data_dict["package_id"])))
    count = query.count()
    overdue = (query.filter(CatalogChange.status == STATUS_PENDING,
                            CatalogChange.authority_due_date < catalog_change.today_local()).count())
    order = (CatalogChange.requested_at.asc() if status == STATUS_PENDING else CatalogChange.requested_at.desc())
    rows = query.order_by(order).offset(offset).limit(limit).all()
    return {"count": count, "overdue": overdue, "results": [catalog_change.describe(row) for row in rows]}


def _pending(context: dict[str, Any], data_dict: dict[str, Any], auth_name: str) -> CatalogChange:
    change = _change(data_dict)
    tk.check_access(auth_name, context, {"id": change.id, "owner_org": change.owner_org})
    if change.status != STATUS_PENDING:
        raise tk.ValidationError({"id": [
            f"该申请已处理（{change.status}） / This request has already been decided ({change.status})"]})
    return change


def _decide(change: CatalogChange, status: str, context: dict[str, Any], comment: Optional[str]) -> None:
    change.status = status
    change.decided_by = _user_id(context.get("user"))
    change.decided_at = datetime.datetime.utcnow()
    change.decision_comment = comment or None


def publicdata_catalog_change_approve(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Approve a catalog change: it is applied to the dataset and this year's published open list is adjusted.

    Only the dataset's open-data authority decides (the city authority, or the county bureau of its agency);
    moving the dataset to another agency also needs authority over that agency. A lowered open attribute is
    recorded as a downgrade request (TAX-6, ``open_attribute_change_id``) rather than applied. If the change no
    longer passes the catalog rules nothing is applied and the request stays pending.

    :param id: the id of the request
    :type id: string
    :param comment: the authority's opinion (optional)
    :type comment: string
    :returns: the decided request
    :rtype: dictionary
    """
    change = _pending(context, data_dict, "publicdata_catalog_change_approve")
    new_owner = change.change_dict().get("owner_org")
    if new_owner and not authority.is_authority_for(context.get("user"), str(new_owner)):
        raise tk.NotAuthorized("移交至其他开放主体须由其主管部门批准 / Moving the dataset to another agency needs "
                               "the authority over that agency")
    try:
        open_attribute_change_id = catalog_change.apply_change(change, context.get("user"))
    except tk.ValidationError as error:
        model.Session.rollback()
        raise tk.ValidationError({"id": [
            "申请的变更已不满足目录规则，无法生效 / The requested change no longer passes the catalog rules"],
            "dataset": [json.dumps(error.error_dict, ensure_ascii=False)]})
    change = CatalogChange.get(change.id) or change
    change.open_attribute_change_id = open_attribute_change_id
    _decide(change, STATUS_APPROVED, context, _text(data_dict, "comment"))
    catalog_change.sync_open_list(change.decided_at)
    package = model.Package.get(change.package_id)
    if package is not None:
        publication.notify_provider(
            package, "catalog_change_approved",
            f"数据集「{package.title}」的目录变更申请已通过 / The catalog change of \"{package.title}\" was approved",
            _text(data_dict, "comment"))
    _commit(context)
    return catalog_change.describe(change)


def publicdata_catalog_change_reject(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Reject a catalog change; the dataset stays as it is.

    :param id: the id of the request
    :type id: string
    :param comment: why (required)
    :type comment: string
    :returns: the decided request
    :rtype: dictionary
    """
    change = _pending(context, data_dict, "publicdata_catalog_change_reject")
    comment = _text(data_dict, "comment")
    if not comment:
        raise tk.ValidationError({"comment": ["驳回须说明理由 / A rejection needs its reason"]})
    _decide(change, STATUS_REJECTED, context, comment)
    package = model.Package.get(change.package_id)
    if package is not None:
        publication.notify_provider(
            package, "catalog_change_rejected",
            f"数据集「{package.title}」的目录变更申请未通过 / The catalog change of \"{package.title}\" was rejected",
            comment)
    _commit(context)
    return catalog_change.describe(change)


def publicdata_catalog_change_cancel(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Withdraw a pending catalog change request (its agency's editors and admins).

    :param id: the id of the request
    :type id: string
    :returns: the cancelled request
    :rtype: dictionary
    """
    change = _pending(context, data_dict, "publicdata_catalog_change_cancel")
    _decide(change, CHANGE_CANCELLED, context, _text(data_dict, "comment"))
    _commit(context)
    return catalog_change.describe(change)
