"""`ckan publicdata ensure-sysadmin`: creates the set-up's sysadmin, or repairs it to match config/.secrets."""
from __future__ import annotations

import pytest

import ckan.model as model

from ckanext.publicdata.cli import publicdata

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _run(cli, password: str):
    return cli.invoke(publicdata, ["ensure-sysadmin", "portal-admin"], env={"PUBLICDATA_ADMIN_PASSWORD": password})


def test_creates_then_reports_unchanged(cli):
    first = _run(cli, "first-password-1")
    assert first.exit_code == 0, first.output
    assert "created" in first.output
    user = model.User.by_name("portal-admin")
    assert user.sysadmin and user.validate_password("first-password-1")

    again = _run(cli, "first-password-1")
    assert again.exit_code == 0
    assert "exists" in again.output and "reset" not in again.output


def test_repairs_password_and_sysadmin_flag(cli):
    _run(cli, "first-password-1")
    user = model.User.by_name("portal-admin")
    user.sysadmin = False
    model.Session.commit()

    result = _run(cli, "second-password-2")
    assert result.exit_code == 0, result.output
    assert "password reset" in result.output and "sysadmin restored" in result.output
    model.Session.expire_all()
    user = model.User.by_name("portal-admin")
    assert user.sysadmin and user.validate_password("second-password-2")
    assert not user.validate_password("first-password-1")


def test_refuses_a_short_password(cli):
    result = _run(cli, "short")
    assert result.exit_code != 0
    assert "8 characters" in result.output
    assert model.User.by_name("portal-admin") is None
