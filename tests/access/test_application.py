"""The application itself (ACC-3; SU 20, BZ-R 15): drafts, every required part checked at once on submission,
responses to each open condition, commitments, eligibility, and type- and size-checked attachments."""
from __future__ import annotations

import datetime
import io
import zipfile

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.publicdata.access.model.application import AccessRequest

from tests.access import workflow_setup as setup
from tests.access.workflow_setup import purge_audit_log  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("purge_audit_log", "with_plugins", "clean_db")

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"


def _call(action: str, actor: str, **data):
    return helpers.call_action(action, context={"user": actor, "ignore_auth": False}, **data)


def _bilingual(message: str) -> bool:
    return " / " in message and any("\u4e00" <= char <= "\u9fff" for char in message)


@pytest.fixture
def world():
    built = setup.hierarchy()
    built["dataset"] = setup.conditional_dataset(built["orgs"]["agency"]["id"])
    setup.verify("applicant")
    return built


def test_an_incomplete_draft_is_saved_and_submission_lists_every_gap_at_once(world):
    draft = _call("publicdata_access_request_create", "applicant", package_id=world["dataset"]["name"],
                  title="草稿标题")
    assert draft["status"] == "draft" and draft["title"] == "草稿标题"
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_access_request_submit", "applicant", id=draft["id"])
    gaps = error.value.error_dict
    assert {"reason", "result_form", "scenario", "period", "condition_responses", "commitments"} <= set(gaps)
    assert all(_bilingual(messages[0]) for messages in gaps.values())
    assert AccessRequest.get(draft["id"]).status == "draft"


def test_each_open_condition_needs_its_own_response(world):
    fields = setup.application_fields(world["dataset"]["id"],
                                      condition_responses={"application_scenario": "仅用于内部预警"})
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_access_request_create", "applicant", submit=True, **fields)
    message = error.value.error_dict["condition_responses"][0]
    assert "data_security" in message and "application_scenario" not in message
    # nothing half-stored: the refused submission left no application behind
    assert model.Session.query(AccessRequest).count() == 0


def test_every_commitment_is_required(world):
    fields = setup.application_fields(world["dataset"]["id"], commitments=["truth", "compliance", "security"])
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_access_request_create", "applicant", submit=True, **fields)
    assert "commitments" in error.value.error_dict


@pytest.mark.parametrize("start_offset, end_offset, fragment", [
    (-1, 30, "past"),
    (10, 5, "ends before"),
    (1, 2000, "exceed"),
])
def test_the_period_of_use_is_checked(world, start_offset, end_offset, fragment):
    today = datetime.date.today()
    fields = setup.application_fields(
        world["dataset"]["id"], period_start=(today + datetime.timedelta(days=start_offset)).isoformat(),
        period_end=(today + datetime.timedelta(days=end_offset)).isoformat())
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_access_request_create", "applicant", submit=True, **fields)
    assert fragment in error.value.error_dict["period"][0]


def test_malformed_fields_are_refused_even_in_a_draft(world):
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_access_request_create", "applicant", package_id=world["dataset"]["id"],
              request_type="fax", period_start="明天", commitments=["truth", "anything"])
    assert {"request_type", "period_start", "commitments"} <= set(error.value.error_dict)


def test_the_application_type_must_be_one_the_dataset_is_opened_by(world):
    download_only = setup.conditional_dataset(world["orgs"]["agency"]["id"], open_method=["download"])
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_access_request_create", "applicant", submit=True,
              **setup.application_fields(download_only["id"], request_type="api"))
    assert "request_type" in error.value.error_dict
    ok = _call("publicdata_access_request_create", "applicant", submit=True,
               **setup.application_fields(download_only["id"], request_type="dataset"))
    assert ok["status"] == "submitted"


def test_only_published_conditional_data_is_applied_for(world):
    open_data = setup.conditional_dataset(world["orgs"]["agency"]["id"], open_attribute="unconditional",
                                          open_conditions=[], open_conditions_text="")
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_access_request_create", "applicant", **setup.application_fields(open_data["id"]))
    assert _bilingual(error.value.error_dict["package_id"][0])


