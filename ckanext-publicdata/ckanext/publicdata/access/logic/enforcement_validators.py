"""Validators of the ``publicdata_access`` plugin: enforcement. Each raises ``tk.ValidationError`` with a bilingual
message (中文 / English)."""
from __future__ import annotations

import datetime
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.access.model.grant import GRANT_STATUSES

# helpers called by the actions; none are registered as scheming/navl validators
__all__: list[str] = []

GRANT_LIST_STATUSES = ("all", "pending", "expired", *GRANT_STATUSES)


def required_text(data_dict: dict[str, Any], field: str, message: str) -> str:
    value = data_dict.get(field)
    if not isinstance(value, str) or not value.strip():
        raise tk.ValidationError({field: [message]})
    return value.strip()


def boolean(value: Any, field: str) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise tk.ValidationError({field: ["必须是 true 或 false / Must be true or false"]})


def bounded_int(value: Any, field: str, default: int, maximum: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise tk.ValidationError({field: ["必须是非负整数 / Must be a non-negative integer"]})
    if number < 0:
        raise tk.ValidationError({field: ["必须是非负整数 / Must be a non-negative integer"]})
    return min(number, maximum)


def _optional_user_id(value: Any, field: str) -> Optional[str]:
    if not value:
        return None
    user = model.User.get(str(value))
    if user is None:
        raise tk.ValidationError({field: ["用户不存在 / User not found"]})
    return user.id


def _optional_package_id(value: Any, field: str) -> Optional[str]:
    if not value:
        return None
    package = model.Package.get(str(value))
    if package is None:
        raise tk.ValidationError({field: ["数据集不存在 / Dataset not found"]})
    return package.id


def _optional_datetime(value: Any, field: str) -> Optional[datetime.datetime]:
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise tk.ValidationError({field: [
            "时间格式应为 ISO 8601，如 2026-01-31T08:00:00 / Use an ISO 8601 time, e.g. 2026-01-31T08:00:00"]})
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return moment


def grant_list_params(data_dict: dict[str, Any]) -> dict[str, Any]:
    status = (data_dict.get("status") or "all").strip() if isinstance(data_dict.get("status") or "all", str) \
        else data_dict.get("status")
    if status not in GRANT_LIST_STATUSES:
        raise tk.ValidationError({"status": [
            "状态只能是 all、active、pending、expired 或 revoked / "
            "Status must be one of all, active, pending, expired, revoked"]})
    return {
        "package_id": _optional_package_id(data_dict.get("package_id"), "package_id"),
        "user_id": _optional_user_id(data_dict.get("user_id"), "user_id"),
        "status": status,
        "limit": bounded_int(data_dict.get("limit"), "limit", 50, 1000),
        "offset": bounded_int(data_dict.get("offset"), "offset", 0, 10**9),
    }


def audit_list_params(data_dict: dict[str, Any]) -> dict[str, Any]:
    params = {
        "package_id": _optional_package_id(data_dict.get("package_id"), "package_id"),
        "user_id": _optional_user_id(data_dict.get("user_id"), "user_id"),
        "grant_id": (str(data_dict["grant_id"]).strip() if data_dict.get("grant_id") else None),
        "event": (str(data_dict["event"]).strip() if data_dict.get("event") else None),
        "since": _optional_datetime(data_dict.get("since"), "since"),
        "until": _optional_datetime(data_dict.get("until"), "until"),
        "limit": bounded_int(data_dict.get("limit"), "limit", 100, 1000),
        "offset": bounded_int(data_dict.get("offset"), "offset", 0, 10**9),
    }
    if params["since"] and params["until"] and params["until"] <= params["since"]:
        raise tk.ValidationError({"until": ["结束时间须晚于开始时间 / 'until' must be after 'since'"]})
    return params
