"""The portal's code lists as resolvable SKOS concept schemes: ``/vocab/<scheme>`` and ``/vocab/<scheme>/<code>``.

The DCAT profile (:mod:`ckanext.publicdata.catalog.dcat`) names themes and priority domains by URIs under
``<site_url>/vocab/``; this module makes every such URI answer. Each code list of ``schemas/presets.yaml`` (the
one place code lists live) is a scheme: ``publicdata_theme`` → ``theme``, ``publicdata_priority_domains`` →
``priority-domain`` (the names the DCAT profile uses), any other ``publicdata_<name>`` → ``<name>`` with hyphens.

Representations: HTML with the Chinese and English labels for people; SKOS as Turtle, JSON-LD or RDF/XML for
machines, chosen by a suffix (``.ttl``, ``.jsonld``, ``.rdf``) or by the ``Accept`` header.
"""
from __future__ import annotations

from typing import Any, Optional

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS as DCT, RDF, SKOS

from ckanext.publicdata.catalog import dcat

__all__ = ["RDF_FORMATS", "schemes", "scheme", "scheme_graph", "rdf_format_for", "split_suffix"]

# suffix → (rdflib format, media type)
RDF_FORMATS = {
    "ttl": ("turtle", "text/turtle"),
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("xml", "application/rdf+xml"),
}
_MEDIA_TYPES = {media: suffix for suffix, (_fmt, media) in RDF_FORMATS.items()}
_MEDIA_TYPES["application/json"] = "jsonld"

# preset names whose scheme name the DCAT profile fixed
_SCHEME_NAMES = {"publicdata_theme": dcat.THEME_SCHEME, "publicdata_priority_domains": dcat.PRIORITY_DOMAIN_SCHEME}


def _presets() -> list[dict[str, Any]]:
    """The portal's presets (``publicdata_*``) that carry a code list, in the order of presets.yaml."""
    from ckanext.scheming.helpers import scheming_get_presets

    presets: list[dict[str, Any]] = []
    for name, preset in (scheming_get_presets() or {}).items():
        values = preset.get("values", preset) if isinstance(preset, dict) else {}
        if name.startswith("publicdata_") and values.get("choices"):
            presets.append({"preset_name": name, **values})
    return presets


def _scheme_name(preset_name: str) -> str:
    if preset_name in _SCHEME_NAMES:
        return _SCHEME_NAMES[preset_name]
    return preset_name.removeprefix("publicdata_").replace("_", "-")


def _title(preset_name: str) -> dict[str, str]:
    """The scheme's title: the DCAT profile's, else the label of the (first) field using the preset."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema, scheming_get_organization_schema

    for name, (_field, preset, titles) in dcat.CONCEPT_SCHEMES.items():
        if preset == preset_name:
            return {"zh_Hans_CN": titles["zh"], "en": titles["en"]}
    dataset_schema = scheming_get_dataset_schema("dataset") or {}
    organization_schema = scheming_get_organization_schema("organization") or {}
    fields = (dataset_schema.get("dataset_fields", []) + dataset_schema.get("resource_fields", [])
              + organization_schema.get("fields", []))
    for field in fields:
        candidates = [field] + list(field.get("repeating_subfields") or [])
        for candidate in candidates:
            if candidate.get("preset") == preset_name and isinstance(candidate.get("label"), dict):
                return dict(candidate["label"])
    return {"en": _scheme_name(preset_name)}


def _labels(label: Any) -> dict[str, str]:
    if isinstance(label, dict):
        return {locale: str(text) for locale, text in label.items() if text}
    return {"zh_Hans_CN": str(label)} if label else {}


def schemes() -> list[dict[str, Any]]:
    """Every code list: ``name``, ``title`` ({locale: text}), ``concepts`` [{code, labels}], ``uri``."""
    result = []
    for preset in _presets():
        name = _scheme_name(preset["preset_name"])
        result.append({
            "name": name,
            "preset_name": preset["preset_name"],
            "title": _title(preset["preset_name"]),
            "uri": str(dcat.scheme_uri(name)),
            "concepts": [{"code": str(choice["value"]), "labels": _labels(choice.get("label")),
                          "uri": str(dcat.concept_uri(name, str(choice["value"])))}
                         for choice in preset["choices"]],
        })
    return result


def scheme(name: str) -> Optional[dict[str, Any]]:
    for candidate in schemes():
        if candidate["name"] == name:
            return candidate
    return None


def _literal(text: str, locale: str) -> Literal:
    tag = "zh" if locale.startswith("zh") else locale.split("_")[0]
    return Literal(text, lang=tag)


def scheme_graph(scheme_dict: dict[str, Any], code: Optional[str] = None) -> Graph:
    """SKOS of the scheme (every concept), or of one concept (with its scheme's title)."""
    graph = Graph()
    graph.bind("skos", SKOS)
    graph.bind("dct", DCT)
    scheme_ref = URIRef(scheme_dict["uri"])
    graph.add((scheme_ref, RDF.type, SKOS.ConceptScheme))
    for locale, text in scheme_dict["title"].items():
        graph.add((scheme_ref, DCT.title, _literal(text, locale)))
        graph.add((scheme_ref, SKOS.prefLabel, _literal(text, locale)))
    for concept in scheme_dict["concepts"]:
        if code is not None and concept["code"] != code:
            continue
        concept_ref = URIRef(concept["uri"])
        graph.add((concept_ref, RDF.type, SKOS.Concept))
        graph.add((concept_ref, SKOS.inScheme, scheme_ref))
        graph.add((concept_ref, SKOS.notation, Literal(concept["code"])))
        for locale, text in concept["labels"].items():
            graph.add((concept_ref, SKOS.prefLabel, _literal(text, locale)))
        if code is None:
            graph.add((scheme_ref, SKOS.hasTopConcept, concept_ref))
        else:
            graph.add((concept_ref, SKOS.topConceptOf, scheme_ref))
    return graph


def split_suffix(name: str) -> tuple[str, Optional[str]]:
    """``economy.ttl`` → (``economy``, ``ttl``); a name without a known suffix is returned as is."""
    if "." in name:
        stem, suffix = name.rsplit(".", 1)
        if suffix in RDF_FORMATS:
            return stem, suffix
    return name, None


def rdf_format_for(accept: str) -> Optional[str]:
    """The suffix the ``Accept`` header asks for, when it prefers an RDF type over HTML; else None."""
    best: tuple[float, Optional[str]] = (0.0, None)
    html_quality = 0.0
    for part in (accept or "").split(","):
        pieces = [piece.strip() for piece in part.split(";")]
        media = pieces[0].lower()
        quality = 1.0
        for parameter in pieces[1:]:
            if parameter.startswith("q="):
                try:
                    quality = float(parameter[2:])
                except ValueError:
                    quality = 0.0
        if media in ("text/html", "application/xhtml+xml"):
            html_quality = max(html_quality, quality)
        elif media in _MEDIA_TYPES and quality > best[0]:
            best = (quality, _MEDIA_TYPES[media])
    if best[1] is not None and best[0] > html_quality:
        return best[1]
    return None
