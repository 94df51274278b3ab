"""DCAT profile ``publicdata`` (issue 4 item 9): the taxonomy in DCAT-AP 3, and the leak rule.

Part 1 builds graphs from package_show-shaped dicts with ckanext-dcat's RDFSerializer and reads them back with
rdflib. Part 2 goes through the web (/dataset/<name>.ttl|.rdf|.jsonld, /catalog.*) with real datasets.
"""
from __future__ import annotations

import json
import pathlib
import uuid
from typing import Any

import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import CSVW, RDF, RDFS, SKOS, XSD

from ckanext.dcat.processors import RDFParser, RDFSerializer
from ckanext.dcat.profiles.base import DCAT, DCATAP, DCT, FOAF, VCARD

PROFILES = ["euro_dcat_ap_3", "publicdata"]
SITE = "http://test.ckan.net"
PRESETS = pathlib.Path(__file__).resolve().parents[2] / "schemas" / "presets.yaml"
ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
PD = "https://w3id.org/ckanext-publicdata/ns#"


def preset_labels(preset_name: str) -> dict[str, dict[str, str]]:
    """code → {zh_Hans_CN, en} labels, read from the schema presets (the vocabularies' one source)."""
    presets = yaml.safe_load(PRESETS.read_text(encoding="utf-8"))["presets"]
    for preset in presets:
        if preset["preset_name"] == preset_name:
            return {str(c["value"]): c["label"] for c in preset["values"]["choices"]}
    raise LookupError(preset_name)


def dataset_dict(open_attribute: str = "unconditional", **overrides: Any) -> dict[str, Any]:
    """A dict shaped like package_show output of our schema."""
    dataset_id = str(uuid.uuid4())
    file_resource_id = str(uuid.uuid4())
    api_resource_id = str(uuid.uuid4())
    data = {
        "id": dataset_id,
        "name": "bz-market-entities-" + dataset_id[:8],
        "type": "dataset",
        "title": "滨州市市场主体登记信息",
        "notes": "全市市场主体登记的基本信息。",
        "identifier": "37160000-0001-2024-000123",
        "tags": [{"name": "市场主体"}, {"name": "登记"}],
        "owner_org": None,
        "organization": None,
        "open_attribute": open_attribute,
        "open_conditions": ["application_scenario", "data_security"] if open_attribute == "conditional" else [],
        "open_conditions_text": "仅限用于信用评价场景" if open_attribute == "conditional" else "",
        "not_open_basis": "《中华人民共和国个人信息保护法》第十三条" if open_attribute == "not_open" else "",
        "usage_requirements": "引用时注明数据来源",
        "share_attribute": "unconditional",
        "share_method": ["api", "file"],
        "theme": "economy",
        "priority_domains": ["market_regulation", "enterprise_credit"],
        "security_level": "level2",
        "update_frequency": "monthly",
        "open_method": ["download", "api"],
        "data_items": [
            {"field_name": "uscc", "field_title": "统一社会信用代码", "field_type": "string", "description": "18位代码"},
            {"field_name": "reg_capital", "field_title": "注册资本", "field_type": "number", "description": ""},
            {"field_name": "reg_date", "field_title": "成立日期", "field_type": "date", "description": ""},
        ],
        "release_date": "2024-03-01",
        "data_updated": "2024-05-20",
        "spatial_coverage": "371600",
        "temporal_start": "2020-01-01",
        "temporal_end": "2023-12-31",
        "emergency": False,
        "related_identifiers": "37160000-0001-2024-000100,37160000-0001-2024-000101",
        "contact_name": "市场监管局数据科",
        "contact_phone": "0543-3161234",
        "contact_email": "data@scj.binzhou.example",
        "metadata_created": "2024-03-01T08:00:00",
        "metadata_modified": "2024-05-21T09:30:00",
        "private": open_attribute == "not_open",
        "resources": [
            {
                "id": file_resource_id,
                "package_id": dataset_id,
                "name": "市场主体登记信息（CSV）",
                "description": "全量数据",
                "format": "CSV",
                "access_method": "download",
                "url_type": "upload",
                "url": f"{SITE}/dataset/{dataset_id}/resource/{file_resource_id}/download/market-entities.csv",
                "created": "2024-03-01T08:00:00",
            },
            {
                "id": api_resource_id,
                "package_id": dataset_id,
                "name": "市场主体查询接口",
                "format": "API",
                "access_method": "api",
                "url": "https://api.scj.binzhou.example/v1/market-entities",
                "api_doc_url": "https://docs.scj.binzhou.example/market-entities",
                "created": "2024-03-01T08:00:00",
            },
        ],
    }
    data.update(overrides)
    return data


