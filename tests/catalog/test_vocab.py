"""The code-list URIs the DCAT profile emits resolve (/vocab/<scheme>/<code>): HTML with zh/en labels for people,
SKOS as Turtle / JSON-LD / RDF-XML by suffix or content negotiation for machines."""
from __future__ import annotations

import json

import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, RDF, SKOS

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.catalog.taxonomy_setup import dataset_dict

pytestmark = pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false")

SITE = "http://test.ckan.net"  # ckan.site_url of the test configuration
PRESETS = "ckanext-publicdata/ckanext/publicdata/schemas/presets.yaml"


def _choices(preset_name: str) -> dict[str, dict[str, str]]:
    with open(PRESETS, encoding="utf-8") as handle:
        presets = {preset["preset_name"]: preset for preset in yaml.safe_load(handle)["presets"]}
    return {str(choice["value"]): choice["label"] for choice in presets[preset_name]["values"]["choices"]}


@pytest.fixture
def dataset():
    sysadmin = factories.Sysadmin()
    org = factories.Organization()
    return tk.get_action("package_create")({"user": sysadmin["name"]}, dataset_dict(
        org["id"], theme="economy", priority_domains=["market_regulation", "enterprise_credit"]))


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestVocabularyUris:
    def test_every_vocab_uri_of_a_dataset_rdf_resolves_with_both_labels(self, app, dataset):
        graph = Graph().parse(data=app.get(f"/dataset/{dataset['name']}.ttl").body, format="turtle")
        uris = {str(node) for triple in graph for node in triple
                if isinstance(node, URIRef) and str(node).startswith(f"{SITE}/vocab/")}
        themes = {str(theme) for theme in graph.objects(None, DCAT.theme)}
        assert {f"{SITE}/vocab/theme/economy", f"{SITE}/vocab/priority-domain/market_regulation"} <= themes
        assert len(uris) >= 4  # two schemes, three concepts
        for uri in uris:
            page = app.get(uri[len(SITE):])
            assert page.status_code == 200, uri
        page = app.get("/vocab/priority-domain/enterprise_credit")
        label = _choices("publicdata_priority_domains")["enterprise_credit"]
        assert label["zh_Hans_CN"] in page.body and label["en"] in page.body

    def test_a_code_as_turtle_by_suffix_and_by_accept_header(self, app):
        expected = _choices("publicdata_theme")["economy"]
        concept = URIRef(f"{SITE}/vocab/theme/economy")
        for response in (app.get("/vocab/theme/economy.ttl"),
                         app.get("/vocab/theme/economy", headers={"Accept": "text/turtle"})):
            assert response.headers["Content-Type"].startswith("text/turtle")
            graph = Graph().parse(data=response.body, format="turtle")
            assert (concept, RDF.type, SKOS.Concept) in graph
            assert (concept, SKOS.prefLabel, Literal(expected["zh_Hans_CN"], lang="zh")) in graph
            assert (concept, SKOS.prefLabel, Literal(expected["en"], lang="en")) in graph
            assert (concept, SKOS.inScheme, URIRef(f"{SITE}/vocab/theme")) in graph
        # a browser's Accept (HTML first) gets the page
        page = app.get("/vocab/theme/economy", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
        assert page.headers["Content-Type"].startswith("text/html") and expected["zh_Hans_CN"] in page.body

    def test_a_whole_code_list_as_json_ld_and_rdf_xml(self, app):
        codes = _choices("publicdata_update_frequency")
        response = app.get("/vocab/update-frequency", headers={"Accept": "application/ld+json"})
        assert response.headers["Content-Type"].startswith("application/ld+json")
        json.loads(response.body)
        graph = Graph().parse(data=response.body, format="json-ld")
        scheme = URIRef(f"{SITE}/vocab/update-frequency")
        assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
        assert {str(code) for code in graph.objects(None, SKOS.notation)} == set(codes)
        xml = app.get("/vocab/update-frequency.rdf")
        assert len(Graph().parse(data=xml.body, format="xml")) == len(graph)

    def test_unknown_lists_and_codes_are_404_and_the_index_lists_them_all(self, app):
        app.get("/vocab/no-such-list", status=404)
        app.get("/vocab/theme/no_such_code", status=404)
        app.get("/vocab/theme/no_such_code.ttl", status=404)
        index = app.get("/vocab")
        for name in ("theme", "priority-domain", "open-attribute", "update-frequency"):
            assert f"/vocab/{name}" in index.body
