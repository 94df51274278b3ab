"""Action functions of the ``publicdata_access`` plugin: enforcement (grants, revocation, audit log) and the chained
core actions that hide the resource URLs of denied datasets on every API channel."""
from __future__ import annotations

import copy
import difflib
import json
from typing import Any, Optional

import sqlalchemy as sa

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.publicdata.access import audit, enforcement, grants
from ckanext.publicdata.access.logic import enforcement_validators as validators
from ckanext.publicdata.access.model.grant import GRANT_ACTIVE, GRANT_REVOKED, Grant
from ckanext.publicdata.catalog import authority
from ckanext.publicdata.notifications import service as notifications

_OWN = [
    "publicdata_access_grant_show",
    "publicdata_access_grant_list",
    "publicdata_access_grant_revoke",
    "publicdata_access_audit_list",
    "package_search",
    "resource_show",
    "resource_search",
    "current_package_list_with_resources",
    "resource_view_show",
    "resource_view_list",
]
_ACTIVITY = [
    "package_activity_list",
    "dashboard_activity_list",
    "user_activity_list",
    "organization_activity_list",
    "group_activity_list",
    "recently_changed_packages_activity_list",
    "activity_show",
    "activity_data_show",
    "activity_diff",
]


def _configured_plugins() -> list[str]:
    value = tk.config.get("ckan.plugins") or []
    return value.split() if isinstance(value, str) else list(value)


# the activity actions are chained only when the activity plugin is configured (chaining a missing action fails)
__all__ = [*_OWN, *(_ACTIVITY if "activity" in _configured_plugins() else [])]


def _user_name(context: Context) -> Optional[str]:
    return context.get("user") or enforcement.current_user_name() or None


# --------------------------------------------------------------------------------------------------
# grants

def _visible_package_scope(user_name: str) -> Optional[set[str]]:
    """Ids of the datasets whose grants ``user_name`` oversees (as provider staff or authority); None = all."""
    if authz.is_sysadmin(user_name):
        return None
    supervised = authority.organizations_supervised_by(user_name)
    if supervised is None:
        return None
    user = model.User.get(user_name)
    orgs = set(supervised)
    if user is not None:
        orgs |= {row[0] for row in model.Session.query(model.Member.group_id).filter(
            model.Member.table_name == "user", model.Member.table_id == user.id, model.Member.state == "active",
            model.Member.capacity.in_(("admin", "editor")))}
    if not orgs:
        return set()
    return {row[0] for row in model.Session.query(model.Package.id).filter(model.Package.owner_org.in_(orgs))}


def _grant_dict(grant: Grant) -> dict[str, Any]:
    data = grant.dictize(today=grants.local_today())
    package = model.Package.get(grant.package_id)
    holder = model.User.get(grant.user_id)
    data["package_name"] = package.name if package else None
    data["package_title"] = package.title if package else None
    data["user_name"] = holder.name if holder else None
    return data