def serialize(data: dict[str, Any], _format: str = "turtle") -> tuple[str, Graph, URIRef]:
    text = RDFSerializer(profiles=PROFILES).serialize_dataset(data, _format=_format)
    graph = Graph()
    graph.parse(data=text, format={"turtle": "turtle", "xml": "xml", "jsonld": "json-ld"}[_format])
    return text, graph, URIRef(f"{SITE}/dataset/{data['id']}")


def resource_urls(data: dict[str, Any]) -> list[str]:
    return [r["url"] for r in data["resources"]]


# ---------------------------------------------------------------------------------------------- graphs from dicts
@pytest.mark.usefixtures("with_plugins")
class TestGraphFromDataset:
    @pytest.mark.parametrize("open_attribute, right", [
        ("unconditional", "PUBLIC"), ("conditional", "RESTRICTED"), ("not_open", "NON_PUBLIC"),
    ])
    def test_open_attribute_is_eu_access_right(self, open_attribute, right):
        data = dataset_dict(open_attribute)
        _text, g, ref = serialize(data)
        assert list(g.objects(ref, DCT.accessRights)) == [URIRef(ACCESS_RIGHT + right)]
        labels = {str(label) for label in g.objects(URIRef(ACCESS_RIGHT + right), RDFS.label)}
        assert preset_labels("publicdata_open_attribute")[open_attribute]["zh_Hans_CN"] in labels

    @pytest.mark.parametrize("update_frequency, eu_codes", [
        ("realtime", {"CONT", "UPDATE_CONT"}), ("daily", {"DAILY"}), ("weekly", {"WEEKLY"}),
        ("monthly", {"MONTHLY"}), ("quarterly", {"QUARTERLY"}), ("semiannual", {"ANNUAL_2"}),
        ("annual", {"ANNUAL"}), ("irregular", {"IRREG"}),
    ])
    def test_update_frequency_is_eu_frequency(self, update_frequency, eu_codes):
        _text, g, ref = serialize(dataset_dict(update_frequency=update_frequency))
        frequencies = list(g.objects(ref, DCT.accrualPeriodicity))
        assert len(frequencies) == 1
        assert str(frequencies[0]).startswith(FREQUENCY)
        assert str(frequencies[0])[len(FREQUENCY):] in eu_codes
        assert (frequencies[0], RDF.type, DCT.Frequency) in g

    def test_themes_are_concepts_of_the_portals_schemes(self):
        data = dataset_dict()
        _text, g, ref = serialize(data)
        themes = set(g.objects(ref, DCAT.theme))
        theme = URIRef(f"{SITE}/vocab/theme/economy")
        domains = {URIRef(f"{SITE}/vocab/priority-domain/{code}") for code in data["priority_domains"]}
        assert themes == {theme} | domains  # no bare code turned into a relative URI
        theme_labels = preset_labels("publicdata_theme")["economy"]
        assert (theme, SKOS.prefLabel, Literal(theme_labels["zh_Hans_CN"], lang="zh")) in g
        assert (theme, SKOS.prefLabel, Literal(theme_labels["en"], lang="en")) in g
        assert (theme, SKOS.inScheme, URIRef(f"{SITE}/vocab/theme")) in g
        domain_labels = preset_labels("publicdata_priority_domains")["enterprise_credit"]
        domain = URIRef(f"{SITE}/vocab/priority-domain/enterprise_credit")
        assert (domain, SKOS.prefLabel, Literal(domain_labels["zh_Hans_CN"], lang="zh")) in g
        assert (domain, SKOS.inScheme, URIRef(f"{SITE}/vocab/priority-domain")) in g
        assert (URIRef(f"{SITE}/vocab/priority-domain"), RDF.type, SKOS.ConceptScheme) in g

    def test_identifier_keywords_dates_spatial_temporal(self):
        data = dataset_dict()
        _text, g, ref = serialize(data)
        assert [str(o) for o in g.objects(ref, DCT.identifier)] == [data["identifier"]]
        assert set(g.objects(ref, DCAT.keyword)) == {Literal("市场主体", lang="zh"), Literal("登记", lang="zh")}
        assert list(g.objects(ref, DCT.issued)) == [Literal("2024-03-01", datatype=XSD.date)]
        assert list(g.objects(ref, DCT.modified)) == [Literal("2024-05-20", datatype=XSD.date)]
        (location,) = g.objects(ref, DCT.spatial)
        assert (location, SKOS.notation, Literal("371600")) in g
        (period,) = g.objects(ref, DCT.temporal)
        assert (period, DCAT.startDate, Literal("2020-01-01", datatype=XSD.date)) in g
        assert (period, DCAT.endDate, Literal("2023-12-31", datatype=XSD.date)) in g

    def test_chinese_literals_are_tagged_zh(self):
        data = dataset_dict()
        _text, g, ref = serialize(data)
        assert list(g.objects(ref, DCT.title)) == [Literal(data["title"], lang="zh")]
        assert list(g.objects(ref, DCT.description)) == [Literal(data["notes"], lang="zh")]
        for distribution in g.objects(ref, DCAT.distribution):
            for title in g.objects(distribution, DCT.title):
                assert title.language == "zh"
        # identifiers and codes are not Chinese text and stay untagged
        assert all(o.language is None for o in g.objects(ref, DCT.identifier))

    def test_contact_point_is_vcard(self):
        data = dataset_dict()
        _text, g, ref = serialize(data)
        (contact,) = g.objects(ref, DCAT.contactPoint)
        assert (contact, VCARD.fn, Literal(data["contact_name"], lang="zh")) in g
        assert (contact, VCARD.hasEmail, URIRef("mailto:" + data["contact_email"])) in g
        assert (contact, VCARD.hasTelephone, URIRef("tel:0543-3161234")) in g

    def test_conditions_and_usage_requirements_form_a_rights_statement(self):
        data = dataset_dict("conditional")
        _text, g, ref = serialize(data)
        (statement,) = g.objects(ref, DCT.rights)
        assert (statement, RDF.type, DCT.RightsStatement) in g
        zh = next(str(o) for o in g.objects(statement, RDFS.label) if o.language == "zh")
        en = next(str(o) for o in g.objects(statement, RDFS.label) if o.language == "en")
        labels = preset_labels("publicdata_open_conditions")
        for code in data["open_conditions"]:
            assert labels[code]["zh_Hans_CN"] in zh
            assert labels[code]["en"] in en
        assert data["open_conditions_text"] in zh
        assert data["usage_requirements"] in zh

    def test_not_open_basis_is_applicable_legislation(self):
        data = dataset_dict("not_open")
        _text, g, ref = serialize(data)
        (legislation,) = g.objects(ref, DCATAP.applicableLegislation)
        assert (legislation, RDFS.label, Literal(data["not_open_basis"], lang="zh")) in g

    def test_data_items_are_a_table_schema_the_distributions_conform_to(self):
        data = dataset_dict()
        _text, g, ref = serialize(data)
        schemas = [s for s in g.objects(ref, DCT.conformsTo) if (s, RDF.type, CSVW.Schema) in g]
        assert len(schemas) == 1
        (column_list,) = g.objects(schemas[0], CSVW.column)
        columns = list(Collection(g, column_list))
        assert [str(g.value(c, CSVW.name)) for c in columns] == ["uscc", "reg_capital", "reg_date"]
        assert g.value(columns[0], CSVW.title) == Literal("统一社会信用代码", lang="zh")
        assert g.value(columns[1], CSVW.datatype) == XSD.decimal
        assert g.value(columns[2], CSVW.datatype) == XSD.date
        for distribution in g.objects(ref, DCAT.distribution):
            assert (distribution, DCT.conformsTo, schemas[0]) in g

    def test_open_dataset_links_its_files_and_api(self):
        data = dataset_dict("unconditional")
        _text, g, ref = serialize(data)
        file_res, api_res = data["resources"]
        file_dist = URIRef(f"{SITE}/dataset/{data['id']}/resource/{file_res['id']}")
        api_dist = URIRef(f"{SITE}/dataset/{data['id']}/resource/{api_res['id']}")
        assert set(g.objects(ref, DCAT.distribution)) == {file_dist, api_dist}
        assert list(g.objects(file_dist, DCAT.downloadURL)) == [URIRef(file_res["url"])]
        assert (file_dist, DCT["format"], URIRef("http://publications.europa.eu/resource/authority/file-type/CSV")) in g
        assert not list(g.objects(api_dist, DCAT.downloadURL))
        (service,) = g.objects(api_dist, DCAT.accessService)
        assert (service, RDF.type, DCAT.DataService) in g
        assert (service, DCAT.endpointURL, URIRef(api_res["url"])) in g
        assert (service, DCAT.endpointDescription, URIRef(api_res["api_doc_url"])) in g
        assert (service, DCAT.servesDataset, ref) in g
        assert (service, DCT.title, None) in g

    @pytest.mark.parametrize("open_attribute", ["conditional", "not_open"])
    @pytest.mark.parametrize("_format", ["turtle", "xml", "jsonld"])
    def test_restricted_dataset_never_links_its_data(self, open_attribute, _format):
        data = dataset_dict(open_attribute)
        text, g, ref = serialize(data, _format)
        for url in resource_urls(data):
            assert url not in text
        landing_page = URIRef(f"{SITE}/dataset/{data['name']}")
        distributions = list(g.objects(ref, DCAT.distribution))
        assert len(distributions) == 2
        assert not list(g.triples((None, DCAT.downloadURL, None)))
        for distribution in distributions:
            # DCAT-AP wants an access URL: the landing page, where access is applied for
            assert list(g.objects(distribution, DCAT.accessURL)) == [landing_page]
        (service,) = g.subjects(RDF.type, DCAT.DataService)
        assert list(g.objects(service, DCAT.endpointURL)) == [landing_page]

    def test_restricted_dataset_whose_distribution_uri_is_the_file_itself(self):
        # harvested resources keep their source's distribution URI; some sources use the file URL as URI
        data = dataset_dict("conditional")
        data["resources"][0]["uri"] = data["resources"][0]["url"]
        text, g, ref = serialize(data)
        for url in resource_urls(data):
            assert url not in text
        assert len(list(g.objects(ref, DCAT.distribution))) == 2

    def test_all_serializations_are_valid_rdf(self):
        data = dataset_dict("conditional")
        triples = set()
        for _format in ("turtle", "xml", "jsonld"):
            _text, g, ref = serialize(data, _format)
            assert (ref, RDF.type, DCAT.Dataset) in g
            triples.add(len(g))
        assert len(triples) == 1  # the same graph whatever the syntax

    def test_profile_order_keeps_the_leak_rule_last(self, ckan_config):
        # the leak rule removes what the profiles before it wrote: publicdata must come last
        profiles = ckan_config.get("ckanext.dcat.rdf.profiles").split()
        assert profiles[-1] == "publicdata"
        data = dataset_dict("conditional")
        text = RDFSerializer().serialize_dataset(data, _format="turtle")
        for url in resource_urls(data):
            assert url not in text


