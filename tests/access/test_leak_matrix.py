"""The leak matrix (issue 5 acceptance; ACC-1, ACC-9, ACC-11, SEC-3): every role × every channel.

A conditional dataset has three resources: a linked file and a linked API (both served by a local "upstream"
whose addresses contain known secret markers) and an uploaded file with known bytes. For each channel the test asks
every role what it receives and compares WHO saw a secret address and WHO received data bytes with the rightful
cells written out below. Only the provider's staff, its authority and sysadmins may ever see an upstream address; a
holder of an active grant receives the bytes through the portal (download route or gateway) and nobody else does.
"""
from __future__ import annotations

import datetime
import http.server
import threading
from typing import Any, Callable, Optional

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.publicdata.access import grants
from tests.access.enforcement_setup import grant, today
from tests.catalog.taxonomy_setup import api_headers, authority_hierarchy, conditional_fields, create_dataset

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false")]

FILE_MARKER = "enterprise-credit-7f3a9c"   # in the linked file's upstream address
API_MARKER = "secret-endpoint-51be07"      # in the linked API's upstream address
SECRET_MARKERS = (FILE_MARKER, API_MARKER)
UPLOAD_BYTES = "统一社会信用代码,评价等级\nUPLOADED-BYTES-c41d,A\n"
UPLOAD_MARKER = "UPLOADED-BYTES-c41d"
UPSTREAM_MARKER = "UPSTREAM-BYTES-93e2"     # in every answer of the upstream server
BYTE_MARKERS = (UPLOAD_MARKER, UPSTREAM_MARKER)

# role → user name (None: anonymous)
ROLES: dict[str, Optional[str]] = {
    "anonymous": None,
    "logged_in": "bystander",
    "applicant_before_approval": "pending_applicant",
    "active_grant": "applicant",
    "expired_grant": "expired_holder",
    "revoked_grant": "revoked_holder",
    "other_org_editor": "other_editor",
    "provider": "provider_editor",
    "authority": "county_admin",
    "sysadmin": "tax_sysadmin",
}
PRIVILEGED = {"provider", "authority", "sysadmin"}
WITH_DATA = PRIVILEGED | {"active_grant"}
NOBODY: set[str] = set()


