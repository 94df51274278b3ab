"""Fixtures of the harvest tests: a live second portal to harvest from, and a loopback file server.

- ``source_portal`` (session): a second portal process (`ckan run`) on a free loopback port with its own
  database ``publicdata_test_hvsource_<test database suffix>`` (re-created at the start of each session), its own
  ini in a temporary directory (``use = config:<the running test ini>``), a sysadmin API token, and
  ``load_datasets(n, …)`` to fill it with taxonomy-complete datasets through its action API (ckanapi).
- ``loopback_files`` (session): an ``http.server`` on 127.0.0.1 serving a temporary directory: national-template
  catalog files (XLSX, CSV in UTF-8 / UTF-8 with BOM / GB18030), DCAT documents, a paged JSON API, and
  deliberately broken sources (bad encoding, broken XLSX, HTML instead of JSON, a slow endpoint, a 10 MB title,
  injection strings). Tests may add their own files with ``add_*``.

``start_source_portal`` and ``taxonomy_dataset`` are plain functions so benchmarks/harvest.py starts its portal the
same way.
"""
from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import itertools
import json
import os
import pathlib
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterable, Iterator

import pytest
import requests

from tests.browser.conftest import _free_port
from tests.catalog.taxonomy_setup import agency_code

VENV_BIN = pathlib.Path(sys.executable).parent
CKAN = VENV_BIN / "ckan"

# The national catalog template's columns (政务信息资源目录 layout), in the order agencies export them.
CATALOG_HEADERS = [
    "信息资源代码", "名称", "提供方", "摘要", "格式", "信息项", "共享属性", "开放属性", "开放条件", "更新周期",
    "发布日期", "主题分类", "重点领域",
]

INJECTION_STRINGS = [
    "=cmd|' /C calc'!A0",                     # spreadsheet formula injection
    "<script>alert('xss')</script>",          # markup injection
    "'; DROP TABLE package; --",              # SQL injection
    "../../../../etc/passwd",                 # path traversal
    "{{ config.SECRET_KEY }}",                # template injection
    "${jndi:ldap://127.0.0.1/a}",             # log4shell-style lookup
]

_identifiers = itertools.count(1)


# ---------------------------------------------------------------------------------------------------------------
# Second portal


def _database_url_of(ini: pathlib.Path) -> str:
    """The sqlalchemy.url of an ini file, following ``use = config:`` to the file it extends."""
    text = ini.read_text(encoding="utf-8")
    match = re.search(r"^\s*sqlalchemy\.url\s*=\s*(\S+)", text, re.MULTILINE)
    if match:
        return match.group(1)
    parent = re.search(r"^\s*use\s*=\s*config:(\S+)", text, re.MULTILINE)
    if not parent:
        raise RuntimeError(f"{ini} names no database")
    return _database_url_of((ini.parent / parent.group(1)).resolve())


def _postgres(*command: str) -> None:
    """Run a PostgreSQL client command as the postgres OS user (tests run as root here and in CI)."""
    if os.geteuid() == 0:
        command = ("runuser", "-u", "postgres", "--", *command)
    subprocess.run(command, check=True, capture_output=True, text=True)


