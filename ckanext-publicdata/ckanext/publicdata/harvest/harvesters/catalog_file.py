"""``publicdata_catalog_file_harvester``: an agency catalog file (XLSX or CSV) in the national template's layout.

The file at the source URL is streamed to a temporary file, then read row by row (openpyxl ``read_only`` for
XLSX; CSV decoded as UTF-8 with or without BOM, else GB18030) — never loaded whole. The header row is found among
the first rows by its Chinese column names (信息资源代码, 名称, 提供方, 摘要, 格式, 信息项, 共享属性, 开放属性, 更新周期,
发布日期 … see mapping.TEMPLATE_HEADERS); a source can name other headers in ``columns``. Each row's
信息资源代码 is its key. Source configuration::

    {"owner_org": "binzhou-market",                 # or provider_map from the 提供方 column
     "provider_map": {"滨州市市场监督管理局": "binzhou-market"},
     "columns": {"资源编号": "identifier"},          # extra header → field (optional)
     "format": "xlsx",                               # xlsx | csv (optional; else from the URL / content)
     "sheet": "目录",                                 # XLSX sheet (optional; default the first)
     "synonyms": {"update_frequency": {"4": "daily"}},
     "trusted": false, "withdraw_brake": 0.2, "max_bytes": 209715200}
"""
from __future__ import annotations

import codecs
import csv
import os
import zipfile
from typing import Any, Iterator, Optional

from ckanext.publicdata.harvest.base import HarvestSourceError, PublicdataHarvesterBase, SourceConfig, SourceRecord
from ckanext.publicdata.harvest.harvesters import http
from ckanext.publicdata.harvest.mapping import TARGET_FIELDS, header_field

__all__ = ["PublicdataCatalogFileHarvester", "detect_encoding", "iter_catalog_rows"]

HEADER_SEARCH_ROWS = 20
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
ROW_FIELDS = TARGET_FIELDS | {"download_url", "api_url", "api_doc_url"}