@pytest.mark.usefixtures("with_plugins")
class TestHarvestRoundTrip:
    """parse_dataset maps DCAT back to our fields: a portal of ours harvesting another one keeps the taxonomy."""

    TAXONOMY_FIELDS = (
        "identifier", "open_attribute", "open_conditions", "open_conditions_text", "not_open_basis",
        "usage_requirements", "share_attribute", "share_method", "theme", "priority_domains", "security_level",
        "update_frequency", "open_method", "data_items", "release_date", "data_updated", "spatial_coverage",
        "temporal_start", "temporal_end", "emergency", "related_identifiers", "contact_name", "contact_phone",
        "contact_email",
    )

    def _round_trip(self, data: dict[str, Any]) -> dict[str, Any]:
        text = RDFSerializer(profiles=PROFILES).serialize_dataset(data, _format="turtle")
        parser = RDFParser(profiles=PROFILES)
        parser.parse(text, _format="turtle")
        (parsed,) = list(parser.datasets())
        return parsed

    @pytest.mark.parametrize("open_attribute", ["unconditional", "conditional", "not_open"])
    def test_taxonomy_survives(self, open_attribute):
        data = dataset_dict(open_attribute, update_frequency="semiannual")
        parsed = self._round_trip(data)
        for field in self.TAXONOMY_FIELDS:
            expected = data[field]
            if field == "data_items":
                expected = [{k: v for k, v in item.items() if v} for item in expected]
            if field in ("open_conditions", "share_method", "open_method", "priority_domains"):
                assert sorted(parsed.get(field) or []) == sorted(expected), field
            elif expected in ("", None, []):
                assert not parsed.get(field), field
            else:
                assert parsed.get(field) == expected, field
        assert parsed["title"] == data["title"]
        assert sorted(parsed["tag_string"].split(",")) == sorted(t["name"] for t in data["tags"])
        # no generic extra duplicates one of our fields
        keys = {extra["key"] for extra in parsed.get("extras", [])}
        assert not keys & {"identifier", "theme", "frequency", "access_rights", "issued", "modified"}

    def test_resources_keep_access_method_and_format(self):
        data = dataset_dict("unconditional")
        parsed = self._round_trip(data)
        by_name = {r["name"]: r for r in parsed["resources"]}
        file_res, api_res = data["resources"]
        assert by_name[file_res["name"]]["access_method"] == "download"
        assert by_name[file_res["name"]]["format"] == "CSV"
        assert by_name[file_res["name"]]["url"] == file_res["url"]
        assert by_name[api_res["name"]]["access_method"] == "api"
        assert by_name[api_res["name"]]["api_doc_url"] == api_res["api_doc_url"]


