"""Keeping harvested records in sync: unchanged skipped, changed updated, gone withdrawn — with the brake (HARV-2)."""
from __future__ import annotations

import pytest

import ckan.model as model

from ckanext.publicdata.catalog.model import PUBLICATION_SUBMITTED, PublicationReview
from ckanext.publicdata.harvest.model import RECORD_ACTIVE, RECORD_WITHDRAWN, HarvestRecord
from ckanext.publicdata.notifications.model import Notification

from tests.harvest.conftest import CATALOG_HEADERS, catalog_row
from tests.harvest.sources_setup import (
    create_source,
    datasets_with_identifier,
    gather_errors,
    is_bilingual,
    portal_setup,
    report_statuses,
    run_job,
    show,
)

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db"),
    pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "true"),
]


def code(number: int) -> str:
    return catalog_row(number)["信息资源代码"]


@pytest.fixture
def portal():
    return portal_setup()


def _catalog(loopback_files, name, numbers, changes=None):
    rows = [catalog_row(n, **(changes or {}).get(n, {})) for n in numbers]
    return loopback_files.add_csv(f"sync/{name}.csv", rows, headers=CATALOG_HEADERS + ["开放条件类型"])


def test_unchanged_records_are_skipped_and_changed_ones_updated(portal, loopback_files):
    numbers = list(range(501, 511))
    url = _catalog(loopback_files, "update", numbers)
    source = create_source("catalog_file", url, {"trusted": True})
    _job, first = run_job(source)
    assert set(report_statuses(first).values()) == {"added"}
    before = {n: datasets_with_identifier(code(n))[0] for n in numbers}
    modified_before = {n: package.metadata_modified for n, package in before.items()}

    _job, second = run_job(source)
    assert set(report_statuses(second).values()) == {"not modified"}
    for n in numbers:
        package = model.Package.get(before[n].id)
        assert package.metadata_modified == modified_before[n]  # not even re-saved

    _catalog(loopback_files, "update", numbers, {503: {"摘要": "摘要已修订", "更新周期": "每周"}})
    _job, third = run_job(source)
    statuses = report_statuses(third)
    assert statuses.pop(code(503)) == "updated"
    assert set(statuses.values()) == {"not modified"}
    updated = show(before[503].id)
    assert updated["notes"] == "摘要已修订" and updated["update_frequency"] == "weekly"
    assert len(datasets_with_identifier(code(503))) == 1  # updated in place, never a second dataset


def test_records_gone_from_the_source_are_withdrawn(portal, loopback_files):
    numbers = list(range(601, 611))
    url = _catalog(loopback_files, "withdraw", numbers)
    source = create_source("catalog_file", url, {"trusted": True})
    run_job(source)
    gone = datasets_with_identifier(code(610))[0]

    _catalog(loopback_files, "withdraw", numbers[:-1])  # 1 of 10 gone: 10 % < the 20 % brake
    job, results = run_job(source)

    assert gather_errors(job) == []
    assert results[code(610)]["report_status"] == "deleted"
    assert model.Package.get(gone.id).state == "deleted"
    record = HarvestRecord.by_identifier(code(610))
    assert record.state == RECORD_WITHDRAWN
    assert all(HarvestRecord.by_identifier(code(n)).state == RECORD_ACTIVE for n in numbers[:-1])

    # back in the source: the same dataset comes back
    _catalog(loopback_files, "withdraw", numbers)
    _job, results = run_job(source)
    assert results[code(610)]["report_status"] in ("added", "updated")
    assert model.Package.get(gone.id).state == "active"
    assert len(datasets_with_identifier(code(610))) == 1


