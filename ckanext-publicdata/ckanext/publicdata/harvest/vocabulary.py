"""Vocabulary synonyms for harvested records: how sources spell the portal's codes (HARV-2).

One table of synonyms per field. Every code's own labels in presets.yaml (zh and en) are synonyms of it
automatically, so ``无条件开放`` and ``Unconditionally open`` both become ``unconditional``; the tables below add
what agency portals and catalog templates write instead (``每天`` → ``daily``, ``有条件`` → ``conditional``, the
national template's ``C``/``N``/``D`` data types, vendor codes in English such as ``EVERY_DAY``). A source may add
or override entries in its configuration (``"synonyms": {"update_frequency": {"4": "daily"}}``).

Matching ignores case, surrounding blanks, inner spaces, full-width forms (NFKC) and a trailing 类 / 级; a value
that matches nothing is passed on unchanged so validation names it as a bad choice — never replaced by a default.
"""
from __future__ import annotations

import functools
import os
import re
import unicodedata
from typing import Any, Iterable, Mapping, Optional

import yaml

__all__ = [
    "VOCABULARY_PRESETS",
    "MULTI_VALUE_FIELDS",
    "BUILTIN_SYNONYMS",
    "normalise_key",
    "preset_codes",
    "SynonymTable",
]

# dataset (and resource / data item) field → the presets.yaml preset holding its codes and labels
VOCABULARY_PRESETS: dict[str, str] = {
    "open_attribute": "publicdata_open_attribute",
    "open_conditions": "publicdata_open_conditions",
    "share_attribute": "publicdata_share_attribute",
    "share_method": "publicdata_share_method",
    "theme": "publicdata_theme",
    "priority_domains": "publicdata_priority_domains",
    "security_level": "publicdata_security_level",
    "update_frequency": "publicdata_update_frequency",
    "open_method": "publicdata_open_method",
    "field_type": "publicdata_field_type",
    "format": "publicdata_resource_format",
    "access_method": "publicdata_access_method",
    "emergency": "publicdata_yes_no",
}

MULTI_VALUE_FIELDS = ("open_conditions", "share_method", "priority_domains", "open_method")

