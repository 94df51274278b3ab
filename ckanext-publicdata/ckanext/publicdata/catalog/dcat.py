"""DCAT profile of the public-data portal (ckanext-dcat ``ckan.rdf.profiles`` entry point ``publicdata``).

Runs AFTER ``euro_dcat_ap_3`` (``ckanext.dcat.rdf.profiles = euro_dcat_ap_3 publicdata``): the EU profile
writes the generic DCAT-AP 3 triples, this one maps the portal's taxonomy onto them and removes what the
generic profile gets wrong for us:

- 开放属性 open_attribute → ``dct:accessRights`` (EU access-right authority: PUBLIC / RESTRICTED / NON_PUBLIC);
  开放条件 / 使用要求 → a ``dct:rights`` statement; 不予开放依据 → ``dcatap:applicableLegislation``.
- 更新周期 update_frequency → ``dct:accrualPeriodicity`` (EU frequency authority).
- 开放主体 owner_org → ``dct:publisher`` (with its 统一社会信用代码 agency_code as ``dct:identifier``);
  contact_* → ``dcat:contactPoint`` (vCard).
- 主题分类 theme and 重点领域 priority_domains → ``dcat:theme`` concepts of the portal's own SKOS schemes
  ``<site_url>/vocab/theme/<code>`` and ``<site_url>/vocab/priority-domain/<code>`` (labels zh + en).
- 数据项 data_items → a CSVW table schema the dataset and its distributions ``dct:conformsTo``.
- resources with access_method ``api`` → ``dcat:accessService`` / ``dcat:DataService``.
- Portal-specific catalog fields without a DCAT equivalent (安全级别, 共享属性, 开放方式, 突发事件 …) use the
  ``pd:`` namespace below, so a DCAT harvest from another portal of ours round-trips the whole taxonomy
  (:meth:`PublicdataDCATProfile.parse_dataset`).

Leak rule (TAX-5, ACC-1): a conditional or not-open dataset never carries a ``dcat:downloadURL``, nor an
``dcat:accessURL`` / ``dcat:endpointURL`` pointing at a resource file or service: every triple mentioning a
resource URL is removed from the graph and the dataset's landing page stands in as access URL. This is done on
the graph, after every profile before this one has written its triples, so it holds for every serialization
(/dataset/<id>.rdf|.ttl|.jsonld and /catalog.*) and every user.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterable, Optional

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import CSVW, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from ckanext.dcat.profiles import RDFProfile
from ckanext.dcat.profiles.base import DCAT, DCATAP, DCT, FOAF, VCARD
from ckanext.dcat.utils import resource_uri

# The portal's own properties for catalog fields DCAT has no term for. A fixed namespace (not the site URL), so
# that every portal running this extension speaks the same vocabulary and can harvest the others.
PD = Namespace("https://w3id.org/ckanext-publicdata/ns#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")

EU_ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_LANGUAGE_ZHO = URIRef("http://publications.europa.eu/resource/authority/language/ZHO")
IANA_MEDIA_TYPE = "https://www.iana.org/assignments/media-types/"

ACCESS_RIGHTS_BY_OPEN_ATTRIBUTE = {
    "unconditional": URIRef(EU_ACCESS_RIGHT + "PUBLIC"),
    "conditional": URIRef(EU_ACCESS_RIGHT + "RESTRICTED"),
    "not_open": URIRef(EU_ACCESS_RIGHT + "NON_PUBLIC"),
}
OPEN_ATTRIBUTE_BY_ACCESS_RIGHTS = {str(uri): code for code, uri in ACCESS_RIGHTS_BY_OPEN_ATTRIBUTE.items()}
# Open attributes whose data (files, API endpoints) must never be linked from the metadata.
RESTRICTED_OPEN_ATTRIBUTES = frozenset({"conditional", "not_open"})

FREQUENCY_BY_UPDATE_FREQUENCY = {
    "realtime": URIRef(EU_FREQUENCY + "UPDATE_CONT"),
    "daily": URIRef(EU_FREQUENCY + "DAILY"),
    "weekly": URIRef(EU_FREQUENCY + "WEEKLY"),
    "monthly": URIRef(EU_FREQUENCY + "MONTHLY"),
    "quarterly": URIRef(EU_FREQUENCY + "QUARTERLY"),
    "semiannual": URIRef(EU_FREQUENCY + "ANNUAL_2"),
    "annual": URIRef(EU_FREQUENCY + "ANNUAL"),
    "irregular": URIRef(EU_FREQUENCY + "IRREG"),
}
# Harvest: EU frequency codes back to ours; the near ones map to the closest (a source that publishes twice a
# day is at least daily), anything unknown to irregular.
UPDATE_FREQUENCY_BY_EU_CODE = {
    "UPDATE_CONT": "realtime", "CONT": "realtime", "HOURLY": "realtime", "1MIN": "realtime", "5MIN": "realtime",
    "10MIN": "realtime", "15MIN": "realtime", "30MIN": "realtime", "12HRS": "daily", "DAILY_2": "daily",
    "DAILY": "daily", "WEEKLY_2": "weekly", "WEEKLY_3": "weekly", "WEEKLY": "weekly", "BIWEEKLY": "weekly",
    "MONTHLY_2": "monthly", "MONTHLY_3": "monthly", "MONTHLY": "monthly", "BIMONTHLY": "monthly",
    "QUARTERLY": "quarterly", "ANNUAL_2": "semiannual", "ANNUAL_3": "semiannual", "ANNUAL": "annual",
    "BIENNIAL": "annual", "TRIENNIAL": "annual", "IRREG": "irregular",
}

# data_items field_type → XSD datatype of the CSVW column (and back)
XSD_BY_FIELD_TYPE = {
    "string": XSD.string,
    "number": XSD.decimal,
    "date": XSD.date,
    "datetime": XSD.dateTime,
    "boolean": XSD.boolean,
}
FIELD_TYPE_BY_XSD = {str(uri): code for code, uri in XSD_BY_FIELD_TYPE.items()}
FIELD_TYPE_BY_XSD.update({str(XSD.integer): "number", str(XSD.double): "number", str(XSD.float): "number"})

# resource format → (EU file type, IANA media type)
FORMAT_TYPES = {
    "CSV": ("CSV", "text/csv"),
    "JSON": ("JSON", "application/json"),
    "XML": ("XML", "application/xml"),
    "XLS": ("XLS", "application/vnd.ms-excel"),
    "XLSX": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "PDF": ("PDF", "application/pdf"),
    "ZIP": ("ZIP", "application/zip"),
    "DOC": ("DOC", "application/msword"),
    "DOCX": ("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "TXT": ("TXT", "text/plain"),
    "HTML": ("HTML", "text/html"),
    "RDF": ("RDF_XML", "application/rdf+xml"),
    "GEOJSON": ("GEOJSON", "application/geo+json"),
    "SHP": ("SHP", None),
}
FORMAT_BY_EU_FILE_TYPE = {eu: fmt for fmt, (eu, _media) in FORMAT_TYPES.items()}

# The SKOS concept schemes of the portal: path under <site_url>/vocab/, dataset field, scheme titles.
THEME_SCHEME = "theme"
PRIORITY_DOMAIN_SCHEME = "priority-domain"
CONCEPT_SCHEMES = {
    THEME_SCHEME: ("theme", "publicdata_theme", {"zh": "主题分类", "en": "Themes"}),
    PRIORITY_DOMAIN_SCHEME: ("priority_domains", "publicdata_priority_domains", {"zh": "重点领域", "en": "Priority domains"}),
}

# Chinese (CJK ideographs, CJK punctuation, full-width forms): such literals get the language tag zh.
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# Locale of the schema labels → RDF language tag
_LABEL_LANGUAGES = (("zh_Hans_CN", "zh"), ("zh", "zh"), ("en", "en"))

# EU-profile extras this profile turns into the portal's own fields when parsing (they would otherwise be
# stored as free extras beside the scheming fields).
_MAPPED_EXTRAS = frozenset({
    "identifier", "issued", "modified", "frequency", "theme", "access_rights", "temporal_start", "temporal_end",
    "contact_uri", "contact_name", "contact_email", "contact_identifier", "contact_url", "publisher_uri",
    "publisher_name", "publisher_email", "publisher_url", "publisher_type", "publisher_identifier",
    "spatial_uri", "spatial_text", "spatial", "conforms_to", "language", "homepage", "related_resource",
    "applicable_legislation",
})


# CKAN's own dataset keys, kept by parse_dataset beside the schema's fields
_CORE_DATASET_KEYS = frozenset({
    "extras", "resources", "tags", "tag_string", "name", "title", "notes", "owner_org", "private", "url",
    "version", "license_id", "groups", "type",
})


def site_url() -> str:
    return (tk.config.get("ckan.site_url") or "").rstrip("/")


def concept_uri(scheme: str, code: str) -> URIRef:
    """URI of a concept of one of the portal's SKOS schemes, e.g. ``<site_url>/vocab/theme/economy``."""
    return URIRef(f"{site_url()}/vocab/{scheme}/{code}")


