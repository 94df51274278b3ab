"""Cost of access enforcement per dataset shown (issue 5 item 5: "nothing may slow unconditional datasets
noticeably"). Times ``enforcement.apply_to_package`` — what package_show / package_search run for every dataset —
on dataset dicts of the shape package_show returns, with every loaded IResourceGate asked:

* unconditional datasets (the common case: gates answer None, nothing is touched),
* conditional datasets for an anonymous user (first call per dataset in the request, then cached).

    .venv/bin/python benchmarks/access_enforcement.py --ini config/test-enf.ini --n 2000

Uses the given ini's database read-only (the conditional case looks up the owning organization and grants of
random, non-existent ids, so nothing needs to be created). Results printed and written to
benchmarks/results/access-enforcement.json.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _dataset(open_attribute: str) -> dict:
    dataset_id = str(uuid.uuid4())
    return {
        "id": dataset_id, "name": dataset_id, "type": "dataset", "owner_org": str(uuid.uuid4()),
        "open_attribute": open_attribute,
        "resources": [{"id": str(uuid.uuid4()), "package_id": dataset_id, "url": f"https://example.cn/{i}.csv",
                       "format": "CSV", "name": f"r{i}"} for i in range(3)],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ini", default="config/test-enf.ini")
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ROOT / args.ini)))
    from ckanext.publicdata.access import enforcement

    import ckan.plugins as p
    from ckanext.publicdata.access.plugin import PublicdataAccessPlugin
    from ckanext.publicdata.interfaces import IResourceGate

    all_gates = p.PluginImplementations

    def access_gate_only(interface):
        if interface is IResourceGate:
            return [gate for gate in all_gates(interface) if isinstance(gate, PublicdataAccessPlugin)]
        return all_gates(interface)

    results = {"gates": [type(gate).__name__ for gate in all_gates(IResourceGate)]}
    with app._wsgi_app.test_request_context():
        for gates_label, implementations in (("all_gates", all_gates), ("access_gate_only", access_gate_only)):
            enforcement.p.PluginImplementations = implementations
            for label, attribute, repeat in (("unconditional", "unconditional", 1),
                                             ("conditional_first_call", "conditional", 1),
                                             ("conditional_cached", "conditional", 2)):
                datasets = [_dataset(attribute) for _ in range(args.n)]
                timings = []
                for round_ in range(repeat):
                    if round_ == 0:
                        enforcement.clear_request_cache()
                    started = time.perf_counter()
                    for dataset in datasets:
                        enforcement.apply_to_package(dataset, None)
                    timings.append((time.perf_counter() - started) / args.n * 1e6)
                results[f"{gates_label}.{label}"] = round(timings[-1], 1)
        enforcement.p.PluginImplementations = all_gates
        results["n"] = args.n
        results["unit"] = "microseconds per dataset"
    print(json.dumps(results, indent=2))
    out = ROOT / "benchmarks" / "results" / "access-enforcement.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
