"""Actions of the publication review (TAX-13) with the personal-information gate (SEC-1)."""
from __future__ import annotations

import datetime
import json
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog import authority, publication
from ckanext.publicdata.catalog.logic import schema
from ckanext.publicdata.catalog.logic.action import _validate
from ckanext.publicdata.catalog.model import (
    DECISION_APPROVED,
    DECISION_OVERRIDDEN,
    DECISION_RETURNED,
    PUBLICATION_PUBLISHED,
    PUBLICATION_RETURNED,
    PUBLICATION_SUBMITTED,
    PublicationReview,
)

__all__ = [
    "publicdata_publication_submit",
    "publicdata_publication_approve",
    "publicdata_publication_return",
    "publicdata_publication_override",
    "publicdata_publication_queue",
    "publicdata_publication_list_mine",
]


def _package(package_ref: str) -> model.Package:
    package = model.Package.get(package_ref)
    if package is None or package.state == "deleted" or package.type != "dataset":
        raise tk.ObjectNotFound("数据集不存在或已删除 / The dataset does not exist or was deleted")
    return package


def _package_dict(package: model.Package) -> dict[str, Any]:
    return tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": package.id})


def _open_cycle_of(package: model.Package) -> PublicationReview:
    cycle = PublicationReview.current(package.id)
    if cycle is None or cycle.status == PUBLICATION_PUBLISHED:
        raise tk.ValidationError({"id": ["该数据集已发布 / This dataset is already published"]})
    return cycle


def _reasons(data_dict: dict[str, Any]) -> list[str]:
    """``reasons``: a string (one reason per line) or a list of strings; blanks dropped."""
    value = data_dict.get("reasons")
    if value is None:
        value = data_dict.get("reason")
    if isinstance(value, str):
        items = value.splitlines()
    elif isinstance(value, (list, tuple)):
        items = [item for item in value if isinstance(item, str)]
    else:
        items = []
    return [item.strip() for item in items if item and item.strip()]


def _commit(context: dict[str, Any]) -> None:
    if not context.get("defer_commit"):
        model.repo.commit()


def _describe(cycle: PublicationReview, package: Optional[model.Package] = None) -> dict[str, Any]:
    result = cycle.dictize()
    package = package or model.Package.get(cycle.package_id)
    organization = model.Group.get(cycle.owner_org) if cycle.owner_org else None
    result["dataset"] = {"id": package.id, "name": package.name, "title": package.title} if package else None
    result["organization_title"] = organization.title if organization else None
    result["emergency"] = publication.is_emergency(package)
    if cycle.submitted_at is not None and cycle.status == PUBLICATION_SUBMITTED:
        due = publication.review_due_date(cycle.submitted_at, result["emergency"])
        result["due_date"] = due.isoformat()
        result["overdue"] = publication.today_local() > due
    else:
        result["due_date"] = None
        result["overdue"] = False
    result["pii_blocked"] = publication.report_blocks(cycle.report())
    result["pii_lines"] = publication.report_lines(cycle.report())
    result["not_scanned_lines"] = publication.skipped_lines(cycle.report())
    # a submission the personal-information scan refused: waits for masked data, or the authority's override
    result["blocked_submission"] = cycle.status != PUBLICATION_SUBMITTED and result["pii_blocked"]
    return result