def test_an_unverified_applicant_can_draft_but_not_submit(world):
    draft = _call("publicdata_access_request_create", "stranger", **setup.application_fields(world["dataset"]["id"]))
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_access_request_submit", "stranger", id=draft["id"])
    assert "identity" in error.value.error_dict and set(error.value.error_dict) == {"identity"}


def test_one_open_application_per_dataset(world):
    first = _call("publicdata_access_request_create", "applicant", **setup.application_fields(world["dataset"]["id"]))
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_access_request_create", "applicant", **setup.application_fields(world["dataset"]["id"]))
    assert first["id"] in error.value.error_dict["package_id"][0]
    _call("publicdata_access_request_withdraw", "applicant", id=first["id"])
    again = _call("publicdata_access_request_create", "applicant", **setup.application_fields(world["dataset"]["id"]))
    assert again["id"] != first["id"]


def test_anonymous_users_cannot_apply(world):
    with pytest.raises(tk.NotAuthorized):
        _call("publicdata_access_request_create", "", **setup.application_fields(world["dataset"]["id"]))


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_attachments_are_recognised_by_content(world):
    draft = _call("publicdata_access_request_create", "applicant", **setup.application_fields(world["dataset"]["id"]))
    pdf = _call("publicdata_access_request_attachment_add", "applicant", id=draft["id"],
                upload=("安全管理制度.pdf", PDF), description="数据安全管理制度")
    docx = _call("publicdata_access_request_attachment_add", "applicant", id=draft["id"],
                 upload=("承诺书.docx", _docx()))
    assert (pdf["kind"], docx["kind"]) == ("pdf", "docx")
    # an executable renamed to .pdf is refused: the extension does not decide
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_access_request_attachment_add", "applicant", id=draft["id"],
              upload=("manual.pdf", b"MZ\x90\x00" + b"\x00" * 100))
    assert _bilingual(error.value.error_dict["attachment"][0])
    shown = _call("publicdata_access_request_show", "applicant", id=draft["id"])
    assert [item["filename"] for item in shown["attachments"]] == ["安全管理制度.pdf", "承诺书.docx"]
    assert shown["attachments"][0]["sha256"] and shown["attachments"][0]["size"] == len(PDF)


@pytest.mark.ckan_config("ckanext.publicdata.access.attachment_max_mb", "1")
def test_attachments_over_the_size_limit_are_refused(world):
    draft = _call("publicdata_access_request_create", "applicant", **setup.application_fields(world["dataset"]["id"]))
    with pytest.raises(tk.ValidationError) as error:
        _call("publicdata_access_request_attachment_add", "applicant", id=draft["id"],
              upload=("big.pdf", PDF + b"0" * (1024 * 1024)))
    assert "1 MB" in error.value.error_dict["attachment"][0]
    assert _call("publicdata_access_request_show", "applicant", id=draft["id"])["attachments"] == []


def test_only_the_applicant_attaches_and_only_before_submission(world):
    draft = _call("publicdata_access_request_create", "applicant", **setup.application_fields(world["dataset"]["id"]))
    with pytest.raises(tk.NotAuthorized):
        _call("publicdata_access_request_attachment_add", "stranger", id=draft["id"], upload=("a.pdf", PDF))
    _call("publicdata_access_request_submit", "applicant", id=draft["id"])
    with pytest.raises(tk.ValidationError):
        _call("publicdata_access_request_attachment_add", "applicant", id=draft["id"], upload=("a.pdf", PDF))


def test_the_provider_and_the_authority_see_the_application_an_outsider_does_not(world):
    request = _call("publicdata_access_request_create", "applicant", submit=True,
                    **setup.application_fields(world["dataset"]["id"]))
    for insider in ("provider_editor", "county_admin", "city_admin"):
        assert _call("publicdata_access_request_show", insider, id=request["id"])["applicant_number"]
    with pytest.raises(tk.NotAuthorized):
        _call("publicdata_access_request_show", "other_editor", id=request["id"])
    mine = _call("publicdata_access_request_list", "applicant")
    assert [item["id"] for item in mine["results"]] == [request["id"]]
    assert _call("publicdata_access_request_list", "stranger")["count"] == 0
