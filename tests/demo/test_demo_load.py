"""The demo catalogue `make setup` loads (issue 2; issue 4 item 10: it exercises every field and rule).

The data tests read the catalogue files and the generated tables without a database; the load test
runs ``demo.load()`` against a clean database through the action API with the real schema and search
backend, downloads every open file through the portal, and loads a second time.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata import demo
from ckanext.publicdata.catalog import pii
from ckanext.publicdata.catalog.credit_code import is_valid_unified_credit_code
from ckanext.publicdata.demo import content

AUTHORITY = "city-big-data-bureau"
DIVISIONS = {"371600", "371602", "371603", "371621", "371622", "371623", "371625", "371626"}


@pytest.fixture(scope="module")
def catalogue() -> dict:
    return demo.read_catalogue()


def _files(entry: dict, catalogue: dict) -> dict[str, bytes]:
    """The bytes each uploaded format of a dataset should have."""
    rows = demo.table(entry, catalogue)
    renderers = {"csv": content.to_csv, "json": content.to_json}
    return {kind: renderers[kind](entry["items"], rows) for kind in entry.get("resources", []) if kind in renderers}


# ------------------------------------------------------------------ the catalogue as data


def test_organizations_form_a_city_county_agency_hierarchy(catalogue):
    organizations = catalogue["organizations"]
    by_name = catalogue["organizations_by_name"]
    assert len(by_name) == len(organizations), "organization names repeat"
    city_bureau = by_name[AUTHORITY]
    assert city_bureau["level"] == "city" and not city_bureau["parent_authority"]
    city_agencies = [o for o in organizations if o["level"] == "city" and o["parent_authority"] == AUTHORITY]
    county_bureaus = [o for o in organizations if o["level"] == "county" and o["parent_authority"] == AUTHORITY]
    county_agencies = [o for o in organizations
                       if o["parent_authority"] in {bureau["name"] for bureau in county_bureaus}]
    assert len(city_agencies) >= 8
    assert len(county_bureaus) >= 2
    assert county_agencies and all(o["level"] == "county" for o in county_agencies)
    created_before = set()
    for organization in organizations:  # an organization's authority is created before it
        assert not organization["parent_authority"] or organization["parent_authority"] in created_before
        created_before.add(organization["name"])
        assert is_valid_unified_credit_code(organization["agency_code"]), organization["name"]
        assert organization["district"] in DIVISIONS
        for phone in (organization["responsible_phone"], organization["cdo_phone"], organization["contact"]["phone"]):
            assert re.fullmatch(r"0543-\d{7}", phone)
        assert organization["contact"]["email"].endswith("@example.gov.cn")
    assert len({o["agency_code"] for o in organizations}) == len(organizations)


def test_datasets_span_the_taxonomy_and_every_field(catalogue):
    datasets = [demo.dataset_dict(entry, catalogue) for entry in catalogue["datasets"]]
    assert len(datasets) >= 64
    identifiers = [dataset["identifier"] for dataset in datasets]
    assert len(set(identifiers)) == len(identifiers)
    assert len({dataset["name"] for dataset in datasets}) == len(datasets)

    attributes = Counter(dataset["open_attribute"] for dataset in datasets)
    assert set(attributes) == {"unconditional", "conditional", "not_open"}
    assert 0.5 <= attributes["unconditional"] / len(datasets) <= 0.7
    assert 0.2 <= attributes["conditional"] / len(datasets) <= 0.35
    assert 0.07 <= attributes["not_open"] / len(datasets) <= 0.15

    owners = Counter(dataset["owner_org"] for dataset in datasets)
    assert set(owners) == set(catalogue["organizations_by_name"]), "every organization publishes something"
    assert sum(dataset["emergency"] is True for dataset in datasets) >= 2
    resources = [kind for entry in catalogue["datasets"] for kind in entry.get("resources", [])]
    assert {"csv", "json", "api"} <= set(resources)
    assert sum(len(entry.get("resources", [])) >= 2 for entry in catalogue["datasets"]) >= 10
    assert len({dataset["update_frequency"] for dataset in datasets}) >= 7
    assert len({dataset["theme"] for dataset in datasets}) >= 10
    assert len({domain for dataset in datasets for domain in dataset["priority_domains"]}) >= 15
    assert any(dataset["related_identifiers"] for dataset in datasets)

    for dataset in datasets:
        label = dataset["identifier"]
        for field in ("title", "notes", "tag_string", "theme", "priority_domains", "security_level",
                      "update_frequency", "usage_requirements", "share_attribute",
                      "spatial_coverage", "contact_name", "contact_phone", "contact_email"):
            assert dataset[field], (label, field)
        if dataset["share_attribute"] == "not_shared":
            assert dataset["share_conditions"] and not dataset["share_method"], label
        else:
            assert dataset["share_method"], label
        assert re.search(r"[\u4e00-\u9fff]", dataset["title"]) and len(re.findall("。", dataset["notes"])) >= 2
        assert dataset["spatial_coverage"] in DIVISIONS
        release, updated = dt.date.fromisoformat(dataset["release_date"]), dt.date.fromisoformat(dataset["data_updated"])
        assert dt.date(2023, 1, 1) <= release <= updated <= dt.date(2026, 12, 31), label
        assert dataset["temporal_start"] <= dataset["temporal_end"], label
        assert 3 <= len(dataset["data_items"]) <= 8, label
        for related in filter(None, dataset["related_identifiers"].split(",")):
            assert related in identifiers, label
        if dataset["open_attribute"] == "conditional":
            assert dataset["open_conditions"] and dataset["open_conditions_text"], label
        else:
            assert not dataset.get("open_conditions") and not dataset.get("open_conditions_text"), label
        if dataset["open_attribute"] == "not_open":
            assert "《" in dataset["not_open_basis"] and dataset["private"] is True, label
            assert dataset["share_conditions"], label
        else:
            assert not dataset.get("not_open_basis") and dataset["private"] is False, label
            assert dataset["open_method"], label


def test_every_schema_field_and_code_is_used(catalogue):
    """Issue 4 item 10: the demo exercises every catalog field and every code of the closed vocabularies."""
    schema_dir = Path(demo.__file__).parent.parent / "schemas"
    schema = yaml.safe_load((schema_dir / "dataset.yaml").read_text(encoding="utf-8"))
    presets = {preset["preset_name"]: preset["values"]
               for preset in yaml.safe_load((schema_dir / "presets.yaml").read_text(encoding="utf-8"))["presets"]}
    datasets = [demo.dataset_dict(entry, catalogue) for entry in catalogue["datasets"]]
    computed = {"name", "open_attribute_pending", "citation", "publication_status"}  # generated or computed on read
    for field in schema["dataset_fields"]:
        if field["field_name"] in computed:
            continue
        assert any(dataset.get(field["field_name"]) not in (None, "", []) for dataset in datasets), field["field_name"]
        preset = presets.get(field.get("preset", ""))
        if preset and preset.get("choices") and field["field_name"] != "emergency":
            codes = {choice["value"] for choice in preset["choices"]}
            used = set()
            for dataset in datasets:
                value = dataset.get(field["field_name"])
                used |= set(value) if isinstance(value, list) else {value}
            unused = codes - used - {"other"}  # 其他 (other theme) is a catch-all nobody needs
            assert not unused, (field["field_name"], unused)
    resource_fields = {field["field_name"] for field in schema["resource_fields"]}
    loaded = {key for entry in catalogue["datasets"] if entry["open_attribute"] != "not_open"
              for resource in demo.resource_dicts({"title": entry["title"], "name": "x"}, entry, catalogue)
              for key in resource}
    assert resource_fields <= loaded, resource_fields - loaded


def test_generated_files_match_the_data_items_and_hold_no_personal_information(catalogue):
    open_entries = [entry for entry in catalogue["datasets"] if entry["open_attribute"] != "not_open"]
    for entry in open_entries:
        files = _files(entry, catalogue)
        assert files, entry["identifier"]
        names = [item["field_name"] for item in entry["items"]]
        if "csv" in files:
            table = list(csv.reader(io.StringIO(files["csv"].decode("utf-8"))))
            assert table[0] == names, entry["identifier"]
            assert 20 <= len(table) - 1 <= 200, entry["identifier"]
            assert all(len(row) == len(names) for row in table[1:])
        if "json" in files:
            records = json.loads(files["json"])
            assert 20 <= len(records) <= 200 and all(list(record) == names for record in records)
            for item in entry["items"]:
                values = [record[item["field_name"]] for record in records]
                if item["field_type"] == "number":
                    assert all(isinstance(value, (int, float)) for value in values), (entry["identifier"], item)
                if item["field_type"] == "boolean":
                    assert all(isinstance(value, bool) for value in values), (entry["identifier"], item)
                if item["field_type"] == "date":
                    assert all(dt.date.fromisoformat(value) for value in values)
        for kind, data in files.items():
            report = pii.scan_resource(io.BytesIO(data), kind.upper(), name=f"demo.{kind}")
            assert report.clean and report.complete and not report.error, (entry["identifier"], report.as_dict())


def test_generated_enterprise_credit_codes_are_valid_and_tables_are_reproducible(catalogue):
    entry = next(entry for entry in catalogue["datasets"] if entry["identifier"] == "37160000-0002-2023-000001")
    rows = demo.table(entry, catalogue)
    codes = [row["credit_code"] for row in rows]
    assert all(is_valid_unified_credit_code(code) for code in codes)
    assert len(set(codes)) == len(codes)
    assert all(row["legal_representative"].endswith("**") for row in rows)
    assert demo.table(entry, catalogue) == rows


# ------------------------------------------------------------------ loading through the action API


def _as_path(url: str) -> str:
    parsed = urlparse(url)
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_load_into_a_clean_database_then_again(app, catalogue):
    summary = demo.load(echo=None)
    assert summary["organizations"] == len(catalogue["organizations"])
    assert summary["datasets"] == len(catalogue["datasets"])
    assert summary["created"] == summary["organizations"] + summary["datasets"]
    assert summary["existing"] == 0

    sysadmin = {"ignore_auth": True, "user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}

    # organizations with their levels and authorities, as stored
    organizations = tk.get_action("organization_list")(
        sysadmin, {"all_fields": True, "include_extras": True, "limit": 1000})
    by_name = {organization["name"]: organization for organization in organizations}
    assert by_name[AUTHORITY]["level"] == "city"
    city_agencies = [o for o in organizations if o["level"] == "city" and o.get("parent_authority") == AUTHORITY]
    county_bureaus = [o for o in organizations if o["level"] == "county" and o.get("parent_authority") == AUTHORITY]
    assert len(city_agencies) >= 8 and len(county_bureaus) >= 2
    assert all(is_valid_unified_credit_code(o["agency_code"]) for o in organizations)

    # every dataset, with its taxonomy fields as the schema stored them
    ids = [row[0] for row in model.Session.query(model.Package.id).filter(model.Package.state == "active")]
    assert len(ids) == len(catalogue["datasets"]) >= 60
    datasets = [tk.get_action("package_show")(dict(sysadmin), {"id": package_id}) for package_id in ids]
    attributes = Counter(dataset["open_attribute"] for dataset in datasets)
    assert set(attributes) == {"unconditional", "conditional", "not_open"}
    entries = {entry["identifier"]: entry for entry in catalogue["datasets"]}
    downloads = 0
    for dataset in datasets:
        entry = entries[dataset["identifier"]]
        assert dataset["organization"]["name"] == entry["organization"]
        assert [item["field_name"] for item in dataset["data_items"]] == [i["field_name"] for i in entry["items"]]
        assert len(dataset["resources"]) == len(entry.get("resources", []))
        if dataset["open_attribute"] == "not_open":
            assert dataset["private"] is True
            assert app.get(f"/dataset/{dataset['name']}").status_code == 404
            with pytest.raises(tk.NotAuthorized):
                tk.get_action("package_show")({"user": "", "ignore_auth": False}, {"id": dataset["id"]})
            continue
        assert dataset["private"] is False
        if dataset["open_attribute"] == "conditional":
            assert dataset["open_conditions"] and dataset["open_conditions_text"]
        files = _files(entry, catalogue)
        for resource in dataset["resources"]:
            if resource["format"] == "API":
                assert resource["access_method"] == "api" and resource["url"].startswith(tk.config["ckan.site_url"])
                continue
            kind = resource["format"].lower()
            assert resource["url_type"] == "upload" and resource["size"] == len(files[kind])
            if dataset["open_attribute"] == "unconditional":  # anonymous download through the portal
                response = app.get(_as_path(resource["url"]))
                assert response.status_code == 200, resource["url"]
                assert response.data == files[kind]
                downloads += 1
    assert downloads >= 60

    # anonymous visitors see the open datasets and their providers on the portal
    page = app.get("/dataset/37160000-0002-2023-000001")
    assert page.status_code == 200 and "滨州市企业登记注册信息" in page.get_data(as_text=True)
    page = app.get(f"/organization/{AUTHORITY}")
    assert page.status_code == 200 and "滨州市大数据局" in page.get_data(as_text=True)
    # anonymous visitors see the open datasets in the catalogue
    response = app.get("/api/3/action/package_search", query_string={"q": "滨州市企业登记注册信息", "rows": 5})
    titles = [result["title"] for result in response.json["result"]["results"]]
    assert "滨州市企业登记注册信息" in titles

    again = demo.load(echo=None)
    assert again["created"] == 0
    assert again["existing"] == summary["created"]
    assert model.Session.query(model.Package).filter(model.Package.state == "active").count() == len(ids)


# ------------------------------------------------------------------ rejected entries


def _small_catalogue(tmp_path: Path, datasets: list[dict]) -> Path:
    """A catalogue directory with the demo defaults, the city bureau and one agency, and the given datasets."""
    source = Path(demo.DATA_DIR)
    (tmp_path / "datasets").mkdir()
    (tmp_path / "defaults.yaml").write_text((source / "defaults.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    organizations = yaml.safe_load((source / "organizations.yaml").read_text(encoding="utf-8"))["organizations"][:2]
    (tmp_path / "organizations.yaml").write_text(
        yaml.safe_dump({"organizations": organizations}, allow_unicode=True), encoding="utf-8")
    (tmp_path / "datasets" / "01.yaml").write_text(
        yaml.safe_dump({"organization": organizations[1]["name"], "datasets": datasets}, allow_unicode=True),
        encoding="utf-8")
    return tmp_path


def _entry(identifier: str, **fields) -> dict:
    entry = {
        "identifier": identifier, "title": "滨州市测试数据", "notes": "测试数据。用于检验导入。",
        "tags": ["测试"], "open_attribute": "unconditional", "theme": "economy",
        "priority_domains": ["market_regulation"], "update_frequency": "monthly",
        "release_date": "2024-01-01", "data_updated": "2024-02-01",
        "temporal_start": "2024-01-01", "temporal_end": "2024-01-31", "rows": 20, "resources": ["csv"],
        "items": ["name | 名称 | string | 名称 | $company", "amount | 数量 | number | 数量 | int:1-9",
                  "day | 日期 | date | 日期 | date:2024-01-01~2024-01-31"],
    }
    entry.update(fields)
    return entry


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_a_rejected_dataset_is_reported_and_the_rest_still_loads(tmp_path):
    data_dir = _small_catalogue(tmp_path, [
        _entry("37160000-0002-2024-900001"),
        _entry("37160000-0002-2024-900002", title="滨州市缺少开放条件的数据", open_attribute="conditional",
               open_conditions=["credit"]),  # 有条件开放 without its 开放条件 text
    ])
    with pytest.raises(demo.DemoLoadError) as failure:
        demo.load(data_dir=data_dir)
    assert "37160000-0002-2024-900002" in str(failure.value) and "open_conditions_text" in str(failure.value)
    assert "37160000-0002-2024-900001" not in str(failure.value)
    assert demo.dataset_exists("37160000-0002-2024-900001", "37160000-0002-2024-900001")
    assert not demo.dataset_exists("37160000-0002-2024-900002", "37160000-0002-2024-900002")


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.ckan_config("ckan.max_resource_size", 0)
def test_a_dataset_whose_upload_fails_is_not_left_half_made(tmp_path):
    data_dir = _small_catalogue(tmp_path, [_entry("37160000-0002-2024-900003")])
    with pytest.raises(demo.DemoLoadError) as failure:
        demo.load(data_dir=data_dir)
    assert "37160000-0002-2024-900003" in str(failure.value)
    assert not demo.dataset_exists("37160000-0002-2024-900003", "37160000-0002-2024-900003")
    assert model.Session.query(model.Package).count() == 0
