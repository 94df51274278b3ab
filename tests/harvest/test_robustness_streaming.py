"""Bounded memory (issue 7 item 5), structurally: the gather takes a county node's datasets one page at a time and
yields the first record before the rest of the source has been requested; memory is measured by
benchmarks/harvest.py, never timed here."""
from __future__ import annotations

from typing import Any

import pytest

from ckanext.publicdata.harvest.harvesters import http
from ckanext.publicdata.harvest.harvesters.ckan_api import iter_packages

pytestmark = [pytest.mark.usefixtures("with_plugins")]


def test_node_gather_yields_before_the_source_is_fully_read(source_portal, monkeypatch):
    source_portal.ensure_organization("hvops-streaming", "流式读取测试机构", "MB1600301")
    source_portal.load_datasets(7, organization="hvops-streaming")
    requests_made: list[dict[str, Any]] = []
    real_get_json = http.get_json

    def counting_get_json(url: str, *args: Any, **kwargs: Any) -> Any:
        requests_made.append(dict(kwargs.get("params") or {}))
        return real_get_json(url, *args, **kwargs)

    monkeypatch.setattr(http, "get_json", counting_get_json)
    records = iter_packages(source_portal.url, {"page_size": 2, "fq": "organization:hvops-streaming"}, 30)

    first = next(records)
    assert first["organization"]["name"] == "hvops-streaming"
    assert len(requests_made) == 1, "the whole source was read before the first record came out"
    assert requests_made[0]["rows"] == 2

    rest = list(records)
    assert len(rest) == 6
    # four pages of two (the last one short): never more than one page held at a time
    assert [params["start"] for params in requests_made] == [0, 2, 4, 6]
    assert len({package["id"] for package in [first, *rest]}) == 7
