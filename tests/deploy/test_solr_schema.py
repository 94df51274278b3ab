"""config/solr/ is CKAN 2.11's Solr schema with Chinese-aware text fields.

CKAN refuses a Solr core whose schema name/version it does not know, and indexes and queries by CKAN's field
names and types: so everything but the analyzers must stay CKAN's. These tests compare the file with the
schema shipped inside the installed CKAN package.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import ckan
import pytest
import yaml
from ckan.lib.search import SUPPORTED_SCHEMA_VERSIONS

REPO = Path(__file__).resolve().parents[2]
SOLR_DIR = REPO / "config" / "solr"
CKAN_SCHEMA = Path(ckan.__file__).parent / "config" / "solr" / "schema.xml"

# the analyzed types CKAN gives to title, notes, the catch-all `text`, extras_*, resource names/descriptions
CJK_TEXT_TYPES = ("text", "text_general")


def _root(path: Path) -> ET.Element:
    return ET.parse(path).getroot()


def _field_types(root: ET.Element) -> dict[str, ET.Element]:
    # CKAN's file spells the element both `fieldType` and `fieldtype`
    return {el.get("name"): el for el in root.iter() if el.tag in ("fieldType", "fieldtype")}


def _fields(root: ET.Element, tag: str) -> dict[str, dict[str, str]]:
    return {el.get("name"): dict(el.attrib) for el in root.iter(tag)}


@pytest.fixture(scope="module")
def ours() -> ET.Element:
    return _root(SOLR_DIR / "schema.xml")


@pytest.fixture(scope="module")
def ckans() -> ET.Element:
    return _root(CKAN_SCHEMA)


def test_schema_name_and_version_are_ckans(ours: ET.Element, ckans: ET.Element) -> None:
    assert ours.get("name") == ckans.get("name")
    assert ours.get("version") == ckans.get("version")
    # what ckan.lib.search.check_solr_schema_version extracts and accepts
    name = ours.get("name") or ""
    assert name.startswith("ckan-")
    assert name.split("-")[1] in SUPPORTED_SCHEMA_VERSIONS
    assert name == "ckan-" + ".".join(ckan.__version__.split(".")[:2])


def test_every_ckan_field_exists_with_the_same_type(ours: ET.Element, ckans: ET.Element) -> None:
    for tag in ("field", "dynamicField"):
        theirs = _fields(ckans, tag)
        mine = _fields(ours, tag)
        assert theirs, f"no <{tag}> found in CKAN's schema: parsing is wrong"
        missing = sorted(set(theirs) - set(mine))
        assert not missing, f"<{tag}> missing from config/solr/schema.xml: {missing}"
        changed = {name: (attrs, mine[name]) for name, attrs in theirs.items() if mine[name] != attrs}
        assert not changed, f"<{tag}> attributes differ from CKAN's: {changed}"


def test_copy_fields_and_unique_key_are_ckans(ours: ET.Element, ckans: ET.Element) -> None:
    def copies(root: ET.Element) -> set[tuple[str | None, str | None]]:
        return {(el.get("source"), el.get("dest")) for el in root.iter("copyField")}

    assert copies(ours) == copies(ckans)
    assert ours.findtext("uniqueKey") == ckans.findtext("uniqueKey") == "index_id"


def test_every_ckan_field_type_exists_with_the_same_class(ours: ET.Element, ckans: ET.Element) -> None:
    theirs, mine = _field_types(ckans), _field_types(ours)
    for name, field_type in theirs.items():
        assert name in mine, f"fieldType {name} missing"
        assert mine[name].get("class") == field_type.get("class"), name


@pytest.mark.parametrize("type_name", CJK_TEXT_TYPES)
def test_text_types_segment_chinese_into_bigrams(ours: ET.Element, type_name: str) -> None:
    field_type = _field_types(ours)[type_name]
    analyzers = field_type.findall("analyzer")
    assert {a.get("type") for a in analyzers} == {"index", "query"}
    for analyzer in analyzers:
        tokenizer = analyzer.find("tokenizer")
        assert tokenizer is not None
        # a whitespace tokenizer keeps an unspaced Chinese title as one token: the stock CKAN problem
        assert tokenizer.get("class") in ("solr.StandardTokenizerFactory", "solr.ICUTokenizerFactory")
        filters = [f.get("class") for f in analyzer.findall("filter")]
        assert "solr.CJKBigramFilterFactory" in filters, (type_name, analyzer.get("type"))
        assert "solr.CJKWidthFilterFactory" in filters
        # width folding, lower-casing and Traditional->Simplified happen before bigramming
        assert filters.index("solr.CJKWidthFilterFactory") < filters.index("solr.CJKBigramFilterFactory")
        assert filters.index("solr.LowerCaseFilterFactory") < filters.index("solr.CJKBigramFilterFactory")
        transforms = [f for f in analyzer.findall("filter") if f.get("class") == "solr.ICUTransformFilterFactory"]
        assert [t.get("id") for t in transforms] == ["Traditional-Simplified"]
        assert filters.index("solr.ICUTransformFilterFactory") < filters.index("solr.CJKBigramFilterFactory")


def test_ckan_search_fields_use_a_cjk_type(ours: ET.Element) -> None:
    fields = _fields(ours, "field")
    # qf="name^4 title^4 tags^2 groups^2 text" and df=text: the analyzed ones must be CJK-aware
    for name in ("title", "notes", "text", "res_name", "res_description"):
        assert fields[name]["type"] in CJK_TEXT_TYPES, name


def test_ngram_type_folds_full_width_input(ours: ET.Element) -> None:
    field_type = _field_types(ours)["text_ngram"]
    for analyzer in field_type.findall("analyzer"):
        filters = [f.get("class") for f in analyzer.findall("filter")]
        assert "solr.CJKWidthFilterFactory" in filters


def test_solr_modules_the_schema_needs_are_enabled_in_compose(ours: ET.Element) -> None:
    # ICU factories live in Solr's analysis-extras module: without it the core fails to load
    classes = {el.get("class", "") for el in ours.iter() if el.tag in ("filter", "tokenizer")}
    if any(name.startswith("solr.ICU") or "SmartChinese" in name or "HMMChinese" in name for name in classes):
        compose = yaml.safe_load((REPO / "docker" / "docker-compose.yml").read_text(encoding="utf-8"))
        modules = str(compose["services"]["solr"]["environment"].get("SOLR_MODULES", "")).split(",")
        assert "analysis-extras" in modules


def test_files_the_schema_references_exist(ours: ET.Element) -> None:
    referenced = set()
    for element in ours.iter():
        for attribute in ("synonyms", "protected", "words", "dictionary"):
            if element.get(attribute):
                referenced.update(element.get(attribute, "").split(","))
    assert "synonyms.txt" in referenced
    for name in referenced:
        assert (SOLR_DIR / name.strip()).is_file(), f"config/solr/{name} is referenced but absent"


def test_chinese_synonyms_are_declared() -> None:
    groups = [
        {term.strip() for term in line.split(",")}
        for line in (SOLR_DIR / "synonyms.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert any({"公积金", "住房公积金"} <= group for group in groups)
    assert all(len(group) >= 2 for group in groups), "a synonym line needs at least two terms"


def test_solrconfig_reads_the_hand_written_schema() -> None:
    config = _root(SOLR_DIR / "solrconfig.xml")
    schema_factory = config.find("schemaFactory")
    assert schema_factory is not None and schema_factory.get("class") == "ClassicIndexSchemaFactory"
    handlers = {h.get("name") for h in config.iter("requestHandler")}
    assert {"/select", "/admin/ping"} <= handlers
    assert (config.findtext("luceneMatchVersion") or "").startswith("9.")
