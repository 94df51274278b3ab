"""Declarative field mappings of harvest sources (HARV-2): where each catalog field is in a source's records.

A source configuration's ``field_map`` names, per target field of the catalog schema (var/briefs/fields.md), where
its value is in a record::

    "field_map": {
        "title": "title",                             # a dotted path
        "identifier": "extras.resource_code",         # CKAN extras (a list of key/value pairs) by key
        "provider": "organization.title",             # the source's provider → target organization (see base)
        "open_attribute": {"path": "extras.kaifang", "map": {"Y": "unconditional", "R": "conditional"}},
        "priority_domains": {"path": "domains", "split": ","},
        "tag_string": {"path": "tags[*].name"},       # every element of a list
        "data_items": {"path": "fields", "item_map": {"field_name": "name", "field_title": "title",
                                                      "field_type": "type"}},   # lists of objects
        "share_attribute": {"constant": "unconditional"}
    }

``constant`` is refused for ``open_attribute``: a record without an open attribute fails, it never gets one by
default. The national catalog template's Chinese column headers (信息资源代码, 名称, 提供方 …) are mapped by
:data:`TEMPLATE_HEADERS`; its 信息项 cell (the data items) by :func:`parse_data_items`.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable, Mapping, Optional

__all__ = [
    "MISSING",
    "CatalogMappingError",
    "TARGET_FIELDS",
    "TEMPLATE_HEADERS",
    "get_path",
    "validate_field_map",
    "apply_field_map",
    "header_field",
    "parse_data_items",
]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


class CatalogMappingError(ValueError):
    """A source configuration whose mapping cannot work (shown to the operator, bilingual)."""


# Fields a field map may fill: the catalog schema's dataset fields, plus ``provider`` (the source's name or code of
# the providing agency, resolved to a local organization) and ``resources``.
TARGET_FIELDS = frozenset({
    "title", "identifier", "notes", "tag_string", "owner_org", "provider", "provider_code",
    "open_attribute", "open_conditions", "open_conditions_text", "not_open_basis", "usage_requirements",
    "share_attribute", "share_conditions", "share_method", "theme", "priority_domains", "security_level",
    "update_frequency", "open_method", "emergency", "data_items", "release_date", "data_updated",
    "spatial_coverage", "temporal_start", "temporal_end", "related_identifiers", "contact_name", "contact_phone",
    "contact_email", "resources", "landing_page", "format",
})

# Column headers of the national catalog template (政务信息资源目录编制指南) and the variants agency exports use.
TEMPLATE_HEADERS: dict[str, str] = {
    "信息资源代码": "identifier", "资源代码": "identifier", "目录代码": "identifier", "代码": "identifier",
    "信息资源编码": "identifier", "目录编码": "identifier", "identifier": "identifier",
    "信息资源名称": "title", "名称": "title", "目录名称": "title", "资源名称": "title", "数据集名称": "title",
    "title": "title",
    "提供方": "provider", "信息资源提供方": "provider", "提供单位": "provider", "提供部门": "provider",
    "来源部门": "provider", "数据提供方": "provider", "开放主体": "provider",
    "提供方代码": "provider_code", "提供方统一社会信用代码": "provider_code", "统一社会信用代码": "provider_code",
    "信息资源摘要": "notes", "摘要": "notes", "描述": "notes", "资源摘要": "notes", "简介": "notes",
    "格式": "format", "信息资源格式": "format", "资源格式": "format", "数据格式": "format",
    "信息项": "data_items", "信息项信息": "data_items", "数据项": "data_items",
    "共享属性": "share_attribute", "共享类型": "share_attribute", "共享条件": "share_conditions",
    "共享方式": "share_method",
    "开放属性": "open_attribute", "是否向社会开放": "open_attribute", "开放类型": "open_attribute",
    "开放条件": "open_conditions_text", "开放条件类型": "open_conditions",
    "不予开放依据": "not_open_basis", "使用要求": "usage_requirements",
    "更新周期": "update_frequency", "更新频率": "update_frequency",
    "发布日期": "release_date", "发布时间": "release_date", "更新时间": "data_updated", "数据更新时间": "data_updated",
    "主题分类": "theme", "主题": "theme", "信息资源分类": "theme",
    "重点领域": "priority_domains", "领域": "priority_domains",
    "安全级别": "security_level", "分级": "security_level", "数据分级": "security_level",
    "开放方式": "open_method", "资源类型": "open_method",
    "关联资源代码": "related_identifiers", "关联信息资源代码": "related_identifiers",
    "空间范围": "spatial_coverage", "行政区划代码": "spatial_coverage",
    "时间范围起": "temporal_start", "时间范围止": "temporal_end",
    "联系人": "contact_name", "联系电话": "contact_phone", "部门电话": "contact_phone",
    "联系邮箱": "contact_email", "部门邮箱": "contact_email",
    "标签": "tag_string", "关键字": "tag_string", "关键词": "tag_string",
    "突发事件": "emergency", "是否突发事件数据": "emergency",
    "下载地址": "download_url", "数据下载地址": "download_url", "资源地址": "download_url",
    "接口地址": "api_url", "接口文档地址": "api_doc_url",
}

_PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[(\*|\d+)\]")


def _tokens(path: str) -> list[str]:
    tokens: list[str] = []
    for name, index in _PATH_TOKEN.findall(path):
        tokens.append(name if name else f"[{index}]")
    return tokens


def _step(values: list[Any], token: str) -> list[Any]:
    result: list[Any] = []
    for value in values:
        if token == "[*]":
            if isinstance(value, list):
                result.extend(value)
        elif token.startswith("["):
            index = int(token[1:-1])
            if isinstance(value, list) and -len(value) <= index < len(value):
                result.append(value[index])
        elif isinstance(value, Mapping):
            if token in value:
                result.append(value[token])
        elif isinstance(value, list):
            # CKAN extras / key-value lists: [{"key": k, "value": v}, …]
            for item in value:
                if isinstance(item, Mapping) and item.get("key") == token:
                    result.append(item.get("value"))
    return result


def get_path(record: Any, path: str) -> Any:
    """The value at a dotted path (``a.b``, ``a[0].b``, ``tags[*].name``, ``extras.<key>``); MISSING if absent.

    A path through ``[*]`` gives a list of every match.
    """
    tokens = _tokens(path)
    if not tokens:
        return MISSING
    values = [record]
    for token in tokens:
        values = _step(values, token)
        if not values:
            return MISSING
    if "[*]" in tokens:
        return values
    return values[0]


def _rule(spec: Any) -> dict[str, Any]:
    if isinstance(spec, str):
        return {"path": spec}
    if isinstance(spec, Mapping):
        return dict(spec)
    raise CatalogMappingError(f"字段映射须为路径或对象：{spec!r} / A field mapping must be a path or an object: {spec!r}")


def validate_field_map(field_map: Any) -> dict[str, dict[str, Any]]:
    """Check a ``field_map`` configuration; returns it with every rule as an object. Raises CatalogMappingError."""
    if field_map is None:
        return {}
    if not isinstance(field_map, Mapping):
        raise CatalogMappingError("field_map 须为对象 / field_map must be an object")
    rules: dict[str, dict[str, Any]] = {}
    for target, spec in field_map.items():
        if target not in TARGET_FIELDS:
            raise CatalogMappingError(
                f"field_map 中的目标字段 {target} 不存在 / field_map names an unknown target field: {target}")
        rule = _rule(spec)
        if "constant" in rule and target == "open_attribute":
            raise CatalogMappingError(
                "开放属性不能设默认值，须来自每条记录 / The open attribute cannot have a default: each record must "
                "carry its own")
        if "path" not in rule and "constant" not in rule and "paths" not in rule:
            raise CatalogMappingError(
                f"字段 {target} 的映射缺少 path 或 constant / The mapping of {target} needs a path or a constant")
        if "map" in rule and not isinstance(rule["map"], Mapping):
            raise CatalogMappingError(f"字段 {target} 的 map 须为对象 / The map of {target} must be an object")
        if "item_map" in rule and not isinstance(rule["item_map"], Mapping):
            raise CatalogMappingError(f"字段 {target} 的 item_map 须为对象 / The item_map of {target} must be an object")
        if "paths" in rule and not isinstance(rule["paths"], list):
            raise CatalogMappingError(f"字段 {target} 的 paths 须为列表 / The paths of {target} must be a list")
        rules[target] = rule
    return rules


def _mapped(value: Any, rule: Mapping[str, Any]) -> Any:
    table = rule.get("map")
    if not table:
        return value
    if isinstance(value, list):
        return [_mapped(item, rule) for item in value]
    key = "" if value is None else str(value).strip()
    return table.get(key, value)


def apply_field_map(record: Any, rules: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Target field → value for every rule whose path is present in the record (absent paths are left out)."""
    result: dict[str, Any] = {}
    for target, rule in rules.items():
        if "constant" in rule:
            result[target] = rule["constant"]
            continue
        paths = rule.get("paths") or [rule["path"]]
        value = MISSING
        for path in paths:
            value = get_path(record, str(path))
            if value is not MISSING and value not in (None, "", []):
                break
        if value is MISSING:
            continue
        item_map = rule.get("item_map")
        if item_map and isinstance(value, list):
            value = [{target_key: get_path(item, str(path)) for target_key, path in item_map.items()
                      if get_path(item, str(path)) is not MISSING} for item in value if isinstance(item, Mapping)]
        split = rule.get("split")
        if split and isinstance(value, str):
            value = [part.strip() for part in value.split(split) if part.strip()]
        result[target] = _mapped(value, rule)
    return result


