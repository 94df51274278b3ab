"""What the PublicdataPlugin's dataset hooks do for the catalog (the plugin class only delegates here)."""
from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any, Optional

import ckan.model as model
from ckan.lib.plugins import DefaultPermissionLabels

from ckanext.publicdata.catalog import authority
from ckanext.publicdata.catalog.citation import build_citation
from ckanext.publicdata.catalog.values import as_list
from ckanext.publicdata.catalog.helpers import publicdata_vocabulary_label, publicdata_language_text
from ckanext.publicdata.catalog import publication
from ckanext.publicdata.catalog.model import (
    DECISION_AUTO,
    PUBLICATION_PUBLISHED,
    OpenAttributeChange,
    PublicationReview,
)
from ckanext.publicdata.catalog.open_attribute import (
    CONTEXT_APPROVED,
    DATA_STATE_KEY,
    OPENNESS,
    record_change_request,
    supersede_pending,
)

__all__ = [
    "MULTI_VALUE_FIELDS",
    "VOCABULARY_FACETS",
    "COMPUTED_FIELDS",
    "CatalogPermissionLabels",
    "dataset_facets",
    "label_facet_items",
    "index_dataset",
    "show_dataset",
    "dataset_updated",
    "dataset_created",
    "resource_changed",
]

# stored as JSON lists; indexed as lists so they facet one value at a time
MULTI_VALUE_FIELDS = ("priority_domains", "open_conditions", "open_method", "share_method")
# fields added by after_dataset_show that are never stored or indexed
COMPUTED_FIELDS = ("open_attribute_pending", "citation", "publication_status")

_FACET_TITLES: "OrderedDict[str, dict[str, str]]" = OrderedDict([
    ("open_attribute", {"zh_Hans_CN": "开放属性", "en": "Open attribute"}),
    ("priority_domains", {"zh_Hans_CN": "重点领域", "en": "Priority domains"}),
    ("emergency", {"zh_Hans_CN": "突发事件数据", "en": "Emergency data"}),
    ("theme", {"zh_Hans_CN": "主题分类", "en": "Theme"}),
    ("update_frequency", {"zh_Hans_CN": "更新周期", "en": "Update frequency"}),
    ("res_format", {"zh_Hans_CN": "格式", "en": "Formats"}),
    ("organization", {"zh_Hans_CN": "开放主体", "en": "Providers"}),
])
# facets whose values are codes of a vocabulary in presets.yaml
VOCABULARY_FACETS = ("open_attribute", "priority_domains", "theme", "update_frequency", "emergency")

AUTHORITY_CITY_LABEL = "publicdata-authority-city"


def _authority_county_label(bureau_id: str) -> str:
    return f"publicdata-authority-county-{bureau_id}"


class CatalogPermissionLabels(DefaultPermissionLabels):
    """CKAN's labels, plus: the open-data authority reads its agencies' private (e.g. 不予开放) datasets.

    The city authority reads every agency's; a county bureau reads those of the agencies answering to it.
    """

    def get_dataset_labels(self, dataset_obj: model.Package) -> list[str]:
        labels = super().get_dataset_labels(dataset_obj)
        if dataset_obj.private and dataset_obj.owner_org:
            labels.append(AUTHORITY_CITY_LABEL)
            bureau = authority.county_bureau_of(dataset_obj.owner_org)
            if bureau is not None:
                labels.append(_authority_county_label(bureau.id))
        return labels

    def get_user_dataset_labels(self, user_obj: Optional[model.User]) -> list[str]:
        labels = super().get_user_dataset_labels(user_obj)
        if user_obj is None or not getattr(user_obj, "name", None):
            return labels
        if authority.is_city_authority(user_obj.name):
            labels.append(AUTHORITY_CITY_LABEL)
        for bureau in authority.county_bureaus_administered_by(user_obj.name):
            labels.append(_authority_county_label(bureau.id))
        return labels


def dataset_facets(facets_dict: "OrderedDict[str, Any]") -> "OrderedDict[str, Any]":
    """The catalog's facets first (translated titles), then whatever else was configured."""
    ordered: "OrderedDict[str, Any]" = OrderedDict()
    for name, title in _FACET_TITLES.items():
        ordered[name] = publicdata_language_text(title)
    for name, title in facets_dict.items():
        if name not in ordered:
            ordered[name] = title
    return ordered


def label_facet_items(search_results: dict[str, Any]) -> dict[str, Any]:
    """Show vocabulary facet values by their label in the current language instead of the stored code."""
    facets = search_results.get("search_facets") or {}
    for name in VOCABULARY_FACETS:
        facet = facets.get(name)
        if not facet:
            continue
        for item in facet.get("items", []):
            item["display_name"] = publicdata_vocabulary_label(name, item.get("name"))
    return search_results


