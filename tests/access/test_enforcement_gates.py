"""Denials are applied generically (ACC-9): a denial from ANY IResourceGate implementation (here a stand-in for the
feedback plugin's 'suspended') hides the addresses of an otherwise unconditional dataset on the API channels and
blocks its download route; package_search called with an explicit user judges for that user."""
from __future__ import annotations

from typing import Any, Optional

import pytest

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.publicdata.access import enforcement
from ckanext.publicdata.interfaces import IResourceGate
from tests.access.enforcement_setup import OPEN_FILE_URL, SECRET_FILE_URL, conditional_catalog, package_show
from tests.catalog.taxonomy_setup import api_headers

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false")]


class _SuspensionGate:
    """Suspends the datasets named in ``suspended`` for everybody but sysadmins."""

    def __init__(self) -> None:
        self.suspended: set[str] = set()

    def resource_access_denial(self, package: dict[str, Any], user_name: Optional[str]) -> Optional[str]:
        if package["id"] in self.suspended and user_name != "tax_sysadmin":
            return "suspended"
        return None


@pytest.fixture
def suspension(monkeypatch):
    gate = _SuspensionGate()
    real = p.PluginImplementations

    def implementations(interface):
        found = list(real(interface))
        return found + [gate] if interface is IResourceGate else found

    monkeypatch.setattr(enforcement.p, "PluginImplementations", implementations)
    return gate


def test_any_gate_denial_hides_addresses_and_blocks_downloads(app, suspension):
    catalog = conditional_catalog()
    open_dataset = catalog["unconditional"]
    assert package_show("bystander", open_dataset["id"])["resources"][0]["url"] == OPEN_FILE_URL
    suspension.suspended.add(open_dataset["id"])
    enforcement.clear_request_cache()
    shown = package_show("provider_editor", open_dataset["id"])
    assert shown["access_denial"] == "suspended"
    assert shown["resources"][0]["url"] == "" and shown["resources"][0]["access_denial"] == "suspended"
    assert package_show("tax_sysadmin", open_dataset["id"])["resources"][0]["url"] == OPEN_FILE_URL
    response = app.get(f"/api/3/action/package_show?id={open_dataset['id']}", headers=api_headers("bystander"))
    assert OPEN_FILE_URL not in response.get_data(as_text=True)
    resource_id = open_dataset["resources"][0]["id"]
    download = app.get(f"/dataset/{open_dataset['id']}/resource/{resource_id}/download",
                       headers=api_headers("bystander"), follow_redirects=False)
    assert download.status_code == 403 and "暂停开放" in download.get_data(as_text=True)


def test_package_search_judges_for_the_context_user():
    conditional_catalog()

    def urls_seen(user: str) -> set[str]:
        result = tk.get_action("package_search")({"user": user}, {"q": "*:*", "rows": 50})
        return {resource["url"] for dataset in result["results"] for resource in dataset["resources"]}

    assert any(SECRET_FILE_URL == url for url in urls_seen("provider_editor"))
    assert not any(SECRET_FILE_URL == url for url in urls_seen("bystander"))
