"""Click commands of the ``publicdata_harvest`` plugin: operations.

``ckan publicdata-harvest status [SOURCE]``, ``errors SOURCE``, ``stuck [--close|--resume]``, ``run-now SOURCE``.
The commands join the sources part's ``publicdata-harvest`` group when it defines one, otherwise this module
provides the group.
"""
from __future__ import annotations

import json
from typing import Any, Optional

import click

import ckan.plugins.toolkit as tk

from ckanext.publicdata.harvest import sources_cli

GROUP_NAME = "publicdata-harvest"


def _context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"]}


def _call(action: str, **data: Any) -> Any:
    try:
        return tk.get_action(action)(_context(), data)
    except tk.ObjectNotFound as error:
        raise click.ClickException(str(error.message or error))
    except tk.ValidationError as error:
        messages = [f"{field}: {'; '.join(map(str, problems)) if isinstance(problems, list) else problems}"
                    for field, problems in error.error_dict.items()]
        raise click.ClickException("\n".join(messages))


def _progress_line(job: dict[str, Any]) -> str:
    return (f"{job['job_id']}  {job['status']:<8}  created {job['created'][:19]}  gathered {job['gathered']}  "
            f"imported {job['imported']} (added {job['added']}, updated {job['updated']})  "
            f"unchanged {job['unchanged']}  withdrawn {job['withdrawn']}  errored {job['errored']}  "
            f"waiting {job['waiting'] + job['fetching'] + job['importing']}  job errors {job['gather_errors']}")


@click.command("status", short_help="Harvest sources and their latest jobs (progress by stage).")
@click.argument("source", required=False)
@click.option("--jobs", default=5, show_default=True, help="How many of the latest jobs to show per source.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(source: Optional[str], jobs: int, as_json: bool) -> None:
    """Status of one harvest source (id or name), or of every source."""
    if source:
        statuses = [_call("publicdata_harvest_source_status", id=source, jobs=jobs)]
    else:
        from ckanext.harvest.model import HarvestSource

        statuses = [_call("publicdata_harvest_source_status", id=row.id, jobs=jobs)
                    for row in HarvestSource.filter().order_by(HarvestSource.created).all()]
    if as_json:
        click.echo(json.dumps(statuses, ensure_ascii=False, indent=2))
        return
    if not statuses:
        click.echo("No harvest sources.")
    for item in statuses:
        click.echo(f"{item['name']}  [{item['type']}]  {item['title']}  {item['url']}")
        click.echo(f"  active: {item['active']}  schedule: {item['frequency']}  next run: {item['next_run'] or '-'}")
        for job in item["jobs"]:
            click.echo("  " + _progress_line(job))
        if not item["jobs"]:
            click.echo("  no jobs yet")


@click.command("errors", short_help="Error report of a harvest source, grouped by error (CSV export).")
@click.argument("source")
@click.option("--job", "job_id", help="Report on this job (default: the latest job that ran).")
@click.option("--all-jobs", is_flag=True, help="Report on every job of the source.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, writable=True),
              help="Write every error as CSV (UTF-8 with BOM) to this file ('-': standard output).")
@click.option("--records", default=10, show_default=True, help="Record identifiers listed per error group.")
def errors(source: str, job_id: Optional[str], all_jobs: bool, csv_path: Optional[str], records: int) -> None:
    """Errors of a harvest source's jobs, grouped by error with the records concerned."""
    from ckanext.publicdata.harvest.operations import error_report_csv

    report = _call("publicdata_harvest_source_errors", id=source, job_id=job_id, all_jobs=all_jobs)
    if csv_path:
        text = error_report_csv(report)
        if csv_path == "-":
            click.echo(text, nl=False)
        else:
            with open(csv_path, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            click.echo(f"{report['total_errors']} errors written to {csv_path}")
        return
    click.echo(f"{report['source_title']}: {report['total_errors']} errors, {report['records_errored']} records "
               f"errored, jobs {', '.join(report['job_ids']) or '-'}")
    for error in report["gather_errors"]:
        click.echo(f"- [job] {error['message']}")
    for group in report["groups"]:
        click.echo(f"- [{group['stage']}] ×{group['count']}  {group['message']}")
        for record in group["records"][:records]:
            click.echo(f"    {record['guid']}" + (f"  ({record['identifier']})" if record["identifier"] and
                                                  record["identifier"] != record["guid"] else ""))
        hidden = group["count"] - min(records, len(group["records"]))
        if hidden > 0:
            click.echo(f"    … {hidden} more (use --csv for all)")


@click.command("stuck", short_help="Running harvest jobs without progress; --close or --resume them.")
@click.option("--minutes", type=int, help="Minutes without progress (default: the configured value).")
@click.option("--source", "source_id", help="Only this source's jobs.")
@click.option("--close", "close_jobs", is_flag=True, help="Close them with a job error.")
@click.option("--resume", is_flag=True, help="Put their unfinished records (or interrupted gather) back on the queues.")
@click.option("--reason", help="A note added to the job error when closing.")
def stuck(minutes: Optional[int], source_id: Optional[str], close_jobs: bool, resume: bool,
          reason: Optional[str]) -> None:
    """List stuck harvest jobs; close or resume them."""
    if close_jobs and resume:
        raise click.UsageError("--close and --resume exclude each other")
    found = _call("publicdata_harvest_stuck_list", minutes=minutes, source_id=source_id)
    if not found:
        click.echo("No stuck harvest jobs.")
        return
    for job in found:
        click.echo(f"{job['job_id']}  {job['source_title']}  idle {job['idle_minutes']} min  "
                   f"gather {'finished' if job['gather_finished'] else 'interrupted'}  "
                   f"unfinished {job['unfinished_records']}")
    if close_jobs or resume:
        handled = _call("publicdata_harvest_stuck_close", minutes=minutes, source_id=source_id, resume=resume,
                        reason=reason)
        for item in handled:
            click.echo(f"{item['job_id']}: {item['action']} ({item['unfinished_records']} records)")


@click.command("run-now", short_help="Start a harvest job of a source now.")
@click.argument("source")
def run_now(source: str) -> None:
    """Start a harvest job of SOURCE (id or name) now; the gather and fetch consumers do the work."""
    job = _call("publicdata_harvest_run_now", id=source)
    click.echo(f"job {job['id']} queued for {source}")


_COMMANDS = [status, errors, stuck, run_now]


def _sources_group() -> Optional[click.Group]:
    for name in getattr(sources_cli, "__all__", []):
        command = getattr(sources_cli, name, None)
        if isinstance(command, click.Group) and command.name == GROUP_NAME:
            return command
    return None


_shared_group = _sources_group()
if _shared_group is not None:
    for _command in _COMMANDS:
        _shared_group.add_command(_command)
    __all__: list[str] = []
else:
    @click.group(name=GROUP_NAME, short_help="Harvest operations: status, error reports, stuck jobs, run now.")
    def publicdata_harvest() -> None:
        """Harvest operations: status, error reports, stuck jobs, run now."""

    for _command in _COMMANDS:
        publicdata_harvest.add_command(_command)
    __all__ = ["publicdata_harvest"]
