"""Suspending a dataset's opening (中止开放) and ending the suspension (FB-2 rights complaints, FB-3 leaks).

The public module of the suspension mechanics; the ticket workflow (``feedback.tickets``), the actions, the
plugin hooks and the templates use only what is listed in ``__all__``.

- ``suspend_dataset`` takes effect at once, in the caller's transaction: the row is flushed and the dataset is
  reindexed in the same transaction (the search index lives in the same database), so the next read of any
  channel — even in the same request — sees the dataset suspended. The caller commits.
- While a suspension is in force, every channel refuses the dataset's resources to everyone except the provider
  (members of the owner organization), the open-data authority for it and sysadmins: the ``IResourceGate``
  denial ``"suspended"`` (applied by the access enforcement on package_show URLs, resource_show, downloads,
  previews, the API gateway, activity, DCAT and feeds).
- ``lift_suspension`` ends it with one of the outcomes of BZ-R 22: ``withdrawn`` (撤回数据: the dataset is made
  private, so it leaves the public catalog), ``restored`` (恢复开放) or ``reprocessed`` (处理后再开放: only once
  a resource was replaced, added or removed while suspended; those changes are recorded on the suspension).
- The complainant and the provider are notified of each step (in-site, and by e-mail when configured).
"""
from __future__ import annotations

import datetime
import json
import logging
from typing import Any, Optional

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog import authority
from ckanext.publicdata.feedback.model.suspension import (
    CAUSE_RIGHTS_COMPLAINT,
    CAUSE_SECURITY,
    CAUSES,
    OUTCOME_REPROCESSED,
    OUTCOME_WITHDRAWN,
    OUTCOMES,
    Suspension,
)
from ckanext.publicdata.notifications import service as notifications

log = logging.getLogger(__name__)

__all__ = [
    "DENIAL_SUSPENDED",
    "Suspension",
    "suspend_dataset",
    "lift_suspension",
    "active_suspension",
    "suspensions_in_force",
    "may_bypass",
    "may_handle",
    "public_notice",
    "public_summary",
    "suspension_dict",
    "record_resource_change",
    "reindex_dataset",
    "data_recipients",
]

DENIAL_SUSPENDED = "suspended"
_CACHE_KEY = "_publicdata_suspension_cache"
_IN_FORCE_KEY = "\0in-force"  # the request cache's entry for {package id: suspension id} of every suspension in force


def _bilingual_error(field: str, message: str) -> tk.ValidationError:
    return tk.ValidationError({field: [message]})


def _translate(msgid: str) -> str:
    """``tk._`` when a request/app context exists (the portal shows Chinese by default), the msgid otherwise."""
    try:
        return tk._(msgid)
    except Exception:  # no application context (a CLI run, a background job)
        return msgid


# ------------------------------------------------------------------------------------------ the request cache
def _request_cache() -> Optional[dict[str, Optional[str]]]:
    """package id → id of the suspension in force (or None); one dict per request, None outside requests."""
    try:
        import flask

        if not flask.has_request_context():
            return None
        cache = getattr(flask.g, _CACHE_KEY, None)
        if cache is None:
            cache = {}
            setattr(flask.g, _CACHE_KEY, cache)
        return cache
    except Exception:
        return None


def _forget(package_id: str) -> None:
    """Drop what this request remembered about the dataset (here and in the access decisions)."""
    cache = _request_cache()
    if cache is not None:
        cache.pop(package_id, None)
        cache.pop(_IN_FORCE_KEY, None)
    try:
        from ckanext.publicdata.access.enforcement import clear_request_cache
    except ImportError:  # the access enforcement is not installed
        return
    clear_request_cache()


def active_suspension(package_id: Optional[str]) -> Optional[Suspension]:
    """The suspension in force for the dataset (by id), or None. One indexed query, cached per request."""
    if not package_id:
        return None
    cache = _request_cache()
    if cache is not None and package_id in cache:
        suspension_id = cache[package_id]
        return Suspension.get(suspension_id) if suspension_id else None
    if cache is not None:
        # in a request, one query tells which datasets are suspended at all (a handful, usually none):
        # a page of search results then costs no query per dataset
        in_force = cache.get(_IN_FORCE_KEY)
        if in_force is None:
            in_force = dict(
                model.Session.query(Suspension.package_id, Suspension.id).filter(Suspension.lifted_at.is_(None)).all()
            )
            cache[_IN_FORCE_KEY] = in_force  # type: ignore[assignment]
        if package_id not in in_force:
            cache[package_id] = None
            return None
    suspension = Suspension.in_force_for(package_id)
    if cache is not None:
        cache[package_id] = suspension.id if suspension else None
    return suspension


