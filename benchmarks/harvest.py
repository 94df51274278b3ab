"""Harvest benchmark (issue 7 item 7): first harvest of N datasets from a local source portal, then a re-harvest with
no changes; datasets per second for both and the peak memory of the consumers.

    nice -n 10 .venv/bin/python benchmarks/harvest.py --n 10000          # the figure of record
    .venv/bin/python benchmarks/harvest.py --n 200 --fetch-consumers 1   # a quick check

What it does (nothing here touches the portal's or a test database):
1. the harvesting portal: database ``publicdata_bench_harvest`` (dropped and re-created; needs root for the
   ``postgres`` OS user), an ini in a temporary directory (``use = config:config/ckan.ini`` + its database, Redis
   DB 11, its own storage and site id), ``ckan db init``, the organization and a node harvest source;
2. the source portal, started exactly like the tests' ``source_portal`` fixture (tests/harvest/conftest.py:
   database ``publicdata_test_hvsource_bench``, ``ckan run`` on a free loopback port); one dataset is created through
   its API, then cloned N-1 times through the model tables (same extras as the API stored, new id / name /
   identifier / title) and indexed with ``ckan search-index rebuild`` — so the source is loaded in minutes, not
   hours, and every record is a taxonomy-complete dataset the harvester validates in full;
3. ``ckan harvester gather-consumer`` and ``--fetch-consumers`` × ``fetch-consumer`` as subprocesses; a job is
   created, the clock runs from its creation until every record is COMPLETE or ERROR (then ``harvest_jobs_run``);
   the same again with no change at the source;
4. peak memory: each consumer's ``VmHWM`` (peak resident set) from /proc, read just before it is stopped, and the
   highest ``VmRSS`` seen while polling.
Results: printed, and written to benchmarks/results/harvest-<N>.json after every phase.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Any, Optional

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.harvest.conftest import (  # noqa: E402 - the fixture's own way of starting a source portal
    CKAN,
    _ckan_cli,
    _database_url_of,
    _postgres,
    organization_fields,
    start_source_portal,
    taxonomy_dataset,
)

RESULTS = ROOT / "benchmarks" / "results"
TARGET_DATABASE = "publicdata_bench_harvest"
SOURCE_DATABASE = "publicdata_test_hvsource_bench"
REDIS_DB = 11
ORGANIZATION = "bench-bincheng-market"


def log(message: str) -> None:
    print(f"[{dt.datetime.utcnow():%H:%M:%S}] {message}", flush=True)


def write_target_ini(workdir: pathlib.Path) -> pathlib.Path:
    main_ini = ROOT / "config" / "ckan.ini"
    database_url = _database_url_of(main_ini).rsplit("/", 1)[0] + "/" + TARGET_DATABASE
    redis_url = "redis://127.0.0.1:6379/" + str(REDIS_DB)
    storage = ROOT / "var" / "storage-bench-harvest"
    storage.mkdir(parents=True, exist_ok=True)
    ini = workdir / "bench-harvest.ini"
    ini.write_text(
        "[app:main]\n"
        f"use = config:{main_ini}\n"
        f"sqlalchemy.url = {database_url}\n"
        f"ckan.redis.url = {redis_url}\n"
        f"ckan.harvest.mq.redis_db = {REDIS_DB}\n"
        f"ckan.storage_path = {storage}\n"
        "ckan.site_id = publicdata_bench_harvest\n"
        "ckan.tracking_enabled = false\n"
        + (main_ini.read_text(encoding="utf-8").partition("[loggers]")[1]
           + main_ini.read_text(encoding="utf-8").partition("[loggers]")[2]).replace("level = INFO", "level = WARNING"),
        encoding="utf-8")
    os.chmod(ini, 0o600)
    return ini


def load_app(ini: pathlib.Path) -> Any:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    return make_app(load_config(str(ini)))


# ------------------------------------------------------------------------------------------------ the source


def fill_source(portal: Any, n: int) -> dict[str, Any]:
    """One dataset through the source portal's API, N-1 clones of its rows through SQL, then a reindex."""
    import sqlalchemy as sa

    started = time.perf_counter()
    org = portal.action("organization_create", **organization_fields(ORGANIZATION, "滨城区市场监督管理局（基准）",
                                                                      "MB1609001"))
    template = portal.action("package_create", **taxonomy_dataset(org["id"], 1, "37160200-0009-2025"))
    engine = sa.create_engine(_database_url_of(portal.ini))
    meta = sa.MetaData()
    tables = {name: sa.Table(name, meta, autoload_with=engine)
              for name in ("package", "package_extra", "resource", "package_tag")}
    with engine.connect() as connection:
        package_row = dict(connection.execute(tables["package"].select().where(
            tables["package"].c.id == template["id"])).mappings().one())
        extra_rows = [dict(row) for row in connection.execute(tables["package_extra"].select().where(
            tables["package_extra"].c.package_id == template["id"])).mappings()]
        resource_rows = [dict(row) for row in connection.execute(tables["resource"].select().where(
            tables["resource"].c.package_id == template["id"])).mappings()]
        tag_rows = [dict(row) for row in connection.execute(tables["package_tag"].select().where(
            tables["package_tag"].c.package_id == template["id"])).mappings()]
    batch = 1000
    for first in range(2, n + 1, batch):
        packages, extras, resources, tags = [], [], [], []
        for number in range(first, min(n, first + batch - 1) + 1):
            package_id = str(uuid.uuid4())
            packages.append(dict(package_row, id=package_id, name=f"bench-harvest-{number:06d}",
                                 title=f"滨城区企业登记信息第{number}号"))
            for extra in extra_rows:
                value = extra["value"]
                if extra["key"] == "identifier":
                    value = f"37160200-0009-2025-{number:06d}"
                extras.append(dict(extra, id=str(uuid.uuid4()), package_id=package_id, value=value))
            for resource in resource_rows:
                resources.append(dict(resource, id=str(uuid.uuid4()), package_id=package_id,
                                      url=f"http://files.example.cn/bincheng/{number}.csv"))
            for tag in tag_rows:
                tags.append(dict(tag, id=str(uuid.uuid4()), package_id=package_id))
        with engine.begin() as connection:
            connection.execute(tables["package"].insert(), packages)
            if extras:
                connection.execute(tables["package_extra"].insert(), extras)
            if resources:
                connection.execute(tables["resource"].insert(), resources)
            if tags:
                connection.execute(tables["package_tag"].insert(), tags)
        log(f"  source: {min(n, first + batch - 1)}/{n} datasets inserted")
    engine.dispose()
    inserted = time.perf_counter() - started
    log("  source: search-index rebuild")
    _ckan_cli(portal.ini, "search-index", "rebuild", "-q", timeout=4 * 3600)
    count = portal.action("package_search", rows=0)["count"]
    return {"datasets": count, "insert_seconds": round(inserted, 1),
            "total_seconds": round(time.perf_counter() - started, 1)}