def _ckan_cli(ini: pathlib.Path, *args: str, timeout: int = 300) -> str:
    result = subprocess.run([str(CKAN), "-c", str(ini), *args], capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"ckan {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout


def organization_fields(name: str, title: str, body: str) -> dict[str, Any]:
    """A taxonomy-complete agency organization (valid 统一社会信用代码 from ``body``)."""
    return {
        "name": name, "title": title, "level": "county", "agency_code": agency_code(body),
        "district": "371602", "responsible_person": "王主任", "responsible_phone": "0543-3160000",
    }


def taxonomy_dataset(owner_org: str, number: int, identifier_prefix: str = "37160200-0001-2025",
                     **fields: Any) -> dict[str, Any]:
    """A taxonomy-complete catalog entry (every field of var/briefs/fields.md that a provider fills in)."""
    data: dict[str, Any] = {
        "title": f"滨城区企业登记信息第{number}号",
        "identifier": f"{identifier_prefix}-{number:06d}",
        "owner_org": owner_org,
        "notes": f"滨城区市场主体登记基本信息（第{number}号目录）",
        "open_attribute": "unconditional",
        "share_attribute": "unconditional",
        "share_method": ["api", "file"],
        "theme": "economy",
        "priority_domains": ["market_regulation", "enterprise_credit"],
        "security_level": "level1",
        "update_frequency": "monthly",
        "open_method": ["download"],
        "release_date": "2025-03-01",
        "data_updated": "2025-06-30",
        "spatial_coverage": "371602",
        "contact_name": "李科长",
        "contact_phone": "0543-3161234",
        "contact_email": "data@bincheng.example.cn",
        "tag_string": "企业,登记",
        "data_items": [
            {"field_name": "uscc", "field_title": "统一社会信用代码", "field_type": "string",
             "description": "市场主体的统一社会信用代码"},
            {"field_name": "reg_date", "field_title": "登记日期", "field_type": "date", "description": ""},
        ],
        "resources": [{"name": "企业登记信息.csv", "url": f"http://files.example.cn/bincheng/{number}.csv",
                       "format": "CSV", "access_method": "download"}],
    }
    data.update(fields)
    return data


@dataclasses.dataclass
class SourcePortal:
    """A live second portal: ``url``, its ini and database, and a sysadmin ``api_token``."""

    url: str
    ini: pathlib.Path
    database: str
    sysadmin: str
    api_token: str
    log_path: pathlib.Path

    def client(self):
        import ckanapi

        return ckanapi.RemoteCKAN(self.url, apikey=self.api_token, user_agent="publicdata-harvest-tests")

    def action(self, action_name: str, /, **data: Any) -> Any:
        """Call an action of the source portal as its sysadmin (raises ckanapi errors)."""
        with self.client() as client:
            return client.call_action(action_name, data)

    def ensure_organization(self, name: str = "bincheng-market", title: str = "滨城区市场监督管理局",
                            body: str = "MB1600001") -> dict[str, Any]:
        import ckanapi

        try:
            return self.action("organization_show", id=name)
        except ckanapi.NotFound:
            return self.action("organization_create", **organization_fields(name, title, body))

    def load_datasets(self, count: int, organization: str = "bincheng-market", start: int | None = None,
                      identifier_prefix: str = "37160200-0001-2025", workers: int = 4,
                      **fields: Any) -> list[dict[str, Any]]:
        """Create ``count`` taxonomy-complete datasets on the source portal; return what it stored.

        Numbers continue from a session-wide counter unless ``start`` is given, so identifiers never collide.
        """
        org = self.ensure_organization(organization)
        numbers = range(start, start + count) if start is not None else [next(_identifiers) for _ in range(count)]
        import ckanapi

        def create(number: int) -> dict[str, Any]:
            with ckanapi.RemoteCKAN(self.url, apikey=self.api_token) as client:
                return client.call_action(
                    "package_create", taxonomy_dataset(org["id"], number, identifier_prefix, **fields))

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            return list(pool.map(create, numbers))

    def identifiers(self) -> set[str]:
        """Identifiers of every active dataset on the source portal (paged package_search)."""
        found: set[str] = set()
        start = 0
        while True:
            page = self.action("package_search", q="*:*", fl="identifier", rows=1000, start=start,
                               include_private=True)
            found.update(d["identifier"] for d in page["results"] if d.get("identifier"))
            start += len(page["results"])
            if not page["results"] or start >= page["count"]:
                return found


def source_database_name(parent_ini: pathlib.Path, suffix: str | None = None) -> str:
    parent_db = _database_url_of(parent_ini).rsplit("/", 1)[-1].split("?")[0]
    tail = suffix or parent_db.replace("publicdata_test_", "").replace("publicdata_", "") or "main"
    return f"publicdata_test_hvsource_{tail}"


@contextlib.contextmanager
def start_source_portal(parent_ini: pathlib.Path, database: str, workdir: pathlib.Path,
                        extra_options: dict[str, str] | None = None) -> Iterator[SourcePortal]:
    """Re-create ``database``, initialise it, start a portal on it; stop the process afterwards.

    The portal's ini extends ``parent_ini`` and overrides the database, storage, site id and site URL only.
    """
    parent_ini = parent_ini.resolve()
    parent_url = _database_url_of(parent_ini)
    database_url = parent_url.rsplit("/", 1)[0] + "/" + database
    owner = urllib.parse.urlparse(parent_url).username or "publicdata"
    _postgres("dropdb", "--if-exists", "--force", database)
    _postgres("createdb", "-O", owner, "-E", "UTF8", "-T", "template0", database)

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    storage = workdir / "storage"
    storage.mkdir(parents=True, exist_ok=True)
    options = {
        "sqlalchemy.url": database_url,
        "ckan.storage_path": str(storage),
        "ckan.site_url": url,
        "ckan.site_id": f"hvsource_{database}",
        # the source is a county node whose providers publish directly
        "ckanext.publicdata.publication_review.enabled": "false",
    }
    options.update(extra_options or {})
    ini = workdir / "source-portal.ini"
    ini.write_text(
        "[app:main]\n"
        f"use = config:{parent_ini}\n"
        + "".join(f"{key} = {value}\n" for key, value in options.items())
        + pathlib.Path(parent_ini).read_text(encoding="utf-8").partition("[loggers]")[1]
        + pathlib.Path(parent_ini).read_text(encoding="utf-8").partition("[loggers]")[2],
        encoding="utf-8",
    )
    _ckan_cli(ini, "db", "init")
    sysadmin = "hvsource_admin"
    _ckan_cli(ini, "user", "add", sysadmin, "email=hvsource_admin@example.cn", "password=Source-portal-2025")
    _ckan_cli(ini, "sysadmin", "add", sysadmin)
    token = _ckan_cli(ini, "user", "token", "add", sysadmin, "harvest-tests", "--quiet").strip().splitlines()[-1]

    log_path = workdir / "source-portal.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [str(CKAN), "-c", str(ini), "run", "--host", "127.0.0.1", "--port", str(port), "--disable-reloader"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(url + "/api/3/action/status_show", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the source portal did not start; see {log_path}:\n"
                                   + log_path.read_text()[-3000:])
            time.sleep(0.5)
        yield SourcePortal(url=url, ini=ini, database=database, sysadmin=sysadmin, api_token=token,
                           log_path=log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def source_portal(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SourcePortal]:
    """A live second portal (a county node running this extension) on 127.0.0.1, its own database."""
    parent_ini = pathlib.Path(pytestconfig.getoption("ckan_ini")).resolve()
    workdir = tmp_path_factory.mktemp("source-portal")
    with start_source_portal(parent_ini, source_database_name(parent_ini), workdir) as portal:
        yield portal


# ---------------------------------------------------------------------------------------------------------------
# Loopback file server


def catalog_row(number: int, **columns: str) -> dict[str, str]:
    """One row of an agency catalog file in the national template (Chinese labels, as agencies write them)."""
    row = {
        "信息资源代码": f"37160300-0002-2025-{number:06d}",
        "名称": f"惠民县道路运输许可信息第{number}号",
        "提供方": "惠民县交通运输局",
        "摘要": f"惠民县道路运输经营许可信息（第{number}号）",
        "格式": "XLSX",
        "信息项": "许可证号,经营者名称,许可日期",
        "共享属性": "无条件共享",
        "开放属性": "无条件开放",
        "开放条件": "",
        "更新周期": "每月",
        "发布日期": "2025-04-01",
        "主题分类": "交通",
        "重点领域": "交通运输",
    }
    row.update(columns)
    return row


def write_xlsx(path: pathlib.Path, rows: Iterable[dict[str, str]], headers: list[str] | None = None) -> None:
    import openpyxl

    headers = headers or CATALOG_HEADERS
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("目录")
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header, "") for header in headers])
    workbook.save(path)


