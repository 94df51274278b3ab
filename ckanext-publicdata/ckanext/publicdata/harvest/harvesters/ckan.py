"""``publicdata_ckan_harvester``: a stock CKAN portal, mapped to the taxonomy by a declarative configuration.

Stock CKAN has none of the catalog fields, so the source configuration says where each one is (``field_map``,
see harvest/mapping.py) and how the source's values read (``synonyms``). The defaults below cover core CKAN
fields; ``open_attribute`` has no default path besides ``open_attribute`` / ``extras.open_attribute``: a record
without one fails. Example::

    {"owner_org": "city-statistics",
     "provider_map": {"tongji": "city-statistics"},
     "field_map": {
        "identifier": {"paths": ["extras.resource_code", "name"]},
        "open_attribute": {"path": "extras.access_level",
                           "map": {"public": "unconditional", "restricted": "conditional"}},
        "update_frequency": "extras.frequency",
        "theme": "groups[0].name"},
     "synonyms": {"theme": {"economy-finance": "economy"}},
     "trusted": false, "page_size": 100}
"""
from __future__ import annotations

from typing import Any, Iterator

from ckanext.publicdata.harvest.base import PublicdataHarvesterBase, SourceConfig, SourceRecord
from ckanext.publicdata.harvest.harvesters.ckan_api import iter_packages, validate_paging_options
from ckanext.publicdata.harvest.mapping import apply_field_map, validate_field_map

__all__ = ["PublicdataCKANHarvester", "DEFAULT_CKAN_FIELD_MAP"]

DEFAULT_CKAN_FIELD_MAP: dict[str, Any] = {
    "title": "title",
    "notes": "notes",
    "identifier": {"paths": ["identifier", "extras.identifier", "name"]},
    "tag_string": "tags[*].name",
    "provider": {"paths": ["organization.name", "organization.title"]},
    "open_attribute": {"paths": ["open_attribute", "extras.open_attribute"]},
    "update_frequency": {"paths": ["update_frequency", "extras.update_frequency", "extras.frequency"]},
    "contact_name": {"paths": ["maintainer", "author"]},
    "contact_email": {"paths": ["maintainer_email", "author_email"]},
    "resources": "resources",
}


class PublicdataCKANHarvester(PublicdataHarvesterBase):
    harvester_info = {
        "name": "publicdata_ckan",
        "title": "Stock CKAN portal (field and vocabulary mapping)",
        "description": "Harvests a CKAN portal, mapping its fields and vocabularies to the portal's taxonomy.",
        "form_config_interface": "Text",
    }

    def validate_options(self, options: dict[str, Any]) -> None:
        validate_paging_options(options)
        validate_field_map(options.get("field_map"))

    def _rules(self, config: SourceConfig) -> dict[str, dict[str, Any]]:
        rules = validate_field_map(DEFAULT_CKAN_FIELD_MAP)
        rules.update(validate_field_map(config.options.get("field_map")))
        return rules

    def iter_records(self, source_url: str, config: SourceConfig, job: Any) -> Iterator[SourceRecord]:
        for package in iter_packages(source_url, config.options, config.timeout):
            if package.get("type", "dataset") == "harvest":
                continue
            package["_source_url"] = source_url
            yield SourceRecord(guid=package["id"], content=package)

    def record_fields(self, content: Any, config: SourceConfig) -> dict[str, Any]:
        fields = apply_field_map(content, self._rules(config))
        base_url = content.get("_source_url", "")
        if base_url and content.get("name"):
            fields["landing_page"] = f"{base_url.rstrip('/')}/dataset/{content['name']}"
        return fields