# What sources write besides the labels of presets.yaml (those are added automatically).
BUILTIN_SYNONYMS: dict[str, dict[str, str]] = {
    "open_attribute": {
        "无条件": "unconditional", "无条件开放类": "unconditional", "普遍开放": "unconditional",
        "公开": "unconditional", "开放": "unconditional", "public": "unconditional", "open": "unconditional",
        "unconditional": "unconditional", "unconditionally_open": "unconditional", "1": "unconditional",
        "有条件": "conditional", "有条件开放类": "conditional", "受限开放": "conditional", "受限开放类": "conditional",
        "依申请开放": "conditional", "restricted": "conditional", "conditional": "conditional",
        "conditionally_open": "conditional", "2": "conditional",
        "不予": "not_open", "不开放": "not_open", "不予开放类": "not_open", "禁止开放": "not_open",
        "禁止开放类": "not_open", "非开放": "not_open", "non_public": "not_open", "not_open": "not_open",
        "notopen": "not_open", "closed": "not_open", "3": "not_open",
    },
    "share_attribute": {
        "无条件": "unconditional", "无条件共享类": "unconditional", "unconditional": "unconditional",
        "有条件": "conditional", "有条件共享类": "conditional", "conditional": "conditional",
        "不予": "not_shared", "不共享": "not_shared", "不予共享类": "not_shared", "not_shared": "not_shared",
    },
    "share_method": {
        "接口": "api", "接口共享": "api", "接口方式": "api", "api": "api", "服务接口": "api",
        "库表": "table", "库表交换": "table", "数据库": "table", "table": "table",
        "文件": "file", "文件下载": "file", "file": "file",
    },
    "open_method": {
        "下载": "download", "文件下载": "download", "数据下载": "download", "文件": "download",
        "download": "download", "file": "download",
        "接口": "api", "接口调用": "api", "接口服务": "api", "api": "api", "service": "api",
    },
    "update_frequency": {
        "实时": "realtime", "实时更新": "realtime", "real_time": "realtime", "realtime": "realtime",
        "continuous": "realtime", "update_cont": "realtime",
        "每天": "daily", "每日": "daily", "日": "daily", "日更新": "daily", "按日": "daily", "天": "daily",
        "daily": "daily", "every_day": "daily", "day": "daily",
        "每周": "weekly", "周": "weekly", "按周": "weekly", "每星期": "weekly", "weekly": "weekly",
        "every_week": "weekly", "week": "weekly",
        "每月": "monthly", "月": "monthly", "按月": "monthly", "月度": "monthly", "monthly": "monthly",
        "every_month": "monthly", "month": "monthly",
        "每季度": "quarterly", "每季": "quarterly", "季度": "quarterly", "按季度": "quarterly", "季": "quarterly",
        "quarterly": "quarterly", "every_quarter": "quarterly", "quarter": "quarterly",
        "每半年": "semiannual", "半年": "semiannual", "半年度": "semiannual", "semiannual": "semiannual",
        "half_year": "semiannual", "semi_annual": "semiannual",
        "每年": "annual", "年": "annual", "年度": "annual", "按年": "annual", "每两年": "annual", "annual": "annual",
        "yearly": "annual", "every_year": "annual", "year": "annual",
        "不定期": "irregular", "不定时": "irregular", "其他": "irregular", "其它": "irregular", "自定义": "irregular",
        "irregular": "irregular", "irreg": "irregular", "other": "irregular",
    },
    "security_level": {
        "1级": "level1", "一级": "level1", "1": "level1", "l1": "level1", "level1": "level1", "一般": "level1",
        "2级": "level2", "二级": "level2", "2": "level2", "l2": "level2", "level2": "level2",
        "3级": "level3", "三级": "level3", "3": "level3", "l3": "level3", "level3": "level3", "重要": "level3",
        "4级": "level4", "四级": "level4", "4": "level4", "l4": "level4", "level4": "level4", "核心": "level4",
    },
    "open_conditions": {
        "应用场景": "application_scenario", "场景要求": "application_scenario",
        "利用反馈": "use_feedback", "反馈要求": "use_feedback",
        "数据安全": "data_security", "安全要求": "data_security",
        "信用": "credit", "信用要求": "credit",
        "其他": "other", "其它": "other", "其他要求": "other",
    },
    "theme": {
        "经济": "economy", "经济发展": "economy", "卫生": "health", "医疗卫生": "health", "教育": "education",
        "交通": "transport", "交通运输": "transport", "环境": "environment", "生态环境": "environment",
        "资源环境": "environment", "文旅": "culture_tourism", "文化": "culture_tourism", "就业": "employment",
        "社保": "social_security", "社会保障": "social_security", "农业": "agriculture", "安全": "public_safety",
        "城建": "urban_construction", "住房": "urban_construction", "政务": "government_affairs",
        "机构": "government_affairs", "信用": "credit", "科技": "science_tech", "其它": "other",
    },
    "priority_domains": {
        "市场": "market_regulation", "卫健": "health", "医疗": "health", "生态": "ecology_environment",
        "环境": "ecology_environment", "交通运输": "transport", "许可": "administrative_licensing",
        "处罚": "administrative_penalty", "企业信用": "enterprise_credit", "公共信用": "enterprise_credit",
        "信用": "enterprise_credit", "文旅": "culture_tourism", "人社": "human_resources", "应急": "emergency_management",
        "医保": "medical_insurance",
    },
    "field_type": {
        "c": "string", "字符": "string", "字符串": "string", "字符串型": "string", "文本": "string", "varchar": "string",
        "char": "string", "text": "string", "str": "string", "string": "string",
        "n": "number", "数值": "number", "数字": "number", "数值型": "number", "整数": "number", "number": "number",
        "int": "number", "integer": "number", "decimal": "number", "float": "number", "numeric": "number",
        "d": "date", "日期": "date", "date": "date",
        "t": "datetime", "时间": "datetime", "时间型": "datetime", "日期时间": "datetime", "datetime": "datetime",
        "timestamp": "datetime",
        "b": "boolean", "布尔": "boolean", "bool": "boolean", "boolean": "boolean", "是否": "boolean",
    },
    "access_method": {
        "下载": "download", "文件下载": "download", "download": "download",
        "接口": "api", "接口调用": "api", "api": "api",
    },
    "emergency": {
        "是": "true", "yes": "true", "true": "true", "1": "true", "y": "true",
        "否": "false", "no": "false", "false": "false", "0": "false", "n": "false",
    },
    "format": {
        "xls": "XLS", "xlsx": "XLSX", "excel": "XLSX", "csv": "CSV", "json": "JSON", "xml": "XML", "接口": "API",
        "api": "API", "pdf": "PDF", "zip": "ZIP", "txt": "TXT", "rdf": "RDF", "geojson": "GeoJSON", "shp": "SHP",
    },
}

