"""Paging through a CKAN portal's ``package_search`` (shared by the node and stock CKAN harvesters)."""
from __future__ import annotations

from typing import Any, Iterator, Optional

from ckanext.publicdata.harvest.base import HarvestSourceError
from ckanext.publicdata.harvest.harvesters import http

__all__ = ["iter_packages", "validate_paging_options"]


def validate_paging_options(options: dict[str, Any]) -> None:
    page_size = options.get("page_size", 100)
    if not isinstance(page_size, int) or isinstance(page_size, bool) or not 1 <= page_size <= 1000:
        raise ValueError("page_size 须为 1 到 1000 之间的整数 / page_size must be an integer from 1 to 1000")
    for key in ("fq", "api_token"):
        if key in options and not isinstance(options[key], str):
            raise ValueError(f"{key} 须为字符串 / {key} must be a string")


def iter_packages(base_url: str, options: dict[str, Any], timeout: float) -> Iterator[dict[str, Any]]:
    """Yield every dataset of the portal, one page of ``package_search`` at a time (sorted by id)."""
    search_url = base_url.rstrip("/") + "/api/3/action/package_search"
    page_size = int(options.get("page_size", 100))
    token: Optional[str] = options.get("api_token")
    params: dict[str, Any] = {"rows": page_size, "start": 0, "sort": "id asc"}
    fq = options.get("fq")
    if fq:
        params["fq"] = fq
    if token:
        params["include_private"] = "true"
    seen_ids: set[str] = set()
    previous_first: Optional[str] = None
    while True:
        document = http.get_json(search_url, timeout, token, params=params)
        if not isinstance(document, dict) or not document.get("success") or not isinstance(
                document.get("result"), dict):
            raise HarvestSourceError(f"{search_url} 不是 CKAN 的 package_search 应答 / {search_url} did not answer like "
                                     f"CKAN's package_search")
        results = document["result"].get("results") or []
        if not isinstance(results, list):
            raise HarvestSourceError(f"{search_url} 的 results 不是列表 / The results of {search_url} are not a list")
        if not results:
            return
        first = str(results[0].get("id")) if isinstance(results[0], dict) else None
        if first is not None and first == previous_first:
            raise HarvestSourceError(f"{search_url} 的分页不起作用 / Paging does not work at {search_url}")
        previous_first = first
        for package in results:
            if not isinstance(package, dict) or not package.get("id"):
                continue
            if package["id"] in seen_ids:  # changed while paging
                continue
            seen_ids.add(package["id"])
            yield package
        if len(results) < page_size:
            return
        params["start"] += page_size
