"""The workflow's pages (ACC-3 … ACC-8, item 8): apply from the dataset page, review, decide, sign, download,
dashboards, identity, credit blocklist — in Chinese (the default locale) and English."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.publicdata.access.model.application import AccessRequest

from tests.access import workflow_setup as setup
from tests.access.workflow_setup import purge_audit_log  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("purge_audit_log", "with_plugins", "clean_db")


def _call(action: str, actor: str, **data):
    return helpers.call_action(action, context={"user": actor, "ignore_auth": False}, **data)


@pytest.fixture
def world():
    built = setup.hierarchy()
    built["dataset"] = setup.conditional_dataset(built["orgs"]["agency"]["id"])
    setup.verify("applicant")
    return built


def _form(world, **overrides):
    fields = setup.application_fields(world["dataset"]["id"])
    data = {name: fields[name] for name in ("title", "reason", "request_type", "period_start", "period_end",
                                            "result_form", "scenario")}
    data.update({f"condition_{code}": text for code, text in fields["condition_responses"].items()})
    data["commitments"] = fields["commitments"]
    data["save"] = "submit"
    data.update(overrides)
    return data


def test_the_dataset_page_links_to_the_application_form(app, world):
    page = app.get(tk.url_for("dataset.read", id=world["dataset"]["name"]), headers=setup.api_headers("applicant"))
    assert tk.url_for("publicdata_access.apply", id=world["dataset"]["name"]) in page.get_data(as_text=True)


def test_apply_form_submits_and_the_request_page_shows_the_record(app, world):
    headers = setup.api_headers("applicant")
    url = tk.url_for("publicdata_access.apply", id=world["dataset"]["name"])
    form_page = app.get(url, headers=headers)
    assert form_page.status_code == 200 and 'name="condition_data_security"' in form_page.get_data(as_text=True)
    response = app.post(url, data=_form(world), headers=headers, follow_redirects=False)
    assert response.status_code == 302
    request = model.Session.query(AccessRequest).one()
    assert request.status == "submitted" and request.condition_responses["data_security"]
    dataset_page = app.get(tk.url_for("dataset.read", id=world["dataset"]["name"]), headers=headers)
    assert 'publicdata-access-my-request" data-status="submitted"' in dataset_page.get_data(as_text=True)
    page = app.get(tk.url_for("publicdata_access.request_read", id=request.id), headers=headers)
    body = page.get_data(as_text=True)
    assert request.title in body and 'data-action="submit"' in body


def test_an_incomplete_form_shows_every_error_in_both_languages(app, world):
    headers = setup.api_headers("applicant")
    url = tk.url_for("publicdata_access.apply", id=world["dataset"]["name"])
    response = app.post(url, data=_form(world, title="", scenario="", commitments=[]), headers=headers,
                        follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "申请标题不能为空 / The title is required" in body
    assert "应用场景不能为空" in body and "Every commitment is required" in body


def test_review_decide_and_sign_through_the_pages(app, world):
    request = _call("publicdata_access_request_create", "applicant", submit=True,
                    **setup.application_fields(world["dataset"]["id"]))
    operation = lambda name: tk.url_for("publicdata_access.request_operation", id=request["id"], operation=name)  # noqa: E731
    read_url = tk.url_for("publicdata_access.request_read", id=request["id"])
    authority_page = app.get(read_url, headers=setup.api_headers("county_admin")).get_data(as_text=True)
    assert "publicdata-access-review" in authority_page
    app.post(operation("review"), data={"outcome": "accept"}, headers=setup.api_headers("county_admin"))
    assert AccessRequest.get(request["id"]).status == "provider_review"
    app.post(operation("decide"), data={"outcome": "approve", "purpose": "预警"},
             headers=setup.api_headers("provider_editor"))
    assert AccessRequest.get(request["id"]).status == "approved"
    sign_page = app.get(read_url, headers=setup.api_headers("applicant")).get_data(as_text=True)
    assert "publicdata-agreement-sign" in sign_page
    shown = _call("publicdata_access_request_show", "applicant", id=request["id"])
    app.post(operation("sign"), data={"signer_name": "张三", "consent": "true",
                                      "text_sha256": shown["agreement"]["text_sha256"]},
             headers=setup.api_headers("applicant"))
    assert AccessRequest.get(request["id"]).status == "active"
    assert "publicdata-agreement-download" in app.get(read_url, headers=setup.api_headers("applicant")).get_data(
        as_text=True)


def test_a_refusal_without_legal_basis_is_flashed_not_a_500(app, world):
    request = _call("publicdata_access_request_create", "applicant", submit=True,
                    **setup.application_fields(world["dataset"]["id"]))
    _call("publicdata_access_request_review", "city_admin", id=request["id"], outcome="accept")
    response = app.post(tk.url_for("publicdata_access.request_operation", id=request["id"], operation="decide"),
                        data={"outcome": "refuse", "reasons": "x"}, headers=setup.api_headers("provider_admin"),
                        follow_redirects=True)
    assert response.status_code == 200 and "legal basis" in response.get_data(as_text=True)
    assert AccessRequest.get(request["id"]).status == "provider_review"


def test_dashboards_list_my_applications_and_what_to_review(app, world):
    request = _call("publicdata_access_request_create", "applicant", submit=True,
                    **setup.application_fields(world["dataset"]["id"]))
    mine = app.get(tk.url_for("publicdata_access.dashboard_mine"), headers=setup.api_headers("applicant"))
    assert request["id"] in mine.get_data(as_text=True)
    # the dashboard tabs link to both lists once, for a reviewer; an applicant sees only their own
    review_link = tk.url_for("publicdata_access.dashboard_review")
    assert mine.get_data(as_text=True).count(f'href="{review_link}"') == 0
    home = app.get(tk.url_for("dashboard.datasets"), headers=setup.api_headers("city_admin")).get_data(as_text=True)
    assert home.count(f'href="{review_link}"') == 1
    review = app.get(tk.url_for("publicdata_access.dashboard_review"), headers=setup.api_headers("city_admin"))
    assert request["id"] in review.get_data(as_text=True)
    nothing = app.get(tk.url_for("publicdata_access.dashboard_review"), headers=setup.api_headers("other_editor"))
    assert request["id"] not in nothing.get_data(as_text=True)


def test_pages_in_english_and_chinese(app, world):
    headers = setup.api_headers("applicant")
    english = app.get("/en" + tk.url_for("publicdata_access.apply", id=world["dataset"]["name"]), headers=headers)
    assert "Application for conditionally open data" in english.get_data(as_text=True)
    chinese = app.get(tk.url_for("publicdata_access.identity"), headers=headers)
    assert chinese.status_code == 200


def test_identity_and_blocklist_pages(app, world):
    page = app.post(tk.url_for("publicdata_access.identity"), headers=setup.api_headers("stranger"),
                    data={"applicant_type": "individual", "legal_name": "李四", "identity_number": "123"},
                    follow_redirects=True)
    assert "The ID number is invalid" in page.get_data(as_text=True)
    assert app.get(tk.url_for("publicdata_access.blocklist"),
                   headers=setup.api_headers("provider_admin")).status_code == 403
    app.post(tk.url_for("publicdata_access.blocklist"), headers=setup.api_headers("city_admin"),
             data={"operation": "add", "identity_number": setup.id_number(), "list_type": "dishonest_person",
                   "reason": "失信"})
    listed = app.get(tk.url_for("publicdata_access.blocklist"), headers=setup.api_headers("city_admin"))
    assert setup.id_number() in listed.get_data(as_text=True)
    queue = app.get(tk.url_for("publicdata_access.identities"), headers=setup.api_headers("city_admin"))
    assert queue.status_code == 200