def suspensions_in_force(package_ids: list[str]) -> dict[str, Suspension]:
    """The suspensions in force among these datasets (one query), and fill the request cache with the answer."""
    ids = [package_id for package_id in package_ids if package_id]
    found = Suspension.in_force_among(ids)
    cache = _request_cache()
    if cache is not None:
        for package_id in ids:
            cache[package_id] = found[package_id].id if package_id in found else None
    return found


# -------------------------------------------------------------------------------------------------- who may
def _user_name(user_id_or_name: Optional[str]) -> Optional[str]:
    if not user_id_or_name:
        return None
    user = model.User.get(user_id_or_name)
    return user.name if user is not None else None


def may_bypass(user_name: Optional[str], owner_org: Optional[str]) -> bool:
    """Whether the user still reaches a suspended dataset's resources: sysadmins, any member of the owner
    organization (the provider) and the open-data authority for it."""
    if not user_name:
        return False
    if authz.is_sysadmin(user_name):
        return True
    if not owner_org:
        return False
    if authz.users_role_for_group_or_org(owner_org, user_name) is not None:
        return True
    return authority.is_authority_for(user_name, owner_org)


def may_handle(user_name: Optional[str], owner_org: Optional[str]) -> bool:
    """Whether the user may suspend a dataset of ``owner_org`` or lift its suspension: the provider's editors
    and admins, the open-data authority for it, sysadmins."""
    if not user_name:
        return False
    if authz.is_sysadmin(user_name):
        return True
    if not owner_org:
        return False
    if authz.users_role_for_group_or_org(owner_org, user_name) in ("admin", "editor"):
        return True
    return authority.is_authority_for(user_name, owner_org)


# ----------------------------------------------------------------------------------------------- public face
def public_notice(suspension: Suspension) -> str:
    """The notice shown to everyone: why in general terms, never who complained or the complaint's text."""
    if suspension.cause == CAUSE_SECURITY:
        return _translate("The opening of this dataset is suspended while a data security check is carried out. "
                          "Its resources are unavailable until the check ends.")
    return _translate("The opening of this dataset is suspended while a rights complaint is verified. "
                      "Its resources are unavailable until the complaint is settled.")


def _iso(value: Optional[datetime.datetime]) -> Optional[str]:
    return value.isoformat() if value is not None else None


def public_summary(suspension: Suspension) -> dict[str, Any]:
    """What package_show and package_search carry (``suspension``): no personal data, no reason text."""
    return {
        "since": _iso(suspension.suspended_at),
        "cause": suspension.cause,
        "notice": public_notice(suspension),
    }


def suspension_dict(suspension: Suspension, full: bool = False) -> dict[str, Any]:
    """A suspension for the API; ``full`` (provider, authority) adds the reason, the people and the ticket."""
    data: dict[str, Any] = {
        "id": suspension.id,
        "package_id": suspension.package_id,
        "owner_org": suspension.owner_org,
        "in_force": suspension.in_force,
        "cause": suspension.cause,
        "notice": public_notice(suspension),
        "suspended_at": _iso(suspension.suspended_at),
        "lifted_at": _iso(suspension.lifted_at),
        "outcome": suspension.outcome,
    }
    if full:
        data.update({
            "ticket_id": suspension.ticket_id,
            "reason": suspension.reason,
            "suspended_by": _user_name(suspension.suspended_by),
            "lifted_by": _user_name(suspension.lifted_by),
            "outcome_note": suspension.outcome_note,
            "changed_resources": suspension.resources_changed(),
        })
    return data


# --------------------------------------------------------------------------------------------------- helpers
def _package(package_id: str) -> model.Package:
    package = model.Package.get(package_id) if package_id else None
    if package is None or package.state == "deleted":
        raise tk.ObjectNotFound("数据集不存在 / Dataset not found")
    return package


def _ticket(ticket_id: Optional[str]) -> Any:
    if not ticket_id:
        return None
    try:
        from ckanext.publicdata.feedback.model.ticket import Ticket
    except ImportError:  # the ticket model is not installed
        return None
    return Ticket.get(ticket_id)


def _dataset_link(package: model.Package) -> str:
    try:
        return tk.url_for("dataset.read", id=package.name, _external=True)
    except Exception:
        return f"{(tk.config.get('ckan.site_url') or '').rstrip('/')}/dataset/{package.name}"


