"""Agency catalog files (XLSX / CSV in the national template) harvested from a loopback URL (HARV-1, HARV-2, TAX-13)."""
from __future__ import annotations

import pytest

import ckan.model as model

from ckanext.publicdata.catalog.model import PUBLICATION_SUBMITTED, PublicationReview
from ckanext.publicdata.harvest.harvesters.catalog_file import detect_encoding

from tests.harvest.conftest import catalog_row
from tests.harvest.sources_setup import (
    create_source,
    datasets_with_identifier,
    gather_errors,
    is_bilingual,
    object_errors,
    portal_setup,
    run_job,
    show,
)

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db"),
    pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "true"),
]


@pytest.fixture
def portal():
    return portal_setup()


def test_xlsx_catalog_is_harvested_with_its_taxonomy(portal, loopback_files):
    """The 5 rows of the template XLSX become 5 datasets of the provider named in 提供方, codes from labels."""
    source = create_source("catalog_file", loopback_files.url(loopback_files.CATALOG_XLSX), {"trusted": True})
    job, results = run_job(source)

    assert gather_errors(job) == []
    assert len(results) == 5
    assert {r["report_status"] for r in results.values()} == {"added"}
    row = catalog_row(1)
    dataset = show(datasets_with_identifier(row["信息资源代码"])[0].id)
    assert dataset["title"] == row["名称"]
    assert dataset["owner_org"] == portal["orgs"]["transport"]["id"]  # from 提供方 惠民县交通运输局
    assert dataset["open_attribute"] == "unconditional"               # 无条件开放
    assert dataset["share_attribute"] == "unconditional"              # 无条件共享
    assert dataset["update_frequency"] == "monthly"                   # 每月
    assert dataset["theme"] == "transport"                            # 交通
    assert dataset["priority_domains"] == ["transport"]               # 交通运输
    assert dataset["release_date"].startswith("2025-04-01")
    assert [item["field_title"] for item in dataset["data_items"]] == ["许可证号", "经营者名称", "许可日期"]
    assert dataset["private"] is False  # trusted source: published at once


@pytest.mark.parametrize("name", ["CATALOG_CSV_UTF8", "CATALOG_CSV_BOM", "CATALOG_CSV_GB18030"])
def test_csv_encodings_are_detected(portal, loopback_files, name):
    source = create_source("catalog_file", loopback_files.url(getattr(loopback_files, name)),
                           {"trusted": True, "owner_org": "huimin-transport"})
    job, results = run_job(source)

    assert gather_errors(job) == []
    assert len(results) == 3
    titles = {show(r["dataset"]["id"])["title"] for r in results.values()}
    assert all(title.startswith("惠民县道路运输许可信息第") for title in titles)  # decoded, not mojibake


def test_detect_encoding_tells_utf8_bom_and_gb18030(tmp_path):
    samples = {"utf-8": "信息资源代码,名称\n".encode("utf-8"),
               "utf-8-sig": b"\xef\xbb\xbf" + "信息资源代码,名称\n".encode("utf-8"),
               "gb18030": "信息资源代码,名称\n".encode("gb18030")}
    for expected, data in samples.items():
        path = tmp_path / f"{expected}.csv"
        path.write_bytes(data)
        assert detect_encoding(str(path)) == expected


def test_invalid_records_become_errors_naming_each_field_and_the_rest_imports(portal, loopback_files):
    rows = [
        catalog_row(101),
        catalog_row(102, 开放属性=""),                       # no open attribute: never defaulted
        catalog_row(103, 开放属性="半开放", 更新周期="每两周一次"),  # two bad vocabulary values
        catalog_row(104, 开放属性="有条件", 开放条件=""),          # conditional without its conditions
        catalog_row(105),
    ]
    url = loopback_files.add_csv("catalog/invalid-records.csv", rows)
    source = create_source("catalog_file", url, {"trusted": True})
    job, results = run_job(source)

    codes = {n: catalog_row(n)["信息资源代码"] for n in (101, 102, 103, 104, 105)}
    assert results[codes[101]]["report_status"] == "added"
    assert results[codes[105]]["report_status"] == "added"
    for number in (102, 103, 104):
        assert results[codes[number]]["report_status"] == "errored"
        assert datasets_with_identifier(codes[number]) == []

    (missing,) = object_errors(results, codes[102])
    assert "open_attribute" in missing and is_bilingual(missing)
    (two_fields,) = object_errors(results, codes[103])
    assert "open_attribute" in two_fields and "update_frequency" in two_fields
    (conditions,) = object_errors(results, codes[104])
    assert "open_conditions_text" in conditions and "开放条件" in conditions


