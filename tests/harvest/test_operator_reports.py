"""Operators (issue 7 item 6): per-job progress, per-source error report grouped by error with record identifiers
and CSV export, run-now, the pages, and who may see them. Jobs run in-process through ckanext-harvest's stages."""
from __future__ import annotations

import csv
import io
import json

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.harvest import queue

from tests.harvest.conftest import INJECTION_STRINGS, catalog_row, purge_harvest_queues
from tests.harvest.sources_setup import create_source, is_bilingual, portal_setup, run_job

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db"),
    pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "true"),
]

NO_OPEN_ATTRIBUTE = ["37160300-0002-2025-000602", "37160300-0002-2025-000604", "37160300-0002-2025-000605"]


@pytest.fixture
def harvested(loopback_files):
    """A catalog-file source whose job imported 3 rows and failed 3 (no 开放属性) + 1 (bad 更新周期)."""
    portal = portal_setup()
    rows = [
        catalog_row(601),
        catalog_row(602, 开放属性=""),
        catalog_row(603),
        catalog_row(604, 开放属性=""),
        catalog_row(605, 开放属性=""),
        catalog_row(606, 更新周期="每十年一次"),
        catalog_row(607),
    ]
    url = loopback_files.add_csv("operators/catalog-with-errors.csv", rows)
    source = create_source("catalog_file", url, {"trusted": True})
    job, _results = run_job(source)
    purge_harvest_queues()
    yield {"portal": portal, "source": source, "job": job}
    purge_harvest_queues()


def _sysadmin() -> dict[str, str]:
    return {"user": "hv_sysadmin"}


def test_job_progress_counts_records_by_stage(harvested):
    progress = helpers.call_action("publicdata_harvest_job_progress", context=_sysadmin(), id=harvested["job"].id)

    assert progress["status"] == "Finished"
    assert progress["gathered"] == 7
    assert progress["added"] == 3 and progress["imported"] == 3
    assert progress["errored"] == 4
    assert progress["waiting"] == progress["fetching"] == progress["importing"] == 0
    assert progress["done_share"] == 1.0


def test_rerun_progress_counts_unchanged_records(harvested):
    job, _ = run_job(harvested["source"])
    progress = helpers.call_action("publicdata_harvest_job_progress", context=_sysadmin(), id=job.id)
    assert progress["unchanged"] == 3
    assert progress["added"] == 0 and progress["errored"] == 4


def test_error_report_groups_equal_errors_with_their_record_identifiers(harvested):
    report = helpers.call_action("publicdata_harvest_source_errors", context=_sysadmin(), id=harvested["source"].id)

    assert report["job_ids"] == [harvested["job"].id]
    assert report["records_errored"] == 4
    counts = sorted(group["count"] for group in report["groups"])
    assert counts == [1, 3]
    [missing] = [group for group in report["groups"] if group["count"] == 3]
    assert sorted(record["guid"] for record in missing["records"]) == NO_OPEN_ATTRIBUTE
    # the group's message is the shared text: the record's own code is blanked
    assert not any(guid in missing["message"] for guid in NO_OPEN_ATTRIBUTE)
    assert is_bilingual(missing["message"])
    [frequency] = [group for group in report["groups"] if group["count"] == 1]
    assert [record["guid"] for record in frequency["records"]] == ["37160300-0002-2025-000606"]
    assert report["groups"][0] is not frequency  # largest group first


def test_error_report_by_name_and_of_all_jobs(harvested):
    run_job(harvested["source"])
    latest = helpers.call_action("publicdata_harvest_source_errors", context=_sysadmin(),
                                 id=model.Package.get(harvested["source"].id).name)
    every = helpers.call_action("publicdata_harvest_source_errors", context=_sysadmin(),
                                id=harvested["source"].id, all_jobs=True)
    assert latest["records_errored"] == 4
    assert len(every["job_ids"]) == 2 and every["records_errored"] == 8


