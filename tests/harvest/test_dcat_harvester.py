"""DCAT sources (Turtle, JSON-LD, RDF/XML) through ckanext-dcat's parser and the publicdata profile (HARV-2)."""
from __future__ import annotations

import pytest


from tests.harvest.conftest import _dcat_dataset
from tests.harvest.sources_setup import (
    create_source,
    datasets_with_identifier,
    gather_errors,
    is_bilingual,
    portal_setup,
    run_job,
    show,
)

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.mark.parametrize("name,rdf_format", [("DCAT_TURTLE", "turtle"), ("DCAT_JSONLD", "json-ld"),
                                              ("DCAT_RDFXML", "xml")])
def test_dcat_documents_are_harvested_with_the_taxonomy(loopback_files, name, rdf_format):
    portal = portal_setup()
    source = create_source("dcat", loopback_files.url(getattr(loopback_files, name)),
                           {"trusted": True, "rdf_format": rdf_format})
    job, results = run_job(source)

    assert gather_errors(job) == []
    assert len(results) == 4, results
    assert {r["report_status"] for r in results.values()} == {"added"}
    expected = _dcat_dataset(1)
    dataset = show(datasets_with_identifier(expected["identifier"])[0].id)
    # the document names two publishers (沾化区气象局, and the serializing portal's 滨城区市场监督管理局): one of them
    assert dataset["owner_org"] in (portal["orgs"]["weather"]["id"], portal["orgs"]["market"]["id"])
    assert dataset["open_attribute"] == "unconditional"                  # dct:accessRights PUBLIC
    assert dataset["update_frequency"] == expected["update_frequency"]   # dct:accrualPeriodicity
    assert dataset["theme"] == expected["theme"]
    assert sorted(dataset["priority_domains"]) == sorted(expected["priority_domains"])
    assert dataset["resources"][0]["url"] == expected["resources"][0]["url"]


def test_conditional_dcat_dataset_brings_no_resource_url(loopback_files):
    """The source's landing page stands in for the data URL of a conditional dataset: it is not imported."""
    portal_setup()
    source = create_source("dcat", loopback_files.url(loopback_files.DCAT_TURTLE), {"trusted": True})
    _job, results = run_job(source)

    conditional = _dcat_dataset(4)
    (package,) = datasets_with_identifier(conditional["identifier"])
    dataset = show(package.id)
    assert dataset["open_attribute"] == "conditional"
    assert dataset["open_conditions_text"]
    assert all(not resource.get("url") for resource in dataset["resources"])
    assert conditional["resources"][0]["url"] not in repr(dataset)


def test_broken_turtle_is_a_gather_error(loopback_files):
    portal_setup()
    source = create_source("dcat", loopback_files.url(loopback_files.BROKEN_TURTLE), {"rdf_format": "turtle"})
    job, results = run_job(source)

    errors = gather_errors(job)
    assert results == {} and errors and all(is_bilingual(message) for message in errors)
