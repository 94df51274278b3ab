"""Blueprints of the ``publicdata_access`` plugin: enforcement.

* a guard in front of CKAN's resource download and view routes: 403 with a bilingual page when the user is denied;
  a grant holder's download of an uploaded file is streamed here and recorded in the audit log (with bytes);
* ``/api/publicdata/access/resource/<resource_id>``: the gateway through which grant holders reach linked
  resources and APIs of conditional datasets (session or API token), streamed from the upstream with a timeout and
  recorded in the audit log;
* ``/publicdata/access/audit/export``: the audit log as CSV or JSON lines for the authority and providers.
"""
from __future__ import annotations

import datetime
import logging
import os
from typing import Any, Iterator, Optional
from urllib.parse import quote

import requests
from flask import Blueprint, Response, request, stream_with_context

import ckan.lib.uploader as uploader
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.access import audit, enforcement, enforcement_config

log = logging.getLogger(__name__)

publicdata_access_enforcement = Blueprint("publicdata_access_enforcement", __name__)

__all__ = ["publicdata_access_enforcement"]

DOWNLOAD_ENDPOINTS = frozenset({"dataset_resource.download", "resource.download"})
VIEW_ENDPOINTS = frozenset({"dataset_resource.view", "resource.view", "dataset_resource.views", "resource.views"})
_FORWARDED_REQUEST_HEADERS = ("Accept", "Accept-Language", "Content-Type")
_RELAYED_RESPONSE_HEADERS = ("Content-Type", "Content-Disposition", "Last-Modified", "ETag")
_CHUNK = 64 * 1024

DENIAL_MESSAGES = {
    "conditional": ("该数据为有条件开放数据，需申请并获批准后在使用期限内访问",
                    "This is conditionally open data: apply for access; it is available during an approved period"),
    "suspended": ("该数据因权益申诉或数据安全风险处理暂停开放", "Access to this data is suspended while a rights complaint or a data-security risk is handled"),
    "not_open": ("该数据不予开放", "This data is not open"),
}


def denial_message(denial: str) -> tuple[str, str]:
    return DENIAL_MESSAGES.get(denial, ("无权访问该数据", "Access to this data is restricted"))


def _denied_page(denial: str, package_name: Optional[str]) -> Response:
    zh, en = denial_message(denial)
    body = tk.render("publicdata/access_enforcement/denied.html", {
        "denial": denial, "message_zh": zh, "message_en": en, "package_name": package_name})
    return Response(body, status=403, mimetype="text/html")


def _api_error(status: int, zh: str, en: str, denial: Optional[str] = None) -> Response:
    payload = {"success": False, "error": {"__type": "Authorization Error" if status == 403 else "Error",
                                           "message": f"{zh} / {en}"}}
    if denial:
        payload["error"]["access_denial"] = denial
    return Response(_json(payload), status=status, mimetype="application/json")


def _json(payload: Any) -> str:
    import json

    return json.dumps(payload, ensure_ascii=False)


def _record_and_commit(event: str, resource: model.Resource, decision: enforcement.AccessDecision,
                       user_name: Optional[str], byte_count: Optional[int], detail: dict[str, Any]) -> None:
    user = model.User.get(user_name) if user_name else None
    try:
        audit.record(event, user_id=user.id if user else None, grant_id=decision.grant_id,
                     package_id=resource.package_id, resource_id=resource.id, bytes=byte_count,
                     detail={**detail, "via": _via(decision)})
        model.Session.commit()
    except Exception:  # the audit row must never be half written; the user's request already succeeded
        model.Session.rollback()
        log.exception("could not record the audit event %s for resource %s", event, resource.id)
        raise


def _via(decision: enforcement.AccessDecision) -> str:
    if decision.via_grant:
        return "grant"
    if decision.privileged:
        return "privileged"
    return "open"


def _upload_path(resource: model.Resource) -> Optional[str]:
    resource_dict = {"id": resource.id, "url": resource.url, "url_type": resource.url_type}
    upload = uploader.get_resource_uploader(resource_dict)
    path = upload.get_path(resource.id) if hasattr(upload, "get_path") else None
    return path if path and os.path.isfile(path) else None


def _stream_file(path: str, filename: Optional[str], mimetype: Optional[str]) -> Response:
    def chunks() -> Iterator[bytes]:
        with open(path, "rb") as handle:
            while True:
                block = handle.read(_CHUNK)
                if not block:
                    break
                yield block

    response = Response(chunks(), mimetype=mimetype or "application/octet-stream", direct_passthrough=True)
    response.headers["Content-Length"] = str(os.path.getsize(path))
    response.headers["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(
        filename or os.path.basename(path))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _guard_resource_routes() -> Optional[Response]:
    """Runs before every request; acts only on the resource download and view routes."""
    endpoint = request.endpoint or ""
    if endpoint not in DOWNLOAD_ENDPOINTS and endpoint not in VIEW_ENDPOINTS:
        return None
    resource_id = (request.view_args or {}).get("resource_id") or ""
    resource = model.Resource.get(resource_id)
    if resource is None or resource.state != "active":
        return None  # the core view answers 404
    user_name = enforcement.current_user_name()
    decision = enforcement.access_decision(resource.package_id, user_name)
    package = model.Package.get(resource.package_id)
    if decision.denial:
        return _denied_page(decision.denial, package.name if package else None)
    if endpoint in VIEW_ENDPOINTS or not decision.restricted or decision.privileged:
        return None
    # a grant holder's download: uploads are streamed and recorded here, links go through the gateway
    if resource.url_type == "upload":
        path = _upload_path(resource)
        if path is None:
            return None
        size = os.path.getsize(path)
        _record_and_commit("download", resource, decision, user_name, size, {"channel": "download"})
        filename = (request.view_args or {}).get("filename") or os.path.basename(resource.url or "") or None
        return _stream_file(path, filename, resource.mimetype)
    return tk.redirect_to(enforcement.gateway_url(resource.id))


