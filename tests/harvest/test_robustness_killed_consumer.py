"""A harvest job whose gather or fetch consumer is killed with ``kill -9`` resumes, or is closed and re-run, without
duplicates or lost records (issue 7 item 5; HARV-1, HARV-2).

Real pipeline: a live second portal (the source), ``ckan harvester gather-consumer`` / ``fetch-consumer``
subprocesses on Redis, the node harvester. The test compares the source's identifier set with the harvested one.
"""
from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestSource

from tests.catalog.taxonomy_setup import CITY_AUTHORITY, agency_code
from tests.harvest.conftest import wait_until

pytestmark = [
    pytest.mark.usefixtures("with_plugins"),
    pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "true"),
]

RECORDS = 24


def _sysadmin_context() -> dict[str, Any]:
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}


def _node_source(source_portal: Any, organization: str, body: str, page_size: int) -> tuple[HarvestSource, set[str]]:
    """A source-portal organization with RECORDS datasets, the same organization here, a node source for it."""
    source_portal.ensure_organization(organization, f"测试机构{body}", body)
    loaded = source_portal.load_datasets(RECORDS, organization=organization)
    factories.Organization(name=CITY_AUTHORITY, title="滨州市大数据局", level="city",
                           agency_code=agency_code("MB1000001"))
    factories.Organization(name=organization, title=f"测试机构{body}", level="county",
                           parent_authority=CITY_AUTHORITY)
    sysadmin = factories.Sysadmin()
    config = {"fq": f"organization:{organization}", "page_size": page_size, "trusted": True}
    source_dict = tk.get_action("harvest_source_create")({"user": sysadmin["name"]}, {
        "name": f"node-{organization}", "title": f"县级节点 {organization}", "url": source_portal.url,
        "source_type": "publicdata_node", "owner_org": CITY_AUTHORITY,
        "config": json.dumps(config, ensure_ascii=False)})
    model.Session.commit()
    return HarvestSource.get(source_dict["id"]), {d["identifier"] for d in loaded}


def _fresh() -> None:
    model.Session.remove()


def _job(job_id: str) -> HarvestJob:
    _fresh()
    return HarvestJob.get(job_id)


def _states(job_id: str) -> dict[str, int]:
    _fresh()
    rows = (model.Session.query(HarvestObject.state, sa.func.count(HarvestObject.id))
            .filter(HarvestObject.harvest_job_id == job_id).group_by(HarvestObject.state).all())
    return dict(rows)


def _job_done(job_id: str) -> bool:
    job = _job(job_id)
    if job.gather_finished is None:
        return False
    states = _states(job_id)
    return bool(states) and set(states) <= {"COMPLETE", "ERROR"}


def _harvested_identifiers(source_id: str) -> list[str]:
    """Identifiers of the live datasets this source's harvest objects point at (one entry per dataset)."""
    _fresh()
    package_ids = {row[0] for row in model.Session.query(HarvestObject.package_id)
                   .filter(HarvestObject.harvest_source_id == source_id, HarvestObject.package_id.isnot(None))}
    if not package_ids:
        return []
    rows = (model.Session.query(model.PackageExtra.value)
            .join(model.Package, model.Package.id == model.PackageExtra.package_id)
            .filter(model.PackageExtra.key == "identifier", model.Package.state == "active",
                    model.Package.id.in_(package_ids)).all())
    return [row[0] for row in rows]


def _datasets_per_identifier(identifiers: set[str]) -> dict[str, int]:
    _fresh()
    rows = (model.Session.query(model.PackageExtra.value, sa.func.count(model.Package.id))
            .join(model.Package, model.Package.id == model.PackageExtra.package_id)
            .filter(model.PackageExtra.key == "identifier", model.Package.state != "deleted",
                    model.PackageExtra.value.in_(identifiers))
            .group_by(model.PackageExtra.value).all())
    return dict(rows)


def _finish(source: HarvestSource, job_id: str) -> HarvestJob:
    helpers.call_action("harvest_jobs_run", context=_sysadmin_context(), source_id=source.id)
    return _job(job_id)


def _assert_nothing_lost_or_duplicated(source: HarvestSource, expected: set[str]) -> None:
    harvested = _harvested_identifiers(source.id)
    assert sorted(harvested) == sorted(expected), "a record was lost or imported twice"
    assert set(_datasets_per_identifier(expected).values()) == {1}, "an identifier has more than one dataset"


