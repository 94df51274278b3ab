"""Template helpers of the portal."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.publicdata import config


def publicdata_portal_name() -> str:
    """The portal's display name (公共数据开放网 unless configured)."""
    return config.portal_name()


def publicdata_home_stats() -> dict[str, Any]:
    """Figures for the home page, as the current visitor may see them (public datasets only).

    One package_search with facets: total, per open attribute, per priority domain, providers, formats,
    and the newest datasets. Cached for the request.
    """
    cached = getattr(tk.g, "_publicdata_home_stats", None)
    if cached is not None:
        return cached
    result = tk.get_action("package_search")(
        {},
        {
            "q": "*:*",
            "rows": 6,
            "sort": "metadata_modified desc",
            "include_private": False,
            "facet.field": ["open_attribute", "priority_domains", "organization", "res_format"],
            "facet.limit": -1,
        },
    )
    facets = result.get("search_facets", {})

    def items(name: str) -> list[dict[str, Any]]:
        return sorted(facets.get(name, {}).get("items", []), key=lambda item: -item["count"])

    stats = {
        "total": result["count"],
        "by_open_attribute": {item["name"]: item["count"] for item in items("open_attribute")},
        "priority_domains": items("priority_domains"),
        "providers": len(items("organization")),
        "formats": items("res_format"),
        "latest": result["results"],
    }
    tk.g._publicdata_home_stats = stats
    return stats


# The catalog's helpers, re-exported. With __all__ the blanket reads exactly these names: list new helpers here.
from ckanext.publicdata.catalog import helpers as _catalog_helpers  # noqa: E402
from ckanext.publicdata.catalog.helpers import *  # noqa: E402,F401,F403

__all__ = ["publicdata_portal_name", "publicdata_home_stats", *_catalog_helpers.__all__]