@tk.side_effect_free
def publicdata_access_grant_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Show one access grant.

    The holder, the provider's staff, the authority for the provider and sysadmins may see it.

    :param id: the grant's id
    :type id: string

    :rtype: dictionary (id, package_id, package_name, user_id, user_name, starts_on, expires_on, status,
        effective_status ('active', 'pending', 'expired' or 'revoked' as of the local day), revoked_at,
        revoked_by, revoke_reason, notice_published, access_request_id, agreement_id, created_at, created_by)
    """
    grant_id = validators.required_text(data_dict, "id", "授权编号不能为空 / The grant id is required")
    grant = grants.get_grant(grant_id)
    if grant is None:
        raise tk.ObjectNotFound("授权不存在 / Grant not found")
    context["publicdata_grant"] = grant
    tk.check_access("publicdata_access_grant_show", context, data_dict)
    return _grant_dict(grant)


@tk.side_effect_free
def publicdata_access_grant_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """List access grants the caller may see: their own; as provider staff, those on their organization's
    datasets; as authority, those of the agencies it supervises (the city authority and sysadmins: all).

    :param package_id: only grants on this dataset (id or name) (optional)
    :type package_id: string
    :param user_id: only grants held by this user (id or name) (optional)
    :type user_id: string
    :param status: ``active`` (in force today), ``pending`` (not started), ``expired``, ``revoked`` or ``all``
        (optional, default ``all``)
    :type status: string
    :param limit: at most this many (optional, default 50, at most 1000)
    :type limit: int
    :param offset: skip this many (optional, default 0)
    :type offset: int

    :rtype: dictionary with ``count`` and ``results`` (grant dicts as publicdata_access_grant_show, newest first)
    """
    tk.check_access("publicdata_access_grant_list", context, data_dict)
    params = validators.grant_list_params(data_dict)
    user_name = _user_name(context)
    me = model.User.get(user_name) if user_name else None
    query = model.Session.query(Grant)
    scope = _visible_package_scope(user_name) if user_name else set()
    if scope is not None:
        own = Grant.user_id == (me.id if me else "")
        query = query.filter(sa.or_(own, Grant.package_id.in_(scope)) if scope else own)
    if params["package_id"]:
        query = query.filter(Grant.package_id == params["package_id"])
    if params["user_id"]:
        query = query.filter(Grant.user_id == params["user_id"])
    today = grants.local_today()
    status = params["status"]
    if status == "revoked":
        query = query.filter(Grant.status == GRANT_REVOKED)
    elif status == "active":
        query = query.filter(Grant.status == GRANT_ACTIVE, Grant.starts_on <= today, Grant.expires_on >= today)
    elif status == "pending":
        query = query.filter(Grant.status == GRANT_ACTIVE, Grant.starts_on > today)
    elif status == "expired":
        query = query.filter(Grant.status == GRANT_ACTIVE, Grant.expires_on < today)
    count = query.count()
    rows = query.order_by(Grant.created_at.desc()).offset(params["offset"]).limit(params["limit"]).all()
    return {"count": count, "results": [_grant_dict(grant) for grant in rows]}


def publicdata_access_grant_revoke(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Revoke an access grant at once (ACC-9: breach of the agreement or of the rules). The holder is notified;
    the revocation may be published on the dataset page.

    Provider staff (admin or editor of the owning organization), the authority for it and sysadmins may revoke.

    :param id: the grant's id
    :type id: string
    :param reason: why (required; shown to the holder and, if published, on the dataset page)
    :type reason: string
    :param publish_notice: publish a notice of the revocation on the dataset page (optional, default false)
    :type publish_notice: bool

    :rtype: dictionary (the revoked grant, as publicdata_access_grant_show)
    """
    grant_id = validators.required_text(data_dict, "id", "授权编号不能为空 / The grant id is required")
    reason = validators.required_text(data_dict, "reason",
                                      "撤销原因不能为空 / A reason for the revocation is required")
    publish_notice = validators.boolean(data_dict.get("publish_notice"), "publish_notice")
    grant = grants.get_grant(grant_id)
    if grant is None:
        raise tk.ObjectNotFound("授权不存在 / Grant not found")
    context["publicdata_grant"] = grant
    tk.check_access("publicdata_access_grant_revoke", context, data_dict)
    actor = model.User.get(_user_name(context) or "")
    grants.revoke_grant(grant.id, actor.id if actor else None, reason, publish_notice)
    package = model.Package.get(grant.package_id)
    title = package.title if package else grant.package_id
    notifications.notify(
        [grant.user_id], "access_grant_revoked",
        tk._("Your access to \"{dataset}\" was revoked").format(dataset=title),
        tk._("Reason: {reason}").format(reason=reason),
        link=tk.url_for("dataset.read", id=package.name) if package else None,
        object_type="publicdata_access_grant", object_id=grant.id,
    )
    model.Session.commit()
    return _grant_dict(grant)


# --------------------------------------------------------------------------------------------------
# audit