_SPLIT = re.compile(r"[,，;；、/|\n]+")


def normalise_key(value: Any) -> str:
    """The form a value is matched in: NFKC, lower case, no blanks or hyphens, no trailing 类 / 级 after text."""
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    text = re.sub(r"[\s\-]+", "_", text).strip("_")
    return text


@functools.lru_cache(maxsize=1)
def _presets() -> dict[str, list[dict[str, Any]]]:
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "schemas", "presets.yaml")
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle) or {}
    return {
        preset["preset_name"]: list((preset.get("values") or {}).get("choices") or [])
        for preset in document.get("presets") or []
    }


def preset_codes(field: str) -> list[str]:
    """The codes of a vocabulary field, in the order of presets.yaml."""
    return [str(choice["value"]) for choice in _presets().get(VOCABULARY_PRESETS.get(field, ""), [])]


@functools.lru_cache(maxsize=None)
def _builtin_table(field: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for choice in _presets().get(VOCABULARY_PRESETS.get(field, ""), []):
        code = str(choice["value"])
        table[normalise_key(code)] = code
        label = choice.get("label")
        labels: Iterable[Any] = label.values() if isinstance(label, dict) else [label]
        for text in labels:
            if text:
                table[normalise_key(text)] = code
    for raw, code in BUILTIN_SYNONYMS.get(field, {}).items():
        table[normalise_key(raw)] = code
    return table


class SynonymTable:
    """The synonyms a source uses: the built-in tables plus the source's own ``synonyms`` configuration."""

    def __init__(self, overrides: Optional[Mapping[str, Mapping[str, str]]] = None) -> None:
        self._overrides: dict[str, dict[str, str]] = {}
        for field, table in (overrides or {}).items():
            self._overrides[field] = {normalise_key(raw): str(code) for raw, code in (table or {}).items()}

    def lookup(self, field: str, value: Any) -> Optional[str]:
        """The code ``value`` stands for in ``field``, or None if it matches nothing."""
        if value is None:
            return None
        key = normalise_key(value)
        if not key:
            return None
        override = self._overrides.get(field, {})
        if key in override:
            return override[key]
        table = _builtin_table(field)
        if key in table:
            return table[key]
        stripped = re.sub(r"(类|级别|级)$", "", key)
        if stripped != key and stripped:
            return override.get(stripped) or table.get(stripped)
        return None

    def translate(self, field: str, value: Any) -> Any:
        """One value → its code; an unknown value is returned unchanged (validation then names it)."""
        if value is None or isinstance(value, bool):
            return value
        code = self.lookup(field, value)
        return code if code is not None else (str(value).strip() if isinstance(value, str) else value)

    def translate_many(self, field: str, value: Any) -> list[Any]:
        """A multi-value field (list, JSON-ish text or 、/，separated text) → list of codes, unknown ones kept."""
        if value is None or value == "":
            return []
        if isinstance(value, (list, tuple)):
            parts: list[Any] = list(value)
        else:
            text = str(value).strip()
            if text.startswith("[") and text.endswith("]"):
                import json

                try:
                    parts = list(json.loads(text))
                except ValueError:
                    parts = _SPLIT.split(text.strip("[]"))
            else:
                whole = self.lookup(field, text)
                parts = [text] if whole is not None else _SPLIT.split(text)
        codes: list[Any] = []
        for part in parts:
            if part is None or (isinstance(part, str) and not part.strip()):
                continue
            code = self.translate(field, part)
            if code not in codes:
                codes.append(code)
        return codes