def index_dataset(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Multi-value fields as lists (so they facet per value); computed read-only fields left out."""
    for field in MULTI_VALUE_FIELDS:
        if field in pkg_dict:
            pkg_dict[field] = as_list(pkg_dict[field])
        extra_key = f"extras_{field}"
        if extra_key in pkg_dict:
            pkg_dict[extra_key] = as_list(pkg_dict[extra_key])
    # 突发事件 (TAX-14) as the codes of its yes/no list, so it facets and filters as emergency:true
    for key in ("emergency", "extras_emergency"):
        if key in pkg_dict and pkg_dict[key] not in (None, ""):
            pkg_dict[key] = "true" if str(pkg_dict[key]).strip().lower() in ("true", "1", "yes", "on") else "false"
    for field in COMPUTED_FIELDS:
        pkg_dict.pop(field, None)
        pkg_dict.pop(f"extras_{field}", None)
    return pkg_dict


def show_dataset(context: dict[str, Any], pkg_dict: dict[str, Any]) -> None:
    """Add what is computed on read: the pending downgrade (TAX-6) and the citation (TAX-15)."""
    # the search index is fed by package_show with validate=False: computed values are not indexed
    if context.get("for_indexing") or context.get("validate") is False or not pkg_dict.get("id"):
        return
    if pkg_dict.get("type", "dataset") != "dataset":  # harvest sources and other types have their own schema
        return
    pending = OpenAttributeChange.pending_for(pkg_dict["id"])
    pkg_dict["open_attribute_pending"] = None if pending is None else {
        "id": pending.id,
        "from_attribute": pending.from_attribute,
        "to_attribute": pending.to_attribute,
        "requested_at": pending.requested_at.isoformat() if pending.requested_at else None,
    }
    pkg_dict["citation"] = build_citation(pkg_dict)
    pkg_dict["publication_status"] = PublicationReview.status_of(pkg_dict["id"])


def dataset_updated(context: dict[str, Any], pkg_dict: dict[str, Any]) -> None:
    """Record a downgrade request left by the validators, or close requests an upgrade made moot."""
    state = pkg_dict.pop(DATA_STATE_KEY, None)
    if state and state.get("review") and state.get("package_id"):
        publication.open_cycle(state["package_id"], pkg_dict.get("owner_org"), state["review"], context.get("user"))
    if not state or not state.get("package_id") or context.get(CONTEXT_APPROVED):
        return
    user = model.User.get(context.get("user") or "")
    user_id = user.id if user else None
    if state.get("downgrade"):
        record_change_request(
            package_id=state["package_id"],
            owner_org=pkg_dict.get("owner_org"),
            from_attribute=state["stored"],
            to_attribute=state["requested"],
            requested_fields=state.get("requested_fields") or {},
            user_id=user_id,
        )
    elif (state.get("stored") in OPENNESS and state.get("requested") in OPENNESS
          and state["requested"] != state["stored"]):
        supersede_pending(state["package_id"], user_id,
                          "开放属性已直接调整 / the open attribute was changed directly")


def dataset_created(context: dict[str, Any], pkg_dict: dict[str, Any]) -> None:
    """A new dataset of provider staff opens a review cycle (TAX-13); nothing else to request."""
    state = pkg_dict.pop(DATA_STATE_KEY, None)
    if state and state.get("review") and pkg_dict.get("id"):
        publication.open_cycle(pkg_dict["id"], pkg_dict.get("owner_org"), state["review"], context.get("user"))


def resource_changed(context: dict[str, Any], resource: dict[str, Any]) -> None:
    """SEC-2: an uploaded resource of a published open dataset changed — scan it again.

    A hit after a change by provider staff withdraws the dataset for review (private) and warns provider and
    authority; after a change by a trusted actor the report is recorded and the authority warned.
    """
    if (resource.get("url_type") != "upload" or context.get(publication.CONTEXT_PUBLISHING)
            or not publication.review_enabled()):
        return
    package = model.Package.get(resource.get("package_id") or "")
    if package is None or package.state != "active" or package.type != "dataset":
        return
    if package.extras.get("open_attribute") == "not_open":
        return
    if PublicationReview.status_of(package.id) != PUBLICATION_PUBLISHED:
        return  # scanned when submitted
    report = publication.scan_dataset({"resources": [resource]}, {resource.get("id")})
    if not report["resources"]:
        return
    if report["clean"]:
        return
    if publication.is_trusted_actor(context.get("user"), package.owner_org):
        cycle = publication.open_cycle(package.id, package.owner_org, "pii_hit", context.get("user"),
                                       status=PUBLICATION_PUBLISHED)
        cycle.decision = DECISION_AUTO
        cycle.pii_report = json.dumps(report, ensure_ascii=False)
        publication.notify_authority(
            package, "publication_pii_hit",
            f"已开放数据集「{package.title}」发现个人信息 / Personal information found in the open dataset "
            f"\"{package.title}\"", "\n".join(publication.report_lines(report)))
    else:
        publication.withdraw_for_review(package, report, context.get("user"))
    model.repo.commit()
