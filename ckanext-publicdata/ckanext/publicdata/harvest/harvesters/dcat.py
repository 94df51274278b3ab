"""``publicdata_dcat_harvester``: DCAT sources (RDF/XML, Turtle, JSON-LD, N-Triples), hydra-paged.

Each page is parsed by ckanext-dcat's RDF parser with the configured profiles (``euro_dcat_ap_3 publicdata``): the
publicdata profile maps ``dct:accessRights`` → open_attribute (PUBLIC / RESTRICTED / NON_PUBLIC),
``dct:accrualPeriodicity`` → update_frequency, the portal's theme schemes, ``pd:`` properties, the CSVW table
schema → data_items, and the publisher's 统一社会信用代码 → the local organization. A dataset's key is its
``dct:identifier`` (else its URI). The publisher's name is kept as the provider for ``provider_map``. For a
conditional or not-open dataset the landing page that a publicdata source puts where the data URL was is not
taken as the data URL. Source configuration::

    {"rdf_format": "turtle",               # xml | turtle | json-ld | nt (optional: else from Content-Type)
     "profiles": ["euro_dcat_ap_3", "publicdata"],   # optional
     "owner_org": "…", "provider_map": {"滨城区市场监督管理局": "bincheng-market"},
     "trusted": false, "withdraw_brake": 0.2, "max_pages": 1000}
"""
from __future__ import annotations

from typing import Any, Iterator, Optional

import ckan.plugins.toolkit as tk

from ckanext.publicdata.harvest.base import (
    DATASET_FIELDS,
    HarvestSourceError,
    PublicdataHarvesterBase,
    SourceConfig,
    SourceRecord,
)
from ckanext.publicdata.harvest.harvesters import http

__all__ = ["PublicdataDCATHarvester", "parse_dcat_page"]

FORMATS = ("xml", "turtle", "json-ld", "nt", "n3")
CONTENT_TYPES = {
    "text/turtle": "turtle", "application/x-turtle": "turtle", "application/ld+json": "json-ld",
    "application/json": "json-ld", "application/rdf+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "application/n-triples": "nt", "text/n3": "n3",
}


def _profiles(options: dict[str, Any]) -> list[str]:
    configured = options.get("profiles")
    if configured:
        return list(configured)
    text = tk.config.get("ckanext.dcat.rdf.profiles") or "euro_dcat_ap_3 publicdata"
    names = text.split() if isinstance(text, str) else list(text)
    return names if "publicdata" in names else names + ["publicdata"]


def parse_dcat_page(content: str, rdf_format: str, profiles: list[str]) -> tuple[list[dict[str, Any]], Optional[str]]:
    """The datasets of one DCAT document (as the profiles parse them, plus publisher name) and the next page URL."""
    from rdflib.namespace import FOAF
    from ckanext.dcat.exceptions import RDFParserException
    from ckanext.dcat.processors import RDFParser
    from ckanext.dcat.profiles.base import DCT

    parser = RDFParser(profiles=profiles)
    try:
        parser.parse(content, _format=rdf_format)
    except RDFParserException as error:
        raise HarvestSourceError(f"DCAT 文档无法解析：{error} / The DCAT document could not be parsed: {error}")
    except Exception as error:
        raise HarvestSourceError(f"DCAT 文档无法解析：{error} / The DCAT document could not be parsed: {error}")
    datasets = []
    for dataset_ref in parser._datasets():
        dataset: dict[str, Any] = {}
        for profile_class in parser._profiles:
            profile = profile_class(parser.g, dataset_type=parser.dataset_type,
                                    compatibility_mode=parser.compatibility_mode)
            profile.parse_dataset(dataset, dataset_ref)
        dataset["_uri"] = str(dataset_ref)
        # every publisher's name (a document may name more than one): the first that maps to a local
        # organization is the provider; publishers with an identifier (统一社会信用代码) first
        publishers = sorted(parser.g.objects(dataset_ref, DCT.publisher),
                            key=lambda node: (not any(True for _ in parser.g.objects(node, DCT.identifier)),
                                              str(node)))
        names = [str(name) for publisher in publishers for name in parser.g.objects(publisher, FOAF.name)]
        if names:
            dataset["_publisher"] = list(dict.fromkeys(names))
        datasets.append(dataset)
    return datasets, parser.next_page()


