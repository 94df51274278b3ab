"""Stuck harvest jobs (issue 7 item 5): Running jobs without progress for the configured minutes are found, closed
with a bilingual job error (their unfinished records errored and taken off the queue) or resumed; the threshold is
an option that falls back to ckanext-harvest's ckan.harvest.timeout."""
from __future__ import annotations

import datetime
import json

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject

from ckanext.publicdata.harvest import stuck
from ckanext.publicdata.harvest.operations_config import stuck_after_minutes

from tests.harvest.conftest import purge_harvest_queues
from tests.harvest.sources_setup import create_source, is_bilingual, portal_setup

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]


@pytest.fixture
def source(loopback_files):
    portal_setup()
    purge_harvest_queues()
    yield create_source("catalog_file", loopback_files.url(loopback_files.CATALOG_XLSX), {"trusted": True})
    purge_harvest_queues()


def _running_job(source, idle_minutes: int, gather_finished: bool, states: list[str]) -> HarvestJob:
    """A Running job whose last sign of life is ``idle_minutes`` ago, with records in ``states``."""
    then = datetime.datetime.utcnow() - datetime.timedelta(minutes=idle_minutes)
    job = HarvestJob(source=source, status="Running", created=then, gather_started=then,
                     gather_finished=then if gather_finished else None)
    job.save()
    for number, state in enumerate(states):
        obj = HarvestObject(guid=f"record-{number}", job=job, source=source, state=state, gathered=then,
                            content="{}", fetch_started=then if state in ("FETCH", "IMPORT") else None)
        obj.save()
    model.Session.commit()
    return job


def _site() -> dict[str, str]:
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}


def _fetch_queue() -> list[str]:
    return [json.loads(message)["harvest_object_id"]
            for message in queue.get_connection().lrange(queue.get_fetch_routing_key(), 0, -1)]


@pytest.mark.ckan_config("ckanext.publicdata.harvest.stuck_after_minutes", "30")
def test_only_jobs_idle_longer_than_the_threshold_are_stuck(source):
    idle = _running_job(source, 45, True, ["COMPLETE", "IMPORT", "WAITING"])
    found = helpers.call_action("publicdata_harvest_stuck_list", context=_site())
    assert [item["job_id"] for item in found] == [idle.id]
    assert found[0]["unfinished_records"] == 2
    assert found[0]["idle_minutes"] >= 45
    assert helpers.call_action("publicdata_harvest_stuck_list", context=_site(), minutes=60) == []


def test_recent_progress_of_one_record_keeps_a_job_alive(source):
    job = _running_job(source, 120, True, ["COMPLETE", "IMPORT"])
    obj = model.Session.query(HarvestObject).filter_by(harvest_job_id=job.id, state="IMPORT").one()
    obj.import_started = datetime.datetime.utcnow()
    model.Session.commit()
    assert stuck.find_stuck_jobs(60) == []


@pytest.mark.ckan_config("ckan.harvest.timeout", "15")
def test_threshold_falls_back_to_ckanext_harvest_timeout():
    assert stuck_after_minutes() == 15


@pytest.mark.ckan_config("ckanext.publicdata.harvest.stuck_after_minutes", "5")
@pytest.mark.ckan_config("ckan.harvest.timeout", "15")
def test_own_threshold_wins_over_the_harvest_timeout():
    assert stuck_after_minutes() == 5


def test_close_finishes_the_job_with_a_bilingual_error_and_takes_its_records_off_the_queue(source):
    job = _running_job(source, 90, True, ["COMPLETE", "FETCH", "WAITING", "WAITING"])
    waiting = [o.id for o in model.Session.query(HarvestObject).filter_by(harvest_job_id=job.id, state="WAITING")]
    publisher = queue.get_fetch_publisher()
    for object_id in waiting:
        publisher.send({"harvest_object_id": object_id})
    assert sorted(_fetch_queue()) == sorted(waiting)

    closed = helpers.call_action("publicdata_harvest_stuck_close", context=_site(), reason="consumer host rebooted")

    assert [(item["job_id"], item["action"], item["unfinished_records"]) for item in closed] == [
        (job.id, "closed", 3)]
    model.Session.remove()
    job = HarvestJob.get(job.id)
    assert job.status == "Finished" and job.finished is not None
    [message] = [error.message for error in job.gather_errors]
    assert is_bilingual(message) and "90" in message and "consumer host rebooted" in message
    states = sorted(o.state for o in model.Session.query(HarvestObject).filter_by(harvest_job_id=job.id))
    assert states == ["COMPLETE", "ERROR", "ERROR", "ERROR"]
    errored = model.Session.query(HarvestObject).filter_by(harvest_job_id=job.id, state="ERROR").all()
    assert all(obj.report_status == "errored" and obj.errors and is_bilingual(obj.errors[0].message)
               for obj in errored)
    assert _fetch_queue() == []
    # closed: no longer stuck, and the source can run again
    assert stuck.find_stuck_jobs(0) == []
    rerun = helpers.call_action("publicdata_harvest_run_now", context=_site(), id=source.id)
    assert rerun["id"] != job.id and rerun["status"] in ("New", "Running")


def test_resume_requeues_only_what_is_on_no_queue(source):
    job = _running_job(source, 90, True, ["COMPLETE", "IMPORT", "WAITING"])
    in_import = model.Session.query(HarvestObject).filter_by(harvest_job_id=job.id, state="IMPORT").one().id
    waiting = model.Session.query(HarvestObject).filter_by(harvest_job_id=job.id, state="WAITING").one().id
    queue.get_fetch_publisher().send({"harvest_object_id": waiting})
    # the dead consumer's in-flight marker of the record it held
    redis = queue.get_connection()
    redis.set(f"{queue.get_fetch_routing_key()}:{in_import}", str(datetime.datetime.now()))

    resumed = helpers.call_action("publicdata_harvest_stuck_close", context=_site(), resume=True)

    assert [(item["action"], item["unfinished_records"]) for item in resumed] == [("fetch requeued", 1)]
    assert sorted(_fetch_queue()) == sorted([waiting, in_import])
    assert redis.get(f"{queue.get_fetch_routing_key()}:{in_import}") is None
    model.Session.remove()
    assert HarvestJob.get(job.id).status == "Running"


def test_resume_of_an_interrupted_gather_drops_partial_records_and_requeues_the_job(source):
    job = _running_job(source, 90, False, ["WAITING", "WAITING"])
    resumed = helpers.call_action("publicdata_harvest_stuck_close", context=_site(), resume=True)
    assert [(item["action"], item["unfinished_records"]) for item in resumed] == [("gather requeued", 2)]
    model.Session.remove()
    assert model.Session.query(HarvestObject).filter_by(harvest_job_id=job.id).count() == 0
    gather_queue = [json.loads(m)["harvest_job_id"]
                    for m in queue.get_connection().lrange(queue.get_gather_routing_key(), 0, -1)]
    assert gather_queue == [job.id]


def test_closing_a_job_that_is_not_stuck_is_refused(source):
    job = _running_job(source, 1, True, ["WAITING"])
    with pytest.raises(tk.ValidationError) as refused:
        helpers.call_action("publicdata_harvest_stuck_close", context=_site(), job_id=job.id, minutes=60)
    assert is_bilingual(refused.value.error_dict["job_id"][0])
    with pytest.raises(tk.ValidationError) as bad_minutes:
        helpers.call_action("publicdata_harvest_stuck_list", context=_site(), minutes="-3")
    assert is_bilingual(bad_minutes.value.error_dict["minutes"][0])
