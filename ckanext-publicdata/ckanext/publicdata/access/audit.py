"""The access audit log (ACC-10, SEC-4): append-only, hash-chained, exportable, pruned after the retention period.

Recording (used by enforcement and by the access-workflow part for its decisions)::

    from ckanext.publicdata.access import audit
    audit.record("application_approved", user_id=actor_id, package_id=pkg_id, object_id=request_id,
                 detail={"comment": "..."})

``record(event, *, user_id=None, grant_id=None, package_id=None, resource_id=None, object_id=None, ip=None,
bytes=None, detail=None)`` adds one row to the current session (the caller commits, so the event is stored
together with the decision it records, or not at all). ``ip`` defaults to the current request's client address.
Event names in use: ``grant_created``, ``grant_revoked``, ``download`` (a granted file download, with bytes),
``api_call`` (a granted call through the gateway, with bytes); the workflow part adds its decisions
(e.g. ``application_approved``, ``application_refused``, ``agreement_signed``, ``application_withdrawn``).

Tamper evidence: each row stores ``prev_hash`` (the previous row's hash; 64 zeros for the first row) and
``hash = SHA-256(prev_hash + "\\n" + canonical JSON of the row's content, seq included)``. Writers serialise on a
PostgreSQL transaction-level advisory lock, so the chain never forks. A trigger refuses UPDATE and DELETE; only
:func:`prune` (retention) deletes, the oldest rows first, after saving the last removed row's hash as the anchor
where :func:`verify` starts. ``verify()`` names the first row whose link or hash does not match.
"""
from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.access import enforcement_config
from ckanext.publicdata.access.model.audit import AuditAnchor, AuditEvent

__all__ = [
    "GENESIS_HASH",
    "EXPORT_FORMATS",
    "record",
    "request_ip",
    "row_hash",
    "verify",
    "VerifyResult",
    "export",
    "prune",
    "retention_days",
    "query_events",
]

GENESIS_HASH = "0" * 64
EXPORT_FORMATS = ("csv", "jsonl")
EXPORT_COLUMNS = ("seq", "event", "created_at", "user_id", "grant_id", "package_id", "resource_id", "object_id",
                  "ip", "bytes", "detail", "prev_hash", "hash")
# an arbitrary constant: the advisory lock that serialises audit writers (chain head reads)
_CHAIN_LOCK_KEY = 0x5044_4143  # "PDAC"


def retention_days() -> int:
    return enforcement_config.audit_retention_days()


def request_ip() -> Optional[str]:
    """The client address of the current request (None outside a request)."""
    try:
        from flask import has_request_context, request

        if has_request_context():
            return request.remote_addr
    except RuntimeError:
        pass
    return None


