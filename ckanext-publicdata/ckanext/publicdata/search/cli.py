"""``ckan publicdata search …``: bulk operations on the embedded search index.

``ckan search-index rebuild`` keeps working (CKAN's own path, one dataset and one index write at a time).
``ckan publicdata search rebuild`` indexes the same documents — CKAN's ``package_show`` and
``PackageSearchIndex.update_dict``, so every plugin hook runs — but writes the index rows in multi-row
upserts, commits every ``--commit-every`` datasets and can split the datasets over ``--workers`` processes.
"""
from __future__ import annotations

import logging
import os
import pathlib
import subprocess
import sys
import tempfile
import time
from typing import Optional

import click

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)


@click.group("search", short_help="The embedded search index (bulk rebuild)")
def search() -> None:
    """The embedded PostgreSQL search index."""


def _all_package_ids() -> list[str]:
    import ckan.model as model

    packages = model.Session.query(model.Package.id)
    if tk.config.get("ckan.search.remove_deleted_packages"):
        packages = packages.filter(model.Package.state != "deleted")
    return [row[0] for row in packages.order_by(model.Package.id).all()]


def index_packages(package_ids: list[str], batch_size: int = 200, commit_every: int = 1000,
                   force: bool = False, progress: Optional[click.File] = None) -> tuple[int, int]:
    """Index the given datasets through CKAN's own index path with buffered writes.

    Returns (indexed, failed). A failure stops the run unless ``force`` (then it is logged and skipped).
    """
    import ckan.model as model
    from ckan.lib.search import index_for

    from ckanext.publicdata.search.backend import PostgresSearchConnection, buffered_writes

    package_index = index_for(model.Package)
    show = tk.get_action("package_show")
    indexed = failed = 0
    started = time.monotonic()
    with buffered_writes(batch_size):
        for number, package_id in enumerate(package_ids, start=1):
            try:
                data_dict = show({"ignore_auth": True, "validate": False, "use_cache": False},
                                 {"id": package_id})
                package_index.update_dict(data_dict, defer_commit=True)
                indexed += 1
            except Exception as error:  # noqa: BLE001 - reported, and re-raised without --force
                failed += 1
                log.error("Error while indexing dataset %s: %r", package_id, error)
                if not force:
                    model.Session.rollback()
                    raise
            if number % commit_every == 0:
                PostgresSearchConnection().flush()
                model.Session.commit()
                if progress is not None:
                    rate = number / max(time.monotonic() - started, 1e-6)
                    click.echo(f"{number}/{len(package_ids)} datasets ({rate:.0f}/s)", file=progress)
    model.Session.commit()
    return indexed, failed


def _worker_main(argv: list[str]) -> int:
    """``python -m ckanext.publicdata.search.cli CONFIG IDS_FILE BATCH COMMIT_EVERY FORCE QUIET``: one worker.

    Started by ``rebuild --workers``; loads the configuration itself, so it needs no plugin to register a
    command (whatever plugins the configuration enables run their indexing hooks as usual).
    """
    config_file, ids_file, batch, commit_every, force, quiet = argv
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(config_file))
    flask_app = getattr(app, "_wsgi_app", app)
    ids = [line.strip() for line in pathlib.Path(ids_file).read_text().splitlines() if line.strip()]
    with flask_app.test_request_context():
        indexed, failed = index_packages(ids, int(batch), int(commit_every), force == "1",
                                         None if quiet == "1" else sys.stdout)
    print(f"worker: {indexed} indexed, {failed} failed")
    return 1 if failed and force != "1" else 0


@search.command("rebuild")
@click.option("--workers", type=click.IntRange(1, 32), default=1, show_default=True,
              help="Processes to split the datasets over.")
@click.option("--clear", is_flag=True, help="Empty the index first (searches find nothing until it is done).")
@click.option("--force", is_flag=True, help="Log and skip datasets that fail instead of stopping.")
@click.option("--batch-size", type=click.IntRange(1, 5000), default=200, show_default=True,
              help="Index rows per multi-row write.")
@click.option("--commit-every", type=click.IntRange(1, 100000), default=1000, show_default=True,
              help="Datasets per transaction.")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines.")
def rebuild(workers: int, clear: bool, force: bool, batch_size: int, commit_every: int, quiet: bool) -> None:
    """Re-index every dataset (like `ckan search-index rebuild`, faster)."""
    progress = None if quiet else sys.stdout

    from ckan.lib.search import commit as search_commit

    started = time.monotonic()
    if clear:
        import ckan.model as model
        from ckan.lib.search import index_for

        index_for(model.Package).clear()
        model.Session.commit()
    package_ids = _all_package_ids()
    if workers > 1:
        import ckan.model as model

        model.Session.remove()  # no transaction left open (and no snapshot held) while the workers run
    if workers == 1 or len(package_ids) < 2 * commit_every:
        indexed, failed = index_packages(package_ids, batch_size, commit_every, force, progress)
    else:
        indexed, failed = _run_workers(package_ids, workers, batch_size, commit_every, force, quiet)
    search_commit()
    seconds = time.monotonic() - started
    click.echo(f"{indexed} datasets indexed, {failed} failed, in {seconds:.1f} s "
               f"({indexed / max(seconds, 1e-6):.1f}/s, {workers} worker(s))")
    if failed and not force:
        sys.exit(1)


def _run_workers(package_ids: list[str], workers: int, batch_size: int, commit_every: int, force: bool,
                 quiet: bool) -> tuple[int, int]:
    config_file = tk.config.get("__file__") or os.environ.get("CKAN_INI")
    if not config_file:
        raise click.UsageError("--workers needs the configuration file (ckan -c …)")
    processes: list[tuple[subprocess.Popen, int]] = []
    with tempfile.TemporaryDirectory(prefix="publicdata-rebuild-") as folder:
        for number in range(workers):
            chunk = package_ids[number::workers]
            ids_path = pathlib.Path(folder) / f"ids-{number}.txt"
            ids_path.write_text("\n".join(chunk) + "\n")
            command = [sys.executable, "-m", "ckanext.publicdata.search.cli", str(config_file), str(ids_path),
                       str(batch_size), str(commit_every), "1" if force else "0", "1" if quiet else "0"]
            processes.append((subprocess.Popen(command), len(chunk)))
        failures = 0
        for process, _size in processes:
            if process.wait() != 0:
                failures += 1
    if failures and not force:
        raise click.ClickException(f"{failures} of {workers} rebuild workers failed (see their output)")
    indexed = sum(size for process, size in processes if process.returncode == 0)
    return indexed, len(package_ids) - indexed


__all__ = ["search", "index_packages"]


if __name__ == "__main__":
    sys.exit(_worker_main(sys.argv[1:]))