def scheme_uri(scheme: str) -> URIRef:
    return URIRef(f"{site_url()}/vocab/{scheme}")


def dataset_landing_page(dataset_dict: dict[str, Any]) -> URIRef:
    """The dataset's page on this portal (where a conditional dataset is applied for)."""
    return URIRef(f"{site_url()}/dataset/{dataset_dict.get('name') or dataset_dict.get('id')}")


def _as_list(value: Any) -> list[str]:
    """Multi-value fields arrive as lists (package_show), JSON strings or comma separated text."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip()
    if text.startswith("["):
        try:
            return [str(v).strip() for v in json.loads(text) if str(v).strip()]
        except ValueError:
            pass
    return [part.strip() for part in re.split(r"[,，;；]", text) if part.strip()]


def _as_bool(value: Any) -> Optional[bool]:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "yes", "1", "on", "y", "是")


def _date_part(value: Any) -> str:
    """'2024-05-01T08:00:00' → '2024-05-01' (our date fields store days)."""
    text = str(value or "").strip()
    match = re.match(r"^(\d{4}-\d{2}-\d{2})", text)
    return match.group(1) if match else text


def _zh_or_plain(text: str) -> Literal:
    return Literal(text, lang="zh") if _CJK.search(text) else Literal(text)


class PublicdataDCATProfile(RDFProfile):
    """The portal's taxonomy on top of DCAT-AP 3 (use after ``euro_dcat_ap_3``)."""

    # ------------------------------------------------------------------ labels from the scheming schema
    def _choices(self, field_name: str, preset_name: Optional[str] = None) -> list[dict[str, Any]]:
        """Choices (value + label per locale) of a dataset field, from the schema or else from its preset."""
        field = self._schema_field(field_name) if self._dataset_schema else None
        if field and field.get("choices"):
            return field["choices"]
        if preset_name:
            try:
                preset = tk.h.scheming_get_preset(preset_name)
            except (AttributeError, RuntimeError, TypeError):
                preset = None
            if preset and preset.get("values", {}).get("choices"):
                return preset["values"]["choices"]
        return []

    def _labels(self, field_name: str, code: str, preset_name: Optional[str] = None) -> dict[str, str]:
        """{'zh': …, 'en': …} labels of a code; empty if the schema does not know it."""
        for choice in self._choices(field_name, preset_name):
            if str(choice.get("value")) != code:
                continue
            label = choice.get("label")
            if isinstance(label, dict):
                out: dict[str, str] = {}
                for locale, tag in _LABEL_LANGUAGES:
                    if label.get(locale) and tag not in out:
                        out[tag] = label[locale]
                return out
            if label:
                return {"zh" if _CJK.search(str(label)) else "en": str(label)}
        return {}

    def _code_for_label(self, field_name: str, text: str, preset_name: Optional[str] = None) -> Optional[str]:
        for choice in self._choices(field_name, preset_name):
            label = choice.get("label")
            labels = label.values() if isinstance(label, dict) else [label]
            if text == choice.get("value") or text in labels:
                return str(choice.get("value"))
        return None

    # ------------------------------------------------------------------ serialization
    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        g = self.g
        g.bind("pd", PD)
        g.bind("csvw", CSVW)
        g.bind("dcatap", DCATAP)
        g.bind("eli", ELI)

        open_attribute = dataset_dict.get("open_attribute") or ""
        restricted = open_attribute in RESTRICTED_OPEN_ATTRIBUTES
        landing_page = dataset_landing_page(dataset_dict)

        g.add((dataset_ref, DCAT.landingPage, landing_page))
        g.add((landing_page, RDF.type, FOAF.Document))
        g.add((dataset_ref, DCT.language, EU_LANGUAGE_ZHO))
        g.add((EU_LANGUAGE_ZHO, RDF.type, DCT.LinguisticSystem))

        self._add_access_rights(dataset_dict, dataset_ref, open_attribute)
        self._add_accrual_periodicity(dataset_dict, dataset_ref)
        self._add_dates(dataset_dict, dataset_ref)
        self._add_themes(dataset_dict, dataset_ref)
        self._add_spatial(dataset_dict, dataset_ref)
        self._add_publisher(dataset_dict, dataset_ref)
        self._add_contact_phone(dataset_dict, dataset_ref)
        self._add_portal_properties(dataset_dict, dataset_ref)
        table_schema = self._add_data_items(dataset_dict, dataset_ref)
        self._add_distributions(dataset_dict, dataset_ref, restricted, landing_page, table_schema)

        if restricted:
            self._strip_resource_urls(dataset_dict, dataset_ref, landing_page)

        self._tag_chinese_literals(dataset_ref)

    def graph_from_catalog(self, catalog_dict: Optional[dict[str, Any]], catalog_ref: URIRef) -> None:
        g = self.g
        g.bind("pd", PD)
        g.bind("skos", SKOS)
        g.add((catalog_ref, DCT.language, EU_LANGUAGE_ZHO))
        g.add((EU_LANGUAGE_ZHO, RDF.type, DCT.LinguisticSystem))
        # the EU profile writes the language as a literal ("zh_Hans_CN") from ckan.locale_default
        for literal in list(g.objects(catalog_ref, DCT.language)):
            if isinstance(literal, Literal):
                g.remove((catalog_ref, DCT.language, literal))
        portal_name = tk.config.get("ckanext.publicdata.portal_name")
        if portal_name and not any(True for _ in g.objects(catalog_ref, DCT.title)):
            g.add((catalog_ref, DCT.title, Literal(portal_name)))
        # the portal's two classification schemes, with every concept, so the themes of the datasets resolve
        for scheme, (field_name, preset_name, _titles) in CONCEPT_SCHEMES.items():
            scheme_ref = self._add_concept_scheme(scheme)
            g.add((catalog_ref, DCAT.themeTaxonomy, scheme_ref))
            for choice in self._choices(field_name, preset_name):
                concept = self._add_concept(scheme, str(choice.get("value")))
                g.add((scheme_ref, SKOS.hasTopConcept, concept))
        self._add_catalog_publisher(catalog_ref)
        self._retag(catalog_ref)

    # -- open attribute, conditions, legal basis
    def _add_access_rights(self, dataset_dict: dict[str, Any], dataset_ref: URIRef, open_attribute: str) -> None:
        g = self.g
        access_rights = ACCESS_RIGHTS_BY_OPEN_ATTRIBUTE.get(open_attribute)
        if access_rights is not None:
            g.remove((dataset_ref, DCT.accessRights, None))
            g.add((dataset_ref, DCT.accessRights, access_rights))
            g.add((access_rights, RDF.type, DCT.RightsStatement))
            for lang, label in self._labels("open_attribute", open_attribute, "publicdata_open_attribute").items():
                g.add((access_rights, RDFS.label, Literal(label, lang=lang)))

        # Open conditions (TAX-4) and use requirements, as one human-readable rights statement (zh and en)
        # plus machine-readable pd: properties for harvest.
        conditions = _as_list(dataset_dict.get("open_conditions"))
        conditions_text = (dataset_dict.get("open_conditions_text") or "").strip()
        usage_requirements = (dataset_dict.get("usage_requirements") or "").strip()
        for code in conditions:
            g.add((dataset_ref, PD.openCondition, Literal(code)))
        if conditions_text:
            g.add((dataset_ref, PD.openConditionsText, _zh_or_plain(conditions_text)))
        if usage_requirements:
            g.add((dataset_ref, PD.usageRequirements, _zh_or_plain(usage_requirements)))
        if conditions or conditions_text or usage_requirements:
            statement = BNode()
            g.add((dataset_ref, DCT.rights, statement))
            g.add((statement, RDF.type, DCT.RightsStatement))
            for lang, heading, separator, usage_heading in (
                ("zh", "开放条件：", "、", "使用要求："),
                ("en", "Open conditions: ", "; ", "Usage requirements: "),
            ):
                labels = [self._labels("open_conditions", code, "publicdata_open_conditions").get(lang, code)
                          for code in conditions]
                parts = []
                if labels or conditions_text:
                    parts.append(heading + separator.join(labels + ([conditions_text] if conditions_text else [])))
                if usage_requirements:
                    parts.append(usage_heading + usage_requirements)
                g.add((statement, RDFS.label, Literal("\n".join(parts), lang=lang)))

        legal_basis = (dataset_dict.get("not_open_basis") or "").strip()
        if legal_basis:
            legislation = BNode()
            g.add((dataset_ref, DCATAP.applicableLegislation, legislation))
            g.add((legislation, RDF.type, ELI.LegalResource))
            g.add((legislation, RDFS.label, _zh_or_plain(legal_basis)))

    # -- update frequency
    def _add_accrual_periodicity(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        frequency = FREQUENCY_BY_UPDATE_FREQUENCY.get(dataset_dict.get("update_frequency") or "")
        if frequency is None:
            return
        self.g.remove((dataset_ref, DCT.accrualPeriodicity, None))
        self.g.add((dataset_ref, DCT.accrualPeriodicity, frequency))
        self.g.add((frequency, RDF.type, DCT.Frequency))

    # -- release date / data updated
    def _add_dates(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        for field, predicate in (("release_date", DCT.issued), ("data_updated", DCT.modified)):
            value = dataset_dict.get(field)
            if value:
                # replaces the EU profile's metadata_created / metadata_modified fallback
                self.g.remove((dataset_ref, predicate, None))
                self._add_date_triple(dataset_ref, predicate, str(value))

    # -- theme and priority domains
    def _add_concept_scheme(self, scheme: str) -> URIRef:
        g = self.g
        ref = scheme_uri(scheme)
        g.add((ref, RDF.type, SKOS.ConceptScheme))
        for lang, title in CONCEPT_SCHEMES[scheme][2].items():
            g.add((ref, DCT.title, Literal(title, lang=lang)))
        return ref

    def _add_concept(self, scheme: str, code: str) -> URIRef:
        g = self.g
        field_name, preset_name, _titles = CONCEPT_SCHEMES[scheme]
        concept = concept_uri(scheme, code)
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, SKOS.inScheme, self._add_concept_scheme(scheme)))
        g.add((concept, SKOS.notation, Literal(code)))
        for lang, label in self._labels(field_name, code, preset_name).items():
            g.add((concept, SKOS.prefLabel, Literal(label, lang=lang)))
        return concept

    def _add_themes(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        g = self.g
        themes = _as_list(dataset_dict.get("theme"))
        domains = _as_list(dataset_dict.get("priority_domains"))
        # the EU profile turned the bare codes into (relative) URIs: drop them
        for code in themes:
            g.remove((dataset_ref, DCAT.theme, URIRef(code)))
        for scheme, codes in ((THEME_SCHEME, themes), (PRIORITY_DOMAIN_SCHEME, domains)):
            for code in codes:
                g.add((dataset_ref, DCAT.theme, self._add_concept(scheme, code)))

    # -- spatial coverage (administrative division code)
    def _add_spatial(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        division = dataset_dict.get("spatial_coverage")
        if not division or not isinstance(division, (str, int)):
            return
        division = str(division).strip()
        g = self.g
        location = BNode()
        g.add((dataset_ref, DCT.spatial, location))
        g.add((location, RDF.type, DCT.Location))
        g.add((location, SKOS.notation, Literal(division)))
        labels = self._labels("spatial_coverage", division)
        for lang, label in labels.items():
            g.add((location, SKOS.prefLabel, Literal(label, lang=lang)))

    # -- publisher (开放主体) and contact point
    def _organization(self, org_id: str) -> Optional[dict[str, Any]]:
        # one lookup per organization and graph (a catalog page serializes many datasets of the same agencies)
        cache: dict[str, Any] = getattr(self.g, "_publicdata_organizations", None) or {}
        if org_id not in cache:
            try:
                cache[org_id] = tk.get_action("organization_show")(
                    {"ignore_auth": True}, {"id": org_id, "include_datasets": False, "include_users": False})
            except tk.ObjectNotFound:
                cache[org_id] = None
            try:
                setattr(self.g, "_publicdata_organizations", cache)
            except AttributeError:
                pass
        return cache[org_id]

    def _add_agent(self, subject: Node, predicate: URIRef, org: dict[str, Any]) -> URIRef:
        g = self.g
        agent = URIRef(f"{site_url()}/organization/{org.get('name') or org.get('id')}")
        g.add((subject, predicate, agent))
        g.add((agent, RDF.type, FOAF.Agent))
        g.add((agent, RDF.type, FOAF.Organization))
        for name in list(g.objects(agent, FOAF.name)):
            g.remove((agent, FOAF.name, name))
        if org.get("title"):
            g.add((agent, FOAF.name, _zh_or_plain(org["title"])))
        agency_code = (org.get("agency_code") or "").strip()
        if agency_code:
            g.remove((agent, DCT.identifier, None))
            g.add((agent, DCT.identifier, Literal(agency_code)))
        return agent

    def _add_publisher(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        org_id = dataset_dict.get("owner_org") or (dataset_dict.get("organization") or {}).get("id")
        if not org_id:
            return
        org = self._organization(org_id)
        if not org:
            return
        g = self.g
        # the EU profile's fallback publisher carries the org's core fields only; ours replaces it
        for publisher in list(g.objects(dataset_ref, DCT.publisher)):
            g.remove((dataset_ref, DCT.publisher, publisher))
        self._add_agent(dataset_ref, DCT.publisher, org)

    def _add_catalog_publisher(self, catalog_ref: URIRef) -> None:
        """The catalog's publisher (mandatory in DCAT-AP) is the open-data authority, else the portal."""
        g = self.g
        authority = tk.config.get("ckanext.publicdata.authority_organization")
        org = self._organization(authority) if authority else None
        g.remove((catalog_ref, DCT.publisher, None))
        if org:
            self._add_agent(catalog_ref, DCT.publisher, org)
            return
        publisher = BNode()
        g.add((catalog_ref, DCT.publisher, publisher))
        g.add((publisher, RDF.type, FOAF.Agent))
        name = tk.config.get("ckanext.publicdata.portal_name") or tk.config.get("ckan.site_title") or site_url()
        g.add((publisher, FOAF.name, _zh_or_plain(name)))

    def _add_contact_phone(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        phone = (dataset_dict.get("contact_phone") or "").strip()
        if not phone:
            return
        g = self.g
        contacts = list(g.objects(dataset_ref, DCAT.contactPoint))
        if contacts:
            contact = contacts[0]
        else:
            contact = BNode()
            g.add((dataset_ref, DCAT.contactPoint, contact))
            g.add((contact, RDF.type, VCARD.Organization))
        g.add((contact, VCARD.hasTelephone, URIRef("tel:" + re.sub(r"[^0-9+\-]", "", phone))))

    # -- fields without a DCAT term
    def _add_portal_properties(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        g = self.g
        for field, predicate in (
            ("security_level", PD.securityLevel),
            ("share_attribute", PD.shareAttribute),
        ):
            if dataset_dict.get(field):
                g.add((dataset_ref, predicate, Literal(str(dataset_dict[field]))))
        if (dataset_dict.get("share_conditions") or "").strip():
            g.add((dataset_ref, PD.shareConditions, _zh_or_plain(dataset_dict["share_conditions"].strip())))
        for field, predicate in (
            ("share_method", PD.shareMethod),
            ("open_method", PD.openMethod),
            ("related_identifiers", PD.relatedIdentifier),
        ):
            for code in _as_list(dataset_dict.get(field)):
                g.add((dataset_ref, predicate, Literal(code)))
        emergency = _as_bool(dataset_dict.get("emergency"))
        if emergency is not None:
            g.add((dataset_ref, PD.emergency, Literal(emergency)))

    # -- data items → CSVW table schema
    def _add_data_items(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> Optional[Node]:
        items = dataset_dict.get("data_items")
        if isinstance(items, str):
            try:
                items = json.loads(items)
            except ValueError:
                items = None
        if not items or not isinstance(items, list):
            return None
        g = self.g
        table_schema = URIRef(f"{dataset_landing_page(dataset_dict)}#data-items")
        g.add((dataset_ref, DCT.conformsTo, table_schema))
        g.add((table_schema, RDF.type, DCT.Standard))
        g.add((table_schema, RDF.type, CSVW.Schema))
        g.add((table_schema, DCT.title, Literal("数据项", lang="zh")))
        g.add((table_schema, DCT.title, Literal("Data items", lang="en")))
        columns: list[Node] = []
        for item in items:
            if not isinstance(item, dict) or not item.get("field_name"):
                continue
            column = BNode()
            columns.append(column)
            g.add((column, RDF.type, CSVW.Column))
            g.add((column, CSVW.name, Literal(item["field_name"])))
            if item.get("field_title"):
                g.add((column, CSVW.title, _zh_or_plain(item["field_title"])))
            datatype = XSD_BY_FIELD_TYPE.get(item.get("field_type") or "")
            if datatype is not None:
                g.add((column, CSVW.datatype, datatype))
            if item.get("description"):
                g.add((column, DCT.description, _zh_or_plain(item["description"])))
        if columns:
            # an rdf:List keeps the column order
            column_list = BNode()
            Collection(g, column_list, columns)
            g.add((table_schema, CSVW.column, column_list))
        return table_schema

    # -- distributions
    def _add_distributions(
        self,
        dataset_dict: dict[str, Any],
        dataset_ref: URIRef,
        restricted: bool,
        landing_page: URIRef,
        table_schema: Optional[Node],
    ) -> None:
        g = self.g
        access_rights = ACCESS_RIGHTS_BY_OPEN_ATTRIBUTE.get(dataset_dict.get("open_attribute") or "")
        for resource_dict in dataset_dict.get("resources", []) or []:
            distribution = URIRef(resource_uri(resource_dict))
            if (dataset_ref, DCAT.distribution, distribution) not in g:
                continue
            url = (resource_dict.get("url") or "").strip()
            is_api = (resource_dict.get("access_method") or "") == "api" or (
                (resource_dict.get("format") or "").upper() == "API")

            self._add_format(resource_dict, distribution)
            if table_schema is not None:
                g.add((distribution, DCT.conformsTo, table_schema))
            if access_rights is not None:
                g.add((distribution, DCT.accessRights, access_rights))

            if is_api:
                service = URIRef(f"{distribution}#service")
                g.add((distribution, DCAT.accessService, service))
                g.add((service, RDF.type, DCAT.DataService))
                g.add((service, DCT.title, _zh_or_plain(resource_dict.get("name") or dataset_dict.get("title") or "API")))
                g.add((service, DCAT.servesDataset, dataset_ref))
                if access_rights is not None:
                    g.add((service, DCT.accessRights, access_rights))
                # the endpoint of a restricted dataset is its landing page (where access is applied for)
                endpoint = landing_page if restricted or not url else URIRef(url)
                g.add((service, DCAT.endpointURL, endpoint))
                doc_url = (resource_dict.get("api_doc_url") or "").strip()
                if doc_url.startswith(("http://", "https://")):
                    g.add((service, DCAT.endpointDescription, URIRef(doc_url)))
            elif url and not restricted:
                g.add((distribution, DCAT.downloadURL, URIRef(url)))

    def _add_format(self, resource_dict: dict[str, Any], distribution: URIRef) -> None:
        fmt = (resource_dict.get("format") or "").strip().upper()
        types = FORMAT_TYPES.get(fmt)
        if not types:
            return
        g = self.g
        eu_type, media_type = types
        for literal in [o for o in g.objects(distribution, DCT["format"]) if isinstance(o, Literal)]:
            g.remove((distribution, DCT["format"], literal))
        file_type = URIRef(EU_FILE_TYPE + eu_type)
        g.add((distribution, DCT["format"], file_type))
        g.add((file_type, RDF.type, DCT.MediaTypeOrExtent))
        if media_type and not any(True for _ in g.objects(distribution, DCAT.mediaType)):
            media = URIRef(IANA_MEDIA_TYPE + media_type)
            g.add((distribution, DCAT.mediaType, media))
            g.add((media, RDF.type, DCT.MediaType))

    # -- leak rule
    def _strip_resource_urls(self, dataset_dict: dict[str, Any], dataset_ref: URIRef, landing_page: URIRef) -> None:
        """Remove every trace of the resources' own URLs of a conditional / not-open dataset from the graph."""
        g = self.g
        resource_urls = _resource_urls(dataset_dict)
        distributions = list(g.objects(dataset_ref, DCAT.distribution))
        for distribution in distributions:
            for predicate in (DCAT.downloadURL, DCAT.accessURL):
                for target in list(g.objects(distribution, predicate)):
                    g.remove((distribution, predicate, target))
            for service in list(g.objects(distribution, DCAT.accessService)):
                for endpoint in list(g.objects(service, DCAT.endpointURL)):
                    if endpoint != landing_page:
                        g.remove((service, DCAT.endpointURL, endpoint))
                if not any(True for _ in g.objects(service, DCAT.endpointURL)):
                    g.add((service, DCAT.endpointURL, landing_page))
            g.add((distribution, DCAT.accessURL, landing_page))
        if not resource_urls:
            return
        # Whatever else mentions a resource URL (a node typed by the EU profile, a distribution whose URI is
        # the file itself as some harvested sources have it) goes too.
        remove_resource_urls(g, resource_urls)
        for distribution in distributions:
            if str(distribution) in resource_urls:
                replacement = BNode()
                for _s, p, o in list(g.triples((distribution, None, None))):
                    g.add((replacement, p, o))
                g.remove((distribution, None, None))
                g.remove((None, None, distribution))
                g.add((dataset_ref, DCAT.distribution, replacement))
                g.add((replacement, DCAT.accessURL, landing_page))

    # -- language tags
    def _tag_chinese_literals(self, dataset_ref: URIRef) -> None:
        """Plain literals with Chinese text, on the dataset and everything it links to, get the tag zh."""
        self._retag(dataset_ref)

    def _retag(self, root: Node) -> None:
        g = self.g
        seen: set[Node] = set()
        pending: list[Node] = [root]
        while pending:
            subject = pending.pop()
            if subject in seen:
                continue
            seen.add(subject)
            for _s, predicate, obj in list(g.triples((subject, None, None))):
                if isinstance(obj, Literal):
                    if obj.language is None and obj.datatype is None and _CJK.search(str(obj)):
                        g.remove((subject, predicate, obj))
                        g.add((subject, predicate, Literal(str(obj), lang="zh")))
                elif predicate != RDF.type and predicate not in (DCAT.dataset, DCT.hasPart):
                    pending.append(obj)

    # ------------------------------------------------------------------ harvest (RDF → our fields)
    def _text(self, subject: Node, predicate: URIRef) -> str:
        """One literal of subject/predicate, Chinese preferred."""
        values = [o for o in self.g.objects(subject, predicate) if isinstance(o, Literal)]
        for lang in ("zh", "zh-cn", "zh-hans", None, "en"):
            for value in values:
                if (value.language or None) == lang or (lang and (value.language or "").lower() == lang):
                    return str(value)
        return str(values[0]) if values else ""

    def _label(self, node: Node) -> str:
        if isinstance(node, Literal):
            return str(node)
        for predicate in (RDFS.label, SKOS.prefLabel, DCT.title):
            text = self._text(node, predicate)
            if text:
                return text
        return "" if isinstance(node, BNode) else str(node)

    def _concept_code(self, concept: Node, scheme: str) -> Optional[str]:
        """Code of a concept of our scheme ``scheme``, by URI path (any portal of ours) or notation + scheme."""
        text = str(concept)
        marker = f"/vocab/{scheme}/"
        if marker in text:
            return text.rsplit(marker, 1)[1].strip("/") or None
        for in_scheme in self.g.objects(concept, SKOS.inScheme):
            if str(in_scheme).rstrip("/").endswith(f"/vocab/{scheme}"):
                notation = self._text(concept, SKOS.notation)
                if notation:
                    return notation
        return None

    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> dict[str, Any]:
        g = self.g

        # identifier
        identifier = self._text(dataset_ref, DCT.identifier) or self._object_value(dataset_ref, DCT.identifier)
        if identifier:
            dataset_dict["identifier"] = identifier

        # open attribute and conditions
        for rights in g.objects(dataset_ref, DCT.accessRights):
            code = OPEN_ATTRIBUTE_BY_ACCESS_RIGHTS.get(str(rights))
            if code:
                dataset_dict["open_attribute"] = code
                break
        conditions = [str(o) for o in g.objects(dataset_ref, PD.openCondition)]
        if conditions:
            dataset_dict["open_conditions"] = sorted(set(conditions))
        for field, predicate in (
            ("open_conditions_text", PD.openConditionsText),
            ("usage_requirements", PD.usageRequirements),
            ("share_conditions", PD.shareConditions),
            ("security_level", PD.securityLevel),
            ("share_attribute", PD.shareAttribute),
        ):
            value = self._text(dataset_ref, predicate)
            if value:
                dataset_dict[field] = value
        if not dataset_dict.get("usage_requirements") and not conditions:
            # a source outside our network: keep its rights statement as the use requirements
            for rights in g.objects(dataset_ref, DCT.rights):
                label = self._label(rights)
                if label:
                    dataset_dict["usage_requirements"] = label
                    break
        for legislation in g.objects(dataset_ref, DCATAP.applicableLegislation):
            label = self._label(legislation)
            if label:
                dataset_dict["not_open_basis"] = label
                break
        for field, predicate in (
            ("share_method", PD.shareMethod),
            ("open_method", PD.openMethod),
        ):
            values = [str(o) for o in g.objects(dataset_ref, predicate)]
            if values:
                dataset_dict[field] = sorted(set(values))
        related = [str(o) for o in g.objects(dataset_ref, PD.relatedIdentifier)]
        if related:
            dataset_dict["related_identifiers"] = ",".join(related)
        emergency = self._object(dataset_ref, PD.emergency)
        if emergency is not None:
            dataset_dict["emergency"] = _as_bool(str(emergency))

        # update frequency
        frequency = self._object(dataset_ref, DCT.accrualPeriodicity)
        if frequency is not None:
            eu_code = str(frequency).rstrip("/").rsplit("/", 1)[-1]
            dataset_dict["update_frequency"] = UPDATE_FREQUENCY_BY_EU_CODE.get(eu_code, "irregular")

        # themes
        themes: list[str] = []
        domains: list[str] = []
        for concept in g.objects(dataset_ref, DCAT.theme):
            theme = self._concept_code(concept, THEME_SCHEME)
            domain = self._concept_code(concept, PRIORITY_DOMAIN_SCHEME)
            if theme:
                themes.append(theme)
            elif domain:
                domains.append(domain)
        if themes:
            dataset_dict["theme"] = themes[0]
        if domains:
            dataset_dict["priority_domains"] = sorted(set(domains))

        # dates
        for field, predicate in (("release_date", DCT.issued), ("data_updated", DCT.modified)):
            value = self._object_value(dataset_ref, predicate)
            if value:
                dataset_dict[field] = _date_part(value)
        start, end = self._time_interval(dataset_ref, DCT.temporal, dcat_ap_version=2)
        if start:
            dataset_dict["temporal_start"] = _date_part(start)
        if end:
            dataset_dict["temporal_end"] = _date_part(end)

        # spatial coverage
        for location in g.objects(dataset_ref, DCT.spatial):
            notation = self._text(location, SKOS.notation)
            if notation:
                dataset_dict["spatial_coverage"] = notation
                break

        # contact point
        for contact in g.objects(dataset_ref, DCAT.contactPoint):
            name = self._text(contact, VCARD.fn)
            if name:
                dataset_dict["contact_name"] = name
            for predicate, field, prefix in (
                (VCARD.hasEmail, "contact_email", "mailto:"),
                (VCARD.hasTelephone, "contact_phone", "tel:"),
            ):
                value = self._object(contact, predicate)
                if value is not None:
                    if isinstance(value, BNode):
                        value = self._object(value, VCARD.hasValue)
                    if value is not None:
                        dataset_dict[field] = str(value).replace(prefix, "", 1)
            break

        # publisher: a local organization with the same 统一社会信用代码 becomes the owner
        for publisher in g.objects(dataset_ref, DCT.publisher):
            agency_code = self._text(publisher, DCT.identifier)
            if agency_code:
                org_name = _organization_by_agency_code(agency_code)
                if org_name:
                    dataset_dict["owner_org"] = org_name
            break

        # data items
        data_items = self._parse_data_items(dataset_ref)
        if data_items:
            dataset_dict["data_items"] = data_items

        # tags: our schema edits them as tag_string
        tags = [t["name"] for t in dataset_dict.get("tags", []) if t.get("name")]
        if tags:
            dataset_dict["tag_string"] = ",".join(tags)

        # resources
        for resource_dict in dataset_dict.get("resources", []) or []:
            self._parse_resource(resource_dict)

        # the EU profile's generic extras that are now our own fields
        dataset_dict["extras"] = [
            extra for extra in dataset_dict.get("extras", []) if extra.get("key") not in _MAPPED_EXTRAS
        ]
        # The EU scheming profile fills its own repeating fields (contact, publisher, spatial_coverage as a
        # list of locations …): what our schema does not have, or has as text, would fail validation.
        if not isinstance(dataset_dict.get("spatial_coverage"), (str, type(None))):
            del dataset_dict["spatial_coverage"]
        if self._dataset_schema:
            known = {field["field_name"] for field in self._dataset_schema.get("dataset_fields", [])}
            for key in list(dataset_dict):
                if key not in known and key not in _CORE_DATASET_KEYS:
                    del dataset_dict[key]
        return dataset_dict

    def _parse_data_items(self, dataset_ref: Node) -> list[dict[str, str]]:
        g = self.g
        for table_schema in g.objects(dataset_ref, DCT.conformsTo):
            if (table_schema, RDF.type, CSVW.Schema) not in g:
                continue
            items: list[dict[str, str]] = []
            for column_list in g.objects(table_schema, CSVW.column):
                columns = list(Collection(g, column_list)) if (column_list, RDF.first, None) in g else [column_list]
                for column in columns:
                    name = self._text(column, CSVW.name)
                    if not name:
                        continue
                    item = {"field_name": name, "field_title": self._text(column, CSVW.title)}
                    datatype = self._object(column, CSVW.datatype)
                    if datatype is not None:
                        item["field_type"] = FIELD_TYPE_BY_XSD.get(str(datatype), "string")
                    description = self._text(column, DCT.description)
                    if description:
                        item["description"] = description
                    items.append(item)
            if items:
                return items
        return []

    def _parse_resource(self, resource_dict: dict[str, Any]) -> None:
        g = self.g
        ref = resource_dict.get("distribution_ref")
        distribution: Node | None = None
        if ref:
            distribution = next(
                (d for d in g.subjects(RDF.type, DCAT.Distribution) if str(d) == ref), None)
        if distribution is None:
            return
        services = list(g.objects(distribution, DCAT.accessService))
        resource_dict["access_method"] = "api" if services else "download"
        for service in services:
            description = self._object(service, DCAT.endpointDescription)
            if description is not None and not isinstance(description, BNode):
                resource_dict["api_doc_url"] = str(description)
            endpoint = self._object(service, DCAT.endpointURL)
            if endpoint is not None and not resource_dict.get("url"):
                resource_dict["url"] = str(endpoint)
        for fmt in g.objects(distribution, DCT["format"]):
            text = str(fmt)
            if text.startswith(EU_FILE_TYPE):
                eu_code = text[len(EU_FILE_TYPE):]
                resource_dict["format"] = FORMAT_BY_EU_FILE_TYPE.get(eu_code, eu_code)
                break
        if services and not resource_dict.get("format"):
            resource_dict["format"] = "API"


def _organization_by_agency_code(agency_code: str) -> Optional[str]:
    """Name of the local organization whose 统一社会信用代码 is ``agency_code`` (None if none or ambiguous)."""
    import ckan.model as model

    rows = (
        model.Session.query(model.Group.name)
        .join(model.GroupExtra, model.GroupExtra.group_id == model.Group.id)
        .filter(model.Group.is_organization.is_(True))
        .filter(model.Group.state == "active")
        .filter(model.GroupExtra.key == "agency_code")
        .filter(model.GroupExtra.value == agency_code)
        .filter(model.GroupExtra.state == "active")
        .all()
    )
    return rows[0][0] if len(rows) == 1 else None



# ---------------------------------------------------------------------------------------------- leak guards
def _resource_urls(dataset_dict: dict[str, Any]) -> set[str]:
    urls: set[str] = set()
    for resource_dict in dataset_dict.get("resources", []) or []:
        for key in ("url", "download_url", "access_url"):
            value = (resource_dict.get(key) or "").strip()
            if value:
                urls.add(value)
    return urls


def remove_resource_urls(graph: Any, urls: Iterable[str]) -> None:
    """Remove every triple whose subject or object is one of ``urls`` (as URI or as literal)."""
    for url in urls:
        for node in (URIRef(url), Literal(url)):
            for triple in list(graph.triples((node, None, None))) + list(graph.triples((None, None, node))):
                graph.remove(triple)


class PublicdataSchemaOrgProfile(RDFProfile):
    """Leak rule for the schema.org structured data embedded in dataset pages (``structured_data`` plugin).

    ``ckanext.dcat.structured_data.profiles = schemaorg publicdata_schemaorg``: the schemaorg profile writes
    each resource's URL as ``schema:contentUrl`` / ``schema:url``; for a conditional or not-open dataset this
    profile takes them out again.
    """

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        if (dataset_dict.get("open_attribute") or "") in RESTRICTED_OPEN_ATTRIBUTES:
            remove_resource_urls(self.g, _resource_urls(dataset_dict))


# The RDF endpoints take a ``?profiles=`` parameter: /dataset/<id>.ttl?profiles=euro_dcat_ap_3 would serialize
# without this profile, and so with the resource URLs of a conditional dataset. The chained actions below keep
# the leak rule in every requested profile list (and last, so it sees every triple the others wrote).
LEAK_GUARD_PROFILES = ("publicdata", "publicdata_schemaorg")


def guarded_profiles(requested: Any) -> Optional[list[str]]:
    """The requested profile list with ``publicdata`` last; None (the configured profiles) if none requested."""
    if not requested:
        return None
    if isinstance(requested, str):
        requested = requested.replace(",", " ").split()
    profiles = [str(name) for name in requested if str(name) not in LEAK_GUARD_PROFILES]
    return profiles + ["publicdata"]


def _with_guarded_profiles(data_dict: dict[str, Any]) -> dict[str, Any]:
    data_dict = dict(data_dict or {})
    data_dict["profiles"] = guarded_profiles(data_dict.get("profiles"))
    return data_dict


@tk.chained_action
def dcat_dataset_show(original_action: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    """ckanext-dcat's ``dcat_dataset_show``, never without the ``publicdata`` profile (leak rule)."""
    return original_action(context, _with_guarded_profiles(data_dict))


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_show(original_action: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    """ckanext-dcat's ``dcat_catalog_show``, never without the ``publicdata`` profile (leak rule)."""
    return original_action(context, _with_guarded_profiles(data_dict))


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_search(original_action: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    """ckanext-dcat's ``dcat_catalog_search``, never without the ``publicdata`` profile (leak rule)."""
    return original_action(context, _with_guarded_profiles(data_dict))


class PublicdataDCATPlugin(p.SingletonPlugin):
    """``publicdata_dcat``: keeps the leak rule in ckanext-dcat's RDF endpoints whatever ``?profiles=`` asks."""

    p.implements(p.IActions)

    def get_actions(self) -> dict[str, Any]:
        return {
            "dcat_dataset_show": dcat_dataset_show,
            "dcat_catalog_show": dcat_catalog_show,
            "dcat_catalog_search": dcat_catalog_search,
        }
