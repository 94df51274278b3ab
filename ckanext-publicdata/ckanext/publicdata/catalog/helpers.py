"""Template helpers of the catalog: vocabulary labels, open-attribute badges, citation, the apply link."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckanext.scheming import helpers as scheming_helpers

from ckanext.publicdata.catalog.citation import build_citation
from ckanext.publicdata.catalog.open_attribute import CONDITIONAL, NOT_OPEN, UNCONDITIONAL

__all__ = [
    "publicdata_vocabulary_label",
    "publicdata_vocabulary_labels",
    "publicdata_open_attribute_badge",
    "publicdata_citation",
    "publicdata_apply_url",
    "publicdata_language_text",
    "publicdata_bilingual",
    "publicdata_publication_review",
]

# endpoints that may serve the 有条件开放 application, first match wins (the application issue adds its own)
APPLY_ENDPOINTS = ("publicdata_access.apply", "publicdata_catalog.apply")

_BADGE_CLASSES = {UNCONDITIONAL: "success", CONDITIONAL: "warning", NOT_OPEN: "danger"}


def _current_language() -> str:
    try:
        return tk.h.lang() or tk.config.get("ckan.locale_default") or "zh_Hans_CN"
    except (RuntimeError, AttributeError, TypeError):
        return tk.config.get("ckan.locale_default") or "zh_Hans_CN"


def publicdata_language_text(text: Any, language: Optional[str] = None) -> str:
    """A {zh_Hans_CN:…, en:…} label in the current language (falls back to Chinese, then to anything)."""
    if not isinstance(text, dict):
        return "" if text is None else str(text)
    language = language or _current_language()
    for candidate in (language, language.split("_")[0], "zh_Hans_CN", "zh", "en"):
        if text.get(candidate):
            return text[candidate]
    return next(iter(text.values()), "")


def _field(field_name: str, schema_kind: str = "dataset") -> Optional[dict[str, Any]]:
    if schema_kind == "organization":
        schema = scheming_helpers.scheming_get_organization_schema("organization") or {}
        fields = schema.get("fields", [])
    else:
        schema = scheming_helpers.scheming_get_dataset_schema("dataset") or {}
        fields = schema.get("resource_fields" if schema_kind == "resource" else "dataset_fields", [])
    return scheming_helpers.scheming_field_by_name(fields, field_name)


def publicdata_vocabulary_label(field_name: str, value: Any, schema_kind: str = "dataset",
                            language: Optional[str] = None) -> str:
    """The label of a vocabulary code (``open_attribute``, ``theme`` …) in the current language."""
    field = _field(field_name, schema_kind)
    if not field or value in (None, ""):
        return "" if value is None else str(value)
    for choice in field.get("choices") or []:
        if choice.get("value") == value:
            return publicdata_language_text(choice.get("label"), language)
    return str(value)


def publicdata_vocabulary_labels(field_name: str, values: Any, schema_kind: str = "dataset") -> list[str]:
    """Labels of a multiple-choice value (a list, or its JSON form)."""
    if isinstance(values, str):
        import json
        try:
            values = json.loads(values)
        except ValueError:
            values = [values]
    return [publicdata_vocabulary_label(field_name, value, schema_kind) for value in values or []]


def publicdata_open_attribute_badge(pkg_dict: dict[str, Any]) -> Optional[dict[str, str]]:
    """What the open-attribute badge shows: label, css class and the code, or None without an attribute."""
    value = pkg_dict.get("open_attribute")
    if not value:
        return None
    return {
        "value": value,
        "label": publicdata_vocabulary_label("open_attribute", value),
        "css_class": _BADGE_CLASSES.get(value, "secondary"),
    }


def publicdata_citation(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """The dataset's citation (TAX-15); package_show already carries it, a search result does not."""
    citation = pkg_dict.get("citation")
    if isinstance(citation, dict) and citation.get("text"):
        return citation
    return build_citation(pkg_dict)


def publicdata_apply_url(pkg_dict: dict[str, Any]) -> Optional[str]:
    """Where to apply for conditionally open data, or None if no route serves it."""
    for endpoint in APPLY_ENDPOINTS:
        try:
            return tk.url_for(endpoint, id=pkg_dict.get("name") or pkg_dict.get("id"))
        except Exception:  # werkzeug BuildError: the endpoint is not registered
            continue
    return None


def publicdata_bilingual(zh: str, en: str) -> str:
    """Pick the Chinese or the English wording for the current language (templates' short-hand)."""
    return publicdata_language_text({"zh_Hans_CN": zh, "en": en})


def publicdata_publication_review(package_id: str) -> Optional[dict[str, Any]]:
    """The dataset's current publication review cycle (status, reasons, scan report), or None (TAX-13)."""
    from ckanext.publicdata.catalog.model import PublicationReview

    cycle = PublicationReview.current(package_id)
    return cycle.dictize() if cycle is not None else None
