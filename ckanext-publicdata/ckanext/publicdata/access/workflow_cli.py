"""Click commands of the ``publicdata_access`` plugin: workflow.

``ckan publicdata-access remind``: tell the reviewers of overdue applications (formal review: the authority;
provider review: the provider's staff) and flag overdue use reports to the providers — run it daily from cron.
``ckan publicdata-access blocklist-import FILE [--replace]``: import the credit blocklist from CSV as the site user.
The enforcement part adds its ``audit`` commands to this group.
"""
from __future__ import annotations

import click

import ckan.model as model
import ckan.plugins.toolkit as tk

__all__ = ["publicdata_access"]


@click.group(name="publicdata-access", short_help="Conditional access: applications, agreements, grants, audit.")
def publicdata_access() -> None:
    """Conditional access (有条件开放)."""


@publicdata_access.command("remind")
def remind() -> None:
    """Notify reviewers of overdue applications and providers of overdue use reports (ACC-4, ACC-5, ACC-8)."""
    from ckanext.publicdata import workdays
    from ckanext.publicdata.access import use_reports, workflow
    from ckanext.publicdata.access.model.application import AccessRequest

    today = workdays.local_date(workdays.now_local())
    overdue = [request for request in model.Session.query(AccessRequest).filter(
        AccessRequest.status.in_((workflow.SUBMITTED, workflow.PROVIDER_REVIEW))) if workflow.is_overdue(request, today)]
    for request in overdue:
        due = workflow.current_deadline(request)
        recipients = (workflow.reviewer_ids(request.owner_org) if request.status == workflow.SUBMITTED
                      else workflow.provider_ids(request.owner_org))
        workflow.notify(recipients, request, "access_request_overdue",
                        f"申请审核已逾期：{request.title} / Application review overdue: {request.title}",
                        f"审核期限 {due} 已过。 / The review was due on {due}.")
    flagged = use_reports.remind_overdue(today)
    model.Session.commit()
    click.echo(f"{len(overdue)} overdue applications, {len(flagged)} overdue use reports notified")


@publicdata_access.command("blocklist-import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True, help="Remove every existing entry first.")
def blocklist_import(path: str, replace: bool) -> None:
    """Import the credit blocklist (ACC-2) from a CSV file."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    with open(path, "rb") as stream:
        data = stream.read()
    try:
        result = tk.get_action("publicdata_credit_blocklist_import")(
            {"user": site_user["name"], "ignore_auth": True}, {"csv": data, "replace": replace})
    except tk.ValidationError as error:
        for messages in error.error_dict.values():
            for message in messages:
                click.echo(message, err=True)
        raise SystemExit(1)
    click.echo(f"{result['imported']} entries imported; {result['total']} on the list")