def _header_key(header: Any) -> str:
    text = unicodedata.normalize("NFKC", str(header or ""))
    return re.sub(r"[\s*（）()：:]+", "", text).strip().lower()


_HEADER_KEYS = {_header_key(header): field for header, field in TEMPLATE_HEADERS.items()}


def header_field(header: Any, extra: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The catalog field a column header of the template stands for (a source's ``columns`` map first)."""
    key = _header_key(header)
    if not key:
        return None
    for source_header, field in (extra or {}).items():
        if _header_key(source_header) == key:
            return field
    return _HEADER_KEYS.get(key)


_ITEM_SPLIT = re.compile(r"[;；\n]+|(?<=[)）])[,，、]")
_PLAIN_SPLIT = re.compile(r"[;；\n,，、]+")
_ITEM_PAREN = re.compile(r"^(?P<title>[^(（]+)[(（](?P<inner>[^)）]*)[)）]\s*$")


def parse_data_items(value: Any) -> list[dict[str, str]]:
    """The template's 信息项 cell → data items.

    Accepts ``中文名(english_name, 类型)`` items separated by ；/; or new lines, ``english_name|中文名|类型`` or
    ``english_name:中文名:类型``, a bare ``中文名`` (then the name is the title), or an already structured list.
    Types are passed on as written; the vocabulary turns C/N/D/T, 字符型 … into codes.
    """
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [dict(item) for item in value if isinstance(item, Mapping)]
    items: list[dict[str, str]] = []
    text = str(value)
    splitter = _ITEM_SPLIT if re.search(r"[(（|:：]", text) else _PLAIN_SPLIT
    for part in splitter.split(text):
        part = part.strip()
        if not part:
            continue
        item: dict[str, str]
        match = _ITEM_PAREN.match(part)
        if match:
            title = match.group("title").strip()
            inner = [bit.strip() for bit in re.split(r"[,，:：|]", match.group("inner")) if bit.strip()]
            item = {"field_title": title, "field_name": inner[0] if inner else title}
            if len(inner) > 1:
                item["field_type"] = inner[1]
        elif "|" in part or ":" in part or "：" in part:
            bits = [bit.strip() for bit in re.split(r"[|:：]", part)]
            item = {"field_name": bits[0]}
            if len(bits) > 1 and bits[1]:
                item["field_title"] = bits[1]
            if len(bits) > 2 and bits[2]:
                item["field_type"] = bits[2]
        else:
            item = {"field_name": part, "field_title": part}
        items.append(item)
    return items


def iter_nonempty(values: Iterable[Any]) -> Iterable[Any]:
    for value in values:
        if value not in (None, "", []):
            yield value
