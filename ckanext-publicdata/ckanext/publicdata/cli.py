"""``ckan publicdata …`` commands."""
from __future__ import annotations

import datetime
import sys
from typing import Callable

import click
import ckan.plugins.toolkit as tk

from ckanext.publicdata import health


@click.group(short_help="Public-data portal commands (doctor, demo-load, …)")
def publicdata() -> None:
    """Commands of the public-data open portal."""


@publicdata.command()
def doctor() -> None:
    """Check the portal's health: one line per check, non-zero exit when one fails."""
    checks: list[tuple[str, Callable[[], tuple[bool, str]]]] = [
        ("config", health.check_config),
        ("database", health.check_database),
        ("migrations", health.check_migrations),
        ("redis", health.check_redis),
        ("search", health.check_search),
    ]
    failed = 0
    for name, check in checks:
        try:
            ok, detail = check()
        except Exception as error:  # a check that crashes is a failed check, with its reason
            ok, detail = False, f"{type(error).__name__}: {error}"
        click.echo(f"{'OK  ' if ok else 'FAIL'} {name:<11} {detail}")
        failed += not ok
    if failed:
        click.echo(f"{failed} check(s) failed", err=True)
        sys.exit(1)


@publicdata.command("ensure-sysadmin")
@click.argument("name")
@click.option("--email", default="admin@example.gov.cn", show_default=True)
@click.option("--fullname", default="平台管理员", show_default=True)
def ensure_sysadmin(name: str, email: str, fullname: str) -> None:
    """Create the sysadmin NAME, or repair it: the password is read from $PUBLICDATA_ADMIN_PASSWORD.

    Says what it did: created, unchanged, or repaired (password or sysadmin flag restored).
    """
    import os

    import ckan.model as model

    password = os.environ.get("PUBLICDATA_ADMIN_PASSWORD", "")
    if len(password) < 8:
        raise click.UsageError("PUBLICDATA_ADMIN_PASSWORD must hold a password of 8 characters or more")
    user = model.User.by_name(name)
    if user is None:
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        tk.get_action("user_create")(
            {"user": site_user["name"], "ignore_auth": True},
            {"name": name, "email": email, "fullname": fullname, "password": password},
        )
        user = model.User.by_name(name)
        assert user is not None
        user.sysadmin = True
        model.Session.commit()
        click.echo(f"    user {name} created (sysadmin)")
        return
    repaired = []
    if user.state != "active":
        user.state = "active"
        repaired.append("re-activated")
    if not user.validate_password(password):
        user.password = password
        repaired.append("password reset to config/.secrets")
    if not user.sysadmin:
        user.sysadmin = True
        repaired.append("sysadmin restored")
    model.Session.commit()
    click.echo(f"    user {name} exists" + (f" ({', '.join(repaired)})" if repaired else ""))


@publicdata.command("demo-load")
@click.option("--quiet", is_flag=True, help="Print only the summary.")
def demo_load(quiet: bool) -> None:
    """Load the demo catalogue (organizations, datasets, resources). Idempotent."""
    from ckanext.publicdata import demo

    try:
        summary = demo.load(echo=None if quiet else click.echo)
    except demo.DemoLoadError as error:
        click.echo(f"    demo catalogue incomplete / 演示目录未完整加载:\n{error}", err=True)
        sys.exit(1)
    click.echo(
        "    demo catalogue: {organizations} organizations, {datasets} datasets "
        "({created} created, {existing} already there)".format(**summary)
    )


@publicdata.group(short_help="Update reminders for datasets overdue against their update frequency")
def reminders() -> None:
    """Update reminders (TAX-11): schedule `ckan publicdata reminders send` daily (docs/operations.md)."""


@reminders.command("send")
@click.option("--date", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge as of this day (YYYY-MM-DD) instead of today.")
def reminders_send(as_of: datetime.datetime | None) -> None:
    """Notify the providers of overdue datasets, once per overdue period; the authority gets a summary."""
    from ckanext.publicdata.reminders.service import send_reminders

    summary = send_reminders(as_of.date() if as_of else None)
    click.echo("{overdue} overdue dataset(s), {reminded} reminded now, {notified} notification(s)".format(**summary))


@publicdata.group("open-list", short_help="The annual open list (年度开放清单)")
def open_list() -> None:
    """The annual open list (TAX-8): publication is the authority's act on /open-list; adjustments can be scheduled."""


@open_list.command("sync")
@click.option("--year", type=int, default=None, help="The list's year (default: the current year).")
def open_list_sync(year: int | None) -> None:
    """Record the adjustments of a published open list since its publication (added, changed, removed)."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    year = year or datetime.date.today().year
    try:
        result = tk.get_action("publicdata_open_list_sync")({"user": site_user["name"]}, {"year": year})
    except tk.ValidationError as error:
        click.echo("; ".join(str(message) for messages in error.error_dict.values() for message in messages), err=True)
        sys.exit(1)
    click.echo("{year}: {added} added, {changed} changed, {removed} removed".format(**result))


# `ckan publicdata search rebuild [--workers N]` (helper search-speed: the search package's own commands)
from ckanext.publicdata.search.cli import search as _search_commands  # noqa: E402

publicdata.add_command(_search_commands)


def get_commands() -> list[click.Command]:
    return [publicdata]


__all__ = ["publicdata"]