@publicdata_access_enforcement.before_app_request
def _before_request() -> Optional[Response]:
    return _guard_resource_routes()


@publicdata_access_enforcement.route("/api/publicdata/access/resource/<resource_id>", methods=["GET", "POST"])
def resource_gateway(resource_id: str) -> Response:
    """Relay a linked resource or API of a restricted dataset to a user allowed to use it, and record the call."""
    resource = model.Resource.get(resource_id)
    if resource is None or resource.state != "active":
        return _api_error(404, "资源不存在", "Resource not found")
    user_name = enforcement.current_user_name()
    decision = enforcement.access_decision(resource.package_id, user_name)
    if decision.denial:
        zh, en = denial_message(decision.denial)
        if not user_name:
            zh, en = "请先登录（或使用 API 令牌）。" + zh, "Log in (or use an API token). " + en
        return _api_error(403, zh, en, decision.denial)
    if resource.url_type == "upload":
        path = _upload_path(resource)
        if path is None:
            return _api_error(404, "文件不存在", "File not found")
        size = os.path.getsize(path)
        _record_and_commit("download", resource, decision, user_name, size, {"channel": "gateway"})
        return _stream_file(path, os.path.basename(resource.url or "") or None, resource.mimetype)
    upstream_url = resource.url or ""
    if not upstream_url.lower().startswith(("http://", "https://")):
        return _api_error(404, "该资源没有可访问的地址", "This resource has no address to call")
    timeout = enforcement_config.gateway_timeout()
    headers = {name: request.headers[name] for name in _FORWARDED_REQUEST_HEADERS if name in request.headers}
    try:
        upstream = requests.request(
            request.method, upstream_url, params=request.args, headers=headers,
            data=request.get_data() if request.method == "POST" else None,
            stream=True, timeout=(timeout, timeout), allow_redirects=True)
    except requests.Timeout:
        return _api_error(504, "数据接口响应超时", "The data service did not answer in time")
    except requests.RequestException as error:
        log.warning("gateway call to resource %s failed: %s", resource.id, error)
        return _api_error(502, "数据接口暂时无法访问", "The data service cannot be reached")
    max_bytes = enforcement_config.gateway_max_bytes()
    record_args = (resource, decision, user_name)
    detail = {"channel": "gateway", "method": request.method, "status": upstream.status_code,
              "query": request.query_string.decode("utf-8", "replace")[:500]}

    def relay() -> Iterator[bytes]:
        sent = 0
        truncated = False
        try:
            for block in upstream.iter_content(_CHUNK):
                if max_bytes and sent + len(block) > max_bytes:
                    truncated = True
                    break
                sent += len(block)
                yield block
        finally:
            upstream.close()
            _record_and_commit("api_call", *record_args, sent, {**detail, "truncated": truncated})

    response = Response(stream_with_context(relay()), status=upstream.status_code)
    for name in _RELAYED_RESPONSE_HEADERS:
        if name in upstream.headers:
            response.headers[name] = upstream.headers[name]
    response.headers["Cache-Control"] = "private, no-store"
    return response


@publicdata_access_enforcement.route("/publicdata/access/audit/export")
def audit_export() -> Response:
    """The audit events the user may read (as publicdata_access_audit_list), as CSV or JSON lines."""
    from ckanext.publicdata.access.logic import enforcement_validators as validators
    from ckanext.publicdata.access.logic.enforcement_action import audit_query_for

    user_name = enforcement.current_user_name()
    context = {"user": user_name or ""}
    try:
        tk.check_access("publicdata_access_audit_list", context, {})
        params = validators.audit_list_params(dict(request.args))
        fmt = request.args.get("format") or "csv"
        chunks = audit.export(audit_query_for(user_name, params).yield_per(500), fmt)
        first = next(chunks, "")
    except tk.NotAuthorized:
        return _api_error(403, "无权导出审计日志", "You may not export the audit log")
    except tk.ValidationError as error:
        return _api_error(409, "参数错误", "Invalid parameters: " + _json(error.error_dict))

    def body() -> Iterator[str]:
        yield first
        yield from chunks

    stamp = datetime.datetime.utcnow().strftime("%Y%m%dT%H%M%SZ")
    mimetype = "text/csv" if fmt == "csv" else "application/x-ndjson"
    response = Response(stream_with_context(body()), mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename=\"access-audit-{stamp}.{fmt}\""
    return response
