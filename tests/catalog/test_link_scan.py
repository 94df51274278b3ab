"""Linked (not uploaded) resources are fetched and scanned for personal information before publication (SEC-1),
with an SSRF guard (no private or loopback addresses unless configured), a size cap and a timeout."""
from __future__ import annotations

import http.server
import threading
from typing import Iterator

import pytest

import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog.link_fetch import LinkRefused, address_is_public, check_url, fetch_link
from tests.catalog.taxonomy_setup import authority_hierarchy, create_dataset
from tests.catalog.test_publication_review import resident_id_number

ID_NUMBER = resident_id_number()
FILES = {
    "/people.csv": f"姓名,公民身份号码\n张三,{ID_NUMBER}\n".encode("utf-8"),
    "/clean.csv": "线路,站点\n1路,火车站\n".encode("utf-8"),
    "/big.json": b"[" + b",".join(b'{"stop": "%d"}' % index for index in range(5000)) + b"]",
}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/hop":
            self.send_response(302)
            self.send_header("Location", "/people.csv")
            self.end_headers()
            return
        body = FILES.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def file_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _linked_dataset(url: str, fmt: str = "CSV") -> dict:
    dataset = create_dataset("provider_editor", tk.get_action("organization_show")(
        {"ignore_auth": True}, {"id": "bincheng-market"})["id"])
    tk.get_action("resource_create")({"user": "provider_editor"}, {
        "package_id": dataset["id"], "name": "名册", "format": fmt, "url": url})
    return dataset


def _submit(dataset_id: str) -> dict:
    return tk.get_action("publicdata_publication_submit")({"user": "provider_editor"}, {"id": dataset_id})


class TestAddressCheck:
    @pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254",
                                         "100.64.0.1", "0.0.0.0", "::1", "fc00::1", "fe80::1", "::ffff:127.0.0.1"])
    def test_internal_addresses_are_not_public(self, address):
        assert address_is_public(address) is False

    @pytest.mark.parametrize("address", ["8.8.8.8", "114.114.114.114", "2400:3200::1"])
    def test_internet_addresses_are_public(self, address):
        assert address_is_public(address) is True

    @pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a.csv", "gopher://127.0.0.1/",
                                     "http://127.0.0.1:5000/api", "http://[::1]/x.csv", "http://localhost/x.csv"])
    def test_other_schemes_and_internal_hosts_are_refused(self, url):
        with pytest.raises(LinkRefused) as refused:
            check_url(url, allow_private=False)
        assert " / " in str(refused.value)


class TestFetch:
    def test_a_redirect_to_an_internal_address_is_checked_too(self, file_server):
        with pytest.raises(LinkRefused):
            fetch_link(file_server + "/hop", allow_private=False)
        fetched = fetch_link(file_server + "/hop", allow_private=True)
        assert fetched.final_url.endswith("/people.csv") and fetched.size == len(FILES["/people.csv"])

    def test_the_size_cap_cuts_the_body(self, file_server):
        fetched = fetch_link(file_server + "/big.json", max_bytes=2048, allow_private=True)
        assert fetched.truncated and fetched.size == 2048
        with open(fetched.path, "rb") as handle:
            assert handle.read() == FILES["/big.json"][:2048]


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestLinkedResourcesBeforePublication:
    @pytest.mark.ckan_config("ckanext.publicdata.pii.link_allow_private", "true")
    def test_personal_information_behind_a_link_blocks_and_reaches_the_authority_queue(self, file_server):
        authority_hierarchy()
        dataset = _linked_dataset(file_server + "/people.csv")
        with pytest.raises(tk.ValidationError) as error:
            _submit(dataset["id"])
        text = "\n".join(error.value.error_dict["resources"])
        assert "公民身份号码" in text and ID_NUMBER not in text
        queue = tk.get_action("publicdata_publication_queue")({"user": "county_admin"}, {})
        assert [item["package_id"] for item in queue["results"]] == [dataset["id"]]
        assert queue["results"][0]["blocked_submission"] is True

    @pytest.mark.ckan_config("ckanext.publicdata.pii.link_allow_private", "true")
    def test_a_clean_link_is_scanned_and_the_submission_goes_through(self, file_server):
        authority_hierarchy()
        dataset = _linked_dataset(file_server + "/clean.csv")
        result = _submit(dataset["id"])
        assert result["status"] == "submitted" and not result["pii_blocked"]
        scanned = result["pii_report"]["resources"]
        assert [entry["source"] for entry in scanned] == ["link"]

    def test_by_default_an_internal_link_is_not_fetched_and_the_authority_is_told(self, file_server):
        authority_hierarchy()
        dataset = _linked_dataset(file_server + "/people.csv")
        result = _submit(dataset["id"])  # not fetched: nothing found, so it is not blocked …
        assert result["status"] == "submitted" and result["pii_report"]["resources"] == []
        # … but the reviewer reads that it was not scanned, and why
        (line,) = result["not_scanned_lines"]
        assert "127.0.0.1" in line and " / " in line

    @pytest.mark.ckan_config("ckanext.publicdata.pii.link_allow_private", "true")
    @pytest.mark.ckan_config("ckanext.publicdata.pii.link_max_bytes", "2048")
    def test_an_oversized_json_link_is_listed_as_not_scanned(self, file_server):
        authority_hierarchy()
        dataset = _linked_dataset(file_server + "/big.json", fmt="JSON")
        result = _submit(dataset["id"])
        assert result["status"] == "submitted"
        assert any("2048" in line for line in result["not_scanned_lines"])