class _Upstream(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        kind = "file" if FILE_MARKER in self.path else "api"
        credentials = "yes" if self.headers.get("Authorization") or self.headers.get("Cookie") else "no"
        body = f"{UPSTREAM_MARKER} {kind} credentials={credentials}".encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def upstream():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def world(upstream, create_with_upload):
    """The catalog, the grants of each role and an API token per logged-in role."""
    city = authority_hierarchy()
    for name in ("applicant", "expired_holder", "revoked_holder", "pending_applicant", "bystander"):
        city["users"][name] = helpers.call_action("user_create", name=name, email=f"{name}@example.cn",
                                                  password="Test-passw0rd!")
    agency = city["orgs"]["agency"]["id"]
    dataset = create_dataset(
        "tax_sysadmin", agency, title="企业信用评价明细", **conditional_fields(),
        resources=[
            {"name": "信用评价明细", "url": f"{upstream}/files/{FILE_MARKER}.csv", "format": "CSV",
             "access_method": "download"},
            {"name": "信用评价查询接口", "url": f"{upstream}/v2/{API_MARKER}", "format": "API",
             "access_method": "api"},
        ])
    uploaded = create_with_upload(UPLOAD_BYTES, "credit.csv", package_id=dataset["id"], name="上传的评价文件",
                                  format="CSV", context={"user": "tax_sysadmin"})
    dataset = tk.get_action("package_show")({"user": "tax_sysadmin"}, {"id": dataset["id"]})
    # a preview of the linked file: the image view shows the resource's address
    preview = helpers.call_action("resource_view_create", {"user": "tax_sysadmin"},
                                  resource_id=dataset["resources"][0]["id"], view_type="image_view", title="预览")
    grant("applicant", dataset["id"])
    grant("expired_holder", dataset["id"], starts_on=today() - datetime.timedelta(days=60),
          expires_on=today() - datetime.timedelta(days=1))
    revoked = grant("revoked_holder", dataset["id"])
    grants.revoke_grant(revoked.id, model.User.get("provider_admin").id, "违反协议约定用途", True)
    model.Session.commit()
    headers = {role: (api_headers(user) if user else {}) for role, user in ROLES.items()}
    return {"dataset": dataset, "resources": dataset["resources"], "uploaded": uploaded, "headers": headers,
            "org": city["orgs"]["agency"], "preview": preview}


def _get(app: Any, url: str, headers: dict[str, str]) -> str:
    """Body and Location header of a GET (redirects not followed: a Location may itself leak)."""
    response = app.get(url, headers=headers, follow_redirects=False)
    return response.get_data(as_text=True) + "\n" + response.headers.get("Location", "")


def _seen(text: str, markers: tuple[str, ...]) -> bool:
    return any(marker in text for marker in markers)


# each channel: what a role receives, as text
Channel = Callable[[Any, dict[str, Any], dict[str, str]], str]


def _each_resource(path: str) -> Channel:
    def fetch(app: Any, world: dict[str, Any], headers: dict[str, str]) -> str:
        name = world["dataset"]["name"]
        return "\n".join(_get(app, path.format(name=name, id=world["dataset"]["id"], rid=resource["id"]), headers)
                         for resource in world["resources"])
    return fetch


def _path(path: str) -> Channel:
    def fetch(app: Any, world: dict[str, Any], headers: dict[str, str]) -> str:
        dataset = world["dataset"]
        return _get(app, path.format(name=dataset["name"], id=dataset["id"], org=world["org"]["name"]), headers)
    return fetch


def _activity_pages(app: Any, world: dict[str, Any], headers: dict[str, str]) -> str:
    dataset = world["dataset"]
    activities = helpers.call_action("package_activity_list", {"user": "tax_sysadmin"}, id=dataset["id"])
    texts = [_get(app, f"/api/3/action/package_activity_list?id={dataset['id']}", headers),
             _get(app, f"/dataset/activity/{dataset['name']}", headers)]
    for activity in activities:
        texts.append(_get(app, f"/api/3/action/activity_show?id={activity['id']}&include_data=true", headers))
        texts.append(_get(app, f"/api/3/action/activity_data_show?id={activity['id']}", headers))
        texts.append(_get(app, f"/api/3/action/activity_diff?id={activity['id']}&object_type=package", headers))
        texts.append(_get(app, f"/dataset/changes/{activity['id']}", headers))
    return "\n".join(texts)


def _other_activity_streams(app: Any, world: dict[str, Any], headers: dict[str, str]) -> str:
    return "\n".join(_get(app, url, headers) for url in (
        f"/api/3/action/organization_activity_list?id={world['org']['id']}",
        "/api/3/action/user_activity_list?id=tax_sysadmin",
        "/api/3/action/recently_changed_packages_activity_list",
        "/api/3/action/dashboard_activity_list",
        f"/organization/activity/{world['org']['name']}",
    ))


def _stock_ckan_harvester(app: Any, world: dict[str, Any], headers: dict[str, str]) -> str:
    """The requests ckanext-harvest's CKAN harvester sends to a remote portal (package_search pages, then
    package_show), with whatever credentials the harvesting portal was configured with."""
    dataset = world["dataset"]
    return "\n".join(_get(app, url, headers) for url in (
        "/api/action/package_search?fq=-organization:none&rows=100&start=0&sort=id+asc",
        f"/api/action/package_search?fq=id:{dataset['id']}",
        f"/api/action/package_show?id={dataset['id']}",
        f"/api/3/action/package_show?id={dataset['name']}",
    ))


# channel → (fetch, who may see a secret upstream address, who may receive data bytes)
CHANNELS: dict[str, tuple[Channel, set[str], set[str]]] = {
    "api_package_show": (_path("/api/3/action/package_show?id={id}"), PRIVILEGED, NOBODY),
    "api_package_search": (_path("/api/3/action/package_search?q=*:*&rows=100&include_private=true"),
                           PRIVILEGED, NOBODY),
    "api_package_search_fl": (
        _path("/api/3/action/package_search?q=*:*&fl=id,res_url,urls,validated_data_dict,data_dict&rows=100"),
        PRIVILEGED, NOBODY),
    "api_search_by_url": (_path(f"/api/3/action/package_search?q=res_url:*{API_MARKER}*&fl=id,name"),
                          NOBODY, NOBODY),
    "api_resource_show": (_each_resource("/api/3/action/resource_show?id={rid}"), PRIVILEGED, NOBODY),
    "api_resource_search": (_path(f"/api/3/action/resource_search?query=url:{API_MARKER}"), PRIVILEGED, NOBODY),
    "api_package_list_with_resources": (_path("/api/3/action/current_package_list_with_resources"),
                                        PRIVILEGED, NOBODY),
    "dataset_page": (_path("/dataset/{name}"), PRIVILEGED, NOBODY),
    "resource_pages": (_each_resource("/dataset/{name}/resource/{rid}"), PRIVILEGED, NOBODY),
    "resource_view": (lambda app, world, headers: _get(
        app, f"/dataset/{world['dataset']['name']}/resource/{world['preview']['resource_id']}"
             f"/view/{world['preview']['id']}", headers) + "\n" + _get(
        app, f"/api/3/action/resource_view_list?id={world['preview']['resource_id']}", headers),
        PRIVILEGED, NOBODY),
    "download_route": (_each_resource("/dataset/{id}/resource/{rid}/download"), PRIVILEGED, WITH_DATA),
    "download_route_named": (_each_resource("/dataset/{name}/resource/{rid}/download/credit.csv"),
                             PRIVILEGED, WITH_DATA),
    "gateway": (_each_resource("/api/publicdata/access/resource/{rid}"), NOBODY, WITH_DATA),
    "activity_of_dataset": (_activity_pages, PRIVILEGED, NOBODY),
    "other_activity_streams": (_other_activity_streams, PRIVILEGED, NOBODY),
    # the publicdata DCAT profile drops every download address of a conditional dataset, for everyone
    "dcat_dataset": (lambda app, world, headers: "\n".join(
        _get(app, f"/dataset/{world['dataset']['name']}.{ext}", headers) for ext in ("ttl", "rdf", "jsonld")),
        NOBODY, NOBODY),
    "dcat_catalog": (_path("/catalog.ttl"), NOBODY, NOBODY),
    "feeds": (lambda app, world, headers: "\n".join(_get(app, url, headers) for url in (
        "/feeds/dataset.atom", f"/feeds/organization/{world['org']['name']}.atom", "/feeds/custom.atom?q=*:*")),
        NOBODY, NOBODY),
    "stock_ckan_harvester": (_stock_ckan_harvester, PRIVILEGED, NOBODY),
}


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_only_rightful_cells_see_addresses_or_bytes(app, world, channel):
    fetch, may_see_address, may_get_bytes = CHANNELS[channel]
    saw_address, got_bytes = set(), set()
    for role in ROLES:
        text = fetch(app, world, world["headers"][role])
        if _seen(text, SECRET_MARKERS):
            saw_address.add(role)
        if _seen(text, BYTE_MARKERS):
            got_bytes.add(role)
    assert sorted(saw_address) == sorted(may_see_address), f"{channel}: who saw a secret upstream address"
    assert sorted(got_bytes) == sorted(may_get_bytes), f"{channel}: who received data bytes"


def test_unconditional_dataset_is_untouched_for_everyone(app, world):
    """ACC-1: an unconditional dataset's address reaches anonymous users through the API unchanged."""
    open_dataset = create_dataset(
        "tax_sysadmin", world["org"]["id"], title="企业名录",
        resources=[{"name": "企业名录", "url": "https://data.example.cn/open/list-2b7c.csv", "format": "CSV"}])
    for role in ("anonymous", "logged_in"):
        body = _get(app, f"/api/3/action/package_show?id={open_dataset['id']}", world["headers"][role])
        assert "open/list-2b7c.csv" in body and "url_hidden" not in body


def test_denied_routes_answer_403_with_a_bilingual_reason(app, world):
    resource = world["resources"][0]
    for role in ("anonymous", "expired_grant", "revoked_grant", "other_org_editor"):
        response = app.get(f"/dataset/{world['dataset']['id']}/resource/{resource['id']}/download",
                           headers=world["headers"][role], follow_redirects=False)
        assert response.status_code == 403, role
        body = response.get_data(as_text=True)
        assert "有条件开放" in body and "conditionally open" in body
        gateway = app.get(f"/api/publicdata/access/resource/{resource['id']}", headers=world["headers"][role])
        assert gateway.status_code == 403 and gateway.json["error"]["access_denial"] == "conditional"
