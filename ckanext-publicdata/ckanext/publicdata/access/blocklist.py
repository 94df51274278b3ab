"""The credit blocklist (ACC-2; BZ-R 14 (二)): 失信被执行人, 严重违法失信 and other serious dishonesty lists.

The authority imports the lists from CSV (columns ``identity_number, name, list_type, reason, source, listed_on``;
Chinese headers 证件号码/统一社会信用代码, 名称, 名单类型, 原因, 来源, 列入日期 work too) and edits entries one by one.
``ICreditBlocklist`` implementations are asked as well.
"""
from __future__ import annotations

import csv
import datetime
import io
import logging
from typing import Any, Optional

import ckan.model as model
import ckan.plugins as p

from ckanext.publicdata.access.interfaces import ICreditBlocklist
from ckanext.publicdata.access.model.blocklist import LIST_TYPES, BlocklistEntry
from ckanext.publicdata.catalog import credit_code, pii

log = logging.getLogger(__name__)

__all__ = ["check", "listed_entry", "parse_csv", "entry_errors", "LIST_TYPE_LABELS", "refusal_message"]

LIST_TYPE_LABELS = {
    "dishonest_person": ("失信被执行人名单", "list of dishonest persons subject to enforcement"),
    "serious_violation": ("严重违法失信名单", "list of serious violations of law and trust"),
    "other": ("其他严重失信情形", "other serious dishonesty"),
}

_HEADER_ALIASES = {
    "identity_number": "identity_number", "证件号码": "identity_number", "统一社会信用代码": "identity_number",
    "身份证号码": "identity_number", "number": "identity_number",
    "name": "name", "名称": "name", "姓名": "name",
    "list_type": "list_type", "名单类型": "list_type", "type": "list_type",
    "reason": "reason", "原因": "reason", "列入原因": "reason",
    "source": "source", "来源": "source",
    "listed_on": "listed_on", "列入日期": "listed_on",
}
_LIST_TYPE_ALIASES = {
    "失信被执行人": "dishonest_person", "失信被执行人名单": "dishonest_person",
    "严重违法失信": "serious_violation", "严重违法失信名单": "serious_violation",
    "严重违法失信企业名单": "serious_violation", "其他": "other", "其他严重失信情形": "other",
}


def entry_errors(fields: dict[str, Any]) -> dict[str, list[str]]:
    """Bilingual errors of one entry's fields (number checked by its check digit / character)."""
    errors: dict[str, list[str]] = {}
    number = credit_code.normalise(str(fields.get("identity_number") or ""))
    if not number:
        errors["identity_number"] = ["证件号码不能为空 / The ID number or credit code is required"]
    elif not (pii.is_valid_id_number(number) or credit_code.is_valid_unified_credit_code(number)):
        errors["identity_number"] = [
            "不是有效的身份证号码或统一社会信用代码 / Not a valid ID number or unified social credit code"]
    if fields.get("list_type") not in LIST_TYPES:
        errors["list_type"] = [
            "名单类型须为 dishonest_person、serious_violation 或 other / "
            "The list type must be dishonest_person, serious_violation or other"]
    listed_on = fields.get("listed_on")
    if listed_on and not isinstance(listed_on, datetime.date):
        try:
            datetime.date.fromisoformat(str(listed_on))
        except ValueError:
            errors["listed_on"] = ["列入日期须为 YYYY-MM-DD / The listing date must be YYYY-MM-DD"]
    return errors


def parse_csv(data: bytes) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows of a blocklist CSV (UTF-8, UTF-8 with BOM or GB18030) and bilingual per-line errors."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return [], ["文件编码无法识别（请用 UTF-8） / Unrecognised encoding (use UTF-8)"]
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        return [], ["文件为空 / The file is empty"]
    columns = [_HEADER_ALIASES.get(name.strip().lower(), _HEADER_ALIASES.get(name.strip())) for name in header]
    if "identity_number" not in columns:
        return [], ["缺少证件号码列（identity_number） / The identity_number column is missing"]
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for line_number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        row = {column: cell.strip() for column, cell in zip(columns, record) if column}
        row["list_type"] = _LIST_TYPE_ALIASES.get(row.get("list_type", ""), row.get("list_type") or "dishonest_person")
        row["identity_number"] = credit_code.normalise(row.get("identity_number", ""))
        errors = entry_errors(row)
        if errors:
            messages = "; ".join(message for field_errors in errors.values() for message in field_errors)
            problems.append(f"第 {line_number} 行 / line {line_number}: {messages}")
            continue
        rows.append(row)
    return rows, problems


def listed_entry(identity_number: str) -> Optional[BlocklistEntry]:
    number = credit_code.normalise(identity_number)
    return (model.Session.query(BlocklistEntry)
            .filter(BlocklistEntry.identity_number == number)
            .order_by(BlocklistEntry.created).first())


def check(identity_number: str, applicant_type: str) -> Optional[dict[str, Any]]:
    """None when the applicant is on no list; otherwise the hit (list_type, reason, source)."""
    entry = listed_entry(identity_number)
    if entry is not None:
        return {"list_type": entry.list_type, "reason": entry.reason, "source": entry.source or "portal"}
    number = credit_code.normalise(identity_number)
    for implementation in p.PluginImplementations(ICreditBlocklist):
        try:
            hit = implementation.credit_blocklist_hit(number, applicant_type)
        except Exception:
            log.exception("credit blocklist %r failed", implementation)
            continue
        if hit:
            return hit
    return None


def refusal_message(hit: dict[str, Any]) -> str:
    zh, en = LIST_TYPE_LABELS.get(hit.get("list_type") or "", ("信用名单", "a credit list"))
    reason = hit.get("reason") or ""
    return (f"申请主体被列入{zh}，不能申请有条件开放数据{('（原因：' + reason + '）') if reason else ''} / "
            f"The applicant is on the {en} and cannot apply for conditionally open data"
            f"{(' (reason: ' + reason + ')') if reason else ''}")