@tk.side_effect_free
def publicdata_access_audit_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """List access-audit events (ACC-10, SEC-4), oldest first: the authority sees those of the agencies it
    supervises (the city authority and sysadmins: all), provider staff those of their organization's datasets.

    :param package_id: only events on this dataset (optional)
    :type package_id: string
    :param user_id: only events by this user (optional)
    :type user_id: string
    :param grant_id: only events under this grant (optional)
    :type grant_id: string
    :param event: only this kind, e.g. ``download``, ``api_call``, ``grant_created``, ``grant_revoked``
        (optional)
    :type event: string
    :param since: events at or after this UTC time (ISO 8601) (optional)
    :type since: string
    :param until: events before this UTC time (ISO 8601) (optional)
    :type until: string
    :param limit: at most this many (optional, default 100, at most 1000)
    :type limit: int
    :param offset: skip this many (optional, default 0)
    :type offset: int

    :rtype: dictionary with ``count`` and ``results`` (seq, event, created_at, user_id, grant_id, package_id,
        resource_id, object_id, ip, bytes, detail, prev_hash, hash)
    """
    tk.check_access("publicdata_access_audit_list", context, data_dict)
    params = validators.audit_list_params(data_dict)
    query = audit_query_for(_user_name(context), params)
    count = query.count()
    rows = query.offset(params["offset"]).limit(params["limit"]).all()
    return {"count": count, "results": [row.dictize() for row in rows]}


def audit_query_for(user_name: Optional[str], params: dict[str, Any]) -> Any:
    """The audit events ``user_name`` may read, filtered by validated ``params`` (used by the export view too)."""
    scope = _visible_package_scope(user_name) if user_name else set()
    package_ids = scope
    if params.get("package_id"):
        package_ids = {params["package_id"]} if scope is None or params["package_id"] in scope else set()
    return audit.query_events(package_ids=package_ids, user_id=params.get("user_id"),
                              grant_id=params.get("grant_id"), event=params.get("event"),
                              since=params.get("since"), until=params.get("until"))


# --------------------------------------------------------------------------------------------------
# chained core actions: every API channel that returns resource URLs

