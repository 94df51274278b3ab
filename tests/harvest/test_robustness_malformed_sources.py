"""Malformed sources never crash a consumer and give clear (bilingual) job errors (issue 7 item 5).

Through the real queues: one gather and one fetch consumer process take, one after the other, a broken XLSX, an
HTML page instead of JSON, a truncated JSON, an undecodable CSV, a source that answers too slowly, an HTTP 500, a
broken Turtle document, a 10 MB title and injection strings; afterwards the same consumers still harvest a good
source. Injection strings are stored as plain text and shown escaped.
"""
from __future__ import annotations

import json
from typing import Any

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.harvest.model import HarvestJob, HarvestObject

from tests.harvest.conftest import INJECTION_STRINGS, wait_until
from tests.harvest.sources_setup import CITY_AUTHORITY, datasets_with_identifier, is_bilingual, portal_setup

pytestmark = [
    pytest.mark.usefixtures("with_plugins"),
    pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false"),
]

JSON_CONFIG = {
    "records_path": "data.list", "id_path": "resourceCode", "paging": {"mode": "none"},
    "field_map": {"identifier": "resourceCode", "title": "title", "notes": "summary", "provider": "deptName",
                  "open_attribute": "openType", "update_frequency": "updateCycle", "theme": "themeName"},
    "trusted": True,
}
MAX_ERROR_LENGTH = 20_000  # an operator reads the error: a 10 MB title must not come back whole in it


def _site() -> dict[str, Any]:
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}


def _source(name: str, url: str, source_type: str, config: dict[str, Any]) -> dict[str, Any]:
    source = tk.get_action("harvest_source_create")({"user": "hv_sysadmin"}, {
        "name": name, "title": f"异常来源 {name}", "url": url, "source_type": source_type,
        "owner_org": CITY_AUTHORITY, "config": json.dumps(config, ensure_ascii=False)})
    model.Session.commit()
    return source


def _finished(job_id: str) -> bool:
    model.Session.remove()
    job = HarvestJob.get(job_id)
    if job.status == "Finished":
        return True
    if job.gather_finished is None:
        return False
    states = {row[0] for row in model.Session.query(HarvestObject.state).filter(HarvestObject.harvest_job_id == job_id)}
    return states <= {"COMPLETE", "ERROR"}


def _harvest(source: dict[str, Any], consumers: Any) -> dict[str, Any]:
    job = helpers.call_action("harvest_job_create", context=_site(), source_id=source["id"])
    wait_until(lambda: _finished(job["id"]), what=f"the job of {source['name']}", timeout=300,
               details=consumers.logs)
    helpers.call_action("harvest_jobs_run", context=_site(), source_id=source["id"])
    report = helpers.call_action("publicdata_harvest_source_errors", context=_site(), id=source["id"],
                                 job_id=job["id"])
    progress = helpers.call_action("publicdata_harvest_job_progress", context=_site(), id=job["id"])
    assert consumers.alive("gather") and consumers.alive("fetch"), consumers.logs()
    return {"report": report, "progress": progress}


def _messages(outcome: dict[str, Any]) -> list[str]:
    report = outcome["report"]
    return [error["message"] for error in report["gather_errors"]] + [
        record["message"] for group in report["groups"] for record in group["records"]]


def test_malformed_sources_give_clear_errors_and_the_consumers_live_on(app, loopback_files, harvest_consumers):
    portal_setup()
    files = loopback_files
    unreadable = {
        "broken-xlsx": (files.url(files.BROKEN_XLSX), "publicdata_catalog_file",
                        {"trusted": True, "owner_org": "huimin-transport"}),
        "html-not-xlsx": (files.url(files.NOT_XLSX), "publicdata_catalog_file",
                          {"trusted": True, "owner_org": "huimin-transport", "format": "xlsx"}),
        "html-not-json": (files.url(files.HTML_NOT_JSON), "publicdata_json", JSON_CONFIG),
        "truncated-json": (files.url(files.TRUNCATED_JSON), "publicdata_json", JSON_CONFIG),
        "too-slow": (files.slow_url(6, files.CATALOG_CSV_UTF8), "publicdata_catalog_file",
                     {"trusted": True, "owner_org": "huimin-transport", "timeout": 1}),
        "http-500": (files.status_url(500), "publicdata_json", JSON_CONFIG),
        "broken-turtle": (files.url(files.BROKEN_TURTLE), "publicdata_dcat",
                          {"rdf_format": "turtle", "trusted": True}),
    }
    sources = {name: _source(name, url, kind, config) for name, (url, kind, config) in unreadable.items()}
    sources["huge-title"] = _source("huge-title", files.url(files.HUGE_TITLE_CSV), "publicdata_catalog_file",
                                    {"trusted": True, "owner_org": "huimin-transport"})
    sources["injection"] = _source("injection", files.url(files.INJECTION_CSV), "publicdata_catalog_file",
                                   {"trusted": True})
    sources["good"] = _source("good", files.url(files.CATALOG_XLSX), "publicdata_catalog_file", {"trusted": True})
    harvest_consumers.start("gather")
    harvest_consumers.start("fetch")

    for name in unreadable:
        outcome = _harvest(sources[name], harvest_consumers)
        messages = _messages(outcome)
        assert outcome["progress"]["status"] == "Finished", name
        # a streamed JSON cut short keeps the record read before the cut (and withdraws nothing); the rest none
        assert outcome["progress"]["imported"] <= (1 if name == "truncated-json" else 0), name
        assert outcome["progress"]["withdrawn"] == 0, name
        assert messages, f"{name}: no error for the operator"
        assert all(is_bilingual(message) for message in messages), (name, messages)
        assert all(len(message) < MAX_ERROR_LENGTH for message in messages), name
    too_slow = " ".join(_messages(_harvest(sources["too-slow"], harvest_consumers)))
    assert "超时" in too_slow and "timed out" in too_slow

    # the 10 MB title: that record fails with a short error, the other row of the file imports
    huge = _harvest(sources["huge-title"], harvest_consumers)
    assert huge["progress"]["imported"] == 1
    assert len(datasets_with_identifier("37160300-0002-2025-000052")) == 1
    assert not datasets_with_identifier("37160300-0002-2025-000051")
    assert all(len(message) < MAX_ERROR_LENGTH for message in _messages(huge))

    # injection strings: stored as the text they are, shown escaped
    injection = _harvest(sources["injection"], harvest_consumers)
    assert injection["progress"]["imported"] >= 1
    stored = [package for number in range(70, 70 + len(INJECTION_STRINGS))
              for package in datasets_with_identifier(f"37160300-0002-2025-{number:06d}")]
    assert stored
    for package in stored:
        index = int(package.extras["identifier"][-2:]) - 70
        assert package.title == f"注入测试{index}{INJECTION_STRINGS[index]}"
    assert model.Session.query(model.Package).count() >= len(stored)  # the package table is still there
    script_dataset = next((p for p in stored if "<script>" in p.title), None)
    if script_dataset is not None:
        page = app.get(f"/en/dataset/{script_dataset.name}")
        assert "<script>alert('xss')</script>" not in page.body
        assert "&lt;script&gt;" in page.body

    # and the same consumers still harvest a good source
    good = _harvest(sources["good"], harvest_consumers)
    assert good["progress"]["added"] == 5 and good["progress"]["errored"] == 0
