"""Time the whole-catalog SQL of the update reminders (overdue computation) and the open-list snapshot.

    .venv/bin/python benchmarks/reminders.py --ini config/test-list.ini --n 20000

Works on the database of the given config, which must be a scratch or test database of your own: it bulk-inserts
N synthetic public datasets (package + package_extra rows, as scheming stores them) under one organization,
measures, and deletes what it inserted. Writes benchmarks/results/reminders-<n>.json.
"""
from __future__ import annotations

import argparse
import datetime
import json
import random
import statistics
import time
import uuid
from pathlib import Path

FREQUENCIES = ["realtime", "daily", "weekly", "monthly", "quarterly", "semiannual", "annual", "irregular"]
ATTRIBUTES = ["unconditional"] * 14 + ["conditional"] * 5 + ["not_open"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ini", required=True)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(args.ini))
    with app._wsgi_app.test_request_context():  # type: ignore[attr-defined]
        import ckan.model as model
        import sqlalchemy as sa

        from ckanext.publicdata.openlist.service import public_catalog
        from ckanext.publicdata.reminders.service import overdue_datasets

        marker = f"bench-{uuid.uuid4().hex[:8]}"
        org_id = str(uuid.uuid4())
        random.seed(7)
        start = time.perf_counter()
        model.Session.execute(sa.text(
            "insert into \"group\" (id, name, title, type, is_organization, state, approval_status, created) "
            "values (:id, :name, :name, 'organization', true, 'active', 'approved', now())"),
            {"id": org_id, "name": marker})
        packages, extras = [], []
        today = datetime.date.today()
        for number in range(args.n):
            package_id = str(uuid.uuid4())
            packages.append({"id": package_id, "name": f"{marker}-{number}", "title": f"数据集 {number}",
                             "owner_org": org_id,
                             "modified": datetime.datetime.utcnow() - datetime.timedelta(days=random.randint(0, 800))})
            values = {
                "identifier": f"{marker}-{number:06d}",
                "open_attribute": random.choice(ATTRIBUTES),
                "update_frequency": random.choice(FREQUENCIES),
                "open_method": json.dumps(random.choice([["download"], ["api"], ["download", "api"]])),
            }
            if random.random() < 0.6:
                values["data_updated"] = (today - datetime.timedelta(days=random.randint(0, 800))).isoformat()
            extras += [{"id": str(uuid.uuid4()), "package_id": package_id, "key": key, "value": value}
                       for key, value in values.items()]
        model.Session.execute(sa.text(
            "insert into package (id, name, title, owner_org, type, state, private, metadata_created, "
            "metadata_modified) values (:id, :name, :title, :owner_org, 'dataset', 'active', false, :modified, "
            ":modified)"), packages)
        model.Session.execute(sa.text(
            "insert into package_extra (id, package_id, key, value, state) "
            "values (:id, :package_id, :key, :value, 'active')"), extras)
        model.Session.commit()
        model.Session.execute(sa.text("analyze package; analyze package_extra"))
        insert_seconds = time.perf_counter() - start

        def timed(function) -> tuple[list[float], int]:  # type: ignore[no-untyped-def]
            timings, size = [], 0
            for _ in range(args.rounds):
                began = time.perf_counter()
                size = len(function())
                timings.append(time.perf_counter() - began)
            return timings, size

        try:
            overdue_times, overdue_count = timed(overdue_datasets)
            catalog_times, catalog_count = timed(public_catalog)
        finally:
            ids = [package["id"] for package in packages]
            model.Session.execute(sa.text("delete from package_extra where package_id = any(:ids)"), {"ids": ids})
            model.Session.execute(sa.text("delete from package where id = any(:ids)"), {"ids": ids})
            model.Session.execute(sa.text("delete from \"group\" where id = :id"), {"id": org_id})
            model.Session.commit()

    result = {
        "n": args.n,
        "date": datetime.datetime.utcnow().isoformat(timespec="seconds"),
        "insert_seconds": round(insert_seconds, 2),
        "overdue_datasets": {"rows": overdue_count, "median_seconds": round(statistics.median(overdue_times), 3),
                             "max_seconds": round(max(overdue_times), 3)},
        "open_list_public_catalog": {"rows": catalog_count,
                                     "median_seconds": round(statistics.median(catalog_times), 3),
                                     "max_seconds": round(max(catalog_times), 3)},
    }
    out = Path(__file__).parent / "results" / f"reminders-{args.n}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
