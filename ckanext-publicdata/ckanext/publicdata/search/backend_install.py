"""Installs the search backend behind CKAN's make_connection seam. (Being written: see issue 3.)"""
from __future__ import annotations

from typing import Any


def configure(config: Any) -> None:
    config.setdefault("solr_url", "http://127.0.0.1:8983/solr/ckan")


def uninstall() -> None:
    return None


def health(backend: str) -> tuple[bool, str]:
    return False, f"backend {backend}: not implemented yet"