def csv_bytes(rows: Iterable[dict[str, str]], encoding: str = "utf-8", headers: list[str] | None = None) -> bytes:
    headers = headers or CATALOG_HEADERS
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=headers, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def dcat_document(datasets: list[dict[str, Any]], rdf_format: str = "turtle") -> str:
    """Serialize dataset dicts with the portal's DCAT profiles (ckanext-dcat + publicdata), as a catalog."""
    from ckanext.dcat.processors import RDFSerializer

    serializer = RDFSerializer()
    return serializer.serialize_catalog({}, dataset_dicts=datasets, _format=rdf_format)


def _dcat_dataset(number: int, **fields: Any) -> dict[str, Any]:
    """A dataset dict as package_show returns it, for serializing into a DCAT document."""
    data = taxonomy_dataset("bincheng-market", number, identifier_prefix="37160500-0003-2025", **fields)
    data.update({
        "id": f"00000000-0000-4000-8000-{number:012d}",
        "name": f"dcat-dataset-{number}",
        "title": f"沾化区气象观测数据第{number}号",
        # the publisher given directly: the profile would otherwise look the organization up in this database
        "publisher_name": "沾化区气象局", "publisher_uri": "http://zhanhua.example.cn/organization/zhanhua-weather",
        "metadata_created": "2025-03-01T08:00:00", "metadata_modified": "2025-06-30T08:00:00",
        "tags": [{"name": "气象"}],
    })
    data["resources"] = [dict(resource, id=f"10000000-0000-4000-8000-{number:012d}")
                         for resource in data["resources"]]
    data.pop("tag_string", None)
    return data