def _canonical_detail(detail: Any) -> str:
    if detail is None:
        return "{}"
    if isinstance(detail, str):
        return detail
    return json.dumps(detail, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _content(seq: int, event: str, created_at: datetime.datetime, user_id: Optional[str],
             grant_id: Optional[str], package_id: Optional[str], resource_id: Optional[str],
             object_id: Optional[str], ip: Optional[str], byte_count: Optional[int], detail: str) -> str:
    return json.dumps({
        "seq": int(seq), "event": event, "created_at": created_at.isoformat(timespec="microseconds"),
        "user_id": user_id, "grant_id": grant_id, "package_id": package_id, "resource_id": resource_id,
        "object_id": object_id, "ip": ip, "bytes": None if byte_count is None else int(byte_count),
        "detail": detail,
    }, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def row_hash(prev_hash: str, row: AuditEvent) -> str:
    """The hash a row must carry given its predecessor's hash."""
    content = _content(row.seq, row.event, row.created_at, row.user_id, row.grant_id, row.package_id,
                       row.resource_id, row.object_id, row.ip, row.bytes, row.detail)
    return hashlib.sha256((prev_hash + "\n" + content).encode("utf-8")).hexdigest()


def _chain_head() -> str:
    last = model.Session.query(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1).scalar()
    if last:
        return last
    anchor = model.Session.get(AuditAnchor, 1)
    return anchor.last_hash if anchor is not None else GENESIS_HASH


def record(event: str, *, user_id: Optional[str] = None, grant_id: Optional[str] = None,
           package_id: Optional[str] = None, resource_id: Optional[str] = None, object_id: Optional[str] = None,
           ip: Optional[str] = None, bytes: Optional[int] = None,  # noqa: A002 - the column's name
           detail: Any = None) -> AuditEvent:
    """Append one event to the log (added to the session; the caller commits). ``user_id`` is who acted."""
    if not event or not isinstance(event, str):
        raise tk.ValidationError({"event": ["审计事件类型不能为空 / The audit event type is required"]})
    session = model.Session
    session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    prev_hash = _chain_head()
    seq = session.execute(sa.text(
        "SELECT nextval(pg_get_serial_sequence('publicdata_access_audit_event', 'seq'))")).scalar_one()
    row = AuditEvent(
        seq=seq, event=event, created_at=datetime.datetime.utcnow(), user_id=user_id, grant_id=grant_id,
        package_id=package_id, resource_id=resource_id, object_id=object_id,
        ip=ip if ip is not None else request_ip(), bytes=bytes, detail=_canonical_detail(detail),
        prev_hash=prev_hash,
    )
    row.hash = row_hash(prev_hash, row)
    session.add(row)
    session.flush()
    return row


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_broken_seq: Optional[int] = None
    problem: Optional[str] = None
    head_hash: Optional[str] = None


def verify(batch_size: int = 5000) -> VerifyResult:
    """Walk the chain from the anchor (or the start); stop at the first row whose link or hash is wrong."""
    anchor = model.Session.get(AuditAnchor, 1, populate_existing=True)
    prev_hash = anchor.last_hash if anchor is not None else GENESIS_HASH
    last_seq = anchor.last_seq if anchor is not None else 0
    checked = 0
    while True:
        # populate_existing: judge what the database holds, never objects cached in the session
        rows = (model.Session.query(AuditEvent).populate_existing().filter(AuditEvent.seq > last_seq)
                .order_by(AuditEvent.seq).limit(batch_size).all())
        if not rows:
            break
        for row in rows:
            if row.prev_hash != prev_hash:
                return VerifyResult(False, checked, row.seq,
                                    "链接断裂：上一条记录的哈希不符（记录被删除或插入）/ broken link: prev_hash does "
                                    "not match the previous row (a row was removed or inserted)", prev_hash)
            if row_hash(prev_hash, row) != row.hash:
                return VerifyResult(False, checked, row.seq,
                                    "内容被篡改：哈希不符 / content altered: the hash does not match", prev_hash)
            prev_hash = row.hash
            last_seq = row.seq
            checked += 1
        for row in rows:
            model.Session.expunge(row)
    return VerifyResult(True, checked, head_hash=prev_hash)


def query_events(*, package_ids: Optional[Iterable[str]] = None, user_id: Optional[str] = None,
                 grant_id: Optional[str] = None, event: Optional[str] = None,
                 since: Optional[datetime.datetime] = None, until: Optional[datetime.datetime] = None) -> Any:
    """A query over the events, oldest first; ``package_ids`` limits to those datasets (None: all)."""
    query = model.Session.query(AuditEvent)
    if package_ids is not None:
        query = query.filter(AuditEvent.package_id.in_(list(package_ids)))
    if user_id:
        query = query.filter(AuditEvent.user_id == user_id)
    if grant_id:
        query = query.filter(AuditEvent.grant_id == grant_id)
    if event:
        query = query.filter(AuditEvent.event == event)
    if since:
        query = query.filter(AuditEvent.created_at >= since)
    if until:
        query = query.filter(AuditEvent.created_at < until)
    return query.order_by(AuditEvent.seq)


def export(rows: Iterable[AuditEvent], fmt: str) -> Iterator[str]:
    """Serialise events as CSV (with a header) or JSON lines, chunk by chunk (hashes included for checking)."""
    if fmt not in EXPORT_FORMATS:
        raise tk.ValidationError({"format": [
            "导出格式只能是 csv 或 jsonl / The export format must be csv or jsonl"]})
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_COLUMNS)
        yield buffer.getvalue()
        for row in rows:
            buffer.seek(0)
            buffer.truncate()
            values = row.dictize()
            writer.writerow(["" if values[column] is None else values[column] for column in EXPORT_COLUMNS])
            yield buffer.getvalue()
    else:
        for row in rows:
            yield json.dumps(row.dictize(), ensure_ascii=False, sort_keys=True) + "\n"


def prune(days: Optional[int] = None, now: Optional[datetime.datetime] = None) -> int:
    """Delete the events older than the retention period (oldest first, a prefix of the chain), keep the last
    removed row's hash as the anchor, commit. Returns the number of rows removed."""
    keep_days = retention_days() if days is None else int(days)
    if keep_days < 0:
        raise tk.ValidationError({"days": ["保留天数不能为负 / The retention period cannot be negative"]})
    cutoff = (now or datetime.datetime.utcnow()) - datetime.timedelta(days=keep_days)
    session = model.Session
    session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    last_old = (session.query(AuditEvent).filter(AuditEvent.created_at < cutoff)
                .order_by(AuditEvent.seq.desc()).first())
    if last_old is None:
        session.commit()
        return 0
    anchor = session.get(AuditAnchor, 1)
    if anchor is None:
        anchor = AuditAnchor(id=1, last_seq=0, last_hash=GENESIS_HASH, pruned_rows=0)
        session.add(anchor)
    anchor.last_seq = last_old.seq
    anchor.last_hash = last_old.hash
    anchor.pruned_at = datetime.datetime.utcnow()
    session.execute(sa.text("SET LOCAL publicdata.audit_prune = 'on'"))
    removed = session.execute(
        sa.delete(AuditEvent).where(AuditEvent.seq <= last_old.seq)).rowcount or 0
    anchor.pruned_rows = int(anchor.pruned_rows or 0) + removed
    session.commit()
    return removed