def test_untrusted_source_puts_records_in_the_review_queue(portal, loopback_files):
    """TAX-13: harvest runs as the site user, yet an untrusted source's records wait for the authority."""
    url = loopback_files.add_csv("catalog/review.csv", [catalog_row(201), catalog_row(202)])
    source = create_source("catalog_file", url, {})
    job, results = run_job(source)

    assert {r["report_status"] for r in results.values()} == {"added"}
    for result in results.values():
        package = model.Package.get(result["dataset"]["id"])
        assert package.private is True
        cycle = PublicationReview.current(package.id)
        assert cycle is not None and cycle.status == PUBLICATION_SUBMITTED and cycle.cause == "harvested"


def test_trusted_source_publishes_without_review(portal, loopback_files):
    url = loopback_files.add_csv("catalog/trusted.csv", [catalog_row(301)])
    source = create_source("catalog_file", url, {"trusted": True})
    _job, results = run_job(source)

    package = model.Package.get(next(iter(results.values()))["dataset"]["id"])
    assert package.private is False
    assert PublicationReview.current(package.id) is None


def test_provider_without_local_organization_is_an_error(portal, loopback_files):
    url = loopback_files.add_csv("catalog/unknown-provider.csv", [catalog_row(401, 提供方="某不存在的局")])
    source = create_source("catalog_file", url, {"trusted": True})
    _job, results = run_job(source)

    (message,) = object_errors(results, catalog_row(401)["信息资源代码"])
    assert "某不存在的局" in message and "provider_map" in message


def test_provider_map_routes_rows_to_the_configured_organization(portal, loopback_files):
    url = loopback_files.add_csv("catalog/mapped-provider.csv", [catalog_row(402, 提供方="惠民县交通局（旧称）")])
    source = create_source("catalog_file", url, {"trusted": True,
                                                 "provider_map": {"惠民县交通局（旧称）": "huimin-transport"}})
    _job, results = run_job(source)

    assert next(iter(results.values()))["dataset"]["owner_org"] == portal["orgs"]["transport"]["id"]


@pytest.mark.parametrize("name,expected", [
    ("BROKEN_XLSX", "XLSX"),
    ("NOT_XLSX", "XLSX"),
    ("BAD_ENCODING_CSV", None),
    ("WRONG_HEADERS_CSV", "表头"),
    ("EMPTY_CSV", "表头"),
])
def test_malformed_files_give_clear_gather_errors(portal, loopback_files, name, expected):
    source = create_source("catalog_file", loopback_files.url(getattr(loopback_files, name)),
                           {"trusted": True, "owner_org": "huimin-transport"})
    job, results = run_job(source)

    errors = gather_errors(job)
    if name == "BAD_ENCODING_CSV":
        # undecodable as UTF-8 → read as GB18030: the good row imports or the file is refused, never a crash
        assert errors or results
        return
    assert errors and all(is_bilingual(message) for message in errors)
    assert any(expected in message for message in errors)
    assert results == {}


def test_a_10_mb_title_is_refused_for_that_row_only(portal, loopback_files):
    source = create_source("catalog_file", loopback_files.url(loopback_files.HUGE_TITLE_CSV), {"trusted": True})
    job, results = run_job(source)

    assert gather_errors(job) == []
    huge, normal = catalog_row(51)["信息资源代码"], catalog_row(52)["信息资源代码"]
    assert results[normal]["report_status"] == "added"
    assert results[huge]["report_status"] == "errored"
    (message,) = object_errors(results, huge)
    assert "title" in message and is_bilingual(message) and len(message) < 2000
    assert datasets_with_identifier(huge) == []
