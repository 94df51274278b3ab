"""Action functions of the ``publicdata_access`` plugin: workflow — identities, the credit blocklist, applications,
their review, use agreements and use reports (ACC-2 … ACC-8). Each validates, checks access, works, commits."""
from __future__ import annotations

import datetime
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata import workdays
from ckanext.publicdata.access import (
    agreements, applications, attachments, blocklist, identity, use_reports, workflow, workflow_config,
)
from ckanext.publicdata.access.model.agreement import UseAgreement
from ckanext.publicdata.access.model.application import AccessRequest
from ckanext.publicdata.access.model.blocklist import LIST_TYPES, BlocklistEntry
from ckanext.publicdata.access.model.identity import APPLICANT_TYPES, IDENTITY_STATUSES, Identity
from ckanext.publicdata.access.model.use_report import UseReport
from ckanext.publicdata.catalog import authority
from ckanext.publicdata.catalog.values import as_list

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


# ------------------------------------------------------------------------------------------- helpers

def _today() -> datetime.date:
    return workdays.local_date(workdays.now_local())


def _actor(context: dict[str, Any]) -> Optional[model.User]:
    user = context.get("auth_user_obj")
    if isinstance(user, model.User):
        return user
    name = context.get("user")
    return model.User.get(name) if name else None


def _require_actor(context: dict[str, Any]) -> model.User:
    user = _actor(context)
    if user is None:
        raise tk.NotAuthorized("请先登录 / Please log in first")
    return user


