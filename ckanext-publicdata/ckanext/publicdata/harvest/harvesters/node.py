"""``publicdata_node_harvester``: a county node running this extension, harvested losslessly via its CKAN API.

The node's datasets carry the same catalog schema, so every taxonomy field is taken as it is (after the same
vocabulary and validation as any record). The node's organization becomes the local one of the same name, or the
one ``provider_map`` names (keyed by the node's organization name or title). Source configuration::

    {"provider_map": {"bincheng-market": "bincheng-market-supervision"},
     "owner_org": "bincheng-data-bureau",      # fallback for unmapped organizations (optional)
     "api_token": "…",                          # optional: also harvest the node's not-open (private) datasets
     "trusted": false, "withdraw_brake": 0.2, "page_size": 100, "timeout": 60}
"""
from __future__ import annotations

from typing import Any, Iterator

from ckanext.publicdata.harvest.base import (
    DATASET_FIELDS,
    PublicdataHarvesterBase,
    SourceConfig,
    SourceRecord,
)
from ckanext.publicdata.harvest.harvesters.ckan_api import iter_packages, validate_paging_options

__all__ = ["PublicdataNodeHarvester", "node_record_fields"]

UNPUBLISHED = ("draft", "submitted", "returned")


def node_record_fields(package: dict[str, Any], base_url: str = "") -> dict[str, Any]:
    """A node's package dict → catalog fields (the same names: nothing to translate but the organization)."""
    fields: dict[str, Any] = {name: package[name] for name in DATASET_FIELDS if name in package}
    if "tag_string" not in fields and package.get("tags"):
        fields["tag_string"] = [tag.get("name") for tag in package["tags"] if isinstance(tag, dict)]
    organization = package.get("organization") or {}
    if isinstance(organization, dict):
        fields["provider"] = organization.get("name") or organization.get("title")
        if organization.get("agency_code"):
            fields["provider_code"] = organization["agency_code"]
    if base_url and package.get("name"):
        fields["landing_page"] = f"{base_url.rstrip('/')}/dataset/{package['name']}"
    fields["resources"] = package.get("resources") or []
    return fields


class PublicdataNodeHarvester(PublicdataHarvesterBase):
    harvester_info = {
        "name": "publicdata_node",
        "title": "County node of this portal (CKAN API, lossless)",
        "description": "Harvests another portal running ckanext-publicdata (a county node) with its taxonomy intact.",
        "form_config_interface": "Text",
    }

    def validate_options(self, options: dict[str, Any]) -> None:
        validate_paging_options(options)

    def iter_records(self, source_url: str, config: SourceConfig, job: Any) -> Iterator[SourceRecord]:
        for package in iter_packages(source_url, config.options, config.timeout):
            if package.get("type", "dataset") != "dataset":
                continue
            if package.get("publication_status") in UNPUBLISHED:
                continue  # not yet published on the node: its own review comes first
            package["_source_url"] = source_url
            yield SourceRecord(guid=package["id"], content=package)

    def record_fields(self, content: Any, config: SourceConfig) -> dict[str, Any]:
        return node_record_fields(content, content.get("_source_url", ""))
