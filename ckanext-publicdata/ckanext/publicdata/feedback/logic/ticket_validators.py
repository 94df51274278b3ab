"""Validators of the ``publicdata_feedback`` plugin: ticket.

:func:`clean_filing` checks a whole filing at once and reports every problem in one bilingual
``ValidationError`` (一次性告知). Text is kept as typed (minus control characters) and escaped wherever it is shown.
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog import values
from ckanext.publicdata.feedback import kinds as kind_registry
from ckanext.publicdata.feedback.kinds import Kind
from ckanext.publicdata import workdays

__all__ = ["publicdata_feedback_kind"]

TITLE_MAX = 200
BODY_MAX = 5000
PHONE_PATTERN = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8})$")
EMAIL_PATTERN = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_URL = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)


def publicdata_feedback_kind(value: Any) -> str:
    """A known ticket kind (for schemas)."""
    return kind_registry.kind(str(value or "")).name


def clean_text(value: Any) -> str:
    """Strip, normalise to NFC and drop control characters other than newlines and tabs."""
    text = unicodedata.normalize("NFC", str(value or ""))
    text = "".join(char for char in text if char in "\n\t" or unicodedata.category(char) != "Cc")
    return text.strip()


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _package(name_or_id: str) -> Optional[model.Package]:
    package = model.Package.get(name_or_id) if name_or_id else None
    if package is None or package.state != "active" or package.type != "dataset":
        return None
    return package


def _can_read(package: model.Package, user_name: Optional[str]) -> bool:
    try:
        tk.check_access("package_show", {"user": user_name or ""}, {"id": package.id})
    except tk.NotAuthorized:
        return False
    return True


def _dataset_refs(raw: Any) -> list[str]:
    """Dataset names, ids or page links, given as a list, a JSON list or text separated by spaces or commas."""
    items = raw if isinstance(raw, list) else values.as_list(raw)
    refs: list[str] = []
    for item in items:
        for part in re.split(r"[\s,，;；]+", str(item or "")):
            part = part.strip()
            if "/dataset/" in part:
                part = part.split("/dataset/", 1)[1].split("/")[0].split("?")[0].split("#")[0]
            if part:
                refs.append(part)
    return refs


def _detail_value(definition: Kind, field: kind_registry.Field, raw: Any, user_name: Optional[str],
                  errors: dict[str, list[str]]) -> Any:
    label_en = field.label
    key = field.name
    if field.input == "datasets":
        names = _dataset_refs(raw)
        resolved = []
        for name in names:
            package = _package(str(name).strip())
            if package is None or not _can_read(package, user_name):
                _add(errors, key, f"数据集不存在：{name} / No such dataset: {name}")
            else:
                resolved.append(package.id)
        if field.required and not names:
            _add(errors, key, f"请选择使用的数据集 / {label_en} is required")
        return list(dict.fromkeys(resolved))
    text = clean_text(raw)
    if not text:
        if field.required:
            _add(errors, key, f"{tk._(label_en)}不能为空 / {label_en} is required")
        return None
    if len(text) > field.max_length:
        _add(errors, key, f"{tk._(label_en)}过长（最多 {field.max_length} 字） / {label_en} is too long "
                          f"(at most {field.max_length} characters)")
    if field.input == "select":
        allowed = [choice for choice, _label in field.choices]
        if text not in allowed:
            _add(errors, key, f"{tk._(label_en)}取值无效：{text} / Invalid {label_en}: {text} "
                              f"(one of {', '.join(allowed)})")
    elif field.input == "date":
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            _add(errors, key, f"日期格式应为 YYYY-MM-DD：{text} / Dates are YYYY-MM-DD: {text}")
            return text
        if day > workdays.now_local().date():
            _add(errors, key, f"日期不能晚于今天：{text} / The date cannot be in the future: {text}")
        return day.isoformat()
    elif field.input == "url" and not _URL.match(text):
        _add(errors, key, "链接应以 http:// 或 https:// 开头 / The link must start with http:// or https://")
    return text


def clean_filing(data_dict: dict[str, Any], user_name: Optional[str]) -> tuple[Kind, dict[str, Any]]:
    """Validate a filing; return the kind and the cleaned fields for :func:`tickets.file_ticket`."""
    definition = kind_registry.kind(str(data_dict.get("kind") or ""))
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {}

    title = clean_text(data_dict.get("title"))
    body = clean_text(data_dict.get("body"))
    if not title:
        _add(errors, "title", "标题不能为空 / A title is required")
    elif len(title) > TITLE_MAX:
        _add(errors, "title", f"标题过长（最多 {TITLE_MAX} 字） / The title is too long (at most {TITLE_MAX})")
    if not body:
        _add(errors, "body", "内容不能为空 / A description is required")
    elif len(body) > BODY_MAX:
        _add(errors, "body", f"内容过长（最多 {BODY_MAX} 字） / The description is too long (at most {BODY_MAX})")
    fields["title"], fields["body"] = title, body

    # the dataset (and resource) it is about, and so the responsible provider
    package_ref = clean_text(data_dict.get("package_id"))
    resource_ref = clean_text(data_dict.get("resource_id"))
    if definition.dataset == "none":
        package_ref = resource_ref = ""
    elif definition.dataset == "required" and not package_ref:
        _add(errors, "package_id", "请指明所涉及的数据集 / Say which dataset this is about")
    if package_ref:
        package = _package(package_ref)
        if package is None or not _can_read(package, user_name):
            _add(errors, "package_id", f"数据集不存在：{package_ref} / No such dataset: {package_ref}")
        else:
            fields["package_id"] = package.id
            fields["organization_id"] = package.owner_org
            if resource_ref:
                resource = model.Resource.get(resource_ref)
                if resource is None or resource.package_id != package.id or resource.state != "active":
                    _add(errors, "resource_id", f"该数据集中没有此资源：{resource_ref} / The dataset has no "
                                                f"resource {resource_ref}")
                else:
                    fields["resource_id"] = resource.id
    elif resource_ref:
        _add(errors, "resource_id", "指明资源时须同时指明数据集 / A resource needs its dataset")

    # contact: required from anonymous filers (so they can be answered), optional otherwise
    contact_name = clean_text(data_dict.get("contact_name"))
    contact_phone = clean_text(data_dict.get("contact_phone")).replace(" ", "")
    contact_email = clean_text(data_dict.get("contact_email"))
    if not user_name:
        if not contact_name:
            _add(errors, "contact_name", "匿名提交须留联系人姓名 / Anonymous filers must give a contact name")
        if not (contact_phone or contact_email):
            _add(errors, "contact_phone", "匿名提交须留联系电话或电子邮箱 / Anonymous filers must give a phone "
                                          "number or an e-mail address")
    if len(contact_name) > 100:
        _add(errors, "contact_name", "联系人姓名过长 / The contact name is too long")
    if contact_phone and not PHONE_PATTERN.match(contact_phone):
        _add(errors, "contact_phone", f"电话号码格式无效：{contact_phone} / Invalid phone number: {contact_phone}")
    if contact_email and (len(contact_email) > 254 or not EMAIL_PATTERN.match(contact_email)):
        _add(errors, "contact_email", f"电子邮箱格式无效：{contact_email} / Invalid e-mail address: {contact_email}")
    fields.update(contact_name=contact_name or None, contact_phone=contact_phone or None,
                  contact_email=contact_email or None)

    # kind-specific fields, given flat or inside "details"
    raw_details = data_dict.get("details") or {}
    if not isinstance(raw_details, dict):
        _add(errors, "details", "details 应为对象 / details must be an object")
        raw_details = {}
    details: dict[str, Any] = {}
    for field in definition.fields:
        raw = raw_details.get(field.name, data_dict.get(field.name))
        value = _detail_value(definition, field, raw, user_name, errors)
        if value not in (None, "", []):
            details[field.name] = value
    fields["details"] = details

    if errors:
        raise tk.ValidationError(errors)
    return definition, fields
