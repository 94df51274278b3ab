"""A stock CKAN portal mapped to the taxonomy by a declarative field and vocabulary mapping (HARV-2)."""
from __future__ import annotations

import json

import pytest

from ckanext.publicdata.harvest.harvesters.ckan import PublicdataCKANHarvester

from tests.harvest.sources_setup import (
    create_source,
    datasets_with_identifier,
    gather_errors,
    is_bilingual,
    portal_setup,
    run_job,
    show,
)

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def stock_package(number: int, **extras: str) -> dict:
    """A dataset as a stock CKAN portal's package_search returns it: core fields and free extras."""
    values = {"resource_code": f"37162300-0007-2025-{number:06d}", "kaifang": "Y", "pinlv": "按月",
              "zhuti": "jingji"}
    values.update(extras)
    return {
        "id": f"stock-{number}", "name": f"stock-dataset-{number}", "type": "dataset",
        "title": f"无棣县财政预算信息第{number}号", "notes": "无棣县年度财政预算公开信息",
        "organization": {"name": "wudi-finance", "title": "无棣县财政局"},
        "tags": [{"name": "财政"}, {"name": "预算"}],
        "extras": [{"key": key, "value": value} for key, value in values.items()],
        "resources": [{"id": f"r{number}", "name": "预算表", "url": f"http://wudi.example.cn/{number}.xlsx",
                       "format": "xlsx"}],
    }


CONFIG = {
    "trusted": True,
    "provider_map": {"wudi-finance": "huimin-transport"},
    "field_map": {
        "identifier": "extras.resource_code",
        "open_attribute": {"path": "extras.kaifang", "map": {"Y": "unconditional", "R": "conditional"}},
        "update_frequency": "extras.pinlv",
        "theme": "extras.zhuti",
    },
    "synonyms": {"theme": {"jingji": "economy"}},
}


def _serve(loopback_files, name, packages):
    body = json.dumps({"success": True, "result": {"count": len(packages), "results": packages}},
                      ensure_ascii=False).encode("utf-8")
    loopback_files.add_bytes(f"{name}/api/3/action/package_search", body, content_type="application/json")
    return loopback_files.url(name)


def test_stock_ckan_fields_and_vocabularies_are_mapped(loopback_files):
    portal = portal_setup()
    url = _serve(loopback_files, "stock-ckan", [stock_package(1), stock_package(2)])
    source = create_source("ckan", url, CONFIG)
    job, results = run_job(source)

    assert gather_errors(job) == []
    assert {r["report_status"] for r in results.values()} == {"added"}
    dataset = show(datasets_with_identifier("37162300-0007-2025-000001")[0].id)
    assert dataset["owner_org"] == portal["orgs"]["transport"]["id"]  # provider_map
    assert dataset["open_attribute"] == "unconditional"               # value map Y
    assert dataset["update_frequency"] == "monthly"                   # 按月 (built-in synonym)
    assert dataset["theme"] == "economy"                              # source synonym jingji
    assert sorted(tag["name"] for tag in dataset["tags"]) == ["财政", "预算"]
    assert dataset["resources"][0]["format"] == "XLSX"
    assert dataset["resources"][0]["url"] == "http://wudi.example.cn/1.xlsx"


def test_stock_records_without_an_open_attribute_fail(loopback_files):
    portal_setup()
    packages = [stock_package(3), stock_package(4, kaifang="")]
    url = _serve(loopback_files, "stock-ckan-missing", packages)
    source = create_source("ckan", url, CONFIG)
    _job, results = run_job(source)

    assert results["stock-3"]["report_status"] == "added"
    assert results["stock-4"]["report_status"] == "errored"
    (message,) = results["stock-4"]["errors"]
    assert "open_attribute" in message and is_bilingual(message)


def test_ckan_source_config_is_validated():
    harvester = PublicdataCKANHarvester()
    with pytest.raises(Exception, match="open attribute"):
        harvester.validate_options({"field_map": {"open_attribute": {"constant": "unconditional"}}})
    with pytest.raises(Exception, match="page_size"):
        harvester.validate_options({"page_size": 0})