# ------------------------------------------------------------------------------------------------ consumers


class Consumer:
    def __init__(self, ini: pathlib.Path, kind: str, index: int, log_dir: pathlib.Path) -> None:
        self.kind = kind
        self.name = f"{kind}-{index}"
        self.log_path = log_dir / f"{self.name}.log"
        with self.log_path.open("w") as log_file:
            self.process = subprocess.Popen([str(CKAN), "-c", str(ini), "harvester", f"{kind}-consumer"],
                                            stdout=log_file, stderr=subprocess.STDOUT)
        self.max_rss_kb = 0

    def _status(self) -> dict[str, int]:
        values = {}
        try:
            for line in pathlib.Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0])
        except (FileNotFoundError, ValueError, IndexError):
            pass
        return values

    def sample(self) -> None:
        self.max_rss_kb = max(self.max_rss_kb, self._status().get("VmRSS", 0))

    def stop(self) -> dict[str, Any]:
        peak = self._status().get("VmHWM", 0)
        alive = self.process.poll() is None
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return {"consumer": self.name, "peak_rss_mb": round(max(peak, self.max_rss_kb) / 1024, 1),
                "alive_until_stopped": alive}


# ------------------------------------------------------------------------------------------------ harvesting


def harvest(app: Any, source_id: str, consumers: list[Consumer], max_minutes: float) -> dict[str, Any]:
    import sqlalchemy as sa

    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckanext.harvest.model import HarvestJob, HarvestObject

    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    with app._wsgi_app.test_request_context() if hasattr(app, "_wsgi_app") else contextlib.nullcontext():
        job = tk.get_action("harvest_job_create")(dict(site), {"source_id": source_id})
    started = time.perf_counter()
    deadline = started + max_minutes * 60
    last_log = 0.0
    finished = False
    while time.perf_counter() < deadline:
        for consumer in consumers:
            consumer.sample()
        model.Session.remove()
        job_row = HarvestJob.get(job["id"])
        states = dict(model.Session.query(HarvestObject.state, sa.func.count(HarvestObject.id))
                      .filter(HarvestObject.harvest_job_id == job["id"]).group_by(HarvestObject.state).all())
        done = states.get("COMPLETE", 0) + states.get("ERROR", 0)
        if job_row.gather_finished is not None and sum(states.values()) == done:
            finished = True
            break
        if time.perf_counter() - last_log > 30:
            log(f"  job {job['id'][:8]}: {states} gather_finished={job_row.gather_finished is not None}")
            last_log = time.perf_counter()
        if any(consumer.process.poll() is not None for consumer in consumers):
            raise RuntimeError("a consumer died: see " + ", ".join(str(c.log_path) for c in consumers))
        time.sleep(1)
    elapsed = time.perf_counter() - started
    with app._wsgi_app.test_request_context() if hasattr(app, "_wsgi_app") else contextlib.nullcontext():
        tk.get_action("harvest_jobs_run")(dict(site), {"source_id": source_id})
        progress = tk.get_action("publicdata_harvest_job_progress")(dict(site), {"id": job["id"]})
    processed = progress["added"] + progress["updated"] + progress["unchanged"] + progress["errored"]
    gather_seconds = None
    model.Session.remove()
    job_row = HarvestJob.get(job["id"])
    if job_row.gather_started and job_row.gather_finished:
        gather_seconds = round((job_row.gather_finished - job_row.gather_started).total_seconds(), 1)
    return {
        "job_id": job["id"], "completed": finished, "seconds": round(elapsed, 1), "gather_seconds": gather_seconds,
        "records_processed": processed, "datasets_per_second": round(processed / elapsed, 2) if elapsed else None,
        "progress": progress,
    }


