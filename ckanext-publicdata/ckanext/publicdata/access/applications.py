"""What an application says (ACC-3; SU 20, BZ-R 15): parsing the fields, and what a complete application needs.

A draft may be incomplete; a submitted application has a title, a reason, a type the dataset is opened by
(数据集 → download, 接口 → api), a period of use starting no earlier than today and no longer than the configured
maximum, the form of results, the application scenario, a response to each of the dataset's open conditions
(开放条件) and every commitment (truth, compliance, security, purpose-bound use without passing to third parties).
"""
from __future__ import annotations

import datetime
import json
from typing import Any, Optional

from ckanext.publicdata import workdays
from ckanext.publicdata.access import workflow_config
from ckanext.publicdata.access.model.application import AccessRequest
from ckanext.publicdata.catalog.values import as_list

__all__ = [
    "REQUEST_TYPES", "COMMITMENTS", "TEXT_FIELDS", "parse_fields", "apply_fields", "completeness_errors",
    "dataset_conditions",
]

REQUEST_TYPES = {"dataset": "download", "api": "api"}  # request type → the open method it needs

# SU 20: 承诺应用场景的真实性、合规性、安全性; ACC-7 (SU 20, BZ-M 31): purpose-bound, no third parties
COMMITMENTS: dict[str, tuple[str, str]] = {
    "truth": ("本人（本单位）承诺所填申请材料及应用场景真实、准确",
              "I (we) confirm that the application and its scenario are true and accurate"),
    "compliance": ("承诺依法合规使用数据，遵守开放利用协议",
                   "We will use the data lawfully and keep to the use agreement"),
    "security": ("承诺采取必要的安全防护措施，保障数据安全，发现安全风险和质量问题及时报告",
                 "We will protect the data and report security risks and quality problems found"),
    "purpose_bound": ("承诺数据仅用于本申请所述用途，不以任何形式提供给第三方",
                      "The data is used only for the stated purpose and never passed to third parties"),
}

TEXT_FIELDS = ("title", "reason", "result_form", "scenario")
_MAX_TEXT = {"title": 200, "reason": 5000, "result_form": 1000, "scenario": 5000}


def _date(value: Any) -> Optional[datetime.date]:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip()[:10])


def dataset_conditions(package: dict[str, Any]) -> list[str]:
    """The dataset's open-condition codes (application_scenario, use_feedback, …), in order."""
    return [str(code) for code in as_list(package.get("open_conditions")) if code]


def _responses(data_dict: dict[str, Any]) -> Optional[dict[str, str]]:
    """condition_responses as a dict, a JSON string, or form fields ``condition_<code>``."""
    raw = data_dict.get("condition_responses")
    if isinstance(raw, str) and raw.strip():
        raw = json.loads(raw)
    if raw is None:
        form = {key[len("condition_"):]: value for key, value in data_dict.items()
                if key.startswith("condition_") and key != "condition_responses"}
        return {key: str(value).strip() for key, value in form.items()} if form else None
    if not isinstance(raw, dict):
        raise ValueError("not a mapping")
    return {str(key): str(value or "").strip() for key, value in raw.items()}


def parse_fields(data_dict: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The application fields present in ``data_dict``, typed, and bilingual errors of malformed ones."""
    fields: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in TEXT_FIELDS:
        if name in data_dict:
            value = str(data_dict.get(name) or "").strip()
            if len(value) > _MAX_TEXT[name]:
                errors[name] = [f"内容过长（最多 {_MAX_TEXT[name]} 字） / Too long (at most {_MAX_TEXT[name]} characters)"]
            fields[name] = value
    if "request_type" in data_dict:
        value = str(data_dict.get("request_type") or "").strip()
        if value not in REQUEST_TYPES:
            errors["request_type"] = ["申请类型须为数据集或接口 / The application type must be dataset or api"]
        fields["request_type"] = value
    for name in ("period_start", "period_end"):
        if name in data_dict:
            try:
                fields[name] = _date(data_dict.get(name))
            except ValueError:
                errors[name] = ["日期格式应为 YYYY-MM-DD / Dates are written YYYY-MM-DD"]
    try:
        responses = _responses(data_dict)
    except (ValueError, TypeError):
        errors["condition_responses"] = [
            "开放条件响应格式错误（应为“条件: 响应”） / condition_responses must map each condition to a response"]
        responses = None
    if responses is not None:
        fields["condition_responses"] = responses
    if "commitments" in data_dict:
        commitments = [str(code) for code in as_list(data_dict.get("commitments")) if code]
        unknown = [code for code in commitments if code not in COMMITMENTS]
        if unknown:
            errors["commitments"] = [f"未知的承诺：{', '.join(unknown)} / Unknown commitments: {', '.join(unknown)}"]
        fields["commitments"] = [code for code in COMMITMENTS if code in commitments]
    return fields, errors


def apply_fields(request: AccessRequest, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(request, name, value)


def completeness_errors(request: AccessRequest, package: dict[str, Any],
                        today: Optional[datetime.date] = None) -> dict[str, list[str]]:
    """Everything a submitted application lacks, all at once (一次性告知), bilingual."""
    errors: dict[str, list[str]] = {}
    required = {
        "title": "申请标题不能为空 / The title is required",
        "reason": "申请事由不能为空 / The reason is required",
        "result_form": "成果形式不能为空 / The form of results is required",
        "scenario": "应用场景不能为空 / The application scenario is required",
    }
    for name, message in required.items():
        if not (getattr(request, name) or "").strip():
            errors[name] = [message]
    if request.request_type not in REQUEST_TYPES:
        errors["request_type"] = ["申请类型须为数据集或接口 / The application type must be dataset or api"]
    else:
        methods = [str(method) for method in as_list(package.get("open_method")) if method]
        needed = REQUEST_TYPES[request.request_type]
        if methods and needed not in methods:
            errors["request_type"] = [
                "该数据未以此方式开放（请选择数据集下载或接口） / "
                "The dataset is not opened this way (choose download or API as it offers)"]
    today = today or workdays.local_date(workdays.now_local())
    start, end = request.period_start, request.period_end
    if start is None or end is None:
        errors["period"] = ["使用期限的开始和结束日期不能为空 / The period of use needs a start and an end date"]
    elif end < start:
        errors["period"] = ["使用期限结束日期早于开始日期 / The period of use ends before it starts"]
    elif start < today:
        errors["period"] = ["使用期限不能早于今天开始 / The period of use cannot start in the past"]
    elif (end - start).days + 1 > workflow_config.max_use_period_days():
        longest = workflow_config.max_use_period_days()
        errors["period"] = [f"使用期限不能超过 {longest} 天 / The period of use cannot exceed {longest} days"]
    responses = request.condition_responses or {}
    missing = [code for code in dataset_conditions(package) if not (responses.get(code) or "").strip()]
    if missing:
        errors["condition_responses"] = [
            f"请逐项响应数据集的开放条件：{', '.join(missing)} / "
            f"Respond to each of the dataset's open conditions: {', '.join(missing)}"]
    accepted = set(request.commitments or [])
    if not set(COMMITMENTS) <= accepted:
        errors["commitments"] = [
            "须作出全部承诺（真实性、合规性、安全性、仅用于申请用途） / "
            "Every commitment is required (truth, compliance, security, purpose-bound use)"]
    return errors
