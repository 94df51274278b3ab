"""Click commands of the ``publicdata_access`` plugin: enforcement.

``ckan publicdata-access audit verify``   walk the hash chain; exit 1 naming the first broken row
``ckan publicdata-access audit export --format csv|jsonl [--output FILE] [--since ISO] [--until ISO]``
``ckan publicdata-access audit prune [--days N]``   delete events past the retention period (the chain stays
                                                   verifiable from the saved anchor)

The ``audit`` group joins the workflow part's ``publicdata-access`` group when it defines one, otherwise this
module provides the ``publicdata-access`` group itself.
"""
from __future__ import annotations

import sys
from typing import Optional

import click

from ckanext.publicdata.access import audit as audit_log
from ckanext.publicdata.access.logic import enforcement_validators as validators


@click.group(name="audit", short_help="Access audit log: verify, export, prune (ACC-10, SEC-4).")
def audit() -> None:
    """The append-only, hash-chained access audit log."""


@audit.command("verify")
def verify() -> None:
    """Check every link and hash of the chain; exit 1 at the first broken row."""
    result = audit_log.verify()
    if result.ok:
        click.echo(f"OK: {result.checked} events verified; head hash {result.head_hash}")
        return
    click.echo(f"BROKEN at seq {result.first_broken_seq} ({result.checked} events verified before it): "
               f"{result.problem}", err=True)
    sys.exit(1)


@audit.command("export")
@click.option("--format", "fmt", type=click.Choice(audit_log.EXPORT_FORMATS), default="csv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of standard output.")
@click.option("--since", default=None, help="Events at or after this UTC time (ISO 8601).")
@click.option("--until", default=None, help="Events before this UTC time (ISO 8601).")
def export(fmt: str, output: Optional[str], since: Optional[str], until: Optional[str]) -> None:
    """Export the log (hashes included, so the export itself can be checked)."""
    import ckan.plugins.toolkit as tk

    try:
        params = validators.audit_list_params({"since": since, "until": until})
    except tk.ValidationError as error:
        raise click.BadParameter(str(error.error_dict))
    rows = audit_log.query_events(since=params["since"], until=params["until"]).yield_per(1000)
    stream = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        for chunk in audit_log.export(rows, fmt):
            stream.write(chunk)
    finally:
        if output:
            stream.close()


@audit.command("prune")
@click.option("--days", type=int, default=None,
              help="Keep this many days (default: ckanext.publicdata.access.audit_retention_days).")
def prune(days: Optional[int]) -> None:
    """Delete events older than the retention period, oldest first."""
    removed = audit_log.prune(days)
    click.echo(f"{removed} audit events older than the retention period removed")


def _workflow_group() -> Optional[click.Group]:
    from ckanext.publicdata.access import workflow_cli

    for name in getattr(workflow_cli, "__all__", []):
        command = getattr(workflow_cli, name, None)
        if isinstance(command, click.Group) and command.name == "publicdata-access":
            return command
    return None


@click.group(name="publicdata-access", short_help="Conditional access: grants and the audit log.")
def publicdata_access() -> None:
    """Conditional access (有条件开放)."""


_shared_group = _workflow_group()
if _shared_group is not None:
    _shared_group.add_command(audit)
    __all__: list[str] = []
else:
    publicdata_access.add_command(audit)
    __all__ = ["publicdata_access"]
