"""``ckan publicdata …`` commands."""
from __future__ import annotations

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


@publicdata.command("demo-load")
@click.option("--quiet", is_flag=True, help="Print only the summary.")
def demo_load(quiet: bool) -> None:
    """Load the demo catalogue (organizations, datasets, resources). Idempotent."""
    from ckanext.publicdata import demo

    summary = demo.load(echo=None if quiet else click.echo)
    click.echo(
        "    demo catalogue: {organizations} organizations, {datasets} datasets "
        "({created} created, {existing} already there)".format(**summary)
    )


def get_commands() -> list[click.Command]:
    return [publicdata]


__all__ = ["publicdata"]
