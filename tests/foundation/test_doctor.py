"""`ckan publicdata doctor`: one line per check, non-zero exit with a clear reason when a check fails."""
from __future__ import annotations

import pytest

from ckanext.publicdata.cli import publicdata


def _doctor(cli):
    result = cli.invoke(publicdata, ["doctor"])
    lines = {line.split()[1]: line for line in result.output.splitlines() if line[:4] in ("OK  ", "FAIL")}
    return result, lines


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_doctor_all_checks_pass_on_a_healthy_portal(cli):
    result, lines = _doctor(cli)
    assert set(lines) == {"config", "database", "migrations", "redis", "search"}, result.output
    failing = [line for line in lines.values() if line.startswith("FAIL")]
    assert not failing, result.output
    assert result.exit_code == 0
    assert "postgres" in lines["search"]


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.ckan_config("ckan.redis.url", "redis://127.0.0.1:1/0")
def test_doctor_names_an_unreachable_redis_and_exits_non_zero(cli):
    from ckan.lib import redis as ckan_redis

    ckan_redis._connection_pool = None  # the pool is created lazily per URL; start from the configured one
    try:
        result, lines = _doctor(cli)
    finally:
        ckan_redis._connection_pool = None
    assert result.exit_code != 0
    assert lines["redis"].startswith("FAIL")
    assert "ConnectionError" in lines["redis"] or "onnect" in lines["redis"]
    assert lines["database"].startswith("OK")


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.ckan_config("ckan.plugins", "publicdata")
def test_doctor_reports_a_missing_plugin(cli):
    result, lines = _doctor(cli)
    assert result.exit_code != 0
    assert lines["config"].startswith("FAIL")
    assert "publicdata_search" in lines["config"]