def test_a_sudden_shrink_stops_the_job_and_alerts_instead_of_withdrawing(portal, loopback_files):
    numbers = list(range(701, 711))
    url = _catalog(loopback_files, "brake", numbers)
    source = create_source("catalog_file", url, {"trusted": True})
    run_job(source)

    _catalog(loopback_files, "brake", numbers[:5])  # half of the records gone
    job, results = run_job(source)

    assert results == {}  # the job stopped: nothing imported, nothing withdrawn
    (message,) = gather_errors(job)
    assert is_bilingual(message) and "50%" in message and "20%" in message
    for n in numbers:
        assert datasets_with_identifier(code(n))[0].state == "active"
        assert HarvestRecord.by_identifier(code(n)).state == RECORD_ACTIVE
    alerts = model.Session.query(Notification).filter(Notification.kind == "harvest_withdraw_brake").all()
    assert {alert.user_id for alert in alerts} >= {portal["authority_admin"]["id"]}


def test_an_empty_source_trips_the_brake(portal, loopback_files):
    numbers = list(range(751, 754))
    url = _catalog(loopback_files, "empty-later", numbers)
    source = create_source("catalog_file", url, {"trusted": True})
    run_job(source)
    loopback_files.add_csv("sync/empty-later.csv", [])  # headers only: the source lost everything

    job, _results = run_job(source)
    assert any("100%" in message for message in gather_errors(job))
    assert all(datasets_with_identifier(code(n))[0].state == "active" for n in numbers)


def test_the_brake_can_be_set_per_source(portal, loopback_files):
    numbers = list(range(801, 811))
    url = _catalog(loopback_files, "brake-override", numbers)
    source = create_source("catalog_file", url, {"trusted": True, "withdraw_brake": 0.6})
    run_job(source)

    _catalog(loopback_files, "brake-override", numbers[:5])
    job, results = run_job(source)

    assert gather_errors(job) == []
    assert sorted(guid for guid, r in results.items() if r["report_status"] == "deleted") == sorted(
        code(n) for n in numbers[5:])


@pytest.mark.ckan_config("ckanext.publicdata.harvest.withdraw_brake", "0.05")
def test_the_brake_follows_the_site_option(portal, loopback_files):
    numbers = list(range(851, 861))
    url = _catalog(loopback_files, "brake-option", numbers)
    source = create_source("catalog_file", url, {"trusted": True})
    run_job(source)
    _catalog(loopback_files, "brake-option", numbers[:-1])  # 10 % > 5 %

    job, results = run_job(source)
    assert results == {} and any("5%" in message for message in gather_errors(job))


def test_an_incomplete_gather_withdraws_nothing(portal, loopback_files):
    numbers = list(range(901, 904))
    url = _catalog(loopback_files, "incomplete", numbers)
    source = create_source("catalog_file", url, {"trusted": True})
    run_job(source)
    loopback_files.remove("sync/incomplete.csv")  # the file is gone (404): not "the source is empty"

    job, results = run_job(source)
    assert gather_errors(job) and results == {}
    assert all(datasets_with_identifier(code(n))[0].state == "active" for n in numbers)


def test_an_untrusted_source_raising_the_open_attribute_goes_back_to_review(portal, loopback_files):
    conditional = {"开放属性": "有条件开放", "开放条件": "须说明应用场景", "开放条件类型": "应用场景要求"}
    url = _catalog(loopback_files, "raise", [951], {951: conditional})
    source = create_source("catalog_file", url, {})
    run_job(source)
    package = datasets_with_identifier(code(951))[0]
    from ckanext.publicdata.catalog.model import PUBLICATION_PUBLISHED

    cycle = PublicationReview.current(package.id)
    cycle.status = PUBLICATION_PUBLISHED  # the authority approved it
    model.Session.commit()
    from ckanext.publicdata.catalog.publication import set_private

    set_private(package.id, False)
    model.Session.commit()

    _catalog(loopback_files, "raise", [951])  # now 无条件开放
    _job, results = run_job(source)

    assert results[code(951)]["report_status"] == "updated"
    package = model.Package.get(package.id)
    assert package.private is True
    assert PublicationReview.current(package.id).status == PUBLICATION_SUBMITTED
