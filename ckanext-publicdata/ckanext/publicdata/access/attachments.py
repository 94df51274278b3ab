"""Attachments of applications and identity materials: type checked by content, size capped, stored on disk.

Files go under ``<ckan.storage_path>/publicdata_access/attachments/<id>``; the stored record (id, file name, kind,
size, SHA-256) lives in the owning row's JSON. The file kind is recognised from the first bytes (magic numbers);
a name's extension alone never admits a file.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import uuid
import zipfile
from typing import IO, Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.publicdata.access import workflow_config

__all__ = ["store", "open_stored", "detect_kind", "AttachmentError"]

MIME_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "zip": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd",
}


class AttachmentError(tk.ValidationError):
    def __init__(self, message: str) -> None:
        super().__init__({"attachment": [message]})


def _directory() -> str:
    root = workflow_config.storage_path()
    if not root:
        raise AttachmentError("未配置文件存储路径 / ckan.storage_path is not configured; uploads are unavailable")
    path = os.path.join(root, "publicdata_access", "attachments")
    os.makedirs(path, exist_ok=True)
    return path


def detect_kind(head: bytes, whole: Optional[bytes] = None) -> Optional[str]:
    """The file kind from its content: pdf, png, jpeg, docx, xlsx, ofd, zip — or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        if whole is not None:
            try:
                names = set(zipfile.ZipFile(io.BytesIO(whole)).namelist())
            except zipfile.BadZipFile:
                return None
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "OFD.xml" in names:
                return "ofd"
        return "zip"
    return None


def _safe_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = re.sub(r"[\x00-\x1f/]", "", base)
    return base[:200] or "attachment"


def _read_upload(upload: Any, limit: int) -> tuple[str, bytes]:
    """(file name, bytes) of a werkzeug FileStorage, a cgi-like field, or a (name, bytes) pair."""
    if isinstance(upload, tuple) and len(upload) == 2:
        name, data = upload
        return str(name), bytes(data)[: limit + 1]
    stream: Optional[IO[bytes]] = getattr(upload, "stream", None) or getattr(upload, "file", None)
    name = getattr(upload, "filename", None) or ""
    if stream is None or not name:
        raise AttachmentError("请上传文件 / Please upload a file")
    return name, stream.read(limit + 1)


def store(upload: Any, description: str = "") -> dict[str, Any]:
    """Check and store one upload; returns its record. Raises AttachmentError (bilingual) when refused."""
    limit = workflow_config.attachment_max_bytes()
    name, data = _read_upload(upload, limit)
    if not data:
        raise AttachmentError("上传的文件为空 / The uploaded file is empty")
    if len(data) > limit:
        megabytes = limit // (1024 * 1024)
        raise AttachmentError(f"附件超过 {megabytes} MB 的大小限制 / The attachment exceeds the {megabytes} MB limit")
    kind = detect_kind(data[:16], data)
    allowed = workflow_config.attachment_types()
    if kind is None or kind not in allowed:
        kinds = ", ".join(allowed)
        raise AttachmentError(
            f"不支持的附件类型（按文件内容识别），允许：{kinds} / "
            f"Unsupported attachment type (recognised by content); allowed: {kinds}")
    attachment_id = str(uuid.uuid4())
    path = os.path.join(_directory(), attachment_id)
    with open(path, "wb") as target:
        target.write(data)
    return {
        "id": attachment_id,
        "filename": _safe_name(name),
        "kind": kind,
        "mimetype": MIME_TYPES.get(kind, "application/octet-stream"),
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "description": (description or "").strip()[:500],
    }


def open_stored(record: dict[str, Any]) -> IO[bytes]:
    """The stored bytes of an attachment record (raises FileNotFoundError when gone)."""
    attachment_id = str(record.get("id") or "")
    if not re.fullmatch(r"[0-9a-f-]{36}", attachment_id):
        raise FileNotFoundError(attachment_id)
    return open(os.path.join(_directory(), attachment_id), "rb")
