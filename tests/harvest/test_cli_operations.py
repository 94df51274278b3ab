"""The operators' CLI (issue 7 item 6): ``ckan publicdata-harvest status|errors|stuck|run-now``."""
from __future__ import annotations

import csv
import datetime
import io

import pytest

import ckan.model as model
from ckan.cli.cli import ckan as ckan_command

from ckanext.harvest.model import HarvestJob, HarvestObject

from tests.harvest.conftest import catalog_row, purge_harvest_queues
from tests.harvest.sources_setup import create_source, portal_setup, run_job

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]


@pytest.fixture
def source(loopback_files):
    portal_setup()
    purge_harvest_queues()
    url = loopback_files.add_csv("cli/catalog.csv", [catalog_row(801), catalog_row(802, 开放属性="")])
    source = create_source("catalog_file", url, {"trusted": True})
    run_job(source)
    yield source
    purge_harvest_queues()


def _invoke(cli, ckan_config, *args: str):
    result = cli.invoke(ckan_command, ["-c", ckan_config["__file__"], "publicdata-harvest", *args])
    return result


@pytest.fixture
def ckan_ini(pytestconfig):
    return {"__file__": pytestconfig.getoption("ckan_ini")}


def test_status_shows_the_source_and_its_job_counts(cli, ckan_ini, source):
    name = model.Package.get(source.id).name
    result = _invoke(cli, ckan_ini, "status", name)
    assert result.exit_code == 0, result.output
    assert name in result.output and "publicdata_catalog_file" in result.output
    assert "added 1" in result.output and "errored 1" in result.output


def test_errors_prints_groups_and_writes_csv(cli, ckan_ini, source, tmp_path):
    name = model.Package.get(source.id).name
    result = _invoke(cli, ckan_ini, "errors", name)
    assert result.exit_code == 0, result.output
    assert "×1" in result.output and "37160300-0002-2025-000802" in result.output

    target = tmp_path / "errors.csv"
    result = _invoke(cli, ckan_ini, "errors", name, "--csv", str(target))
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["37160300-0002-2025-000802"]


def test_errors_of_an_unknown_source_is_a_clear_failure(cli, ckan_ini, source):
    result = _invoke(cli, ckan_ini, "errors", "no-such-source")
    assert result.exit_code != 0
    assert "Harvest source not found" in result.output


def test_stuck_close_and_run_now(cli, ckan_ini, source):
    then = datetime.datetime.utcnow() - datetime.timedelta(hours=3)
    job = HarvestJob(source=source, status="Running", created=then, gather_started=then)
    job.save()
    HarvestObject(guid="stalled", job=job, source=source, state="WAITING", gathered=then, content="{}").save()
    model.Session.commit()
    name = model.Package.get(source.id).name

    refused = _invoke(cli, ckan_ini, "run-now", name)
    assert refused.exit_code != 0 and "stuck --close" in refused.output

    listed = _invoke(cli, ckan_ini, "stuck")
    assert listed.exit_code == 0 and job.id in listed.output and "interrupted" in listed.output

    closed = _invoke(cli, ckan_ini, "stuck", "--close", "--reason", "test")
    assert closed.exit_code == 0, closed.output
    assert f"{job.id}: closed (1 records)" in closed.output
    model.Session.remove()
    assert HarvestJob.get(job.id).status == "Finished"

    started = _invoke(cli, ckan_ini, "run-now", name)
    assert started.exit_code == 0, started.output
    assert "queued" in started.output
    assert _invoke(cli, ckan_ini, "stuck", "--close", "--resume").exit_code != 0
