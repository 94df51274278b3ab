"""One source per dataset (TAX-12, HARV-2): the same identifier from two sources is a reported conflict."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.publicdata.harvest.model import HarvestConflict, HarvestRecord
from ckanext.publicdata.notifications.model import Notification

from tests.catalog.taxonomy_setup import dataset_dict
from tests.harvest.conftest import catalog_row
from tests.harvest.sources_setup import (
    create_source,
    datasets_with_identifier,
    is_bilingual,
    object_errors,
    portal_setup,
    run_job,
)

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db"),
    pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "true"),
]


@pytest.fixture
def portal():
    return portal_setup()


def test_same_identifier_from_a_second_source_is_a_conflict_not_a_duplicate(portal, loopback_files):
    shared = catalog_row(1001)["信息资源代码"]
    first_url = loopback_files.add_csv("conflict/first.csv", [catalog_row(1001), catalog_row(1002)])
    second_url = loopback_files.add_csv("conflict/second.csv", [
        catalog_row(1001, 名称="另一来源的同代码目录"), catalog_row(1003)])
    first = create_source("catalog_file", first_url, {"trusted": True})
    second = create_source("catalog_file", second_url, {"trusted": True})

    run_job(first)
    _job, results = run_job(second)

    assert results[shared]["report_status"] == "errored"
    assert results[catalog_row(1003)["信息资源代码"]]["report_status"] == "added"  # the rest imports
    (message,) = object_errors(results, shared)
    assert is_bilingual(message) and shared in message and first.title in message
    (dataset,) = datasets_with_identifier(shared)
    assert dataset.title == catalog_row(1001)["名称"]  # the owner's version stays
    assert HarvestRecord.by_identifier(shared).source_id == first.id

    (conflict,) = model.Session.query(HarvestConflict).all()
    assert (conflict.identifier, conflict.source_id, conflict.owner_source_id) == (shared, second.id, first.id)
    alerts = model.Session.query(Notification).filter(Notification.kind == "harvest_conflict").all()
    assert portal["authority_admin"]["id"] in {alert.user_id for alert in alerts}
    alert_count = len(alerts)

    # harvested again: still one dataset, the conflict counted, not notified twice
    _job, results = run_job(second)
    assert results[shared]["report_status"] == "errored"
    assert len(datasets_with_identifier(shared)) == 1
    assert model.Session.query(HarvestConflict).one().occurrences == 2
    assert model.Session.query(Notification).filter(Notification.kind == "harvest_conflict").count() == alert_count


def test_identifier_of_a_local_dataset_is_a_conflict(portal, loopback_files):
    row = catalog_row(1101)
    local = tk.get_action("package_create")(
        {"user": portal["sysadmin"]["name"]},
        dataset_dict(portal["orgs"]["transport"]["id"], identifier=row["信息资源代码"], title="本地目录"))
    url = loopback_files.add_csv("conflict/local.csv", [row])
    source = create_source("catalog_file", url, {"trusted": True})

    _job, results = run_job(source)

    (message,) = object_errors(results, row["信息资源代码"])
    assert "本平台" in message and "this portal" in message
    assert [p.id for p in datasets_with_identifier(row["信息资源代码"])] == [local["id"]]
    conflict = model.Session.query(HarvestConflict).one()
    assert conflict.owner_source_id is None and conflict.owner_package_id == local["id"]


def test_withdrawn_identifier_can_be_taken_over_by_another_source(portal, loopback_files):
    rows = [catalog_row(n) for n in range(1201, 1211)]
    moved = rows[-1]["信息资源代码"]
    old_url = loopback_files.add_csv("conflict/old.csv", rows)
    old = create_source("catalog_file", old_url, {"trusted": True})
    run_job(old)
    loopback_files.add_csv("conflict/old.csv", rows[:-1])  # the old source drops it …
    run_job(old)
    new_url = loopback_files.add_csv("conflict/new.csv", [catalog_row(1210, 名称="迁移后的目录")])
    new = create_source("catalog_file", new_url, {"trusted": True})

    _job, results = run_job(new)  # … and the new source provides it

    assert results[moved]["report_status"] == "added"
    (dataset,) = datasets_with_identifier(moved)
    assert dataset.title == "迁移后的目录"
    assert HarvestRecord.by_identifier(moved).source_id == new.id


def test_conflicts_and_records_are_listed_for_the_authority_only(portal, loopback_files):
    shared = catalog_row(1301)["信息资源代码"]
    first = create_source("catalog_file", loopback_files.add_csv("conflict/list-a.csv", [catalog_row(1301)]),
                          {"trusted": True})
    second = create_source("catalog_file", loopback_files.add_csv("conflict/list-b.csv", [catalog_row(1301)]),
                           {"trusted": True})
    run_job(first)
    run_job(second)

    listed = tk.get_action("publicdata_harvest_conflict_list")(
        {"user": portal["authority_admin"]["name"]}, {"source_id": second.id})
    assert listed["count"] == 1 and listed["results"][0]["identifier"] == shared
    assert listed["results"][0]["owner_source_id"] == first.id
    records = tk.get_action("publicdata_harvest_record_list")(
        {"user": portal["authority_admin"]["name"]}, {"source_id": first.id})
    assert [r["identifier"] for r in records["results"]] == [shared]

    outsider = factories.User()
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("publicdata_harvest_conflict_list")({"user": outsider["name"]}, {})
    with pytest.raises(tk.ValidationError):
        tk.get_action("publicdata_harvest_record_list")({"user": portal["authority_admin"]["name"]},
                                                        {"source_id": first.id, "state": "gone"})