def _flag(value: Any) -> bool:
    """A yes/no parameter; anything not recognisably true (including junk) is false — never a 500."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "y", "t")
    return bool(value)


def _text(data_dict: dict[str, Any], key: str) -> str:
    return str(data_dict.get(key) or "").strip()


def _reasons(value: Any) -> list[str]:
    """A list of reasons from a list, or text with one reason per line."""
    items: list[str] = []
    for item in as_list(value):
        items += [line.strip() for line in str(item).splitlines() if line.strip()]
    return items


def _get_request(data_dict: dict[str, Any], key: str = "id") -> AccessRequest:
    request_id = _text(data_dict, key)
    if not request_id:
        raise tk.ValidationError({key: ["缺少申请编号 / The application id is required"]})
    request = AccessRequest.get(request_id)
    if request is None:
        raise tk.ObjectNotFound("申请不存在 / Application not found")
    return request


def _package(package_id: str) -> dict[str, Any]:
    """The dataset as the site sees it (ignoring the caller's rights: reviewers and applicants both need it)."""
    try:
        return tk.get_action("package_show")({"ignore_auth": True}, {"id": package_id})
    except tk.ObjectNotFound:
        raise tk.ObjectNotFound("数据集不存在 / Dataset not found") from None


def _transition(request: AccessRequest, action: str, actor: Optional[model.User], **kwargs: Any) -> None:
    try:
        workflow.transition(request, action, actor, **kwargs)
    except workflow.TransitionError as error:
        raise tk.ValidationError({"status": [str(error)]}) from None


def _eligibility_errors(user: model.User) -> dict[str, list[str]]:
    """ACC-2: a verified identity and no credit-list entry."""
    stated = identity.identity_of(user.id)
    if stated is None:
        return {"identity": ["请先填写申请主体信息并完成实名认证 / State your identity and have it verified first"]}
    hit = blocklist.check(stated.identity_number, stated.applicant_type)
    if hit:
        return {"identity": [blocklist.refusal_message(hit)]}
    if not stated.is_verified:
        return {"identity": ["申请主体尚未通过实名认证 / Your identity has not been verified yet"]}
    return {}


def _request_dict(request: AccessRequest, user: Optional[model.User], *, full: bool = False) -> dict[str, Any]:
    data = request.stored_fields()
    today = _today()
    status = workflow.effective_status(request, today)
    zh, en = workflow.STATUS_LABELS.get(status, (status, status))
    due = workflow.current_deadline(request)
    package = model.Package.get(request.package_id)
    organization = model.Group.get(request.owner_org) if request.owner_org else None
    applicant = model.User.get(request.user_id)
    data.update(
        status=status, stored_status=request.status, status_label={"zh_Hans_CN": zh, "en": en},
        due=due.isoformat() if due else None, overdue=workflow.is_overdue(request, today),
        remaining_workdays=(workdays.workdays_between(today, due) if due else None),
        package_name=package.name if package else None, package_title=package.title if package else None,
        organization_name=organization.name if organization else None,
        organization_title=organization.title if organization else None,
        user_name=applicant.name if applicant else None,
    )
    is_applicant = workflow.is_applicant(user, request)
    if is_applicant or workflow.is_reviewing_authority(user, request) or workflow.is_provider(user, request):
        data["applicant_number"] = request.applicant_number
    data["allowed_actions"] = _allowed_actions(request, user)
    if full:
        data["events"] = [event.dictize() for event in request.events()]
        agreement = UseAgreement.for_request(request.id)
        data["agreement"] = agreement.dictize() if agreement else None
        grant = workflow.grant_of(request)
        data["grant"] = grant.dictize(today) if grant else None
        due_report = use_reports.next_due(request)
        data["use_report_due"] = due_report.isoformat() if due_report else None
        data["use_report_overdue"] = use_reports.is_overdue(request, today)
        data["use_reports"] = [report.dictize() for report in use_reports.reports_of(request.id)]
    return data


def _allowed_actions(request: AccessRequest, user: Optional[model.User]) -> list[str]:
    allowed = []
    if workflow.is_applicant(user, request):
        if request.status in workflow.EDITABLE_STATUSES:
            allowed += ["update", "submit"]
        if workflow.can_transition(request, "withdraw"):
            allowed.append("withdraw")
        if request.status == workflow.APPROVED:
            allowed.append("sign")
        if workflow.effective_status(request) == workflow.ACTIVE:
            allowed.append("use_report")
    if request.status == workflow.SUBMITTED and workflow.is_reviewing_authority(user, request):
        allowed.append("review")
    if request.status == workflow.PROVIDER_REVIEW and workflow.is_provider(user, request):
        allowed.append("decide")
    return allowed


# ------------------------------------------------------------------------------------------- identity (ACC-2)

def publicdata_access_identity_update(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """State (or change) the caller's identity as an applicant and have it verified (ACC-2).

    :param applicant_type: ``individual`` (ID number) or ``organization`` (unified social credit code)
    :param legal_name: the person's real name or the organization's registered name
    :param identity_number: 18-character ID number or unified social credit code (check digit verified)
    :param contact_person: contact person (optional)
    :param contact_phone: contact phone (optional)
    :param upload: materials (ID card scan, business licence); multipart file, type and size checked (optional)
    :rtype: the identity; ``status`` is ``verified`` when a verifier confirmed it, otherwise ``pending`` until
        the authority checks the materials
    """
    fields = {
        "applicant_type": _text(data_dict, "applicant_type"),
        "legal_name": _text(data_dict, "legal_name"),
        "identity_number": identity.normalise_number(_text(data_dict, "identity_number")),
        "contact_person": _text(data_dict, "contact_person"),
        "contact_phone": _text(data_dict, "contact_phone"),
    }
    errors: dict[str, list[str]] = {}
    if fields["applicant_type"] not in APPLICANT_TYPES:
        errors["applicant_type"] = ["申请主体类型须为个人或组织 / The applicant type must be individual or organization"]
    if not fields["legal_name"]:
        errors["legal_name"] = ["姓名或单位名称不能为空 / The name is required"]
    if not fields["identity_number"]:
        errors["identity_number"] = ["证件号码不能为空 / The ID number or credit code is required"]
    elif "applicant_type" not in errors:
        message = identity.number_error(fields["applicant_type"], fields["identity_number"])
        if message:
            errors["identity_number"] = [message]
    if errors:
        raise tk.ValidationError(errors)
    tk.check_access("publicdata_access_identity_update", context, data_dict)
    user = _require_actor(context)
    if data_dict.get("upload") not in (None, ""):
        fields["materials"] = [attachments.store(data_dict["upload"], _text(data_dict, "upload_description"))]
    stated = identity.save_identity(user, fields)
    model.Session.commit()
    return stated.dictize()


@tk.side_effect_free
def publicdata_access_identity_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The stated identity of a user: your own, or anyone's for the authority.

    :param user: user name or id (optional, default: the caller)
    """
    tk.check_access("publicdata_access_identity_show", context, data_dict)
    target = model.User.get(_text(data_dict, "user")) if _text(data_dict, "user") else _require_actor(context)
    if target is None:
        raise tk.ObjectNotFound("用户不存在 / User not found")
    stated = Identity.for_user(target.id)
    if stated is None:
        return {"user_id": target.id, "user_name": target.name, "status": "unverified"}
    result = stated.dictize()
    hit = blocklist.check(stated.identity_number, stated.applicant_type)
    result["blocklisted"] = bool(hit)
    if hit and authority.is_city_authority(context.get("user")):
        result["blocklist_hit"] = hit
    return result


@tk.side_effect_free
def publicdata_access_identity_list(context: dict[str, Any], data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """Stated identities for the authority's check, oldest first.

    :param status: ``pending`` (default), ``verified``, ``rejected`` or ``all``
    """
    status = _text(data_dict, "status") or "pending"
    if status != "all" and status not in IDENTITY_STATUSES:
        raise tk.ValidationError({"status": ["状态无效 / Invalid status"]})
    tk.check_access("publicdata_access_identity_list", context, data_dict)
    query = model.Session.query(Identity).order_by(Identity.modified)
    if status != "all":
        query = query.filter(Identity.status == status)
    return [row.dictize() for row in query.limit(500)]


def publicdata_access_identity_verify(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The authority's decision on a user's identity materials (the built-in verifier).

    :param user: user name or id
    :param status: ``verified`` or ``rejected``
    :param note: reason (required when rejecting)
    """
    status = _text(data_dict, "status")
    note = _text(data_dict, "note")
    errors: dict[str, list[str]] = {}
    if status not in ("verified", "rejected"):
        errors["status"] = ["认证结果须为 verified 或 rejected / The status must be verified or rejected"]
    if status == "rejected" and not note:
        errors["note"] = ["不予认证须说明理由 / A rejection needs a reason"]
    if errors:
        raise tk.ValidationError(errors)
    tk.check_access("publicdata_access_identity_verify", context, data_dict)
    target = model.User.get(_text(data_dict, "user"))
    stated = Identity.for_user(target.id) if target else None
    if stated is None:
        raise tk.ObjectNotFound("该用户未填写申请主体信息 / This user has stated no identity")
    actor = _require_actor(context)
    identity.set_verification(stated, status, actor, note)
    from ckanext.publicdata.notifications.service import notify

    outcome = ("已通过实名认证 / Your identity has been verified" if status == "verified"
               else "实名认证未通过 / Your identity could not be verified")
    notify([stated.user_id], "access_identity", outcome, note, link="/access/identity",
           object_type="access_identity", object_id=stated.user_id)
    workflow.audit_record(f"identity_{status}", user_id=actor.id, object_id=stated.user_id, detail={"note": note})
    model.Session.commit()
    return stated.dictize()


# ------------------------------------------------------------------------------------------- blocklist (ACC-2)

def _blocklist_fields(data_dict: dict[str, Any]) -> dict[str, Any]:
    return {
        "identity_number": identity.normalise_number(_text(data_dict, "identity_number")),
        "name": _text(data_dict, "name") or None,
        "list_type": _text(data_dict, "list_type") or "dishonest_person",
        "reason": _text(data_dict, "reason"),
        "source": _text(data_dict, "source") or None,
        "listed_on": _text(data_dict, "listed_on") or None,
    }


def _store_entry(fields: dict[str, Any], actor_id: str) -> BlocklistEntry:
    entry = (model.Session.query(BlocklistEntry)
             .filter(BlocklistEntry.identity_number == fields["identity_number"],
                     BlocklistEntry.list_type == fields["list_type"]).one_or_none())
    if entry is None:
        entry = BlocklistEntry(identity_number=fields["identity_number"], list_type=fields["list_type"],
                               created_by=actor_id)
        model.Session.add(entry)
    entry.name = fields.get("name") or entry.name
    entry.reason = fields.get("reason") or entry.reason or ""
    entry.source = fields.get("source") or entry.source
    listed_on = fields.get("listed_on")
    entry.listed_on = datetime.date.fromisoformat(str(listed_on)) if listed_on else entry.listed_on
    return entry


def publicdata_credit_blocklist_add(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Add (or update) one entry of the credit blocklist (authority).

    :param identity_number: ID number or unified social credit code (check digit verified)
    :param list_type: ``dishonest_person`` (default), ``serious_violation`` or ``other``
    :param name: name (optional)
    :param reason: why the subject is listed
    :param source: where the listing comes from (optional)
    :param listed_on: listing date YYYY-MM-DD (optional)
    """
    fields = _blocklist_fields(data_dict)
    errors = blocklist.entry_errors(fields)
    if errors:
        raise tk.ValidationError(errors)
    tk.check_access("publicdata_credit_blocklist_add", context, data_dict)
    actor = _require_actor(context)
    entry = _store_entry(fields, actor.id)
    workflow.audit_record("blocklist_entry_added", user_id=actor.id, object_id=fields["identity_number"],
                          detail={"list_type": fields["list_type"], "reason": fields["reason"]})
    model.Session.commit()
    return entry.dictize()


def publicdata_credit_blocklist_import(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Import credit-list entries from CSV (authority). All or nothing: any bad line rejects the file.

    :param upload: the CSV file (multipart), or
    :param csv: the CSV text. Columns identity_number, name, list_type, reason, source, listed_on (or the
        Chinese headers 证件号码/统一社会信用代码, 名称, 名单类型, 原因, 来源, 列入日期)
    :param replace: remove every existing entry first (default false)
    :rtype: ``{"imported": n, "total": n}``
    """
    upload = data_dict.get("upload")
    if upload not in (None, ""):
        stream = getattr(upload, "stream", None) or getattr(upload, "file", None)
        raw = stream.read() if stream is not None else b""
    else:
        text = data_dict.get("csv") or ""
        raw = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    if not raw:
        raise tk.ValidationError({"upload": ["请上传 CSV 文件 / Please upload a CSV file"]})
    rows, problems = blocklist.parse_csv(raw)
    if problems:
        raise tk.ValidationError({"upload": problems[:50]})
    tk.check_access("publicdata_credit_blocklist_import", context, data_dict)
    actor = _require_actor(context)
    if _flag(data_dict.get("replace")):
        model.Session.query(BlocklistEntry).delete()
    for row in rows:
        _store_entry(row, actor.id)
    workflow.audit_record("blocklist_imported", user_id=actor.id, detail={"rows": len(rows),
                                                                          "replace": _flag(data_dict.get("replace"))})
    model.Session.commit()
    return {"imported": len(rows), "total": model.Session.query(BlocklistEntry).count()}


def publicdata_credit_blocklist_remove(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Remove an entry from the credit blocklist (authority).

    :param id: the entry id
    :param reason: why it is removed (required; e.g. 信用修复)
    """
    reason = _text(data_dict, "reason")
    if not reason:
        raise tk.ValidationError({"reason": ["移出名单须说明理由 / Removing an entry needs a reason"]})
    tk.check_access("publicdata_credit_blocklist_remove", context, data_dict)
    entry = model.Session.get(BlocklistEntry, _text(data_dict, "id"))
    if entry is None:
        raise tk.ObjectNotFound("名单条目不存在 / Blocklist entry not found")
    actor = _require_actor(context)
    removed = entry.dictize()
    model.Session.delete(entry)
    workflow.audit_record("blocklist_entry_removed", user_id=actor.id, object_id=removed["identity_number"],
                          detail={"reason": reason, "list_type": removed["list_type"]})
    model.Session.commit()
    return removed


@tk.side_effect_free
def publicdata_credit_blocklist_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Entries of the credit blocklist (authority), newest first.

    :param q: part of a number or name (optional)
    :param list_type: filter (optional)
    :param limit: default 100; :param offset: default 0
    """
    list_type = _text(data_dict, "list_type")
    if list_type and list_type not in LIST_TYPES:
        raise tk.ValidationError({"list_type": ["名单类型无效 / Invalid list type"]})
    try:
        limit = min(max(int(data_dict.get("limit") or 100), 1), 1000)
        offset = max(int(data_dict.get("offset") or 0), 0)
    except (TypeError, ValueError):
        raise tk.ValidationError({"limit": ["须为整数 / Must be an integer"]}) from None
    tk.check_access("publicdata_credit_blocklist_list", context, data_dict)
    query = model.Session.query(BlocklistEntry)
    if list_type:
        query = query.filter(BlocklistEntry.list_type == list_type)
    text = _text(data_dict, "q")
    if text:
        like = f"%{text.upper()}%"
        query = query.filter(BlocklistEntry.identity_number.like(like) | BlocklistEntry.name.ilike(f"%{text}%"))
    count = query.count()
    rows = query.order_by(BlocklistEntry.created.desc()).offset(offset).limit(limit)
    return {"count": count, "results": [row.dictize() for row in rows]}


# ------------------------------------------------------------------------------------------- applications (ACC-3)

def publicdata_access_request_create(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Start an application for a conditionally open dataset, saved as a draft (or submitted at once).

    :param package_id: the dataset (id or name); it must be 有条件开放
    :param title: 申请标题
    :param reason: 申请事由
    :param request_type: ``dataset`` (download) or ``api``
    :param period_start: 使用期限 start, YYYY-MM-DD; :param period_end: its end
    :param result_form: 成果形式
    :param scenario: 应用场景
    :param condition_responses: ``{open condition code: response}`` for each of the dataset's 开放条件
        (form posts may send ``condition_<code>`` fields instead)
    :param commitments: list of ``truth``, ``compliance``, ``security``, ``purpose_bound`` (all required to submit)
    :param submit: submit at once (default false: a draft)
    :rtype: the application
    """
    package_id = _text(data_dict, "package_id")
    if not package_id:
        raise tk.ValidationError({"package_id": ["缺少数据集 / The dataset is required"]})
    fields, errors = applications.parse_fields(data_dict)
    if errors:
        raise tk.ValidationError(errors)
    tk.check_access("publicdata_access_request_create", context, data_dict)
    user = _require_actor(context)
    package = _package(package_id)
    if package.get("open_attribute") != "conditional" or package.get("state") != "active" or package.get("private"):
        raise tk.ValidationError({"package_id": [
            "只能申请已发布的有条件开放数据 / Only published conditionally open data can be applied for"]})
    stated = identity.identity_of(user.id)
    if stated is not None:
        hit = blocklist.check(stated.identity_number, stated.applicant_type)
        if hit:
            raise tk.ValidationError({"identity": [blocklist.refusal_message(hit)]})
    open_request = (model.Session.query(AccessRequest)
                    .filter(AccessRequest.user_id == user.id, AccessRequest.package_id == package["id"],
                            AccessRequest.status.in_(workflow.OPEN_STATUSES)).first())
    if open_request is not None:
        raise tk.ValidationError({"package_id": [
            f"您已有该数据的在办申请（{open_request.id}） / You already have an open application for this dataset "
            f"({open_request.id})"]})
    request = AccessRequest(user_id=user.id, package_id=package["id"], owner_org=package.get("owner_org"),
                            status=workflow.DRAFT, condition_responses={}, commitments=[], attachments=[],
                            return_reasons=[])
    request.request_type = "dataset"
    applications.apply_fields(request, fields)
    submit = _flag(data_dict.get("submit"))
    if submit:  # check before storing anything: a refused submission leaves no draft behind
        errors = _eligibility_errors(user)
        errors.update(applications.completeness_errors(request, package, _today()))
        if errors:
            raise tk.ValidationError(errors)
    model.Session.add(request)
    model.Session.flush()
    workflow.record_event(request, "create", None, user)
    if submit:
        _submit(request, user, package)
    model.Session.commit()
    return _request_dict(request, user, full=True)


def publicdata_access_request_update(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Change a draft or a returned application (the applicant). Fields as for create; only those given change.

    :param id: the application
    :param submit: submit (or resubmit) after saving (default false)
    """
    fields, errors = applications.parse_fields(data_dict)
    if errors:
        raise tk.ValidationError(errors)
    tk.check_access("publicdata_access_request_update", context, data_dict)
    request = _get_request(data_dict)
    user = _require_actor(context)
    if request.status not in workflow.EDITABLE_STATUSES:
        raise tk.ValidationError({"status": [
            "只有草稿或已退回的申请可以修改 / Only a draft or a returned application can be changed"]})
    applications.apply_fields(request, fields)
    request.modified = datetime.datetime.utcnow()
    if _flag(data_dict.get("submit")):
        _submit(request, user, _package(request.package_id))
    model.Session.commit()
    return _request_dict(request, user, full=True)


def publicdata_access_request_attachment_add(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Attach a file (material the provider asks for) to a draft or returned application (the applicant).

    :param id: the application
    :param upload: the file (multipart); kinds by content: pdf, png, jpeg, docx, xlsx, zip, ofd; size capped by
        ``ckanext.publicdata.access.attachment_max_mb``
    :param description: what the file is (optional)
    :rtype: the attachment record
    """
    if data_dict.get("upload") in (None, ""):
        raise tk.ValidationError({"upload": ["请上传文件 / Please upload a file"]})
    tk.check_access("publicdata_access_request_attachment_add", context, data_dict)
    request = _get_request(data_dict)
    if request.status not in workflow.EDITABLE_STATUSES:
        raise tk.ValidationError({"status": [
            "只有草稿或已退回的申请可以添加附件 / Attachments can be added to a draft or returned application only"]})
    record = attachments.store(data_dict["upload"], _text(data_dict, "description"))
    request.attachments = [*(request.attachments or []), record]
    model.Session.commit()
    return record


def _submit(request: AccessRequest, user: model.User, package: dict[str, Any]) -> None:
    errors = _eligibility_errors(user)
    errors.update(applications.completeness_errors(request, package, _today()))
    if errors:
        raise tk.ValidationError(errors)
    stated = identity.identity_of(user.id)
    request.applicant_type = stated.applicant_type
    request.applicant_name = stated.legal_name
    request.applicant_number = stated.identity_number
    resubmission = request.status == workflow.RETURNED
    _transition(request, "submit", user, note="resubmitted" if resubmission else None)
    due = request.formal_due.isoformat() if request.formal_due else ""
    workflow.notify(workflow.reviewer_ids(request.owner_org), request, "access_request_submitted",
                    f"待规范性审查：{request.title} / Application to review: {request.title}",
                    f"请在 {due} 前完成规范性审查。 / Formal review due by {due}.")
    workflow.notify([request.user_id], request, "access_request_submitted",
                    f"申请已提交：{request.title} / Application submitted: {request.title}",
                    f"主管部门将在 {due} 前完成规范性审查。 / The authority reviews it by {due}.")


def publicdata_access_request_submit(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Submit a draft, or resubmit a returned application after amending it (the applicant).

    Checks eligibility (verified identity, no credit-list entry) and completeness, reporting every gap at once;
    the authority's formal review is due ``access_formal_review`` working days later.

    :param id: the application
    """
    tk.check_access("publicdata_access_request_submit", context, data_dict)
    request = _get_request(data_dict)
    user = _require_actor(context)
    _submit(request, user, _package(request.package_id))
    model.Session.commit()
    return _request_dict(request, user, full=True)


def publicdata_access_request_withdraw(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Withdraw an application at any time before approval (the applicant).

    :param id: the application
    :param reason: why (optional)
    """
    tk.check_access("publicdata_access_request_withdraw", context, data_dict)
    request = _get_request(data_dict)
    user = _require_actor(context)
    was = request.status
    reason = _text(data_dict, "reason")
    _transition(request, "withdraw", user, reasons=[reason] if reason else [])
    concerned = workflow.reviewer_ids(request.owner_org) if was == workflow.SUBMITTED else (
        workflow.provider_ids(request.owner_org) if was == workflow.PROVIDER_REVIEW else [])
    if concerned:
        workflow.notify(concerned, request, "access_request_withdrawn",
                        f"申请已撤回：{request.title} / Application withdrawn: {request.title}", reason)
    model.Session.commit()
    return _request_dict(request, user, full=True)


@tk.side_effect_free
def publicdata_access_request_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """One application with its history (events), agreement, grant and use reports — for the applicant, the
    reviewing authority and the provider.

    :param id: the application
    """
    tk.check_access("publicdata_access_request_show", context, data_dict)
    request = _get_request(data_dict)
    return _request_dict(request, _actor(context), full=True)


@tk.side_effect_free
def publicdata_access_request_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Applications for a dashboard.

    :param role: ``mine`` (default: the caller's applications, newest first) or ``review`` (what the caller must
        decide: formal reviews as authority, provider reviews as provider staff — overdue first, then by due day)
        or ``organization`` (every application to the datasets of ``owner_org``, for its staff and authority)
    :param owner_org: with role ``organization``
    :param status: only this (effective) status (optional)
    :param overdue: only overdue ones (optional)
    """
    role = _text(data_dict, "role") or "mine"
    if role not in ("mine", "review", "organization"):
        raise tk.ValidationError({"role": ["role 须为 mine、review 或 organization / role must be mine, review or "
                                           "organization"]})
    tk.check_access("publicdata_access_request_list", context, data_dict)
    user = _require_actor(context)
    query = model.Session.query(AccessRequest)
    if role == "mine":
        rows = query.filter(AccessRequest.user_id == user.id).order_by(AccessRequest.created.desc()).all()
    elif role == "organization":
        owner = model.Group.get(_text(data_dict, "owner_org"))
        if owner is None:
            raise tk.ObjectNotFound("组织不存在 / Organization not found")
        rows = query.filter(AccessRequest.owner_org == owner.id).order_by(AccessRequest.created.desc()).all()
        rows = [row for row in rows if workflow.is_provider(user, row) or workflow.is_reviewing_authority(user, row)]
    else:
        supervised = authority.organizations_supervised_by(user.name)
        formal = query.filter(AccessRequest.status == workflow.SUBMITTED)
        if supervised is not None:
            formal = formal.filter(AccessRequest.owner_org.in_(supervised or {""}))
        provider = [row for row in query.filter(AccessRequest.status == workflow.PROVIDER_REVIEW)
                    if workflow.is_provider(user, row)]
        rows = list(dict.fromkeys([*formal.all(), *provider]))
        today = _today()
        rows.sort(key=lambda row: (not workflow.is_overdue(row, today),
                                   workflow.current_deadline(row) or datetime.date.max))
    results = [_request_dict(row, user) for row in rows]
    status = _text(data_dict, "status")
    if status:
        results = [item for item in results if item["status"] == status]
    if _flag(data_dict.get("overdue")):
        results = [item for item in results if item["overdue"]]
    return {"count": len(results), "results": results}


def publicdata_access_request_review(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The authority's formal review (规范性审查, ACC-4): accept (pass to the provider) or return for amendment.

    :param id: the application
    :param outcome: ``accept`` or ``return``
    :param reasons: with ``return``: every reason at once (一次性告知) — a list, or text with one per line
    :param note: comment (optional)
    """
    outcome = _text(data_dict, "outcome")
    reasons = _reasons(data_dict.get("reasons"))
    errors: dict[str, list[str]] = {}
    if outcome not in ("accept", "return"):
        errors["outcome"] = ["审查结论须为 accept 或 return / The outcome must be accept or return"]
    if outcome == "return" and not reasons:
        errors["reasons"] = ["退回须一次性列明全部理由 / Returning needs every reason, all at once"]
    if errors:
        raise tk.ValidationError(errors)
    tk.check_access("publicdata_access_request_review", context, data_dict)
    request = _get_request(data_dict)
    actor = _require_actor(context)
    _transition(request, outcome, actor, reasons=reasons, note=_text(data_dict, "note"))
    if outcome == "accept":
        due = request.provider_due.isoformat() if request.provider_due else ""
        workflow.notify(workflow.provider_ids(request.owner_org), request, "access_request_to_decide",
                        f"待审核数据获取申请：{request.title} / Application to decide: {request.title}",
                        f"请在 {due} 前完成审核。 / Decision due by {due}.")
        workflow.notify([request.user_id], request, "access_request_accepted",
                        f"申请已通过规范性审查：{request.title} / Application passed formal review: {request.title}",
                        f"开放主体将在 {due} 前答复。 / The provider decides by {due}.")
    else:
        workflow.notify([request.user_id], request, "access_request_returned",
                        f"申请被退回补正：{request.title} / Application returned: {request.title}",
                        "\n".join(reasons))
    model.Session.commit()
    return _request_dict(request, actor, full=True)


def publicdata_access_request_decide(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The provider's decision (ACC-5): approve (the agreement is drawn up for signing) or refuse.

    :param id: the application
    :param outcome: ``approve`` or ``refuse``
    :param reasons: with ``refuse``: the reasons (list or text, one per line) — required
    :param legal_basis: with ``refuse``: the law, regulation or rule relied on — required
    :param purpose: with ``approve``: the approved purpose (用途; default the applicant's reason)
    :param scope: with ``approve``: the approved scope of use (使用范围; optional)
    """
    outcome = _text(data_dict, "outcome")
    reasons = _reasons(data_dict.get("reasons"))
    legal_basis = _text(data_dict, "legal_basis")
    errors: dict[str, list[str]] = {}
    if outcome not in ("approve", "refuse"):
        errors["outcome"] = ["审核结论须为 approve 或 refuse / The outcome must be approve or refuse"]
    if outcome == "refuse":
        if not reasons:
            errors["reasons"] = ["不予开放须说明理由 / A refusal needs its reasons"]
        if not legal_basis:
            errors["legal_basis"] = ["不予开放须提供法律、法规、规章依据 / A refusal needs its legal basis"]
    if errors:
        raise tk.ValidationError(errors)
    tk.check_access("publicdata_access_request_decide", context, data_dict)
    request = _get_request(data_dict)
    actor = _require_actor(context)
    if outcome == "approve":
        request.approved_purpose = _text(data_dict, "purpose") or request.reason
        request.approved_scope = _text(data_dict, "scope") or None
    else:
        request.legal_basis = legal_basis
    _transition(request, outcome, actor, reasons=reasons, note=legal_basis or None)
    if outcome == "approve":
        agreements.create_for_request(request, _package(request.package_id), _today(),
                                      workflow_config.use_report_interval_days())
        workflow.notify([request.user_id], request, "access_request_approved",
                        f"申请已同意，请签署开放利用协议：{request.title} / Application approved — sign the use "
                        f"agreement: {request.title}", "")
    else:
        workflow.notify([request.user_id], request, "access_request_refused",
                        f"申请未通过：{request.title} / Application refused: {request.title}",
                        "\n".join(reasons) + f"\n依据 / Legal basis: {legal_basis}")
    model.Session.commit()
    return _request_dict(request, actor, full=True)


# ------------------------------------------------------------------------------------------- agreements (ACC-6)

def publicdata_use_agreement_template_create(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Store a new version of a use-agreement template: the city default (authority) or a provider's own
    (its admins). Every clause SU 21 lists must be present; placeholders are ``${name}`` from
    ``agreements.PLACEHOLDERS``.

    :param owner_org: the provider organization (omit for the city default)
    :param title: the agreement's title
    :param body: the text
    :param change_note: what changed (optional)
    """
    title, body = _text(data_dict, "title"), str(data_dict.get("body") or "")
    errors = agreements.template_errors(title, body)
    owner = None
    if _text(data_dict, "owner_org"):
        owner = model.Group.get(_text(data_dict, "owner_org"))
        if owner is None or not owner.is_organization:
            errors["owner_org"] = ["组织不存在 / Organization not found"]
    if errors:
        raise tk.ValidationError(errors)
    tk.check_access("publicdata_use_agreement_template_create", context,
                    {**data_dict, "owner_org": owner.id if owner else None})
    actor = _require_actor(context)
    template = agreements.add_template_version(owner.id if owner else None, title, body, actor.id,
                                               _text(data_dict, "change_note"))
    model.Session.commit()
    return template.dictize()


@tk.side_effect_free
def publicdata_use_agreement_template_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The template an approval would use now for ``owner_org`` (its newest, else the city's, else built-in).

    :param owner_org: the provider organization (optional)
    """
    tk.check_access("publicdata_use_agreement_template_show", context, data_dict)
    owner = model.Group.get(_text(data_dict, "owner_org")) if _text(data_dict, "owner_org") else None
    template = agreements.current_template(owner.id if owner else None)
    result = template.dictize()
    result["builtin"] = template.id is None
    result["placeholders"] = dict(agreements.PLACEHOLDERS)
    result["required_clauses"] = list(agreements.REQUIRED_CLAUSES)
    return result


@tk.side_effect_free
def publicdata_use_agreement_template_list(context: dict[str, Any], data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """Every stored version of a template chain, newest first.

    :param owner_org: the provider organization (omit for the city default)
    """
    tk.check_access("publicdata_use_agreement_template_list", context, data_dict)
    owner = model.Group.get(_text(data_dict, "owner_org")) if _text(data_dict, "owner_org") else None
    return [template.dictize() for template in agreements.template_versions(owner.id if owner else None)]


def _get_agreement(data_dict: dict[str, Any]) -> UseAgreement:
    agreement = None
    if _text(data_dict, "id"):
        agreement = UseAgreement.get(_text(data_dict, "id"))
    elif _text(data_dict, "request_id"):
        agreement = UseAgreement.for_request(_text(data_dict, "request_id"))
    if agreement is None:
        raise tk.ObjectNotFound("协议不存在 / Agreement not found")
    return agreement


@tk.side_effect_free
def publicdata_use_agreement_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """An application's use agreement: text, SHA-256 and signature (applicant, provider, authority).

    :param id: the agreement id, or
    :param request_id: the application id
    """
    tk.check_access("publicdata_use_agreement_show", context, data_dict)
    return _get_agreement(data_dict).dictize()


def _client_ip(context: dict[str, Any]) -> Optional[str]:
    if context.get("client_ip"):
        return str(context["client_ip"])
    try:
        from ckanext.publicdata.access import audit

        return audit.request_ip()
    except ImportError:
        pass
    try:
        return tk.request.remote_addr
    except (RuntimeError, AttributeError):
        return None


def publicdata_use_agreement_sign(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Sign the use agreement electronically (the applicant): access opens for the period of use and the
    authority and the provider are notified (ACC-6).

    :param id: the agreement id (or ``request_id``)
    :param signer_name: the signer's name
    :param consent: must be true — "I have read and agree to this agreement"
    :param text_sha256: SHA-256 of the exact text being signed (as shown by publicdata_use_agreement_show);
        a mismatch means the signer saw another text and the signature is refused
    :rtype: the signed agreement
    """
    signer_name = _text(data_dict, "signer_name")
    errors: dict[str, list[str]] = {}
    if not signer_name:
        errors["signer_name"] = ["签署人姓名不能为空 / The signer's name is required"]
    if not _flag(data_dict.get("consent")):
        errors["consent"] = ["须勾选同意协议全部条款 / You must consent to the agreement"]
    if not _text(data_dict, "text_sha256"):
        errors["text_sha256"] = ["缺少协议文本摘要 / The SHA-256 of the agreement text is required"]
    if errors:
        raise tk.ValidationError(errors)
    tk.check_access("publicdata_use_agreement_sign", context, data_dict)
    agreement = _get_agreement(data_dict)
    request = AccessRequest.get(agreement.request_id)
    user = _require_actor(context)
    if agreement.status == "signed":
        raise tk.ValidationError({"status": ["协议已签署 / The agreement is already signed"]})
    if _text(data_dict, "text_sha256").lower() != agreement.text_sha256:
        raise tk.ValidationError({"text_sha256": [
            "协议文本与签署的文本不一致，请重新阅读后签署 / The text differs from the one signed; read it again"]})
    today = _today()
    if request.period_end is None or request.period_end < today:
        raise tk.ValidationError({"period": ["使用期限已过，请重新申请 / The period of use has passed; apply again"]})
    stated = identity.identity_of(user.id)
    hit = blocklist.check(stated.identity_number, stated.applicant_type) if stated else None
    if hit:
        raise tk.ValidationError({"identity": [blocklist.refusal_message(hit)]})
    agreements.sign(agreement, user.id, signer_name, _client_ip(context))
    _transition(request, "sign", user, note=f"{agreement.number} sha256={agreement.text_sha256}")
    from ckanext.publicdata.access import grants

    grants.grant_access(request.package_id, request.user_id, max(request.period_start or today, today),
                        request.period_end, access_request_id=request.id, agreement_id=agreement.id,
                        created_by=user.id)
    workflow.notify(list(dict.fromkeys([*workflow.reviewer_ids(request.owner_org),
                                        *workflow.provider_ids(request.owner_org)])), request,
                    "access_agreement_signed",
                    f"开放利用协议已签署，权限已开通：{request.title} / Use agreement signed, access open: {request.title}",
                    f"{agreement.number} · {request.period_start} – {request.period_end}")
    model.Session.commit()
    return agreement.dictize()


# ------------------------------------------------------------------------------------------- use reports (ACC-8)

def publicdata_use_report_create(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Report on the use of granted data (the grant holder): use, results, benefits and problems found.

    :param request_id: the application whose grant is reported on
    :param period_start: first day covered (default: the end of the last report, or the grant's start)
    :param period_end: last day covered (default: today)
    :param use_description: how the data was used (required)
    :param results: results and products (成果)
    :param benefits: benefits (效益)
    :param problems: security risks or quality problems found (optional)
    """
    errors: dict[str, list[str]] = {}
    description = _text(data_dict, "use_description")
    if not description:
        errors["use_description"] = ["利用情况不能为空 / The use description is required"]
    dates: dict[str, Optional[datetime.date]] = {}
    for name in ("period_start", "period_end"):
        try:
            value = _text(data_dict, name)
            dates[name] = datetime.date.fromisoformat(value) if value else None
        except ValueError:
            errors[name] = ["日期格式应为 YYYY-MM-DD / Dates are written YYYY-MM-DD"]
    if errors:
        raise tk.ValidationError(errors)
    tk.check_access("publicdata_use_report_create", context, data_dict)
    request = _get_request(data_dict, "request_id")
    user = _require_actor(context)
    grant = workflow.grant_of(request)
    if grant is None or request.status != workflow.ACTIVE:
        raise tk.ValidationError({"request_id": ["该申请尚未开通权限 / This application has no access grant"]})
    previous = use_reports.reports_of(request.id)
    start = dates["period_start"] or (previous[0].period_end + datetime.timedelta(days=1) if previous
                                      else grant.starts_on)
    end = dates["period_end"] or _today()
    if end < start:
        raise tk.ValidationError({"period_end": ["报告期结束日期早于开始日期 / The period ends before it starts"]})
    report = UseReport(request_id=request.id, user_id=user.id, package_id=request.package_id,
                       owner_org=request.owner_org, period_start=start, period_end=end,
                       use_description=description, results=_text(data_dict, "results"),
                       benefits=_text(data_dict, "benefits"), problems=_text(data_dict, "problems"))
    model.Session.add(report)
    problems = report.problems
    workflow.notify(workflow.provider_ids(request.owner_org), request, "access_use_report",
                    (f"收到数据利用情况报告（含问题反馈）：{request.title} / Use report with problems found: {request.title}"
                     if problems else f"收到数据利用情况报告：{request.title} / Use report received: {request.title}"),
                    problems or description[:300])
    model.Session.commit()
    return report.dictize()


@tk.side_effect_free
def publicdata_use_report_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Use reports of an application, or (``overdue``) the applications whose holder owes a report past the grace
    period, for the provider staff and the authority.

    :param request_id: the application (optional)
    :param overdue: list overdue reports instead (optional)
    """
    tk.check_access("publicdata_use_report_list", context, data_dict)
    user = _require_actor(context)
    if _flag(data_dict.get("overdue")):
        flagged = [(request, due) for request, due in use_reports.overdue_requests(_today())
                   if workflow.is_provider(user, request) or workflow.is_reviewing_authority(user, request)]
        return {"count": len(flagged), "results": [
            {**_request_dict(request, user), "use_report_due": due.isoformat()} for request, due in flagged]}
    request = _get_request(data_dict, "request_id")
    reports = [report.dictize() for report in use_reports.reports_of(request.id)]
    return {"count": len(reports), "results": reports}


@tk.side_effect_free
def publicdata_use_report_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """One use report.

    :param id: the report
    """
    tk.check_access("publicdata_use_report_show", context, data_dict)
    report = model.Session.get(UseReport, _text(data_dict, "id"))
    if report is None:
        raise tk.ObjectNotFound("报告不存在 / Report not found")
    return report.dictize()
