"""Click commands of the ``publicdata_feedback`` plugin: suspension.

``ckan feedback-suspensions list [--all]`` — the datasets whose opening is suspended (FB-2, FB-3), for the operator.
"""
from __future__ import annotations

import click

__all__ = ["feedback_suspensions"]


@click.group(name="feedback-suspensions", short_help="Suspended datasets (中止开放).")
def feedback_suspensions() -> None:
    """Suspension commands."""


@feedback_suspensions.command(name="list")
@click.option("--all", "every", is_flag=True, help="Also the suspensions already lifted.")
def list_suspensions(every: bool) -> None:
    """One line per suspension: since, dataset, cause, ticket, outcome."""
    import ckan.model as model

    from ckanext.publicdata.feedback.model.suspension import Suspension

    query = model.Session.query(Suspension)
    if not every:
        query = query.filter(Suspension.lifted_at.is_(None))
    rows = query.order_by(Suspension.suspended_at.desc()).all()
    for row in rows:
        package = model.Package.get(row.package_id)
        name = package.name if package is not None else row.package_id
        state = "in force" if row.in_force else f"lifted {row.lifted_at:%Y-%m-%d %H:%M} ({row.outcome})"
        click.echo(f"{row.suspended_at:%Y-%m-%d %H:%M}\t{name}\t{row.cause}\t{row.ticket_id or '-'}\t{state}")
    click.echo(f"{len(rows)} suspension(s)")