def dcat_record_fields(dataset: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {name: dataset[name] for name in DATASET_FIELDS if name in dataset}
    if dataset.get("owner_org"):
        fields["owner_org"] = dataset["owner_org"]
    if dataset.get("_publisher"):
        fields["provider"] = dataset["_publisher"]
    if "tag_string" not in fields and dataset.get("tags"):
        fields["tag_string"] = [tag.get("name") for tag in dataset["tags"] if isinstance(tag, dict)]
    fields["landing_page"] = dataset.get("url") or dataset.get("_uri")
    fields["source_page"] = dataset.get("_uri")
    resources = []
    for resource in dataset.get("resources") or []:
        entry = dict(resource)
        if not entry.get("url"):
            entry["url"] = entry.get("download_url") or entry.get("access_url") or ""
        resources.append(entry)
    fields["resources"] = resources
    return fields


class PublicdataDCATHarvester(PublicdataHarvesterBase):
    harvester_info = {
        "name": "publicdata_dcat",
        "title": "DCAT (RDF / Turtle / JSON-LD)",
        "description": "Harvests DCAT catalogs, mapping access rights, frequencies and themes to the taxonomy.",
        "form_config_interface": "Text",
    }

    def validate_options(self, options: dict[str, Any]) -> None:
        rdf_format = options.get("rdf_format")
        if rdf_format is not None and rdf_format not in FORMATS:
            raise ValueError(f"rdf_format 须为 {', '.join(FORMATS)} 之一 / rdf_format must be one of {', '.join(FORMATS)}")
        profiles = options.get("profiles")
        if profiles is not None and (not isinstance(profiles, list) or not all(isinstance(p, str) for p in profiles)):
            raise ValueError("profiles 须为字符串列表 / profiles must be a list of strings")
        max_pages = options.get("max_pages", 1000)
        if not isinstance(max_pages, int) or isinstance(max_pages, bool) or max_pages < 1:
            raise ValueError("max_pages 须为正整数 / max_pages must be a positive integer")

    def iter_records(self, source_url: str, config: SourceConfig, job: Any) -> Iterator[SourceRecord]:
        options = config.options
        profiles = _profiles(options)
        next_url: Optional[str] = source_url
        visited: set[str] = set()
        pages = 0
        while next_url and next_url not in visited and pages < int(options.get("max_pages", 1000)):
            visited.add(next_url)
            pages += 1
            response = http.get(next_url, config.timeout,
                                accept="text/turtle, application/ld+json, application/rdf+xml;q=0.9, */*;q=0.1")
            content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            rdf_format = options.get("rdf_format") or CONTENT_TYPES.get(content_type) or _guess_format(next_url)
            if content_type == "text/html" and not options.get("rdf_format"):
                raise HarvestSourceError(f"来源 {next_url} 返回的是 HTML 而不是 DCAT 文档 / The source {next_url} returned "
                                         f"HTML, not a DCAT document")
            # RDF serializations are UTF-8 unless the server says otherwise (requests would guess Latin-1)
            charset = response.encoding if "charset" in (response.headers.get("Content-Type") or "") else "utf-8"
            try:
                text = response.content.decode(charset or "utf-8")
            except (LookupError, UnicodeDecodeError) as error:
                raise HarvestSourceError(f"DCAT 文档编码错误：{error} / The DCAT document's encoding is wrong: {error}")
            datasets, next_url = parse_dcat_page(text, rdf_format, profiles)
            for dataset in datasets:
                guid = dataset.get("identifier") or dataset.get("_uri")
                yield SourceRecord(guid=str(guid), content=dataset)

    def record_fields(self, content: Any, config: SourceConfig) -> dict[str, Any]:
        return dcat_record_fields(content)


def _guess_format(url: str) -> str:
    lowered = url.lower().split("?")[0]
    if lowered.endswith((".ttl", ".turtle")):
        return "turtle"
    if lowered.endswith((".jsonld", ".json")):
        return "json-ld"
    if lowered.endswith(".nt"):
        return "nt"
    return "xml"
