"""A JSON API source with a declarative mapping: records path, paging, field map, synonyms (HARV-1, HARV-2)."""
from __future__ import annotations

import io
import json

import pytest

from ckanext.publicdata.harvest.base import HarvestSourceError
from ckanext.publicdata.harvest.harvesters.json_api import PublicdataJSONHarvester, iter_json_page

from tests.harvest.conftest import json_api_record
from tests.harvest.sources_setup import (
    create_source,
    datasets_with_identifier,
    gather_errors,
    is_bilingual,
    portal_setup,
    run_job,
    show,
)

FIELD_MAP = {
    "identifier": "resourceCode", "title": "title", "notes": "summary", "provider": "deptName",
    "open_attribute": "openType", "update_frequency": "updateCycle", "release_date": "publishTime",
    "theme": "themeName",
    "data_items": {"path": "fields", "item_map": {"field_name": "name", "field_title": "title", "field_type": "type"}},
}
CONFIG = {
    "records_path": "data.list",
    "id_path": "resourceCode",
    "paging": {"mode": "page", "param": "page", "start": 1, "size_param": "size", "size": 10},
    "field_map": FIELD_MAP,
    "trusted": True,
}


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_paged_json_api_is_harvested_through_the_field_map(loopback_files):
    portal = portal_setup()
    url = loopback_files.base_url + loopback_files.JSON_API
    source = create_source("json", url, CONFIG)
    job, results = run_job(source)

    assert gather_errors(job) == []
    assert len(results) == 25  # three pages of 10, 10 and 5
    assert {r["report_status"] for r in results.values()} == {"added"}
    record = json_api_record(7)
    (package,) = datasets_with_identifier(record["resourceCode"])
    dataset = show(package.id)
    assert dataset["title"] == record["title"]
    assert dataset["owner_org"] == portal["orgs"]["culture"]["id"]  # deptName 阳信县文化和旅游局
    assert dataset["open_attribute"] == "unconditional"
    assert dataset["update_frequency"] == "quarterly"                # 每季度
    assert dataset["theme"] == "culture_tourism"                    # 文化旅游
    assert dataset["data_items"] == [{"field_name": "venue", "field_title": "场馆名称", "field_type": "string"}]


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_json_records_without_an_open_attribute_fail_and_the_rest_imports(loopback_files):
    portal_setup()
    records = [json_api_record(301), json_api_record(302, openType=None), json_api_record(303, openType="有条件")]
    url = loopback_files.add_json_api("/api/v1/partial", records)
    source = create_source("json", url, CONFIG)
    _job, results = run_job(source)

    statuses = {guid: r["report_status"] for guid, r in results.items()}
    assert statuses[json_api_record(301)["resourceCode"]] == "added"
    assert statuses[json_api_record(302)["resourceCode"]] == "errored"
    assert statuses[json_api_record(303)["resourceCode"]] == "errored"  # 有条件 without its conditions
    (missing,) = results[json_api_record(302)["resourceCode"]]["errors"]
    assert "open_attribute" in missing and is_bilingual(missing)


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_html_instead_of_json_is_a_clear_gather_error(loopback_files):
    portal_setup()
    config = dict(CONFIG, paging={"mode": "none"})
    source = create_source("json", loopback_files.url(loopback_files.HTML_NOT_JSON), config)
    job, results = run_job(source)

    errors = gather_errors(job)
    assert results == {} and errors and all(is_bilingual(message) for message in errors)
    assert any("JSON" in message for message in errors)


def test_json_config_needs_an_open_attribute_path_and_no_default():
    harvester = PublicdataJSONHarvester()
    without = dict(CONFIG, field_map={k: v for k, v in FIELD_MAP.items() if k != "open_attribute"})
    with pytest.raises(ValueError, match="open_attribute"):
        harvester.validate_options(without)
    with_default = dict(CONFIG, field_map=dict(FIELD_MAP, open_attribute={"constant": "unconditional"}))
    with pytest.raises(Exception, match="open attribute"):
        harvester.validate_options(with_default)


def test_records_are_streamed_one_at_a_time():
    """The parser yields the first record before the rest of the document has been read."""
    document = json.dumps({"data": {"list": [{"id": n} for n in range(1000)], "next": "/p2"}}).encode()

    class CountingStream:
        def __init__(self, data):
            self.buffer = io.BytesIO(data)
            self.read_bytes = 0

        def read(self, size=-1):
            if size == 0:
                return b""
            chunk = self.buffer.read(min(size, 256) if size > 0 else 256)
            self.read_bytes += len(chunk)
            return chunk

    stream = CountingStream(document)
    events = iter_json_page(stream, "data.list", "data.next")
    kind, first = next(events)
    assert (kind, first) == ("record", {"id": 0})
    assert stream.read_bytes < len(document) / 2
    rest = list(events)
    assert rest[-1] == ("next", "/p2") and len(rest) == 1000


def test_truncated_json_raises_a_source_error():
    with pytest.raises(HarvestSourceError):
        list(iter_json_page(io.BytesIO(b'{"data": {"list": [{"id": 1}, {"id": '), "data.list"))
