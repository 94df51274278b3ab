"""Action functions of the ``publicdata_feedback`` plugin: suspension (FB-2, FB-3), transparency (issue 6 item 4)
and the use-results gallery (FB-5)."""
from __future__ import annotations

from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog import authority
from ckanext.publicdata.feedback import suspension as suspensions
from ckanext.publicdata.feedback.logic import suspension_validators as schema
from ckanext.publicdata.feedback.model.suspension import Suspension

__all__ = [
    "publicdata_dataset_suspend",
    "publicdata_dataset_suspension_lift",
    "publicdata_dataset_suspension_show",
    "publicdata_dataset_suspension_list",
    "publicdata_feedback_handled_list",
    "publicdata_feedback_figures",
    "publicdata_use_result_list",
    "publicdata_use_result_feature",
]

# the ticket actions a suspension outcome corresponds to (feedback.tickets.transition)
OUTCOME_TICKET_ACTIONS = {"withdrawn": "withdraw", "restored": "restore", "reprocessed": "reprocess"}


def _validate(data_dict: dict[str, Any], input_schema: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    data, errors = tk.navl_validate(data_dict, input_schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def _user_id(context: dict[str, Any]) -> Optional[str]:
    user = model.User.get(context.get("user") or "")
    return user.id if user else None


def _package(package_id: str) -> model.Package:
    package = model.Package.get(package_id)
    if package is None or package.state == "deleted":
        raise tk.ObjectNotFound("数据集不存在 / Dataset not found")
    return package


def _rights_complaint(ticket_id: str, package: model.Package) -> Any:
    """The rights complaint ticket about this dataset, or a bilingual ValidationError."""
    try:
        from ckanext.publicdata.feedback.model.ticket import Ticket
    except ImportError:
        raise tk.ValidationError({"ticket_id": ["工单功能不可用 / Tickets are not available"]})
    ticket = Ticket.get(ticket_id)
    if ticket is None:
        raise tk.ValidationError({"ticket_id": ["工单不存在 / Ticket not found"]})
    if ticket.kind != "rights_complaint":
        raise tk.ValidationError({"ticket_id": ["只有权益申诉工单可以中止开放 / Only a rights complaint can "
                                                "suspend a dataset"]})
    if ticket.package_id != package.id:
        raise tk.ValidationError({"ticket_id": ["该工单不是针对此数据集的 / The ticket is about another dataset"]})
    return ticket


def _ticket_transition() -> Any:
    try:
        from ckanext.publicdata.feedback.tickets import transition
    except ImportError:
        return None
    return transition


def _commit(context: dict[str, Any]) -> None:
    if not context.get("defer_commit"):
        model.Session.commit()


def publicdata_dataset_suspend(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Suspend a dataset's opening at once (中止开放): its resources become unavailable on every channel to
    everyone but the provider and the open-data authority, and search shows it as suspended.

    Without a ticket this is the provider or authority acting on a leak or leak risk they found (FB-3, SEC-2;
    BZ-R 23: 及时撤回相关数据). With ``ticket_id`` (a rights complaint about this dataset) it is the ticket's
    ``suspend`` transition, recorded on the ticket.

    :param id: the dataset's id or name
    :type id: string
    :param reason: why (kept for the provider and the authority; never shown to the public)
    :type reason: string
    :param ticket_id: optional, the rights complaint (权益申诉) this answers
    :type ticket_id: string
    :returns: the suspension, with reason and people
    :rtype: dictionary
    """
    data = _validate(data_dict, schema.dataset_suspend_schema(), context)
    package = _package(data["id"])
    tk.check_access("publicdata_dataset_suspend", context, {"id": package.id})
    actor_id = _user_id(context)
    ticket_id = data.get("ticket_id")
    if ticket_id:
        ticket = _rights_complaint(ticket_id, package)
        transition = _ticket_transition()
        if transition is not None:
            transition(ticket, "suspend", actor_id, note=data["reason"])
            suspension = suspensions.active_suspension(package.id) or Suspension.in_force_for(package.id)
        else:
            suspension = suspensions.suspend_dataset(package.id, ticket.id, actor_id, data["reason"])
    else:
        suspension = suspensions.suspend_dataset(package.id, None, actor_id, data["reason"])
    if suspension is None:  # the ticket workflow refused silently: never claim a suspension that is not there
        raise tk.ValidationError({"id": ["中止开放未生效 / The suspension did not take effect"]})
    _commit(context)
    return suspensions.suspension_dict(suspension, full=True)


def publicdata_dataset_suspension_lift(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """End a dataset's suspension with its outcome (BZ-R 22, 23): ``withdrawn`` (撤回数据: the dataset is made
    private), ``restored`` (恢复开放) or ``reprocessed`` (处理后再开放: needs a resource created, replaced or
    deleted while suspended — upload the new version with resource_create/resource_update first).

    A suspension that came from a rights complaint is ended through that ticket (its withdraw / restore /
    reprocess transition, called here for you), so the complaint is closed and the complainant told.

    :param id: the dataset's id or name
    :type id: string
    :param outcome: ``withdrawn``, ``restored`` or ``reprocessed``
    :type outcome: string
    :param note: the decision as told to the complainant (required when the suspension came from a rights
        complaint: it is the complaint's public answer)
    :type note: string
    :returns: the ended suspension
    :rtype: dictionary
    """
    data = _validate(data_dict, schema.dataset_suspension_lift_schema(), context)
    package = _package(data["id"])
    tk.check_access("publicdata_dataset_suspension_lift", context, {"id": package.id})
    actor_id = _user_id(context)
    suspension = Suspension.in_force_for(package.id)
    if suspension is None:
        raise tk.ValidationError({"id": ["该数据集未中止开放 / The dataset is not suspended"]})
    note = data.get("note") or ""
    transition = _ticket_transition()
    if suspension.ticket_id and transition is not None:
        ticket = _rights_complaint(suspension.ticket_id, package)
        # the ticket's closing steps need the public answer: the note is it
        transition(ticket, OUTCOME_TICKET_ACTIONS[data["outcome"]], actor_id, note=note, response=note)
        model.Session.refresh(suspension)
        if suspension.in_force:
            raise tk.ValidationError({"id": ["中止开放未解除 / The suspension was not lifted"]})
    else:
        suspension = suspensions.lift_suspension(package.id, suspension.ticket_id, actor_id, data["outcome"], note)
    _commit(context)
    return suspensions.suspension_dict(suspension, full=True)


def _may_see_details(user_name: Optional[str], owner_org: Optional[str]) -> bool:
    return suspensions.may_bypass(user_name, owner_org)


@tk.side_effect_free
def publicdata_dataset_suspension_show(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Whether a dataset is suspended, and since when. The public sees the notice only; the provider and the
    authority also see the reason, who acted, the ticket and the dataset's past suspensions.

    :param id: the dataset's id or name
    :type id: string
    :returns: ``{"package_id", "suspended", "suspension" (or null)}``; for the provider and the authority also
        ``history`` and ``data_recipients`` (per user: granted downloads, API calls, bytes, first/last time,
        from the access audit log — FB-3 traceability)
    :rtype: dictionary
    """
    data = _validate(data_dict, schema.dataset_suspension_show_schema(), context)
    package = _package(data["id"])
    tk.check_access("publicdata_dataset_suspension_show", context, {"id": package.id})
    full = _may_see_details(context.get("user"), package.owner_org)
    suspension = suspensions.active_suspension(package.id)
    result: dict[str, Any] = {
        "package_id": package.id,
        "suspended": suspension is not None,
        "suspension": suspensions.suspension_dict(suspension, full=full) if suspension else None,
    }
    if full:
        result["history"] = [suspensions.suspension_dict(row, full=True) for row in Suspension.history_of(package.id)]
        # FB-3: who obtained the data through recorded (granted) downloads and API calls
        result["data_recipients"] = suspensions.data_recipients(package.id)
    return result


@tk.side_effect_free
def publicdata_dataset_suspension_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Suspensions of the datasets the caller handles, newest first: a provider's organizations, the
    agencies an authority supervises (the city authority and sysadmins: all).

    :param in_force: only those in force (default true); false lists every suspension
    :type in_force: boolean
    :param owner_org: only this organization's (id or name)
    :type owner_org: string
    :param limit: at most this many (default 50, at most 1000)
    :type limit: int
    :param offset: skip this many
    :type offset: int
    :returns: ``{"count", "results"}``
    :rtype: dictionary
    """
    data = _validate(data_dict, schema.dataset_suspension_list_schema(), context)
    tk.check_access("publicdata_dataset_suspension_list", context, data)
    user_name = context.get("user")
    query = model.Session.query(Suspension)
    supervised = authority.organizations_supervised_by(user_name)
    if supervised is not None:  # None: the city authority, every agency
        user = model.User.get(user_name or "")
        visible = set(supervised)
        if user is not None:
            visible |= set(user.get_group_ids(group_type="organization"))
        query = query.filter(Suspension.owner_org.in_(sorted(visible) or [""]))
    if data.get("owner_org"):
        organization = model.Group.get(data["owner_org"])
        query = query.filter(Suspension.owner_org == (organization.id if organization else data["owner_org"]))
    if data["in_force"]:
        query = query.filter(Suspension.lifted_at.is_(None))
    count = query.count()
    rows = query.order_by(Suspension.suspended_at.desc()).offset(data["offset"]).limit(data["limit"]).all()
    return {"count": count, "results": [suspensions.suspension_dict(row, full=True) for row in rows]}


# ------------------------------------------------------------------------------------------- transparency
@tk.side_effect_free
def publicdata_feedback_handled_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Handled feedback, most recently answered first, for everyone: kind, dataset (a public one), provider,
    filed and answered dates, response time in working days, whether on time, outcome and the public response.
    Never the filer's title or text, names, phones, e-mails or account ids.

    :param kind: only this kind (error_report, objection, rights_complaint, suggestion, illegal_use_report,
        data_demand, opening_need)
    :type kind: string
    :param package_id: only the feedback about this dataset (id or name)
    :type package_id: string
    :param limit: at most this many (default 20, at most 200)
    :type limit: int
    :param offset: skip this many
    :type offset: int
    :returns: ``{"count", "results"}``
    :rtype: dictionary
    """
    from ckanext.publicdata.feedback import transparency

    data = _validate(data_dict, schema.handled_list_schema(), context)
    tk.check_access("publicdata_feedback_handled_list", context, data)
    return transparency.handled_feedback(kind=data.get("kind"), package_id=data.get("package_id"),
                                         limit=data["limit"], offset=data["offset"])


@tk.side_effect_free
def publicdata_feedback_figures(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Per-agency feedback figures for the open-data authority (a county bureau sees its agencies): tickets
    filed in the period, handled, handled on time / late, still open and overdue, median working days to answer.

    :param start: first day of the period (YYYY-MM-DD, Asia/Shanghai), optional
    :type start: string
    :param end: last day of the period (inclusive), optional
    :type end: string
    :param owner_org: only this agency (id or name)
    :type owner_org: string
    :param kind: only this kind of ticket
    :type kind: string
    :returns: ``{"start", "end", "as_of", "results": [per agency], "totals"}``
    :rtype: dictionary
    """
    from ckanext.publicdata.feedback import transparency

    data = _validate(data_dict, schema.feedback_figures_schema(), context)
    tk.check_access("publicdata_feedback_figures", context, data)
    organization_ids = authority.organizations_supervised_by(context.get("user"))
    if data.get("owner_org"):
        organization = model.Group.get(data["owner_org"])
        if organization is None or not organization.is_organization:
            raise tk.ObjectNotFound("开放主体不存在 / Organization not found")
        if organization_ids is not None and organization.id not in organization_ids:
            raise tk.NotAuthorized(tk._("Only the open-data authority may see the feedback figures"))
        organization_ids = {organization.id}
    return transparency.agency_figures(start=data.get("start"), end=data.get("end"),
                                       organization_ids=organization_ids, kind=data.get("kind"))


# -------------------------------------------------------------------------------------------- use results
@tk.side_effect_free
def publicdata_use_result_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The public gallery of data-use results (FB-5): published use results, featured first, each with its
    source datasets, the date the data was obtained, type, link and producer.

    :param package_id: only the results that used this dataset (id or name)
    :type package_id: string
    :param featured: only featured (true) or only not featured (false) results
    :type featured: boolean
    :param limit: at most this many (default 20, at most 200)
    :type limit: int
    :param offset: skip this many
    :type offset: int
    :returns: ``{"count", "results"}``
    :rtype: dictionary
    """
    from ckanext.publicdata.feedback import use_results

    data = _validate(data_dict, schema.use_result_list_schema(), context)
    tk.check_access("publicdata_use_result_list", context, data)
    return use_results.gallery(package_id=data.get("package_id"), featured=data.get("featured"),
                               limit=data["limit"], offset=data["offset"])


def publicdata_use_result_feature(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Feature an outstanding published use result in the gallery, or stop featuring it (BZ-R 18:
    优秀开放数据利用成果宣传推广). The city open-data authority only; recorded on the ticket.

    :param id: the use result (ticket id or reference)
    :type id: string
    :param featured: true (default) to feature, false to stop
    :type featured: boolean
    :returns: the gallery entry
    :rtype: dictionary
    """
    from ckanext.publicdata.feedback import use_results
    from ckanext.publicdata.feedback.model.ticket import Ticket

    data = _validate(data_dict, schema.use_result_feature_schema(), context)
    tk.check_access("publicdata_use_result_feature", context, data)
    ticket = Ticket.get(data["id"])
    if ticket is None or ticket.kind != use_results.KIND:
        raise tk.ObjectNotFound("利用成果不存在 / Use result not found")
    use_results.set_featured(ticket, data["featured"], _user_id(context))
    _commit(context)
    return use_results.entry_dict(ticket)