def reindex_dataset(package_id: str) -> None:
    """Index the dataset again inside the current transaction (no commit: the caller's commit keeps both)."""
    from ckan.lib.search import index_for

    context: dict[str, Any] = {"model": model, "ignore_auth": True, "validate": False, "use_cache": False,
                               "for_indexing": True}
    package_dict = tk.get_action("package_show")(context, {"id": package_id})
    index_for("package").update_dict(package_dict, defer_commit=True)


def _notify(user_ids: list[str], kind: str, title: str, body: str, package: model.Package,
            suspension: Suspension) -> None:
    try:
        notifications.notify(user_ids, kind, title, body, link=_dataset_link(package),
                             object_type="dataset_suspension", object_id=suspension.id)
    except Exception as error:  # a notification never undoes the suspension
        log.warning("could not notify about suspension %s: %s", suspension.id, error)


def _audit(event: str, actor_id: Optional[str], suspension: Suspension, detail: dict[str, Any]) -> None:
    """Record the step in the access audit log (SEC-4, tamper-evident) when the access plugin is loaded."""
    import ckan.plugins as p

    if not p.plugin_loaded("publicdata_access"):
        return
    from ckanext.publicdata.access import audit

    audit.record(event, user_id=actor_id, package_id=suspension.package_id, object_id=suspension.id,
                 detail=detail)


def data_recipients(package_id: str) -> list[dict[str, Any]]:
    """Who obtained the dataset's data through recorded channels (FB-3: 数据开发利用行为追溯): per user, the
    granted downloads and API calls in the access audit log, with bytes and first/last time. Downloads of
    unconditionally open data are anonymous by design and not in the log."""
    import ckan.plugins as p

    if not p.plugin_loaded("publicdata_access"):
        return []
    from ckanext.publicdata.access import audit

    per_user: dict[str, dict[str, Any]] = {}
    for event in audit.query_events(package_ids=[package_id]):
        if event.event not in ("download", "api_call") or not event.user_id:
            continue
        row = per_user.setdefault(event.user_id, {
            "user": _user_name(event.user_id) or event.user_id, "downloads": 0, "api_calls": 0, "bytes": 0,
            "first_at": _iso(event.created_at), "last_at": None})
        row["downloads" if event.event == "download" else "api_calls"] += 1
        row["bytes"] += int(event.bytes or 0)
        row["last_at"] = _iso(event.created_at)
    return sorted(per_user.values(), key=lambda row: row["last_at"] or "", reverse=True)


# ------------------------------------------------------------------------------------------------ suspending
def suspend_dataset(package_id: str, ticket_id: Optional[str], actor_id: Optional[str], reason: str,
                    cause: Optional[str] = None) -> Suspension:
    """Suspend the dataset's opening at once (flushed and reindexed in the caller's transaction; no commit).

    :param package_id: the dataset (id or name)
    :param ticket_id: the rights complaint asking for it, or None (a leak found, FB-3)
    :param actor_id: the user suspending (provider staff or authority)
    :param reason: why (kept for the provider and the authority; never public)
    :param cause: ``rights_complaint`` (default with a ticket) or ``security`` (default without)
    :raises ckan.plugins.toolkit.ObjectNotFound: no such dataset
    :raises ckan.plugins.toolkit.ValidationError: already suspended, no reason, unknown cause
    """
    package = _package(package_id)
    reason = (reason or "").strip()
    ticket = _ticket(ticket_id)
    if not reason and ticket is not None:
        reason = f"{ticket.title or ''} ({ticket.reference or ticket.id})".strip()
    if not reason:
        raise _bilingual_error("reason", "中止开放的原因不能为空 / A reason for the suspension is required")
    cause = cause or (CAUSE_RIGHTS_COMPLAINT if ticket_id else CAUSE_SECURITY)
    if cause not in CAUSES:
        raise _bilingual_error("cause", "中止原因类型无效 / Unknown suspension cause")
    if Suspension.in_force_for(package.id) is not None:
        raise _bilingual_error("id", "该数据集已中止开放 / The dataset is already suspended")

    suspension = Suspension(
        package_id=package.id, owner_org=package.owner_org, ticket_id=ticket.id if ticket else ticket_id,
        cause=cause, reason=reason, suspended_by=actor_id, suspended_at=datetime.datetime.utcnow(),
    )
    model.Session.add(suspension)
    model.Session.flush()
    _forget(package.id)
    reindex_dataset(package.id)
    _audit("dataset_suspended", actor_id, suspension, {"cause": cause, "ticket_id": suspension.ticket_id})

    title = _translate("Dataset suspended: {title}").format(title=package.title or package.name)
    body = public_notice(suspension)
    if ticket is not None and ticket.submitter_id:
        _notify([ticket.submitter_id], "feedback_suspension_started", title, body, package, suspension)
    staff = notifications.organization_recipients(package.owner_org or "")
    if cause == CAUSE_SECURITY:
        staff += notifications.authority_recipients()
    _notify([uid for uid in staff if uid != actor_id], "feedback_suspension_started", title,
            f"{body}\n{reason}", package, suspension)
    return suspension


