"""``publicdata_json_harvester``: a JSON API whose layout the source configuration declares.

The response is parsed as a stream (ijson): records are taken one at a time from ``records_path`` however big the
page is. Paging is ``page`` (a page number parameter), ``offset`` (an offset parameter), ``next`` (the URL of the
next page at ``next_path`` in the response) or ``none``. ``id_path`` is the record's key (default: the path of
``identifier`` in ``field_map``). ``field_map`` says where each catalog field is (harvest/mapping.py). Example::

    {"records_path": "data.list",
     "id_path": "resourceCode",
     "paging": {"mode": "page", "param": "pageNo", "start": 1, "size_param": "pageSize", "size": 100},
     "field_map": {
        "identifier": "resourceCode", "title": "resourceName", "notes": "summary",
        "provider": "orgName", "open_attribute": "openType", "update_frequency": "updateCycle",
        "data_items": "items", "resources": "files"},
     "synonyms": {"open_attribute": {"01": "unconditional", "02": "conditional", "03": "not_open"}},
     "api_token": "…", "owner_org": "…", "trusted": false, "withdraw_brake": 0.2}
"""
from __future__ import annotations

from typing import Any, Iterator, Optional
from urllib.parse import urljoin

import ijson

from ckanext.publicdata.harvest.base import HarvestSourceError, PublicdataHarvesterBase, SourceConfig, SourceRecord
from ckanext.publicdata.harvest.harvesters import http
from ckanext.publicdata.harvest.mapping import MISSING, apply_field_map, get_path, validate_field_map

__all__ = ["PublicdataJSONHarvester", "iter_json_page"]

PAGING_MODES = ("page", "offset", "next", "none")


def _prefix(path: str) -> str:
    """A dotted records path (``data.list``; empty for a top-level array) → ijson's prefix of its items."""
    path = (path or "").strip(".")
    return f"{path}.item" if path else "item"


def iter_json_page(stream: Any, records_path: str, next_path: Optional[str] = None
                   ) -> Iterator[tuple[str, Any]]:
    """Yield ("record", item) for each record of a JSON document as it is read, then ("next", url) if found."""
    prefix = _prefix(records_path)
    next_prefix = (next_path or "").strip(".")
    builder: Optional[ijson.ObjectBuilder] = None
    depth = 0
    next_url: Any = None
    try:
        for current, event, value in ijson.parse(stream, use_float=True):
            if builder is not None:
                builder.event(event, value)
                if event in ("start_map", "start_array"):
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                if depth == 0:
                    yield "record", builder.value
                    builder = None
                continue
            if current == prefix and event not in ("end_map", "end_array"):
                builder = ijson.ObjectBuilder()
                builder.event(event, value)
                if event in ("start_map", "start_array"):
                    depth = 1
                else:
                    yield "record", builder.value
                    builder = None
                continue
            if next_prefix and current == next_prefix and event in ("string", "null"):
                next_url = value
    except ijson.JSONError as error:
        raise HarvestSourceError(f"来源返回的不是合法 JSON：{error} / The source did not return valid JSON: {error}")
    if next_url:
        yield "next", next_url


class PublicdataJSONHarvester(PublicdataHarvesterBase):
    harvester_info = {
        "name": "publicdata_json",
        "title": "JSON API (declarative field mapping)",
        "description": "Harvests a JSON API; the source configuration declares the records path, paging and fields.",
        "form_config_interface": "Text",
    }

    def validate_options(self, options: dict[str, Any]) -> None:
        if not isinstance(options.get("records_path", ""), str):
            raise ValueError("records_path 须为路径字符串 / records_path must be a path string")
        rules = validate_field_map(options.get("field_map"))
        if not rules:
            raise ValueError("JSON 来源须配置 field_map / A JSON source needs a field_map")
        if "open_attribute" not in rules:
            raise ValueError("field_map 须指明开放属性 open_attribute 的位置 / field_map must say where open_attribute "
                             "is")
        if not options.get("id_path") and "path" not in rules.get("identifier", {}):
            raise ValueError("须配置 id_path 或 field_map.identifier.path / Set id_path or field_map.identifier.path")
        paging = options.get("paging") or {"mode": "none"}
        if not isinstance(paging, dict) or paging.get("mode", "none") not in PAGING_MODES:
            raise ValueError(f"paging.mode 须为 {', '.join(PAGING_MODES)} 之一 / paging.mode must be one of "
                             f"{', '.join(PAGING_MODES)}")
        if paging.get("mode") in ("page", "offset") and not paging.get("param"):
            raise ValueError("分页须配置 paging.param / Paging needs paging.param")
        if paging.get("mode") == "next" and not paging.get("next_path"):
            raise ValueError("paging.mode 为 next 时须配置 paging.next_path / paging mode next needs paging.next_path")
        size = paging.get("size", 100)
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise ValueError("paging.size 须为正整数 / paging.size must be a positive integer")

    def _id_path(self, options: dict[str, Any]) -> str:
        if options.get("id_path"):
            return str(options["id_path"])
        return str(validate_field_map(options.get("field_map"))["identifier"]["path"])

    def iter_records(self, source_url: str, config: SourceConfig, job: Any) -> Iterator[SourceRecord]:
        options = config.options
        paging = options.get("paging") or {"mode": "none"}
        mode = paging.get("mode", "none")
        size = int(paging.get("size", 100))
        max_pages = int(paging.get("max_pages", 100000))
        id_path = self._id_path(options)
        params: dict[str, Any] = dict(options.get("params") or {})
        if mode in ("page", "offset"):
            params[paging["param"]] = int(paging.get("start", 1 if mode == "page" else 0))
            if paging.get("size_param"):
                params[paging["size_param"]] = size
        url: Optional[str] = source_url
        visited: set[str] = set()
        pages = 0
        while url and pages < max_pages:
            pages += 1
            response = http.get(url, config.timeout, options.get("api_token"), accept="application/json",
                                params=params if mode in ("page", "offset") or pages == 1 else None, stream=True)
            page_key = response.url
            if page_key in visited:
                response.close()
                raise HarvestSourceError(f"分页不起作用：{page_key} 重复出现 / Paging does not work: {page_key} "
                                         f"came again")
            visited.add(page_key)
            count = 0
            next_url = None
            try:
                response.raw.decode_content = True
                for kind, value in iter_json_page(response.raw, options.get("records_path", ""),
                                                  paging.get("next_path") if mode == "next" else None):
                    if kind == "next":
                        next_url = urljoin(response.url, str(value))
                        continue
                    count += 1
                    guid = get_path(value, id_path)
                    if guid is MISSING or guid in (None, ""):
                        raise HarvestSourceError(
                            f"第 {pages} 页第 {count} 条记录在 {id_path} 处没有标识 / Record {count} of page {pages} "
                            f"has no key at {id_path}")
                    yield SourceRecord(guid=str(guid), content=value)
            finally:
                response.close()
            if mode == "next":
                url = next_url
            elif mode in ("page", "offset"):
                if count < size or count == 0:
                    return
                params[paging["param"]] += 1 if mode == "page" else size
            else:
                return

    def record_fields(self, content: Any, config: SourceConfig) -> dict[str, Any]:
        return apply_field_map(content, validate_field_map(config.options.get("field_map")))