def publicdata_publication_submit(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Submit a draft or returned dataset for the authority's normative review (TAX-13, BZ-R 10).

    Its uploaded CSV/JSON/XLSX resources are scanned for personal information first (SEC-1); a hit refuses the
    submission and says where (resource, column, rows, masked samples). The scan report is kept on the review
    either way, so the provider sees it on /dashboard/my-publications.

    :param id: the id or name of the dataset
    :type id: string
    :returns: the review cycle
    :rtype: dictionary
    """
    data = _validate(data_dict, schema.publication_dataset_schema(), context)
    package = _package(data["id"])
    tk.check_access("publicdata_publication_submit", context, {"id": package.id, "owner_org": package.owner_org})
    cycle = _open_cycle_of(package)
    if cycle.status == PUBLICATION_SUBMITTED:
        raise tk.ValidationError({"id": ["该数据集已提交审核，请等待审核结果 / This dataset is already "
                                         "submitted for review"]})

    report = publication.scan_dataset(_package_dict(package))
    if not report["clean"]:
        cycle.pii_report = json.dumps(report, ensure_ascii=False)
        model.repo.commit()  # the report is kept (the provider sees where); the submission is refused
        raise tk.ValidationError({"resources": publication.report_message(report)})
    if cycle.status == PUBLICATION_RETURNED:  # a new cycle: the returned one keeps its reasons on record
        cycle = publication.open_cycle(package.id, package.owner_org, publication.CAUSE_RESUBMITTED,
                                       context.get("user"), status=PUBLICATION_SUBMITTED)
    cycle.pii_report = json.dumps(report, ensure_ascii=False)
    cycle.status = PUBLICATION_SUBMITTED
    cycle.submitted_by = publication.user_id_of(context.get("user"))
    cycle.submitted_at = datetime.datetime.utcnow()
    cycle.reasons = None
    urgent = "【突发事件·优先审核】" if publication.is_emergency(package) else ""
    publication.notify_authority(
        package, "publication_submitted",
        f"{urgent}数据集「{package.title}」已提交发布审核 / \"{package.title}\" was submitted for publication review",
    )
    _commit(context)
    return _describe(cycle, package)


def _publish(context: dict[str, Any], package: model.Package, cycle: PublicationReview, decision: str) -> None:
    cycle.status = PUBLICATION_PUBLISHED
    cycle.decision = decision
    cycle.decided_by = publication.user_id_of(context.get("user"))
    cycle.decided_at = datetime.datetime.utcnow()
    model.Session.flush()
    publication.set_private(package.id, package.extras.get("open_attribute") == "not_open")
    publication.notify_provider(
        package, "publication_approved",
        f"数据集「{package.title}」已通过审核并发布 / \"{package.title}\" passed review and is published",
        "\n".join(cycle.reason_list()),
    )


def _submitted_cycle(context: dict[str, Any], data: dict[str, Any], auth_name: str
                     ) -> tuple[model.Package, PublicationReview]:
    package = _package(data["id"])
    tk.check_access(auth_name, context, {"id": package.id, "owner_org": package.owner_org})
    cycle = _open_cycle_of(package)
    return package, cycle


def publicdata_publication_approve(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Approve a submitted dataset: it is published (public, unless 不予开放).

    The resources are scanned again; personal information refuses the approval (return it, or override).
    Only the dataset's open-data authority (city authority, or the county bureau of its agency) approves.

    :param id: the id or name of the dataset
    :type id: string
    :param comment: the authority's opinion (optional)
    :type comment: string
    :rtype: dictionary
    """
    data = _validate(data_dict, schema.publication_approve_schema(), context)
    package, cycle = _submitted_cycle(context, data, "publicdata_publication_approve")
    if cycle.status != PUBLICATION_SUBMITTED:
        raise tk.ValidationError({"id": ["该数据集未提交审核 / This dataset is not submitted for review"]})
    report = publication.scan_dataset(_package_dict(package))
    cycle.pii_report = json.dumps(report, ensure_ascii=False)
    if not report["clean"]:
        model.repo.commit()
        raise tk.ValidationError({"resources": [
            "含个人信息，不能直接通过：请退回，或说明理由后放行 / Personal information found: return it, "
            "or override with a reason", *publication.report_lines(report)]})
    if data.get("comment"):
        cycle.reasons = json.dumps([data["comment"]], ensure_ascii=False)
    _publish(context, package, cycle, DECISION_APPROVED)
    _commit(context)
    return _describe(cycle, package)


def publicdata_publication_return(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Return a submitted dataset to its provider with reasons and opinions (BZ-R 10 (二)).

    :param id: the id or name of the dataset
    :type id: string
    :param reasons: why, as a list of strings or one string (one reason per line); required
    :type reasons: list of strings or string
    :rtype: dictionary
    """
    data = _validate({"id": data_dict.get("id")}, schema.publication_dataset_schema(), context)
    package, cycle = _submitted_cycle(context, data, "publicdata_publication_return")
    reasons = _reasons(data_dict)
    if not reasons:
        raise tk.ValidationError({"reasons": ["退回须说明理由 / A return needs its reasons"]})
    if cycle.status != PUBLICATION_SUBMITTED:
        raise tk.ValidationError({"id": ["该数据集未提交审核 / This dataset is not submitted for review"]})
    cycle.status = PUBLICATION_RETURNED
    cycle.decision = DECISION_RETURNED
    cycle.decided_by = publication.user_id_of(context.get("user"))
    cycle.decided_at = datetime.datetime.utcnow()
    cycle.reasons = json.dumps(reasons, ensure_ascii=False)
    publication.notify_provider(
        package, "publication_returned",
        f"数据集「{package.title}」的发布审核未通过，已退回 / \"{package.title}\" was returned by the review",
        "\n".join(reasons),
    )
    _commit(context)
    return _describe(cycle, package)


def publicdata_publication_override(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Publish a dataset despite personal-information hits, recording why (the authority's decision, SEC-1).

    Accepted for any unpublished dataset: a submission blocked by the scan is listed in the queue for this.

    :param id: the id or name of the dataset
    :type id: string
    :param reason: why the hits may be opened (e.g. public officials' office phones); required
    :type reason: string
    :rtype: dictionary
    """
    data = _validate(data_dict, schema.publication_override_schema(), context)
    package, cycle = _submitted_cycle(context, data, "publicdata_publication_override")
    report = publication.scan_dataset(_package_dict(package))
    cycle.pii_report = json.dumps(report, ensure_ascii=False)
    cycle.override_reason = data["reason"]
    if cycle.submitted_at is None:
        cycle.submitted_at = datetime.datetime.utcnow()
    _publish(context, package, cycle, DECISION_OVERRIDDEN)
    _commit(context)
    return _describe(cycle, package)


@tk.side_effect_free
def publicdata_publication_queue(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The datasets waiting for the caller's review — emergency (突发事件) ones first, due after
    ``ckanext.publicdata.publication_review_emergency_workdays`` (SU 18 fast track), then the others — oldest
    first, with their due dates; then the submissions the
    personal-information scan refused (``blocked_submission``), which the authority may override (SEC-1).

    The due date is the submission date plus ``ckanext.publicdata.publication_review_workdays`` working days
    (BZ-R 10 sets no figure; default 5). The city authority sees every agency's, a county bureau its agencies'.

    :param limit: at most this many (default 50, at most 500)
    :type limit: int
    :param offset: skip this many
    :type offset: int
    :returns: ``count`` and ``results``
    :rtype: dictionary
    """
    data = _validate(data_dict, schema.publication_list_schema(), context)
    tk.check_access("publicdata_publication_queue", context, data)
    supervised = authority.organizations_supervised_by(context.get("user"))
    query = model.Session.query(PublicationReview).filter(PublicationReview.status == PUBLICATION_SUBMITTED)
    if supervised is not None:
        query = query.filter(PublicationReview.owner_org.in_(supervised or {""}))
    submitted = query.order_by(PublicationReview.submitted_at.asc()).all()
    # SU 18 fast track: emergency (突发事件) datasets first, each group oldest first
    submitted.sort(key=lambda cycle: not publication.is_emergency(model.Package.get(cycle.package_id)))
    rows = submitted + _blocked_submissions(supervised)
    limit = min(int(data["limit"]), 500)
    page = rows[int(data["offset"]):int(data["offset"]) + limit]
    return {"count": len(rows), "review_workdays": publication.review_workdays(),
            "results": [_describe(row) for row in page]}


def _blocked_submissions(supervised: Optional[set[str]]) -> list[PublicationReview]:
    """Unpublished datasets whose submission the personal-information scan refused (their current cycle is a
    draft or a returned one carrying a blocking report): the authority sees them, and may override (SEC-1)."""
    query = (model.Session.query(PublicationReview)
             .filter(PublicationReview.status.in_(("draft", PUBLICATION_RETURNED)))
             .filter(PublicationReview.pii_report.isnot(None)))
    if supervised is not None:
        query = query.filter(PublicationReview.owner_org.in_(supervised or {""}))
    blocked = []
    for cycle in query.order_by(PublicationReview.created.asc()):
        current = PublicationReview.current(cycle.package_id)
        package = model.Package.get(cycle.package_id)
        if (current is None or current.id != cycle.id or package is None or package.state == "deleted"
                or not publication.report_blocks(cycle.report())):
            continue
        blocked.append(cycle)
    return blocked


@tk.side_effect_free
def publicdata_publication_list_mine(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The caller's agencies' datasets not yet published (draft, submitted, returned), with reasons.

    :param status: only ``draft``, ``submitted`` or ``returned`` (default: all three)
    :type status: string
    :param limit: at most this many (default 50, at most 500)
    :type limit: int
    :param offset: skip this many
    :type offset: int
    :returns: ``count`` and ``results``, returned ones first, then newest first
    :rtype: dictionary
    """
    data = _validate(data_dict, schema.publication_list_schema(), context)
    tk.check_access("publicdata_publication_list_mine", context, data)
    user = model.User.get(context.get("user") or "")
    organization_ids = set(user.get_group_ids(group_type="organization")) if user else set()
    rows = (model.Session.query(PublicationReview)
            .filter(PublicationReview.owner_org.in_(organization_ids or {""}))
            .order_by(PublicationReview.created.desc()).all())
    current: dict[str, PublicationReview] = {}
    for row in rows:
        current.setdefault(row.package_id, row)
    wanted = {data["status"]} if data.get("status") not in (None, "all") else {
        "draft", PUBLICATION_SUBMITTED, PUBLICATION_RETURNED}
    items = []
    for cycle in current.values():
        if cycle.status not in wanted:
            continue
        package = model.Package.get(cycle.package_id)
        if package is None or package.state == "deleted":
            continue
        items.append((cycle, package))
    items.sort(key=lambda item: (item[0].status != PUBLICATION_RETURNED,
                                 -(item[0].decided_at or item[0].created).timestamp()))
    limit = min(int(data["limit"]), 500)
    page = items[int(data["offset"]):int(data["offset"]) + limit]
    return {"count": len(items), "results": [_describe(cycle, package) for cycle, package in page]}