def prepare_target(ini: pathlib.Path, source_url: str) -> str:
    """Organization and node harvest source on the harvesting portal; returns the source id."""
    import ckan.plugins.toolkit as tk

    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"], "ignore_auth": True}
    tk.get_action("organization_create")(dict(site), organization_fields(ORGANIZATION, "滨城区市场监督管理局（基准）",
                                                                         "MB1609001"))
    source = tk.get_action("harvest_source_create")(dict(site), {
        "name": "bench-county-node", "title": "基准：县级节点", "url": source_url, "source_type": "publicdata_node",
        "owner_org": ORGANIZATION, "config": json.dumps({"page_size": 500, "timeout": 300})})
    return source["id"]


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10000, help="datasets at the source (default 10000)")
    parser.add_argument("--fetch-consumers", type=int, default=2, help="fetch consumer processes (default 2)")
    parser.add_argument("--max-minutes", type=float, default=120, help="give up a harvest after this long")
    parser.add_argument("--warmup", type=float, default=30, help="seconds for the consumers to start (default 30)")
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    result_path = RESULTS / f"harvest-{args.n}.json"
    results: dict[str, Any] = {"n": args.n, "fetch_consumers": args.fetch_consumers,
                               "started": dt.datetime.utcnow().isoformat(timespec="seconds"),
                               "load_average_start": os.getloadavg()}

    def save() -> None:
        result_path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")

    workdir = pathlib.Path(tempfile.mkdtemp(prefix="bench-harvest-"))
    ini = write_target_ini(workdir)
    log(f"harvesting portal: database {TARGET_DATABASE}, ini {ini}")
    _postgres("dropdb", "--if-exists", "--force", TARGET_DATABASE)
    _postgres("createdb", "-O", "publicdata", "-E", "UTF8", "-T", "template0", TARGET_DATABASE)
    _ckan_cli(ini, "db", "init")
    subprocess.run(["redis-cli", "-n", str(REDIS_DB), "flushdb"], check=False, capture_output=True)

    log("source portal: starting (like the tests' source_portal fixture)")
    with start_source_portal(ini, SOURCE_DATABASE, workdir / "source") as portal:
        results["source"] = fill_source(portal, args.n)
        log(f"source portal ready: {results['source']}")
        save()

        app = load_app(ini)
        with app._wsgi_app.test_request_context():
            source_id = prepare_target(ini, portal.url)
        consumers = [Consumer(ini, "gather", 1, workdir)]
        consumers += [Consumer(ini, "fetch", i + 1, workdir) for i in range(args.fetch_consumers)]
        time.sleep(args.warmup)  # the consumers' start-up (loading CKAN) is not harvesting time
        try:
            log("first harvest")
            results["first_harvest"] = harvest(app, source_id, consumers, args.max_minutes)
            log(f"first harvest: {results['first_harvest']['datasets_per_second']} datasets/s "
                f"({results['first_harvest']['records_processed']} in {results['first_harvest']['seconds']} s)")
            save()
            log("re-harvest, nothing changed at the source")
            results["reharvest"] = harvest(app, source_id, consumers, args.max_minutes)
            log(f"re-harvest: {results['reharvest']['datasets_per_second']} datasets/s "
                f"({results['reharvest']['progress']['unchanged']} unchanged in {results['reharvest']['seconds']} s)")
        finally:
            results["consumers"] = [consumer.stop() for consumer in consumers]
            results["peak_consumer_rss_mb"] = max(c["peak_rss_mb"] for c in results["consumers"])
            results["load_average_end"] = os.getloadavg()
            results["finished"] = dt.datetime.utcnow().isoformat(timespec="seconds")
            save()
    print(json.dumps({key: results.get(key) for key in (
        "n", "source", "peak_consumer_rss_mb", "consumers")}, ensure_ascii=False, indent=2))
    for phase in ("first_harvest", "reharvest"):
        if phase in results:
            print(f"{phase}: {results[phase]['datasets_per_second']} datasets/s, "
                  f"{results[phase]['records_processed']} records in {results[phase]['seconds']} s, "
                  f"gather {results[phase]['gather_seconds']} s, completed={results[phase]['completed']}")
    print(f"peak consumer memory: {results['peak_consumer_rss_mb']} MB; results in {result_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
