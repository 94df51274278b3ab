"""Click commands of the ``publicdata_feedback`` plugin: ticket.

``ckan feedback-tickets remind`` — run daily (cron): reminds whoever a ticket waits on when it is due today or
overdue (FB-1, DEM-1, FB-4), once a day per ticket and person.
"""
from __future__ import annotations

import datetime
from typing import Optional

import click

import ckan.model as model

__all__ = ["feedback_tickets"]


@click.group(name="feedback-tickets", short_help="Feedback tickets: deadline reminders.")
def feedback_tickets() -> None:
    """Feedback ticket commands."""


@feedback_tickets.command()
@click.option("--on", "on", default=None, help="Pretend today is this date (YYYY-MM-DD, Asia/Shanghai).")
def remind(on: Optional[str]) -> None:
    """Remind handlers of tickets due today or overdue."""
    from ckanext.publicdata.feedback.tickets import remind_due

    day = None
    if on:
        try:
            day = datetime.date.fromisoformat(on)
        except ValueError:
            raise click.BadParameter(f"日期格式应为 YYYY-MM-DD / dates are YYYY-MM-DD: {on}") from None
    counts = remind_due(day)
    model.Session.commit()
    click.echo(f"overdue: {counts['overdue']}, due today: {counts['due_today']}, "
               f"notifications sent: {counts['notifications']}")
