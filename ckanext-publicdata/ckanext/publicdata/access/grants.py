"""Grants: a user's right to download and call the API of one conditional dataset for a period (ACC-6, ACC-9,
ACC-11). The access-workflow part creates grants when an agreement is signed; enforcement reads them.

Contract used by the workflow part::

    grant_access(package_id, user_id, starts_on, expires_on, *, access_request_id, agreement_id, created_by)
        -> Grant  (added to the session and recorded in the audit log; the caller commits)
    active_grant(user_id, package_id, on=None) -> Grant | None
        (status 'active' and starts_on <= on <= expires_on, ``on`` defaulting to the local (Asia/Shanghai) day:
        expiry needs no job)
    revoke_grant(grant_id, actor_id, reason, publish_notice) -> Grant  (the caller commits)
"""
from __future__ import annotations

import datetime
from typing import Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata import workdays
from ckanext.publicdata.access import audit
from ckanext.publicdata.access.model.grant import GRANT_ACTIVE, GRANT_REVOKED, Grant

__all__ = [
    "grant_access",
    "active_grant",
    "revoke_grant",
    "get_grant",
    "local_today",
    "published_notices",
    "clear_request_cache",
]


def local_today() -> datetime.date:
    return workdays.now_local().date()


def _user_id(user_name_or_id: str) -> Optional[str]:
    user = model.User.get(user_name_or_id)
    return user.id if user is not None else None


def _package_id(package_name_or_id: str) -> Optional[str]:
    package = model.Package.get(package_name_or_id)
    return package.id if package is not None else None


def grant_access(
    package_id: str,
    user_id: str,
    starts_on: datetime.date,
    expires_on: datetime.date,
    *,
    access_request_id: Optional[str] = None,
    agreement_id: Optional[str] = None,
    created_by: Optional[str] = None,
) -> Grant:
    """Give ``user_id`` access to ``package_id`` from ``starts_on`` to ``expires_on`` (local days, both included).

    Ids or names are accepted for the user and the dataset; they are stored as ids. The grant is added to the
    session together with its audit event ('grant_created'); the caller commits.
    Raises ``tk.ValidationError`` (bilingual) for an unknown user or dataset, or a period ending before it starts.
    """
    errors: dict[str, list[str]] = {}
    resolved_package = _package_id(package_id) if package_id else None
    resolved_user = _user_id(user_id) if user_id else None
    if not resolved_package:
        errors["package_id"] = ["数据集不存在 / Dataset not found"]
    if not resolved_user:
        errors["user_id"] = ["用户不存在 / User not found"]
    if not isinstance(starts_on, datetime.date) or not isinstance(expires_on, datetime.date):
        errors["expires_on"] = ["使用期限必须是日期 / The period must be given as dates"]
    elif expires_on < starts_on:
        errors["expires_on"] = ["使用期限结束日期早于开始日期 / The period ends before it starts"]
    if errors:
        raise tk.ValidationError(errors)
    creator = _user_id(created_by) if created_by else None
    grant = Grant(
        package_id=resolved_package,
        user_id=resolved_user,
        access_request_id=access_request_id,
        agreement_id=agreement_id,
        starts_on=starts_on,
        expires_on=expires_on,
        status=GRANT_ACTIVE,
        created_by=creator or created_by,
    )
    model.Session.add(grant)
    model.Session.flush()
    audit.record(
        "grant_created", user_id=creator or created_by, grant_id=grant.id, package_id=grant.package_id,
        object_id=grant.user_id,
        detail={"holder": grant.user_id, "starts_on": starts_on.isoformat(), "expires_on": expires_on.isoformat(),
                "access_request_id": access_request_id, "agreement_id": agreement_id},
    )
    clear_request_cache()
    return grant


def active_grant(user_id: Optional[str], package_id: str, on: Optional[datetime.date] = None) -> Optional[Grant]:
    """The user's grant for the dataset that is active on ``on`` (default: the local day), or None.

    ``user_id`` and ``package_id`` may be ids or names. Among several active grants the one lasting longest wins.
    """
    if not user_id or not package_id:
        return None
    day = on or local_today()
    user_ids = {user_id}
    resolved_user = _user_id(user_id)
    if resolved_user:
        user_ids.add(resolved_user)
    package_ids = {package_id}
    resolved_package = _package_id(package_id)
    if resolved_package:
        package_ids.add(resolved_package)
    return (
        model.Session.query(Grant)
        .filter(Grant.user_id.in_(user_ids))
        .filter(Grant.package_id.in_(package_ids))
        .filter(Grant.status == GRANT_ACTIVE)
        .filter(Grant.starts_on <= day)
        .filter(Grant.expires_on >= day)
        .order_by(Grant.expires_on.desc())
        .first()
    )


def get_grant(grant_id: str) -> Optional[Grant]:
    if not grant_id:
        return None
    return model.Session.get(Grant, grant_id)


def revoke_grant(grant_id: str, actor_id: Optional[str], reason: str, publish_notice: bool = False) -> Grant:
    """End a grant at once (ACC-9): status 'revoked', who, when and why; ``publish_notice`` shows the revocation
    on the dataset page. Recorded in the audit log ('grant_revoked'); the caller commits.

    Raises ``tk.ObjectNotFound`` for an unknown grant, ``tk.ValidationError`` without a reason or when the grant
    is already revoked.
    """
    grant = get_grant(grant_id)
    if grant is None:
        raise tk.ObjectNotFound("授权不存在 / Grant not found")
    reason = (reason or "").strip()
    if not reason:
        raise tk.ValidationError({"reason": ["撤销原因不能为空 / A reason for the revocation is required"]})
    if grant.status == GRANT_REVOKED:
        raise tk.ValidationError({"id": ["该授权已被撤销 / This grant has already been revoked"]})
    actor = _user_id(actor_id) if actor_id else None
    grant.status = GRANT_REVOKED
    grant.revoked_at = datetime.datetime.utcnow()
    grant.revoked_by = actor or actor_id
    grant.revoke_reason = reason
    grant.notice_published = bool(publish_notice)
    model.Session.add(grant)
    model.Session.flush()
    audit.record(
        "grant_revoked", user_id=actor or actor_id, grant_id=grant.id, package_id=grant.package_id,
        object_id=grant.user_id,
        detail={"holder": grant.user_id, "reason": reason, "notice_published": bool(publish_notice)},
    )
    clear_request_cache()
    return grant


def published_notices(package_id: str) -> list[Grant]:
    """Revoked grants of a dataset whose revocation notice is public (newest first)."""
    return (
        model.Session.query(Grant)
        .filter(Grant.package_id == package_id)
        .filter(Grant.status == GRANT_REVOKED)
        .filter(Grant.notice_published.is_(True))
        .order_by(Grant.revoked_at.desc())
        .all()
    )


def clear_request_cache() -> None:
    """Forget the per-request decisions of :mod:`enforcement` after a grant changed."""
    from ckanext.publicdata.access import enforcement

    enforcement.clear_request_cache()
