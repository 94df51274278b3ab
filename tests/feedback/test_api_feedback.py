"""The feedback API and pages over HTTP (issue 6 items 6 and 7): anonymous filing with a contact, refusals with a
reason in Chinese and English and the right status code, attachments checked by content and size, HTML escaped,
personal data kept from the public, the filing form from the dataset page and the provider answering."""
from __future__ import annotations

import base64
import io

import pytest

import ckan.model as model

from ckanext.publicdata.feedback import rate_limit
from ckanext.publicdata.feedback.model.ticket import Ticket, TicketAttachment
from tests.feedback.ticket_setup import bilingual, file, headers, world

API = "/api/3/action/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture
def people():
    rate_limit.reset_for_tests()
    return world()


def _error_report(dataset_id: str, **extra):
    data = {"kind": "error_report", "package_id": dataset_id, "title": "坐标有误", "body": "经纬度颠倒",
            "error_type": "wrong_value", "contact_name": "王先生", "contact_phone": "13800138000"}
    data.update(extra)
    return data


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestApi:
    def test_anonymous_error_report_over_the_api(self, app, people):
        response = app.post(API + "publicdata_feedback_ticket_create",
                            json=_error_report(people["datasets"]["market"]["id"]))
        assert response.status_code == 200, response.body
        result = response.json["result"]
        assert result["status"] == "submitted" and result["tracking_code"]
        assert Ticket.get(result["id"]).contact_phone == "13800138000"

    def test_refusals_are_bilingual_with_4xx(self, app, people):
        dataset_id = people["datasets"]["market"]["id"]
        response = app.post(API + "publicdata_feedback_ticket_create",
                            json={"kind": "objection", "package_id": dataset_id, "title": "x", "body": "y",
                                  "grounds": "z"})
        assert response.status_code == 403
        assert bilingual(response.json["error"]["message"])
        response = app.post(API + "publicdata_feedback_ticket_create",
                            json=_error_report(dataset_id, contact_name="", contact_phone=""))
        assert response.status_code == 409
        assert bilingual(response.json["error"]["contact_name"][0])
        response = app.post(API + "publicdata_feedback_ticket_create", json={"kind": "complaint-of-sorts"})
        assert response.status_code == 409 and bilingual(response.json["error"]["kind"][0])
        response = app.post(API + "publicdata_feedback_ticket_transition",
                            json={"id": "no-such-ticket", "action": "answer"},
                            headers=headers("provider_editor"))
        assert response.status_code == 404
        assert model.Session.query(Ticket).count() == 0

    def test_list_and_show_keep_personal_data_from_other_people(self, app, people):
        filed = file("citizen", "error_report", package_id=people["datasets"]["market"]["id"],
                     error_type="format", contact_phone="13800138000")
        response = app.get(API + "publicdata_feedback_ticket_show", params={"id": filed["id"]},
                           headers=headers("provider_editor"))
        assert response.status_code == 200 and response.json["result"]["contact_phone"] == "13800138000"
        response = app.get(API + "publicdata_feedback_ticket_show", params={"id": filed["id"]},
                           headers=headers("other_editor"))
        assert response.status_code == 403 and bilingual(response.json["error"]["message"])
        response = app.get(API + "publicdata_feedback_ticket_list", headers=headers("other_editor"))
        assert response.json["result"]["count"] == 0
        response = app.get(API + "publicdata_feedback_ticket_list", headers=headers("county_admin"))
        assert [item["id"] for item in response.json["result"]["results"]] == [filed["id"]]
        assert "contact_phone" in response.json["result"]["results"][0]  # the authority for the provider

    def test_kinds_describe_every_workflow(self, app, people):
        kinds = app.get(API + "publicdata_feedback_kinds").json["result"]
        by_name = {kind["name"]: kind for kind in kinds}
        assert set(by_name) == {"error_report", "objection", "rights_complaint", "suggestion",
                                "illegal_use_report", "data_demand", "opening_need", "rectification", "use_result"}
        assert {kind["name"] for kind in kinds if kind["anonymous_allowed"]} == {"error_report", "suggestion"}
        complaint_steps = {step["action"]: step for step in by_name["rights_complaint"]["transitions"]}
        assert complaint_steps["suspend"]["to"] == "suspended"
        assert {complaint_steps[name]["outcomes"][0] for name in ("withdraw", "restore", "reprocess")} == {
            "withdrawn", "restored", "reprocessed"}
        assert by_name["data_demand"]["initial_deadline"] == {"key": "demand_review", "workdays": 10}


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestAttachments:
    def test_accepted_by_content_and_served_only_to_the_parties(self, app, people):
        dataset_id = people["datasets"]["market"]["id"]
        data = _error_report(dataset_id)
        data["attachment"] = (io.BytesIO(PDF), "截图.pdf")
        response = app.post(API + "publicdata_feedback_ticket_create", data=data,
                            content_type="multipart/form-data")
        assert response.status_code == 200, response.body
        result = response.json["result"]
        stored = model.Session.query(TicketAttachment).filter(TicketAttachment.ticket_id == result["id"]).one()
        assert stored.mimetype == "application/pdf" and stored.size == len(PDF)
        url = f"/feedback/ticket/{result['id']}/attachment/{stored.id}"
        assert app.get(url, status=403).status_code == 403
        served = app.get(url, params={"tracking_code": result["tracking_code"]})
        assert served.status_code == 200 and served.data == PDF
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert served.headers["Content-Disposition"].startswith("attachment")
        assert app.get(url, headers=headers("provider_editor")).status_code == 200
        assert app.get(url, headers=headers("other_editor"), status=403).status_code == 403

    def test_disguised_and_markup_files_are_refused(self, app, people):
        dataset_id = people["datasets"]["market"]["id"]
        for content, name in ((WINDOWS_EXE, "report.pdf"), (b"<html><script>alert(1)</script></html>", "a.txt")):
            data = _error_report(dataset_id)
            data["attachment"] = (io.BytesIO(content), name)
            response = app.post(API + "publicdata_feedback_ticket_create", data=data,
                                content_type="multipart/form-data")
            assert response.status_code == 409
            assert bilingual(response.json["error"]["attachments"][0])
        assert model.Session.query(Ticket).count() == 0
        assert model.Session.query(TicketAttachment).count() == 0

    @pytest.mark.ckan_config("ckanext.publicdata.feedback.attachment_max_mb", "1")
    def test_size_limit(self, app, people):
        data = _error_report(people["datasets"]["market"]["id"])
        too_big = b"a" * (1024 * 1024 + 1)
        data["attachments"] = [{"filename": "big.txt", "content_base64": base64.b64encode(too_big).decode()}]
        response = app.post(API + "publicdata_feedback_ticket_create", json=data)
        assert response.status_code == 409
        message = response.json["error"]["attachments"][0]
        assert bilingual(message) and "big.txt" in message
        data["attachments"] = [{"filename": "small.txt", "content_base64": base64.b64encode(b"a" * (1024 * 1024)).decode()}]
        assert app.post(API + "publicdata_feedback_ticket_create", json=data).status_code == 200


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestPages:
    def test_dataset_page_offers_the_feedback_entry(self, app, people):
        dataset = people["datasets"]["market"]
        page = app.get(f"/dataset/{dataset['name']}").body
        assert 'id="dataset-feedback"' in page
        assert f"/feedback/new?kind=error_report&amp;package_id={dataset['name']}" in page
        assert 'data-kind="rights_complaint"' in page

    def test_anonymous_files_from_the_form_and_the_provider_answers(self, app, people):
        dataset = people["datasets"]["market"]
        form = app.get("/feedback/new", params={"kind": "error_report", "package_id": dataset["name"]}).body
        assert 'name="error_type"' in form and 'name="contact_phone"' in form
        response = app.post("/feedback/new?kind=error_report", data={
            "package_id": dataset["id"], "title": "<script>alert('x')</script>", "body": "<b>粗体</b>",
            "error_type": "wrong_value", "contact_name": "王先生", "contact_phone": "13800138000"})
        assert response.status_code == 200
        assert "publicdata-ticket-tracking-code" in response.body
        ticket = model.Session.query(Ticket).one()
        assert ticket.title == "<script>alert('x')</script>"  # stored as typed ...

        page = app.get(f"/feedback/ticket/{ticket.id}", headers=headers("provider_editor")).body
        assert "<script>alert('x')</script>" not in page  # ... shown escaped
        assert "&lt;script&gt;" in page and "&lt;b&gt;粗体&lt;/b&gt;" in page
        assert 'data-action="answer"' in page and "13800138000" in page

        answered = app.post(f"/feedback/ticket/{ticket.id}/step", headers=headers("provider_editor"),
                            data={"action": "answer", "response": "已更正", "outcome": "corrected"},
                            follow_redirects=False)
        assert answered.status_code == 302
        model.Session.expire_all()
        assert Ticket.get(ticket.id).status == "closed"
        # the filer follows it with reference and code
        tracked = app.post("/feedback/track", data={"reference": ticket.reference,
                                                    "tracking_code": ticket.tracking_code}).body
        assert "已更正" in tracked

    def test_form_errors_are_shown_and_nothing_is_stored(self, app, people):
        response = app.post("/feedback/new?kind=error_report", data={
            "package_id": people["datasets"]["market"]["id"], "title": "", "body": "x", "error_type": "wrong_value"})
        assert response.status_code == 200
        assert 'data-error-for="title"' in response.body and 'data-error-for="contact_name"' in response.body
        assert model.Session.query(Ticket).count() == 0

    def test_signing_in_is_required_for_other_kinds(self, app, people):
        response = app.get("/feedback/new", params={"kind": "data_demand"}, follow_redirects=False)
        assert response.status_code == 302 and "/user/login" in response.headers["Location"]

    def test_a_wrong_step_from_the_page_says_why(self, app, people):
        filed = file("citizen", "error_report", package_id=people["datasets"]["market"]["id"],
                     error_type="format")
        response = app.post(f"/feedback/ticket/{filed['id']}/step", headers=headers("provider_editor"),
                            data={"action": "answer", "response": ""})
        assert response.status_code == 409 and "An answer is required" in response.body
        response = app.post(f"/feedback/ticket/{filed['id']}/step", headers=headers("other_editor"),
                            data={"action": "answer", "response": "x"})
        assert response.status_code == 403

    def test_dashboard_lists_overdue_first(self, app, people):
        from freezegun import freeze_time

        with freeze_time("2026-09-29 02:00:00"):
            old = file("citizen", "error_report", package_id=people["datasets"]["market"]["id"],
                       error_type="format", title="早先的报告")
        new = file("citizen", "error_report", package_id=people["datasets"]["market"]["id"],
                   error_type="format", title="新近的报告")
        page = app.get("/feedback/dashboard", headers=headers("provider_editor")).body
        assert page.index(old["reference"]) < page.index(new["reference"])
        assert "is-overdue" in page
        mine = app.get("/feedback/dashboard", headers=headers("citizen")).body
        assert new["reference"] in mine and old["reference"] in mine