@pytest.mark.usefixtures("with_plugins")
class TestEndpointProfilesAreGuarded:
    def test_requested_profiles_always_end_with_the_leak_rule(self):
        from ckanext.publicdata.catalog.dcat import guarded_profiles

        assert guarded_profiles(None) is None
        assert guarded_profiles(["euro_dcat_ap_3"]) == ["euro_dcat_ap_3", "publicdata"]
        assert guarded_profiles("publicdata,euro_dcat_ap_2") == ["euro_dcat_ap_2", "publicdata"]
        assert guarded_profiles(["schemaorg"])[-1] == "publicdata"


# ---------------------------------------------------------------------------------------------- through the web
def dcat_ap_problems(g: Graph) -> list[str]:
    """Mandatory DCAT-AP 3 properties missing, and relative URIs (a bare code turned into a URI)."""
    problems = []
    for dataset in g.subjects(RDF.type, DCAT.Dataset):
        for predicate in (DCT.title, DCT.description):
            if (dataset, predicate, None) not in g:
                problems.append(f"{dataset} lacks {predicate}")
    for distribution in g.subjects(RDF.type, DCAT.Distribution):
        if (distribution, DCAT.accessURL, None) not in g:
            problems.append(f"{distribution} lacks dcat:accessURL")
    for service in g.subjects(RDF.type, DCAT.DataService):
        for predicate in (DCT.title, DCAT.endpointURL):
            if (service, predicate, None) not in g:
                problems.append(f"{service} lacks {predicate}")
    for catalog in g.subjects(RDF.type, DCAT.Catalog):
        for predicate in (DCT.title, DCT.description, DCT.publisher):
            if (catalog, predicate, None) not in g:
                problems.append(f"{catalog} lacks {predicate}")
    for triple in g:
        for node in triple:
            if isinstance(node, URIRef) and ":" not in str(node):
                problems.append(f"relative URI {node}")
    return problems