def test_error_report_csv_lists_every_record_and_defuses_formulas(loopback_files):
    portal_setup()
    rows = [catalog_row(700 + index, 开放属性="", 名称=text) for index, text in enumerate(INJECTION_STRINGS)]
    rows.append(catalog_row(799, 开放属性="", 名称="=HYPERLINK(\"http://evil.example\",\"点击\")"))
    url = loopback_files.add_csv("operators/injection.csv", rows)
    source = create_source("catalog_file", url, {"trusted": True})
    run_job(source)
    from ckanext.publicdata.harvest.operations import ERROR_CSV_HEADERS, error_report_csv

    report = helpers.call_action("publicdata_harvest_source_errors", context=_sysadmin(), id=source.id)
    text = error_report_csv(report)
    assert text.startswith("\ufeff")
    parsed = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert parsed[0] == ERROR_CSV_HEADERS
    assert sorted(row[2] for row in parsed[1:]) == sorted(r["信息资源代码"] for r in rows)
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in parsed[1:] for cell in row)


def test_run_now_refuses_while_a_job_is_unfinished_and_for_unknown_sources(harvested):
    job = helpers.call_action("publicdata_harvest_run_now", context=_sysadmin(), id=harvested["source"].id)
    assert job["source_id"] == harvested["source"].id and job["id"] != harvested["job"].id
    # on the gather queue (sending it there marks it Running)
    assert job["status"] == "Running"
    assert json.dumps({"harvest_job_id": job["id"]}) in queue.get_connection().lrange(
        queue.get_gather_routing_key(), 0, -1)
    with pytest.raises(tk.ValidationError) as refused:
        helpers.call_action("publicdata_harvest_run_now", context=_sysadmin(), id=harvested["source"].id)
    assert is_bilingual(refused.value.error_dict["id"][0])
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("publicdata_harvest_run_now", context=_sysadmin(), id="no-such-source")


def test_reports_are_for_the_source_staff_only(harvested):
    outsider = factories.User()
    org_admin = factories.User()
    helpers.call_action("organization_member_create", context=_sysadmin(), id="city-big-data-bureau",
                        username=org_admin["name"], role="admin")
    for action, data in (("publicdata_harvest_job_progress", {"id": harvested["job"].id}),
                         ("publicdata_harvest_source_errors", {"id": harvested["source"].id}),
                         ("publicdata_harvest_source_status", {"id": harvested["source"].id}),
                         ("publicdata_harvest_run_now", {"id": harvested["source"].id}),
                         ("publicdata_harvest_stuck_list", {})):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action(action, context={"user": outsider["name"], "ignore_auth": False}, **data)
    report = helpers.call_action("publicdata_harvest_source_errors",
                                 context={"user": org_admin["name"], "ignore_auth": False}, id=harvested["source"].id)
    assert report["records_errored"] == 4
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("publicdata_harvest_stuck_list", context={"user": org_admin["name"],
                                                                      "ignore_auth": False})


def test_progress_and_error_pages_and_csv_download(app, harvested):
    name = model.Package.get(harvested["source"].id).name
    headers = {"Authorization": factories.APIToken(user="hv_sysadmin")["token"]}

    page = app.get(f"/en/harvest/{name}/job/{harvested['job'].id}/progress", headers=headers)
    assert page.status_code == 200
    assert 'data-count="errored"' in page.body and "<td>4</td>" in page.body

    errors = app.get(f"/en/harvest/{name}/errors", headers=headers)
    assert errors.status_code == 200
    for guid in NO_OPEN_ATTRIBUTE:
        assert guid in errors.body

    download = app.get(f"/harvest/{name}/errors.csv", headers=headers)
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    assert "37160300-0002-2025-000606" in download.get_data(as_text=True)

    # the harvest job page links to the progress page
    job_page = app.get(f"/en/harvest/{name}/job/{harvested['job'].id}", headers=headers)
    assert f"/harvest/{name}/job/{harvested['job'].id}/progress" in job_page.body

    anonymous = app.get(f"/harvest/{name}/errors", status=403)
    assert anonymous.status_code == 403
    assert app.get(f"/harvest/{name}/job/no-such-job/progress", headers=headers, status=404).status_code == 404


def test_error_page_in_chinese_shows_chinese_labels(app, harvested):
    name = model.Package.get(harvested["source"].id).name
    headers = {"Authorization": factories.APIToken(user="hv_sysadmin")["token"]}
    page = app.get(f"/harvest/{name}/errors", headers=headers)  # default locale zh_Hans_CN
    assert page.status_code == 200
    # the bilingual error messages are shown as stored; both languages are there
    assert "开放属性" in page.body and "open attribute" in page.body.lower()