def detect_encoding(path: str) -> str:
    """``utf-8-sig`` when the file has a BOM, ``utf-8`` when all of it decodes as UTF-8, else ``gb18030``."""
    with open(path, "rb") as handle:
        if handle.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for chunk in iter(lambda: handle.read(64 * 1024), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8"


def _is_xlsx(path: str) -> bool:
    return zipfile.is_zipfile(path)


def _csv_rows(path: str) -> Iterator[list[Any]]:
    encoding = detect_encoding(path)
    # a cell may be as large as the file allows; over-long values are refused per field at import
    csv.field_size_limit(max(csv.field_size_limit(), os.path.getsize(path) + 1))
    try:
        with open(path, encoding=encoding, newline="", errors="strict") as handle:
            sample = handle.read(8192)
            handle.seek(0)
            try:
                dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
            except csv.Error:
                dialect = csv.excel
            for row in csv.reader(handle, dialect):
                yield row
    except UnicodeDecodeError as error:
        raise HarvestSourceError(f"CSV 文件编码无法识别（既非 UTF-8 也非 GB18030）：{error} / The CSV file's encoding "
                                 f"is neither UTF-8 nor GB18030: {error}")
    except csv.Error as error:
        raise HarvestSourceError(f"CSV 文件格式错误：{error} / The CSV file is malformed: {error}")


def _xlsx_rows(path: str, sheet: Optional[str]) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise HarvestSourceError(f"XLSX 文件无法打开（已损坏或不是 XLSX）：{error} / The XLSX file cannot be opened "
                                 f"(broken or not XLSX): {error}")
    try:
        if sheet:
            if sheet not in workbook.sheetnames:
                raise HarvestSourceError(f"XLSX 文件中没有工作表「{sheet}」 / The XLSX file has no sheet \"{sheet}\"")
            worksheet = workbook[sheet]
        else:
            worksheet = workbook.worksheets[0]
        try:
            for row in worksheet.iter_rows(values_only=True):
                yield list(row)
        except HarvestSourceError:
            raise
        except Exception as error:
            raise HarvestSourceError(f"XLSX 文件读取出错：{error} / Reading the XLSX file failed: {error}")
    finally:
        workbook.close()


def iter_catalog_rows(path: str, file_format: Optional[str] = None, sheet: Optional[str] = None,
                      columns: Optional[dict[str, str]] = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {field: value}) for every data row of a catalog file, streamed."""
    xlsx = file_format == "xlsx" if file_format else _is_xlsx(path)
    rows = _xlsx_rows(path, sheet) if xlsx else _csv_rows(path)
    header: Optional[list[Optional[str]]] = None
    for number, row in enumerate(rows, start=1):
        if header is None:
            fields = [header_field(cell, columns) for cell in row]
            known = [name for name in fields if name]
            if ("identifier" in known or "title" in known) and len(set(known)) >= 2:
                header = fields
            elif number >= HEADER_SEARCH_ROWS:
                raise HarvestSourceError(
                    f"前 {HEADER_SEARCH_ROWS} 行中没有找到目录模板的表头（信息资源代码、名称 …） / No header row of the "
                    f"catalog template (信息资源代码, 名称 …) in the first {HEADER_SEARCH_ROWS} rows")
            continue
        record: dict[str, Any] = {}
        for name, value in zip(header, row):
            if name and value not in (None, "") and name not in record:
                record[name] = value.strip() if isinstance(value, str) else value
        if record:
            yield number, record
    if header is None:
        raise HarvestSourceError("文件为空或没有目录模板的表头 / The file is empty or has no header row of the catalog "
                                 "template")


def row_fields(record: dict[str, Any]) -> dict[str, Any]:
    """A template row → catalog fields; the 下载地址 / 接口地址 columns become resources."""
    fields = {name: value for name, value in record.items() if name in TARGET_FIELDS and name != "format"}
    resources = []
    formats = [part.strip() for part in str(record.get("format") or "").replace("，", ",").replace("、", ",")
               .split(",") if part.strip()]
    if record.get("download_url"):
        resources.append({"url": record["download_url"], "name": record.get("title"),
                          "format": formats[0] if formats else None, "access_method": "download"})
    if record.get("api_url"):
        resources.append({"url": record["api_url"], "name": f"{record.get('title') or ''} 接口".strip(),
                          "format": "API", "access_method": "api", "api_doc_url": record.get("api_doc_url")})
    fields["resources"] = resources
    return fields


class PublicdataCatalogFileHarvester(PublicdataHarvesterBase):
    harvester_info = {
        "name": "publicdata_catalog_file",
        "title": "Agency catalog file (XLSX / CSV, national template)",
        "description": "Harvests an agency's catalog file in the layout of the national catalog template from a URL.",
        "form_config_interface": "Text",
    }

    def validate_options(self, options: dict[str, Any]) -> None:
        file_format = options.get("format")
        if file_format is not None and file_format not in ("xlsx", "csv"):
            raise ValueError("format 须为 xlsx 或 csv / format must be xlsx or csv")
        columns = options.get("columns") or {}
        if not isinstance(columns, dict):
            raise ValueError("columns 须为「表头 → 字段」对象 / columns must map headers to fields")
        for header, name in columns.items():
            if name not in ROW_FIELDS:
                raise ValueError(f"columns 中表头「{header}」对应的字段 {name} 不存在 / columns maps \"{header}\" to an "
                                 f"unknown field {name}")
        if "sheet" in options and not isinstance(options["sheet"], str):
            raise ValueError("sheet 须为工作表名称 / sheet must be a sheet name")
        max_bytes = options.get("max_bytes", DEFAULT_MAX_BYTES)
        if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes <= 0:
            raise ValueError("max_bytes 须为正整数 / max_bytes must be a positive integer")

    def iter_records(self, source_url: str, config: SourceConfig, job: Any) -> Iterator[SourceRecord]:
        options = config.options
        file_format = options.get("format")
        if not file_format:
            lowered = source_url.lower().split("?")[0]
            file_format = "csv" if lowered.endswith(".csv") else ("xlsx" if lowered.endswith(".xlsx") else None)
        path = http.download(source_url, config.timeout, suffix=f".{file_format or 'bin'}",
                             max_bytes=int(options.get("max_bytes", DEFAULT_MAX_BYTES)))
        try:
            for number, record in iter_catalog_rows(path, file_format, options.get("sheet"), options.get("columns")):
                identifier = record.get("identifier")
                guid = str(identifier).strip() if identifier not in (None, "") else f"row-{number}"
                yield SourceRecord(guid=guid, content={"row": number, "fields": record})
        finally:
            os.unlink(path)

    def record_fields(self, content: Any, config: SourceConfig) -> dict[str, Any]:
        return row_fields(dict(content.get("fields") or {}))