@tk.chained_action
@tk.side_effect_free
def package_search(original_action: Action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Tells the after_dataset_search hook whose search this is (hooks get no context)."""
    token = enforcement.searching_as(_user_name(context))
    try:
        return original_action(context, data_dict)
    finally:
        enforcement.searched(token)


@tk.chained_action
@tk.side_effect_free
def resource_show(original_action: Action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    result = original_action(context, data_dict)
    return enforcement.apply_to_resource(result, _user_name(context))


@tk.chained_action
@tk.side_effect_free
def resource_search(original_action: Action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Resources of denied datasets are left out entirely: a query on ``url`` must not confirm a secret."""
    result = original_action(context, data_dict)
    user_name = _user_name(context)
    kept = []
    for resource in result.get("results") or []:
        decision = enforcement.access_decision(resource.get("package_id") or "", user_name)
        if decision.denial:
            continue
        if decision.via_grant:
            # the holder may not search by the upstream address either
            continue
        kept.append(resource)
    removed = len(result.get("results") or []) - len(kept)
    result["results"] = kept
    result["count"] = max(0, int(result.get("count") or 0) - removed)
    return result


@tk.chained_action
@tk.side_effect_free
def current_package_list_with_resources(original_action: Action, context: Context,
                                        data_dict: DataDict) -> list[dict[str, Any]]:
    result = original_action(context, data_dict)
    user_name = _user_name(context)
    for package_dict in result:
        enforcement.apply_to_package(package_dict, user_name)
    return result


_VIEW_URL_KEYS = ("image_url", "page_url", "url", "video_url", "audio_url")


def _clean_view(view: dict[str, Any], user_name: Optional[str]) -> dict[str, Any]:
    decision = enforcement.access_decision(view.get("package_id") or "", user_name)
    if decision.denial or decision.via_grant:
        for key in _VIEW_URL_KEYS:
            if view.get(key):
                view[key] = ""
    return view


@tk.chained_action
@tk.side_effect_free
def resource_view_show(original_action: Action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    return _clean_view(original_action(context, data_dict), _user_name(context))


@tk.chained_action
@tk.side_effect_free
def resource_view_list(original_action: Action, context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    user_name = _user_name(context)
    return [_clean_view(view, user_name) for view in original_action(context, data_dict)]


# --------------------------------------------------------------------------------------------------
# chained activity actions: the activity plugin stores whole package dicts

def _clean_activity(activity: dict[str, Any], user_name: Optional[str]) -> dict[str, Any]:
    data = activity.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("package"), dict):
        return activity
    package_id = data["package"].get("id") or activity.get("object_id") or ""
    decision = enforcement.access_decision(package_id, user_name)
    if not decision.denial and not decision.via_grant:
        return activity
    cleaned = dict(activity)
    cleaned["data"] = copy.deepcopy(data)
    package = cleaned["data"]["package"]
    if decision.denial:
        for resource in package.get("resources") or []:
            enforcement.hide_resource(resource, decision.denial)
        package["access_denial"] = decision.denial
    else:
        for resource in package.get("resources") or []:
            enforcement.route_through_portal(resource, decision)
    return cleaned


def _activity_list(original_action: Action, context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    user_name = _user_name(context)
    return [_clean_activity(activity, user_name) for activity in original_action(context, data_dict)]


@tk.chained_action
@tk.side_effect_free
def package_activity_list(original_action: Action, context: Context, data_dict: DataDict) -> Any:
    return _activity_list(original_action, context, data_dict)


@tk.chained_action
@tk.side_effect_free
def dashboard_activity_list(original_action: Action, context: Context, data_dict: DataDict) -> Any:
    return _activity_list(original_action, context, data_dict)


@tk.chained_action
@tk.side_effect_free
def user_activity_list(original_action: Action, context: Context, data_dict: DataDict) -> Any:
    return _activity_list(original_action, context, data_dict)


@tk.chained_action
@tk.side_effect_free
def organization_activity_list(original_action: Action, context: Context, data_dict: DataDict) -> Any:
    return _activity_list(original_action, context, data_dict)


@tk.chained_action
@tk.side_effect_free
def group_activity_list(original_action: Action, context: Context, data_dict: DataDict) -> Any:
    return _activity_list(original_action, context, data_dict)


@tk.chained_action
@tk.side_effect_free
def recently_changed_packages_activity_list(original_action: Action, context: Context,
                                            data_dict: DataDict) -> Any:
    return _activity_list(original_action, context, data_dict)


@tk.chained_action
@tk.side_effect_free
def activity_show(original_action: Action, context: Context, data_dict: DataDict) -> Any:
    return _clean_activity(original_action(context, data_dict), _user_name(context))


@tk.chained_action
@tk.side_effect_free
def activity_data_show(original_action: Action, context: Context, data_dict: DataDict) -> Any:
    result = original_action(context, data_dict)
    activity_id = data_dict.get("id")
    from ckanext.activity.model import Activity

    stored = model.Session.get(Activity, activity_id) if activity_id else None
    if stored is None:
        return result
    wrapped = {"object_id": stored.object_id, "data": {"package": result}}
    if data_dict.get("object_type") == "package":
        return _clean_activity(wrapped, _user_name(context))["data"]["package"]
    if isinstance(result, dict) and isinstance(result.get("package"), dict):
        return _clean_activity({"object_id": stored.object_id, "data": result}, _user_name(context))["data"]
    return result


def _diff_lines(obj: Any) -> list[str]:
    return json.dumps(obj, indent=2, sort_keys=True).split("\n")


@tk.chained_action
@tk.side_effect_free
def activity_diff(original_action: Action, context: Context, data_dict: DataDict) -> Any:
    """For a denied user the two versions are cleaned first and the diff is computed again from them."""
    result = original_action(context, data_dict)
    user_name = _user_name(context)
    activities = result.get("activities") or []
    cleaned = [_clean_activity(activity, user_name) for activity in activities]
    if all(new is old for new, old in zip(cleaned, activities)):
        return result
    object_type = data_dict.get("object_type") or "package"
    objs = [activity.get("data", {}).get(object_type, {}) for activity in cleaned]
    diff_type = data_dict.get("diff_type", "unified")
    old_lines, new_lines = (_diff_lines(obj) for obj in objs)
    if diff_type == "context":
        diff = "\n".join(difflib.context_diff(old_lines, new_lines))
    elif diff_type == "html":
        diff = difflib.HtmlDiff(wrapcolumn=70).make_table(old_lines, new_lines)
    else:
        diff = "\n".join(difflib.unified_diff(old_lines, new_lines))
    return {**result, "activities": cleaned, "diff": diff}