@dataclasses.dataclass
class JsonApi:
    """A paged JSON API: ``GET <path>?page=N&size=M`` → ``{"code": 0, "data": {"total": T, "list": [...]}}``."""

    records: list[dict[str, Any]]
    default_size: int = 10


class _LoopbackHandler(SimpleHTTPRequestHandler):
    server_version = "publicdata-loopback/1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        return

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        files: LoopbackFiles = self.server.loopback  # type: ignore[attr-defined]
        parsed = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(parsed.query)
        files.requests.append(self.path)
        if parsed.path.startswith("/slow/"):
            # /slow/<seconds>/<file>: wait, then serve the file (or 200 "{}"), for timeout tests
            _, _, seconds, *rest = parsed.path.split("/")
            time.sleep(float(seconds))
            self.path = "/" + "/".join(rest) if rest else "/empty.json"
            return super().do_GET()
        if parsed.path.startswith("/status/"):
            code = int(parsed.path.split("/")[2])
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            body = f"<html><body><h1>{code}</h1></body></html>".encode()
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        api = files.apis.get(parsed.path)
        if api is not None:
            page = int((query.get("page") or ["1"])[0])
            size = int((query.get("size") or [str(api.default_size)])[0])
            chunk = api.records[(page - 1) * size: page * size]
            body = json.dumps({"code": 0, "data": {"total": len(api.records), "page": page, "list": chunk}},
                              ensure_ascii=False).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        content_type = files.content_types.get(parsed.path)
        if content_type:
            target = files.directory / parsed.path.lstrip("/")
            if not target.is_file():
                self.send_error(404)
                return
            body = target.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        return super().do_GET()

    def guess_type(self, path: str) -> str:  # type: ignore[override]
        for suffix, content_type in ((".ttl", "text/turtle"), (".jsonld", "application/ld+json"),
                                     (".rdf", "application/rdf+xml"), (".json", "application/json"),
                                     (".csv", "text/csv"),
                                     (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")):
            if str(path).endswith(suffix):
                return content_type
        return super().guess_type(path)


@dataclasses.dataclass
class LoopbackFiles:
    """Files served on 127.0.0.1; ``url(name)`` is the address of ``directory / name``."""

    directory: pathlib.Path
    base_url: str
    apis: dict[str, JsonApi] = dataclasses.field(default_factory=dict)
    content_types: dict[str, str] = dataclasses.field(default_factory=dict)
    requests: list[str] = dataclasses.field(default_factory=list)

    # names of the prepared files (see ``_prepare``)
    CATALOG_XLSX = "catalog/catalog.xlsx"
    CATALOG_CSV_UTF8 = "catalog/catalog-utf8.csv"
    CATALOG_CSV_BOM = "catalog/catalog-utf8-bom.csv"
    CATALOG_CSV_GB18030 = "catalog/catalog-gb18030.csv"
    DCAT_TURTLE = "dcat/catalog.ttl"
    DCAT_JSONLD = "dcat/catalog.jsonld"
    DCAT_RDFXML = "dcat/catalog.rdf"
    JSON_API = "/api/v1/catalog"
    BAD_ENCODING_CSV = "broken/bad-encoding.csv"
    BROKEN_XLSX = "broken/broken.xlsx"
    NOT_XLSX = "broken/html-as.xlsx"
    HTML_NOT_JSON = "broken/html-not-json.json"
    TRUNCATED_JSON = "broken/truncated.json"
    BROKEN_TURTLE = "broken/broken.ttl"
    HUGE_TITLE_CSV = "broken/huge-title.csv"
    HUGE_TITLE_JSON = "broken/huge-title.json"
    INJECTION_CSV = "broken/injection.csv"
    EMPTY_CSV = "broken/empty.csv"
    HEADERS_ONLY_CSV = "broken/headers-only.csv"
    WRONG_HEADERS_CSV = "broken/wrong-headers.csv"
    HUGE_TITLE_LENGTH = 10 * 1024 * 1024

    def url(self, name: str) -> str:
        return self.base_url + "/" + name.lstrip("/")

    def slow_url(self, seconds: float, name: str = "empty.json") -> str:
        """A URL that answers only after ``seconds`` (then serves ``name``)."""
        return f"{self.base_url}/slow/{seconds:g}/{name.lstrip('/')}"

    def status_url(self, code: int) -> str:
        """A URL that answers with HTTP ``code`` and an HTML body."""
        return f"{self.base_url}/status/{code}"

    def add_bytes(self, name: str, data: bytes, content_type: str | None = None) -> str:
        path = self.directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if content_type:
            self.content_types["/" + name.lstrip("/")] = content_type
        return self.url(name)

    def add_text(self, name: str, text: str, encoding: str = "utf-8", content_type: str | None = None) -> str:
        return self.add_bytes(name, text.encode(encoding), content_type)

    def add_json(self, name: str, value: Any) -> str:
        return self.add_bytes(name, json.dumps(value, ensure_ascii=False).encode("utf-8"))

    def add_csv(self, name: str, rows: Iterable[dict[str, str]], encoding: str = "utf-8",
                headers: list[str] | None = None) -> str:
        return self.add_bytes(name, csv_bytes(rows, encoding, headers))

    def add_xlsx(self, name: str, rows: Iterable[dict[str, str]], headers: list[str] | None = None) -> str:
        path = self.directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(path, rows, headers)
        return self.url(name)

    def add_dcat(self, name: str, datasets: list[dict[str, Any]], rdf_format: str = "turtle") -> str:
        return self.add_text(name, dcat_document(datasets, rdf_format))

    def add_json_api(self, path: str, records: list[dict[str, Any]], default_size: int = 10) -> str:
        """Serve ``records`` paged at ``path`` (``?page=N&size=M``, 1-based pages)."""
        path = "/" + path.lstrip("/")
        self.apis[path] = JsonApi(records=records, default_size=default_size)
        return self.base_url + path

    def remove(self, name: str) -> None:
        (self.directory / name).unlink(missing_ok=True)

    # -- prepared files

    def _prepare(self) -> None:
        rows = [catalog_row(n) for n in range(1, 6)]
        self.add_xlsx(self.CATALOG_XLSX, rows)
        self.add_csv(self.CATALOG_CSV_UTF8, [catalog_row(n) for n in range(11, 14)])
        self.add_bytes(self.CATALOG_CSV_BOM, b"\xef\xbb\xbf" + csv_bytes([catalog_row(n) for n in range(21, 24)]))
        self.add_csv(self.CATALOG_CSV_GB18030, [catalog_row(n, 提供方="惠民县交通运输局（運輸）")
                                               for n in range(31, 34)], encoding="gb18030")
        self.add_json("empty.json", {})
        datasets = [_dcat_dataset(n) for n in range(1, 4)]
        datasets.append(_dcat_dataset(4, open_attribute="conditional",
                                      open_conditions=["application_scenario"],
                                      open_conditions_text="申请人须说明应用场景。"))
        self.add_dcat(self.DCAT_TURTLE, datasets, "turtle")
        self.add_dcat(self.DCAT_JSONLD, datasets, "json-ld")
        self.add_dcat(self.DCAT_RDFXML, datasets, "xml")
        self.add_json_api(self.JSON_API, [json_api_record(n) for n in range(1, 26)], default_size=10)

        # deliberately broken sources
        good = csv_bytes([catalog_row(41)])
        self.add_bytes(self.BAD_ENCODING_CSV, good + b"\xff\xfe\x80\x81 \xc3\x28 \x80\xff\r\n")
        self.add_bytes(self.BROKEN_XLSX, (self.directory / self.CATALOG_XLSX).read_bytes()[:700])
        self.add_bytes(self.NOT_XLSX, "<html><body>登录超时，请重新登录</body></html>".encode("utf-8"))
        self.add_bytes(self.HTML_NOT_JSON,
                       "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>网关错误</body></html>"
                       .encode("utf-8"), content_type="text/html; charset=utf-8")
        self.add_bytes(self.TRUNCATED_JSON, json.dumps({"code": 0, "data": {"total": 2, "list": [
            json_api_record(1), json_api_record(2)]}}, ensure_ascii=False).encode("utf-8")[:-40])
        self.add_text(self.BROKEN_TURTLE, "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<a> a dcat:Dataset ;;; ]]\n")
        huge = "超长标题" * (self.HUGE_TITLE_LENGTH // 4)
        self.add_csv(self.HUGE_TITLE_CSV, [catalog_row(51, 名称=huge), catalog_row(52)])
        self.add_json(self.HUGE_TITLE_JSON, {"code": 0, "data": {"total": 2, "list": [
            json_api_record(61, title=huge), json_api_record(62)]}})
        self.add_csv(self.INJECTION_CSV, [
            catalog_row(70 + index, 名称=f"注入测试{index}{text}", 摘要=text, 提供方=text if index == 5 else "惠民县交通运输局")
            for index, text in enumerate(INJECTION_STRINGS)])
        self.add_bytes(self.EMPTY_CSV, b"")
        self.add_csv(self.HEADERS_ONLY_CSV, [])
        self.add_bytes(self.WRONG_HEADERS_CSV, "编号,标题,备注\r\n1,某目录,无\r\n".encode("utf-8"))


def json_api_record(number: int, **fields: Any) -> dict[str, Any]:
    """One record of the loopback JSON API, in a vendor's own field names and codes."""
    record = {
        "resourceCode": f"37162100-0004-2025-{number:06d}",
        "title": f"阳信县公共文化场馆信息第{number}号",
        "deptName": "阳信县文化和旅游局",
        "summary": f"阳信县公共文化场馆开放信息（第{number}号）",
        "openType": "无条件开放",
        "updateCycle": "每季度",
        "publishTime": "2025-05-01",
        "themeName": "文化旅游",
        "fields": [{"name": "venue", "title": "场馆名称", "type": "string"}],
    }
    record.update(fields)
    return record


@pytest.fixture(scope="session")
def loopback_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackFiles]:
    """An http.server on 127.0.0.1 serving catalog files, DCAT documents, a JSON API and broken sources."""
    directory = tmp_path_factory.mktemp("loopback-files")

    class Handler(_LoopbackHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(directory), **kwargs)

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            if isinstance(sys.exc_info()[1], ConnectionError):
                return  # a client that gave up (the timeout tests) is not a server failure
            super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    files = LoopbackFiles(directory=directory, base_url=f"http://127.0.0.1:{server.server_address[1]}")
    server.loopback = files  # type: ignore[attr-defined]
    files._prepare()
    thread = threading.Thread(target=server.serve_forever, name="loopback-files", daemon=True)
    thread.start()
    yield files
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


# ---------------------------------------------------------------------------------------------------------------
# Real harvest consumers (the queue pipeline as deployed)


class HarvestConsumers:
    """``ckan harvester gather-consumer`` and ``fetch-consumer`` as subprocesses on the test configuration.

    They share the test's database and Redis DB, so what the test commits (sources, jobs) they see, and what they
    import the test reads back. ``kill(kind)`` is ``kill -9``; ``start(kind)`` starts a fresh one.
    """

    KINDS = ("gather", "fetch")

    def __init__(self, ini: pathlib.Path, log_dir: pathlib.Path) -> None:
        self.ini = ini
        self.log_dir = log_dir
        self.processes: dict[str, subprocess.Popen] = {}
        self.started: dict[str, int] = {kind: 0 for kind in self.KINDS}

    def start(self, kind: str) -> subprocess.Popen:
        self.stop(kind)
        self.started[kind] += 1
        log = (self.log_dir / f"{kind}-consumer-{self.started[kind]}.log").open("w")
        process = subprocess.Popen([str(CKAN), "-c", str(self.ini), "harvester", f"{kind}-consumer"],
                                   stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.processes[kind] = process
        return process

    def kill(self, kind: str) -> None:
        """``kill -9`` the consumer (no cleanup of any kind runs in it)."""
        process = self.processes.pop(kind, None)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    def stop(self, kind: str) -> None:
        process = self.processes.pop(kind, None)
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def alive(self, kind: str) -> bool:
        process = self.processes.get(kind)
        return process is not None and process.poll() is None

    def logs(self) -> str:
        return "\n".join(f"== {path.name}\n{path.read_text(errors='replace')[-3000:]}"
                         for path in sorted(self.log_dir.glob("*-consumer-*.log")))

    def stop_all(self) -> None:
        for kind in list(self.processes):
            self.stop(kind)


def purge_harvest_queues() -> None:
    """Empty the gather and fetch queues (and their in-flight markers) of the test's Redis DB."""
    from ckanext.harvest import queue

    queue.purge_queues()
    redis = queue.get_connection()
    for prefix in (queue.get_gather_routing_key(), queue.get_fetch_routing_key()):
        for key in redis.keys(prefix + ":*"):
            redis.delete(key)


@pytest.fixture
def harvest_consumers(pytestconfig: pytest.Config, clean_db: Any, tmp_path: pathlib.Path) -> Iterator[HarvestConsumers]:
    """Gather and fetch consumer processes on the test configuration (not started: call ``start``)."""
    ini = pathlib.Path(pytestconfig.getoption("ckan_ini")).resolve()
    purge_harvest_queues()
    consumers = HarvestConsumers(ini, tmp_path)
    yield consumers
    consumers.stop_all()
    purge_harvest_queues()


def wait_until(condition: Any, timeout: float = 180, interval: float = 0.3, what: str = "condition",
               details: Any = None) -> Any:
    """Poll ``condition()`` until it returns something truthy (not an assertion about time: a hang guard);
    ``details()`` (e.g. the consumers' logs) goes into the failure message."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}" + (f"\n{details()}" if details else ""))
        time.sleep(interval)