def record_resource_change(package_id: Optional[str], resource: dict[str, Any], change: str) -> bool:
    """Called by the resource hooks: while a dataset is suspended, note each resource created, replaced or
    deleted — the evidence that it was reprocessed before reopening (FB-3). True when something was noted."""
    if not package_id:
        return False
    suspension = Suspension.in_force_for(package_id)
    if suspension is None:
        return False
    changes = suspension.resources_changed()
    changes.append({
        "id": resource.get("id"),
        "name": resource.get("name"),
        "change": change,
        "url": resource.get("url") if change != "deleted" else None,
        "at": datetime.datetime.utcnow().isoformat(),
    })
    suspension.changed_resources = json.dumps(changes, ensure_ascii=False)
    model.Session.add(suspension)
    return True


def lift_suspension(package_id: str, ticket_id: Optional[str], actor_id: Optional[str], outcome: str,
                    note: str = "") -> Suspension:
    """End the dataset's suspension with an outcome (flushed and reindexed in the caller's transaction).

    :param package_id: the dataset (id or name)
    :param ticket_id: the rights complaint being settled; must match the suspension's ticket when it has one
    :param actor_id: the user deciding
    :param outcome: ``withdrawn`` (the dataset is made private), ``restored`` or ``reprocessed`` (needs a
        resource created, replaced or deleted while suspended)
    :param note: the decision, told to the complainant
    :raises ckan.plugins.toolkit.ValidationError: not suspended, unknown outcome, ticket mismatch, nothing
        reprocessed
    """
    package = _package(package_id)
    if outcome not in OUTCOMES:
        raise _bilingual_error(
            "outcome", "处理结果须为撤回数据、恢复开放或处理后再开放 / "
                       "The outcome must be withdrawn, restored or reprocessed")
    suspension = Suspension.in_force_for(package.id)
    if suspension is None:
        raise _bilingual_error("id", "该数据集未中止开放 / The dataset is not suspended")
    ticket = _ticket(ticket_id)
    resolved_ticket_id = ticket.id if ticket is not None else ticket_id
    if suspension.ticket_id and resolved_ticket_id and suspension.ticket_id != resolved_ticket_id:
        raise _bilingual_error(
            "ticket_id", "该中止开放由另一工单发起 / The suspension belongs to another ticket")
    if outcome == OUTCOME_REPROCESSED and not suspension.resources_changed():
        raise _bilingual_error(
            "outcome", "处理后再开放前须先上传新的资源版本 / "
                       "Upload a new resource version before reopening as reprocessed")

    suspension.lifted_at = datetime.datetime.utcnow()
    suspension.lifted_by = actor_id
    suspension.outcome = outcome
    suspension.outcome_note = (note or "").strip() or None
    if outcome == OUTCOME_WITHDRAWN:
        package.private = True  # 撤回数据: out of the public catalog; the provider and the authority keep it
        model.Session.add(package)
    model.Session.add(suspension)
    model.Session.flush()
    _forget(package.id)
    reindex_dataset(package.id)
    _audit("dataset_suspension_lifted", actor_id, suspension,
           {"outcome": outcome, "changed_resources": [change.get("id") for change in suspension.resources_changed()]})

    outcome_text = {
        "withdrawn": _translate("The data has been withdrawn."),
        "restored": _translate("The dataset has been reopened unchanged."),
        "reprocessed": _translate("The data has been reprocessed and the dataset reopened."),
    }[outcome]
    title = _translate("Suspension ended: {title}").format(title=package.title or package.name)
    body = outcome_text + (f"\n{suspension.outcome_note}" if suspension.outcome_note else "")
    complainant = None
    suspension_ticket = ticket if ticket is not None else _ticket(suspension.ticket_id)
    if suspension_ticket is not None:
        complainant = suspension_ticket.submitter_id
    if complainant:
        _notify([complainant], "feedback_suspension_outcome", title, body, package, suspension)
    staff = notifications.organization_recipients(package.owner_org or "")
    _notify([uid for uid in staff if uid not in (actor_id, complainant)], "feedback_suspension_outcome",
            title, body, package, suspension)
    return suspension