def valid_agency_code(seed: int) -> str:
    from ckanext.publicdata.catalog.credit_code import check_character

    first_seventeen = f"1137160000{seed:07d}"[:17]
    return first_seventeen + check_character(first_seventeen)


def catalog_fields(open_attribute: str, **overrides: Any) -> dict[str, Any]:
    """package_create input for our schema (a dataset_dict() without the server-side keys)."""
    data = dataset_dict(open_attribute, **overrides)
    for key in ("id", "name", "type", "owner_org", "organization", "metadata_created", "metadata_modified",
                "tags", "private"):
        data.pop(key, None)
    data["identifier"] = f"37160000-0001-2024-{uuid.uuid4().int % 1000000:06d}"
    data["tag_string"] = "市场主体,登记"
    for resource in data["resources"]:
        for key in ("id", "package_id", "url_type", "created"):
            resource.pop(key, None)
    data["resources"][0]["url"] = f"https://files.scj.binzhou.example/{uuid.uuid4().hex}/market-entities.csv"
    data["resources"][1]["url"] = f"https://api.scj.binzhou.example/{uuid.uuid4().hex}/v1"
    return data


@pytest.fixture
def portal(ckan_config):
    from ckan.tests import factories
    from ckan.tests.helpers import call_action

    sysadmin = factories.Sysadmin()
    context = {"user": sysadmin["name"], "ignore_auth": True}
    agency_code = valid_agency_code(4242)
    organization = call_action(
        "organization_create", context=dict(context), name="bz-scj-" + uuid.uuid4().hex[:6],
        title="滨州市市场监督管理局", agency_code=agency_code, level="city")
    authority = call_action(
        "organization_create", context=dict(context), name=ckan_config["ckanext.publicdata.authority_organization"],
        title="滨州市大数据局", agency_code=valid_agency_code(1), level="city")
    datasets = {}
    for open_attribute in ("unconditional", "conditional", "not_open"):
        data = catalog_fields(open_attribute)
        datasets[open_attribute] = call_action(
            "package_create", context=dict(context), owner_org=organization["id"], **data)
    outsider = factories.User()
    return {
        "organization": organization,
        "authority": authority,
        "sysadmin": sysadmin["name"],
        "agency_code": agency_code,
        "datasets": datasets,
        "tokens": {
            "anonymous": None,
            "outsider": factories.APIToken(user=outsider["name"])["token"],
            "sysadmin": factories.APIToken(user=sysadmin["name"])["token"],
        },
    }


