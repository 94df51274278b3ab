"""End to end through the deployed pipeline (issue 7, Done-when; HARV-1, HARV-2): a live second portal, an agency
catalog file and a DCAT document on loopback, harvested by real ``gather-consumer`` / ``fetch-consumer`` processes
on Redis; then the operators' progress, error report and CLI see the result.
"""
from __future__ import annotations

import json
from typing import Any

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.harvest.model import HarvestJob, HarvestObject

from tests.catalog.taxonomy_setup import CITY_AUTHORITY
from tests.harvest.conftest import catalog_row, wait_until
from tests.harvest.sources_setup import datasets_with_identifier, portal_setup

pytestmark = [
    pytest.mark.usefixtures("with_plugins"),
    pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "true"),
]

NODE_ORG = "hvops-e2e-node"


def _site() -> dict[str, Any]:
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}


def _source(name: str, url: str, source_type: str, config: dict[str, Any]) -> dict[str, Any]:
    source = tk.get_action("harvest_source_create")({"user": "hv_sysadmin"}, {
        "name": name, "title": f"端到端 {name}", "url": url, "source_type": source_type, "owner_org": CITY_AUTHORITY,
        "config": json.dumps(config, ensure_ascii=False)})
    model.Session.commit()
    return source


def _job_done(job_id: str) -> bool:
    model.Session.remove()
    job = HarvestJob.get(job_id)
    if job.status == "Finished":
        return True
    if job.gather_finished is None:
        return False
    states = {row[0] for row in model.Session.query(HarvestObject.state).filter(HarvestObject.harvest_job_id == job_id)}
    return states <= {"COMPLETE", "ERROR"}


def _run_through_queues(sources: list[dict[str, Any]], consumers: Any) -> dict[str, dict[str, Any]]:
    jobs = {source["name"]: helpers.call_action("harvest_job_create", context=_site(), source_id=source["id"])
            for source in sources}
    for name, job in jobs.items():
        wait_until(lambda: _job_done(job["id"]), what=f"the job of {name}", timeout=400, details=consumers.logs)
    for source in sources:
        helpers.call_action("harvest_jobs_run", context=_site(), source_id=source["id"])
    return {name: helpers.call_action("publicdata_harvest_job_progress", context=_site(), id=job["id"])
            for name, job in jobs.items()}


def test_portal_file_and_dcat_sources_harvested_through_the_queues(source_portal, loopback_files,
                                                                   harvest_consumers):
    # the county node: 6 taxonomy-complete datasets, one of them conditional
    source_portal.ensure_organization(NODE_ORG, "滨城区数据资源局（端到端）", "MB1600201")
    node_datasets = source_portal.load_datasets(5, organization=NODE_ORG)
    node_datasets += source_portal.load_datasets(
        1, organization=NODE_ORG, open_attribute="conditional", open_conditions=["application_scenario"],
        open_conditions_text="申请人须说明应用场景。")
    portal_setup()
    factories.Organization(name=NODE_ORG, title="滨城区数据资源局（端到端）", level="county",
                           parent_authority=CITY_AUTHORITY)
    # an agency catalog file with one invalid row (no open attribute: never defaulted)
    rows = [catalog_row(n) for n in range(901, 905)] + [catalog_row(905, 开放属性="")]
    file_url = loopback_files.add_xlsx("e2e/agency-catalog.xlsx", rows)
    model.Session.commit()

    sources = [
        _source("e2e-node", source_portal.url, "publicdata_node",
                {"fq": f"organization:{NODE_ORG}", "page_size": 4, "trusted": True}),
        _source("e2e-file", file_url, "publicdata_catalog_file", {"trusted": True}),
        _source("e2e-dcat", loopback_files.url(loopback_files.DCAT_TURTLE), "publicdata_dcat",
                {"owner_org": "zhanhua-weather", "rdf_format": "turtle", "trusted": True}),
    ]
    harvest_consumers.start("gather")
    harvest_consumers.start("fetch")
    progress = _run_through_queues(sources, harvest_consumers)

    # the node: every dataset, taxonomy intact
    assert progress["e2e-node"]["status"] == "Finished"
    assert progress["e2e-node"]["added"] == 6 and progress["e2e-node"]["errored"] == 0, harvest_consumers.logs()
    for original in node_datasets:
        [package] = datasets_with_identifier(original["identifier"])
        harvested = tk.get_action("package_show")({"ignore_auth": True}, {"id": package.id})
        for field in ("title", "open_attribute", "theme", "update_frequency", "security_level", "spatial_coverage",
                      "share_attribute"):
            assert harvested[field] == original[field], field
        assert sorted(harvested["priority_domains"]) == sorted(original["priority_domains"])
        assert [item["field_name"] for item in harvested["data_items"]] == ["uscc", "reg_date"]
        assert harvested["organization"]["name"] == NODE_ORG

    # the file: four rows imported, the row without 开放属性 is an error naming the field, the rest imported
    assert progress["e2e-file"]["added"] == 4, harvest_consumers.logs()
    assert progress["e2e-file"]["errored"] == 1
    report = helpers.call_action("publicdata_harvest_source_errors", context=_site(), id="e2e-file")
    [group] = report["groups"]
    assert group["count"] == 1
    assert [record["guid"] for record in group["records"]] == ["37160300-0002-2025-000905"]
    assert "开放属性" in group["message"] and "open attribute" in group["message"].lower()
    assert not datasets_with_identifier("37160300-0002-2025-000905")

    # the DCAT document: its four datasets, open attribute from dct:accessRights
    assert progress["e2e-dcat"]["added"] == 4, harvest_consumers.logs()
    conditional = datasets_with_identifier("37160500-0003-2025-000004")
    assert len(conditional) == 1
    assert conditional[0].extras["open_attribute"] == "conditional"

    # the consumers survived all of it
    assert harvest_consumers.alive("gather") and harvest_consumers.alive("fetch")
