"""Attachments filed with a ticket: type decided by the file's magic bytes (never its name or the client's claim),
size limited by ``ckanext.publicdata.feedback.attachment_max_mb``, count by ``...attachment_max_count``.

Accepted: PDF, PNG, JPEG, GIF, Office Open XML documents and workbooks (docx, xlsx), and UTF-8 text/CSV.
Files are stored in the database with the ticket, so a rejected filing leaves nothing behind.
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import io
import os
import zipfile
from typing import Any, Iterable, Optional

import ckan.plugins.toolkit as tk

__all__ = ["IncomingFile", "sniff_mimetype", "max_bytes", "max_count", "read_incoming", "ALLOWED_LABEL"]

ALLOWED_LABEL = "PDF, PNG, JPEG, GIF, DOCX, XLSX, TXT, CSV"


@dataclasses.dataclass(frozen=True)
class IncomingFile:
    filename: str
    content: bytes
    mimetype: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def max_bytes() -> int:
    try:
        megabytes = float(tk.config.get("ckanext.publicdata.feedback.attachment_max_mb", 10))
    except (TypeError, ValueError):
        megabytes = 10
    return int(megabytes * 1024 * 1024)


def max_count() -> int:
    try:
        return max(int(tk.config.get("ckanext.publicdata.feedback.attachment_max_count", 5)), 0)
    except (TypeError, ValueError):
        return 5


def _office_type(content: bytes) -> Optional[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if any(name.startswith("xl/") for name in names):
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def sniff_mimetype(content: bytes) -> Optional[str]:
    """The accepted type of ``content`` by its leading bytes, or None when it is not an accepted type."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if content.startswith(b"PK\x03\x04"):
        return _office_type(content)
    if content and b"\x00" not in content[:8192]:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
        if "<" in text and any(tag in text.lower() for tag in ("<script", "<html", "<svg", "<?xml", "<!doctype")):
            return None  # markup is not text: it could run in a browser
        return "text/plain"
    return None


def _safe_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    cleaned = "".join(char for char in base if char.isprintable() and char not in '<>:"/\\|?*')
    return cleaned[:200] or "attachment"


def _read_one(raw: Any) -> tuple[str, bytes]:
    """Accept an uploaded file (werkzeug FileStorage or any object with ``read``) or a JSON dict
    ``{"filename": ..., "content_base64": ...}``."""
    if isinstance(raw, dict):
        try:
            content = base64.b64decode(raw.get("content_base64") or "", validate=True)
        except (binascii.Error, ValueError):
            raise tk.ValidationError({"attachments": [
                "附件内容不是有效的 Base64 编码 / The attachment content is not valid Base64"]}) from None
        return str(raw.get("filename") or ""), content
    if hasattr(raw, "read"):
        limit = max_bytes()
        content = raw.read(limit + 1)
        return str(getattr(raw, "filename", "") or ""), content
    raise tk.ValidationError({"attachments": [
        "附件格式无效：请上传文件 / Invalid attachment: upload a file"]})


def read_incoming(raws: Iterable[Any]) -> list[IncomingFile]:
    """Check every attachment; raise one ValidationError listing every problem (一次性告知)."""
    items = [raw for raw in raws if raw not in (None, "")]
    items = [raw for raw in items if not (hasattr(raw, "filename") and not getattr(raw, "filename", None))]
    errors: list[str] = []
    limit_count = max_count()
    if len(items) > limit_count:
        raise tk.ValidationError({"attachments": [
            f"附件过多：最多 {limit_count} 个 / Too many attachments: at most {limit_count}"]})
    limit = max_bytes()
    megabytes = limit / (1024 * 1024)
    accepted: list[IncomingFile] = []
    for raw in items:
        filename, content = _read_one(raw)
        name = _safe_name(filename)
        if not content:
            errors.append(f"附件 {name} 为空 / The attachment {name} is empty")
            continue
        if len(content) > limit:
            errors.append(f"附件 {name} 超过 {megabytes:g} MB / The attachment {name} is larger than {megabytes:g} MB")
            continue
        mimetype = sniff_mimetype(content)
        if mimetype is None:
            errors.append(f"附件 {name} 的文件类型不被接受（可接受：{ALLOWED_LABEL}） / "
                          f"The file type of {name} is not accepted (accepted: {ALLOWED_LABEL})")
            continue
        accepted.append(IncomingFile(filename=name, content=content, mimetype=mimetype))
    if errors:
        raise tk.ValidationError({"attachments": errors})
    return accepted
