"""Rate limits on filing feedback (issue 6 item 6): per client IP and per user, fixed windows in Redis.

Each filing counts once in the IP's window and, for a signed-in user, once in the user's window; when either
is full the filing is refused with HTTP 429 and a bilingual message that says when to try again. Counting is
atomic (INCR + EXPIRE in one pipeline), so parallel requests cannot slip through. Options (declared in
``config_declaration.yaml``): ``ckanext.publicdata.feedback.rate_limit.per_ip``, ``.per_user``
(filings per window; 0 switches that limit off) and ``.window_seconds``.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

__all__ = ["RateLimitExceeded", "Limits", "limits", "hit", "check_request", "reset_for_tests", "client_ip"]

_PREFIX = "publicdata:feedback:rate"


@dataclasses.dataclass(frozen=True)
class Limits:
    per_ip: int
    per_user: int
    window_seconds: int


class RateLimitExceeded(Exception):
    """Too many filings in the window; ``retry_after`` seconds until the window ends."""

    def __init__(self, scope: str, limit: int, window_seconds: int, retry_after: int) -> None:
        self.scope = scope
        self.limit = limit
        self.window_seconds = window_seconds
        self.retry_after = max(retry_after, 1)
        minutes = max((self.retry_after + 59) // 60, 1)
        who_zh = "此 IP 地址" if scope == "ip" else "此账号"
        who_en = "this IP address" if scope == "ip" else "this account"
        super().__init__(
            f"提交过于频繁：{who_zh}在 {window_seconds // 60} 分钟内最多可提交 {limit} 件，请 {minutes} 分钟后再试 / "
            f"Too many submissions: {who_en} may file at most {limit} in {window_seconds // 60} minutes; "
            f"try again in {minutes} minutes"
        )


def _int_option(key: str, default: int) -> int:
    try:
        return max(int(tk.config.get(key, default)), 0)
    except (TypeError, ValueError):
        return default


def limits() -> Limits:
    return Limits(
        per_ip=_int_option("ckanext.publicdata.feedback.rate_limit.per_ip", 10),
        per_user=_int_option("ckanext.publicdata.feedback.rate_limit.per_user", 20),
        window_seconds=max(_int_option("ckanext.publicdata.feedback.rate_limit.window_seconds", 3600), 1),
    )


def client_ip() -> Optional[str]:
    """The client address of the current request (the WSGI server's view; proxies set REMOTE_ADDR)."""
    from flask import has_request_context, request

    if not has_request_context():
        return None
    return request.remote_addr or None


def _count(key: str, window_seconds: int) -> tuple[int, int]:
    redis = connect_to_redis()
    pipeline = redis.pipeline()
    pipeline.incr(key)
    pipeline.expire(key, window_seconds, nx=True)
    pipeline.ttl(key)
    count, _expire_set, ttl = pipeline.execute()
    return int(count), int(ttl if ttl and ttl > 0 else window_seconds)


def hit(ip: Optional[str], user_id: Optional[str]) -> None:
    """Count one filing; raise :class:`RateLimitExceeded` when the IP's or the user's window is full.

    A refused filing still counts, so hammering does not reset anything.
    """
    current = limits()
    checks: list[tuple[str, str, int]] = []
    if ip and current.per_ip:
        checks.append(("ip", f"{_PREFIX}:ip:{ip}", current.per_ip))
    if user_id and current.per_user:
        checks.append(("user", f"{_PREFIX}:user:{user_id}", current.per_user))
    for scope, key, limit in checks:
        count, ttl = _count(key, current.window_seconds)
        if count > limit:
            raise RateLimitExceeded(scope, limit, current.window_seconds, ttl)


def check_request(user_id: Optional[str]) -> None:
    """Count the current request's filing once (the API hook or the web view may already have counted it).

    Outside a request (CLI, internal calls) nothing is counted: the limits guard the public channels.
    """
    from flask import g, has_request_context

    if not has_request_context() or getattr(g, "publicdata_feedback_rate_counted", False):
        return
    g.publicdata_feedback_rate_counted = True
    hit(client_ip(), user_id)


def reset_for_tests() -> None:
    """Forget every window (tests only)."""
    redis = connect_to_redis()
    for key in redis.scan_iter(f"{_PREFIX}:*"):
        redis.delete(key)
