"""A suspension takes effect on every channel at once and ends there on restore (FB-2, FB-3; issue 6 item 3).

The denial itself is applied by the access enforcement (IResourceGate); these tests prove that the feedback
plugin's gate answers ``suspended`` on each channel in the request right after the suspend call, that the
provider and the authority keep their access, and that restoring gives everything back.
"""
from __future__ import annotations

import json

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.feedback import suspension as suspensions

from tests.feedback.suspension_setup import headers, open_dataset, people_and_agencies

pytestmark = [
    pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false"),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

ACTION = "/api/3/action/"
FILE_URL = "http://data.example.org/enterprises-v1.csv"


@pytest.fixture
def world():
    setup = people_and_agencies()
    dataset = open_dataset("provider_editor", setup["orgs"]["agency"]["id"])
    view = tk.get_action("resource_view_create")(
        {"user": "provider_editor"},
        {"resource_id": dataset["resources"][0]["id"], "view_type": "image_view", "title": "预览"})
    setup.update(dataset=dataset, resource=dataset["resources"][0], view=view)
    return setup


def _suspend(app, dataset, user="provider_editor"):
    app.post(ACTION + "publicdata_dataset_suspend", json={"id": dataset["id"], "reason": "含身份证号"},
             headers=headers(user))


def _restore(app, dataset, user="provider_editor"):
    app.post(ACTION + "publicdata_dataset_suspension_lift", json={"id": dataset["id"], "outcome": "restored"},
             headers=headers(user))


def _shown_resource(app, dataset, user=None):
    extra = {"headers": headers(user)} if user else {}
    return app.get(ACTION + "package_show", params={"id": dataset["id"]}, **extra).json["result"]["resources"][0]


class TestEveryChannel:
    def test_package_show_and_search_hide_the_address(self, app, world):
        dataset = world["dataset"]
        assert _shown_resource(app, dataset)["url"] == FILE_URL
        _suspend(app, dataset)
        hidden = _shown_resource(app, dataset)
        assert hidden["url"] != FILE_URL and FILE_URL not in json.dumps(hidden)
        assert hidden["access_denial"] == "suspended"
        for user in (None, "outsider", "other_editor"):
            extra = {"headers": headers(user)} if user else {}
            found = app.get(ACTION + "package_search", params={"q": "企业登记"}, **extra).json["result"]
            assert found["count"] == 1  # still listed (as suspended), never with its address
            assert FILE_URL not in json.dumps(found["results"])
            assert found["results"][0]["suspension"]["notice"]
        _restore(app, dataset)
        assert _shown_resource(app, dataset)["url"] == FILE_URL
        found = app.get(ACTION + "package_search", params={"q": "企业登记"}).json["result"]
        assert FILE_URL in json.dumps(found["results"]) and found["results"][0]["suspension"] is None

    def test_resource_show(self, app, world):
        resource = world["resource"]
        _suspend(app, world["dataset"])
        shown = app.get(ACTION + "resource_show", params={"id": resource["id"]},
                        headers=headers("outsider")).json["result"]
        assert FILE_URL not in json.dumps(shown) and shown["access_denial"] == "suspended"
        _restore(app, world["dataset"])
        assert app.get(ACTION + "resource_show", params={"id": resource["id"]}).json["result"]["url"] == FILE_URL

    def test_download_and_preview_routes(self, app, world):
        dataset, resource, view = world["dataset"], world["resource"], world["view"]
        download = tk.url_for("dataset_resource.download", id=dataset["name"], resource_id=resource["id"])
        preview = tk.url_for("dataset_resource.view", id=dataset["name"], resource_id=resource["id"],
                             view_id=view["id"])
        assert app.get(download, follow_redirects=False).headers["Location"] == FILE_URL
        app.get(preview, status=200)
        _suspend(app, dataset)
        for url in (download, preview):
            page = app.get(url, follow_redirects=False, status=403)
            assert FILE_URL not in page.body
            app.get(url, follow_redirects=False, headers=headers("outsider"), status=403)
        # the provider and the authority keep access
        for user in ("provider_member", "county_admin", "city_admin"):
            assert app.get(download, follow_redirects=False,
                           headers=headers(user)).headers["Location"] == FILE_URL
        _restore(app, dataset)
        assert app.get(download, follow_redirects=False).headers["Location"] == FILE_URL
        app.get(preview, status=200)

    def test_api_gateway(self, app, world):
        _suspend(app, world["dataset"])
        gateway = tk.url_for("publicdata_access_enforcement.resource_gateway", resource_id=world["resource"]["id"])
        for extra in ({}, {"headers": headers("outsider")}):
            answer = app.get(gateway, status=403, **extra)
            assert FILE_URL not in answer.body

    def test_activity_stream(self, app, world):
        dataset = world["dataset"]
        _suspend(app, dataset)
        activity = app.get(ACTION + "package_activity_list", params={"id": dataset["id"]},
                           headers=headers("outsider"))
        assert activity.json["success"] is True
        assert FILE_URL not in activity.body
        _restore(app, dataset)
        assert app.get(ACTION + "package_activity_list", params={"id": dataset["id"]}).json["success"] is True

    def test_dcat_and_feeds(self, app, world):
        dataset = world["dataset"]
        rdf_url = tk.url_for("dcat.read_dataset", _id=dataset["name"], _format="ttl")
        feed_url = tk.url_for("feeds.general")
        before = app.get(rdf_url).body
        assert FILE_URL in before
        _suspend(app, dataset)
        assert FILE_URL not in app.get(rdf_url).body
        assert FILE_URL not in app.get(feed_url).body
        catalog = app.get(tk.url_for("dcat.read_catalog", _format="ttl")).body
        assert FILE_URL not in catalog
        _restore(app, dataset)
        assert FILE_URL in app.get(rdf_url).body

    def test_provider_and_authority_keep_every_address(self, app, world):
        dataset = world["dataset"]
        _suspend(app, dataset, user="city_admin")
        for user in ("provider_editor", "provider_member", "county_admin", "city_admin", "sus_sysadmin"):
            assert _shown_resource(app, dataset, user)["url"] == FILE_URL
        assert _shown_resource(app, dataset, "other_editor")["url"] != FILE_URL


class TestPages:
    def test_dataset_page_notice_and_search_badge(self, app, world):
        dataset = world["dataset"]
        page_url = tk.url_for("dataset.read", id=dataset["name"])
        search_url = tk.url_for("dataset.search", q="企业登记")
        assert "publicdata-suspension-notice" not in app.get(page_url).body
        assert "publicdata-suspension-badge" not in app.get(search_url).body
        _suspend(app, dataset)
        page = app.get(page_url).body
        assert "publicdata-suspension-notice" in page
        assert "含身份证号" not in page  # the reason stays with the provider and the authority
        assert FILE_URL not in page
        assert "publicdata-suspension-badge" in app.get(search_url).body
        assert FILE_URL in app.get(page_url, headers=headers("provider_editor")).body
        _restore(app, dataset)
        assert "publicdata-suspension-notice" not in app.get(page_url).body
        assert "publicdata-suspension-badge" not in app.get(search_url).body


class TestSameRequest:
    def test_a_decision_remembered_earlier_in_the_request_is_replaced(self, app, world):
        from ckanext.publicdata.access import enforcement

        dataset = world["dataset"]
        editor_id = world["users"]["provider_editor"]["id"]
        with app.flask_app.test_request_context():
            assert enforcement.resource_access_denial(dataset["id"], None) is None
            suspensions.suspend_dataset(dataset["id"], None, editor_id, "泄露风险")
            assert enforcement.resource_access_denial(dataset["id"], None) == "suspended"
            shown = tk.get_action("package_show")({"user": ""}, {"id": dataset["id"]})
            assert shown["resources"][0]["url"] != FILE_URL and shown["suspension"] is not None
            suspensions.lift_suspension(dataset["id"], None, editor_id, "restored")
            assert enforcement.resource_access_denial(dataset["id"], None) is None
            shown = tk.get_action("package_show")({"user": ""}, {"id": dataset["id"]})
            assert shown["resources"][0]["url"] == FILE_URL and shown["suspension"] is None
            model.Session.commit()