def test_fetch_consumer_killed_mid_job_resumes_without_duplicates_or_losses(source_portal, harvest_consumers):
    source, expected = _node_source(source_portal, "hvops-kill-fetch", "MB1600101", page_size=10)
    harvest_consumers.start("gather")
    harvest_consumers.start("fetch")
    job = helpers.call_action("harvest_job_create", context=_sysadmin_context(), source_id=source.id)

    wait_until(lambda: _states(job["id"]).get("COMPLETE", 0) >= 3, what="three imported records",
               timeout=300, details=harvest_consumers.logs)
    harvest_consumers.kill("fetch")
    states = _states(job["id"])
    assert states.get("COMPLETE", 0) < RECORDS, "the job finished before the kill: nothing was interrupted"

    # the stalled job is detected (threshold 0 minutes: right away) ...
    stuck = helpers.call_action("publicdata_harvest_stuck_list", context=_sysadmin_context(), minutes=0)
    assert [item["job_id"] for item in stuck] == [job["id"]]
    assert stuck[0]["gather_finished"] is True
    assert stuck[0]["unfinished_records"] == RECORDS - states.get("COMPLETE", 0) - states.get("ERROR", 0)

    # ... resumed: the record the dead consumer held goes back on the queue, the queued ones stay queued once
    handled = helpers.call_action("publicdata_harvest_stuck_close", context=_sysadmin_context(), minutes=0,
                                  resume=True)
    assert [item["action"] for item in handled] == ["fetch requeued"]
    fetch_queue = [json.loads(m)["harvest_object_id"]
                   for m in queue.get_connection().lrange(queue.get_fetch_routing_key(), 0, -1)]
    assert len(fetch_queue) == len(set(fetch_queue))
    _fresh()
    unfinished = {row[0] for row in model.Session.query(HarvestObject.id).filter(
        HarvestObject.harvest_job_id == job["id"], HarvestObject.state.in_(["WAITING", "FETCH", "IMPORT"]))}
    assert unfinished <= set(fetch_queue), "an unfinished record is on no queue: it would be lost"

    harvest_consumers.start("fetch")
    wait_until(lambda: _job_done(job["id"]), what="the resumed job", timeout=300, details=harvest_consumers.logs)
    finished = _finish(source, job["id"])

    assert finished.status == "Finished"
    assert _states(job["id"]) == {"COMPLETE": RECORDS}, harvest_consumers.logs()
    _assert_nothing_lost_or_duplicated(source, expected)


def test_gather_consumer_killed_mid_gather_resumes_without_duplicates_or_losses(source_portal, harvest_consumers):
    source, expected = _node_source(source_portal, "hvops-kill-gather", "MB1600102", page_size=1)
    harvest_consumers.start("gather")
    job = helpers.call_action("harvest_job_create", context=_sysadmin_context(), source_id=source.id)

    wait_until(lambda: _states(job["id"]).get("WAITING", 0) >= 2, what="the gather to start", timeout=300,
               interval=0.05, details=harvest_consumers.logs)
    harvest_consumers.kill("gather")
    assert _job(job["id"]).gather_finished is None, "the gather finished before the kill: nothing was interrupted"
    partial = _states(job["id"]).get("WAITING", 0)
    assert 0 < partial < RECORDS

    stuck = helpers.call_action("publicdata_harvest_stuck_list", context=_sysadmin_context(), minutes=0)
    assert [(item["job_id"], item["gather_finished"]) for item in stuck] == [(job["id"], False)]
    handled = helpers.call_action("publicdata_harvest_stuck_close", context=_sysadmin_context(), minutes=0,
                                  resume=True)
    assert [item["action"] for item in handled] == ["gather requeued"]
    assert handled[0]["unfinished_records"] == partial

    harvest_consumers.start("gather")
    harvest_consumers.start("fetch")
    wait_until(lambda: _job_done(job["id"]), what="the resumed job", timeout=300, details=harvest_consumers.logs)
    finished = _finish(source, job["id"])

    assert finished.status == "Finished"
    # the partial records of the killed gather were dropped, the second gather found each record once
    assert _states(job["id"]) == {"COMPLETE": RECORDS}, harvest_consumers.logs()
    _assert_nothing_lost_or_duplicated(source, expected)


def test_killed_job_closed_as_stuck_then_rerun_imports_exactly_what_is_missing(source_portal, harvest_consumers):
    source, expected = _node_source(source_portal, "hvops-kill-rerun", "MB1600103", page_size=10)
    harvest_consumers.start("gather")
    harvest_consumers.start("fetch")
    first = helpers.call_action("harvest_job_create", context=_sysadmin_context(), source_id=source.id)
    wait_until(lambda: _states(first["id"]).get("COMPLETE", 0) >= 3, what="three imported records", timeout=300, details=harvest_consumers.logs)
    harvest_consumers.kill("fetch")
    imported_before = len(_harvested_identifiers(source.id))
    assert imported_before < RECORDS

    # a new job cannot start while the dead one is "Running" ...
    with pytest.raises(tk.ValidationError) as refused:
        helpers.call_action("publicdata_harvest_run_now", context=_sysadmin_context(), id=source.id)
    assert "stuck --close" in str(refused.value.error_dict)

    # ... close it: Finished, a bilingual job error, its unfinished records errored and off the queue
    closed = helpers.call_action("publicdata_harvest_stuck_close", context=_sysadmin_context(), minutes=0,
                                 reason="fetch consumer killed")
    assert [item["action"] for item in closed] == ["closed"]
    job = _job(first["id"])
    assert job.status == "Finished"
    messages = [error.message for error in job.gather_errors]
    assert any("已关闭" in m and "was closed" in m and "fetch consumer killed" in m for m in messages)
    assert queue.get_connection().llen(queue.get_fetch_routing_key()) == 0
    assert set(_states(first["id"])) <= {"COMPLETE", "ERROR"}

    # the re-run through the CLI's action: every record once, those imported before come out unchanged
    harvest_consumers.start("fetch")
    second = helpers.call_action("publicdata_harvest_run_now", context=_sysadmin_context(), id=source.id)
    wait_until(lambda: _job_done(second["id"]), what="the re-run", timeout=300, details=harvest_consumers.logs)
    _finish(source, second["id"])
    progress = helpers.call_action("publicdata_harvest_job_progress", context=_sysadmin_context(), id=second["id"])
    assert progress["status"] == "Finished"
    assert progress["errored"] == 0, harvest_consumers.logs()
    assert progress["gathered"] == RECORDS
    assert progress["unchanged"] >= imported_before - 1  # the one whose import was killed may be redone
    assert progress["added"] + progress["unchanged"] + progress["updated"] == RECORDS
    _assert_nothing_lost_or_duplicated(source, expected)