def get(app, url: str, token: str | None, status: int = 200):
    headers = {"Authorization": token} if token else {}
    return app.get(url, headers=headers, status=status)


GRAPH_FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestThroughTheWeb:
    def test_open_dataset_ttl_carries_the_taxonomy(self, app, portal):
        dataset = portal["datasets"]["unconditional"]
        response = get(app, f"/dataset/{dataset['name']}.ttl", None)
        g = Graph().parse(data=response.body, format="turtle")
        ref = URIRef(f"{SITE}/dataset/{dataset['id']}")
        assert (ref, RDF.type, DCAT.Dataset) in g
        assert dcat_ap_problems(g) == []
        assert list(g.objects(ref, DCT.accessRights)) == [URIRef(ACCESS_RIGHT + "PUBLIC")]
        assert list(g.objects(ref, DCT.accrualPeriodicity)) == [URIRef(FREQUENCY + "MONTHLY")]
        assert (ref, DCT.identifier, Literal(dataset["identifier"])) in g
        assert (ref, DCAT.theme, URIRef(f"{SITE}/vocab/theme/economy")) in g
        assert (ref, DCAT.theme, URIRef(f"{SITE}/vocab/priority-domain/market_regulation")) in g
        (publisher,) = g.objects(ref, DCT.publisher)
        assert (publisher, FOAF.name, Literal("滨州市市场监督管理局", lang="zh")) in g
        assert (publisher, DCT.identifier, Literal(portal["agency_code"])) in g
        file_url = next(r["url"] for r in dataset["resources"] if r["access_method"] == "download")
        assert (None, DCAT.downloadURL, URIRef(file_url)) in g

    @pytest.mark.parametrize("user", ["anonymous", "outsider", "sysadmin"])
    def test_conditional_dataset_rdf_never_carries_its_urls(self, app, portal, user):
        dataset = portal["datasets"]["conditional"]
        for extension, graph_format in GRAPH_FORMATS.items():
            text = get(app, f"/dataset/{dataset['name']}.{extension}", portal["tokens"][user]).body
            for resource in dataset["resources"]:
                assert resource["url"] not in text, extension
            g = Graph().parse(data=text, format=graph_format)
            ref = URIRef(f"{SITE}/dataset/{dataset['id']}")
            assert list(g.objects(ref, DCT.accessRights)) == [URIRef(ACCESS_RIGHT + "RESTRICTED")]
            assert len(list(g.objects(ref, DCAT.distribution))) == 2
            assert not list(g.triples((None, DCAT.downloadURL, None)))
            assert dcat_ap_problems(g) == []

    @pytest.mark.parametrize("user", ["anonymous", "outsider", "sysadmin"])
    def test_profiles_parameter_cannot_drop_the_leak_rule(self, app, portal, user):
        dataset = portal["datasets"]["conditional"]
        for url in (f"/dataset/{dataset['name']}.ttl?profiles=euro_dcat_ap_3",
                    f"/dataset/{dataset['name']}.ttl?profiles=euro_dcat_ap_2,schemaorg",
                    "/catalog.ttl?profiles=euro_dcat_ap_3"):
            text = get(app, url, portal["tokens"][user]).body
            assert dataset["id"] in text
            for resource in dataset["resources"]:
                assert resource["url"] not in text, url

    @pytest.mark.parametrize("user", ["anonymous", "outsider", "sysadmin"])
    def test_not_open_dataset_rdf(self, app, portal, user):
        dataset = portal["datasets"]["not_open"]
        assert dataset["private"] is True
        url = f"/dataset/{dataset['name']}.ttl"
        if user != "sysadmin":
            response = app.get(url)
            assert response.status_code in (403, 404)
            assert dataset["not_open_basis"] not in response.body
            assert dataset["title"] not in response.body
            return
        text = get(app, url, portal["tokens"][user]).body
        for resource in dataset["resources"]:
            assert resource["url"] not in text
        g = Graph().parse(data=text, format="turtle")
        ref = URIRef(f"{SITE}/dataset/{dataset['id']}")
        assert list(g.objects(ref, DCT.accessRights)) == [URIRef(ACCESS_RIGHT + "NON_PUBLIC")]
        (legislation,) = g.objects(ref, DCATAP.applicableLegislation)
        assert str(g.value(legislation, RDFS.label)) == dataset["not_open_basis"]

    @pytest.mark.parametrize("user", ["anonymous", "outsider", "sysadmin"])
    def test_catalog(self, app, portal, user):
        for extension, graph_format in GRAPH_FORMATS.items():
            self._check_catalog(app, portal, user, extension, graph_format)

    def _check_catalog(self, app, portal, user, extension, graph_format):
        text = get(app, f"/catalog.{extension}", portal["tokens"][user]).body
        g = Graph().parse(data=text, format=graph_format)
        assert dcat_ap_problems(g) == []
        datasets = portal["datasets"]
        listed = {str(o) for o in g.objects(None, DCAT.dataset)}
        open_ref = f"{SITE}/dataset/{datasets['unconditional']['id']}"
        conditional_ref = f"{SITE}/dataset/{datasets['conditional']['id']}"
        not_open_ref = f"{SITE}/dataset/{datasets['not_open']['id']}"
        assert {open_ref, conditional_ref} <= listed
        if user != "sysadmin":
            # 不予开放 is never visible to the public (TAX-5)
            assert not_open_ref not in listed
            assert datasets["not_open"]["id"] not in text
            assert datasets["not_open"]["identifier"] not in text
        for open_attribute in ("conditional", "not_open"):
            for resource in datasets[open_attribute]["resources"]:
                assert resource["url"] not in text
        file_url = next(r["url"] for r in datasets["unconditional"]["resources"] if r["access_method"] == "download")
        assert (None, DCAT.downloadURL, URIRef(file_url)) in g
        (catalog,) = g.subjects(RDF.type, DCAT.Catalog)
        assert (catalog, DCAT.themeTaxonomy, URIRef(f"{SITE}/vocab/theme")) in g
        assert (catalog, DCAT.themeTaxonomy, URIRef(f"{SITE}/vocab/priority-domain")) in g
        for code, label in preset_labels("publicdata_priority_domains").items():
            concept = URIRef(f"{SITE}/vocab/priority-domain/{code}")
            assert (URIRef(f"{SITE}/vocab/priority-domain"), SKOS.hasTopConcept, concept) in g
            assert (concept, SKOS.prefLabel, Literal(label["en"], lang="en")) in g
        # the catalog's publisher is the open-data authority (ckanext.publicdata.authority_organization)
        (publisher,) = g.objects(catalog, DCT.publisher)
        assert (publisher, FOAF.name, Literal(portal["authority"]["title"], lang="zh")) in g

    @pytest.mark.parametrize("user", ["anonymous", "sysadmin"])
    def test_dataset_page_structured_data_never_carries_the_urls(self, app, portal, user):
        from bs4 import BeautifulSoup

        dataset = portal["datasets"]["conditional"]
        html = get(app, f"/dataset/{dataset['name']}", portal["tokens"][user]).body
        scripts = [s.get_text() for s in BeautifulSoup(html, "html.parser").find_all(
            "script", type="application/ld+json")]
        assert scripts, "the structured_data plugin embeds schema.org JSON-LD"
        for script in scripts:
            for resource in dataset["resources"]:
                assert resource["url"] not in script

    def test_harvest_of_our_own_rdf_keeps_taxonomy_and_publisher(self, app, portal):
        """A portal of ours harvesting this one: parse its RDF and create the dataset locally."""
        from ckan.tests.helpers import call_action

        source = portal["datasets"]["conditional"]
        text = get(app, f"/dataset/{source['name']}.ttl", portal["tokens"]["sysadmin"]).body
        parser = RDFParser(profiles=PROFILES)
        parser.parse(text, _format="turtle")
        (parsed,) = list(parser.datasets())
        # the publisher's 统一社会信用代码 finds the local organization
        assert parsed["owner_org"] == portal["organization"]["name"]
        context = {"ignore_auth": True, "user": portal["sysadmin"]}
        call_action("dataset_purge", context=dict(context), id=source["id"])
        parsed.pop("name", None)
        created = call_action("package_create", context=dict(context), **parsed)
        for field in ("identifier", "open_attribute", "open_conditions", "open_conditions_text", "theme",
                      "priority_domains", "update_frequency", "security_level", "release_date", "data_updated",
                      "spatial_coverage", "temporal_start", "temporal_end", "contact_phone"):
            assert created.get(field) == source.get(field), field
        assert [i["field_name"] for i in created["data_items"]] == [i["field_name"] for i in source["data_items"]]
