"""Dataset citation (TAX-15): source unit, title, portal, URL and the acquisition date (today).

The text follows GB/T 7714-2015 for an online data set: ``责任者. 题名[DS/OL]. 出版者, 发布日期[引用日期]. 网址.``
"""
from __future__ import annotations

import datetime
from typing import Any, Optional
from zoneinfo import ZoneInfo

import ckan.plugins.toolkit as tk

from ckanext.publicdata import config

__all__ = ["today", "dataset_url", "build_citation"]


def today() -> datetime.date:
    """Today in the portal's display time zone (Asia/Shanghai unless configured)."""
    zone_name = tk.config.get("ckan.display_timezone") or "Asia/Shanghai"
    try:
        zone = ZoneInfo(zone_name)
    except (KeyError, ValueError):
        zone = ZoneInfo("Asia/Shanghai")
    return datetime.datetime.now(zone).date()


def dataset_url(pkg_dict: dict[str, Any]) -> str:
    site_url = (tk.config.get("ckan.site_url") or "").rstrip("/")
    root = (tk.config.get("ckan.root_path") or "").replace("{{LANG}}", "").rstrip("/")
    return f"{site_url}{root}/dataset/{pkg_dict.get('name') or pkg_dict.get('id')}"


def _source(pkg_dict: dict[str, Any]) -> str:
    organization = pkg_dict.get("organization") or {}
    if isinstance(organization, dict) and organization.get("title"):
        return organization["title"]
    if pkg_dict.get("owner_org"):
        from ckan import model
        group = model.Group.get(pkg_dict["owner_org"])
        if group is not None:
            return group.title or group.name
    return ""


def build_citation(pkg_dict: dict[str, Any], accessed: Optional[datetime.date] = None) -> dict[str, Any]:
    """The parts of a citation and the formatted text, for the page, the API and the copy button."""
    accessed = accessed or today()
    source = _source(pkg_dict)
    title = pkg_dict.get("title") or pkg_dict.get("name") or ""
    portal = config.portal_name()
    url = dataset_url(pkg_dict)
    released = str(pkg_dict.get("release_date") or "")[:10] or str(pkg_dict.get("metadata_created") or "")[:10]
    published = f"{portal}, {released}" if released else portal
    text = f"{source}. {title}[DS/OL]. {published}[{accessed.isoformat()}]. {url}"
    if not source:
        text = text[2:]
    return {
        "source": source,
        "title": title,
        "identifier": pkg_dict.get("identifier") or "",
        "portal": portal,
        "url": url,
        "release_date": released,
        "accessed": accessed.isoformat(),
        "text": text,
    }
