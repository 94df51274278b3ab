"""The access audit log (ACC-10, SEC-4): every granted download and API call and every decision is recorded with
user, grant, dataset, resource, time, IP and bytes; append-only, hash-chained and verifiable, exportable, pruned
after the retention period without breaking verification."""
from __future__ import annotations

import csv
import io
import json

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import helpers

from ckanext.publicdata.access import audit
from ckanext.publicdata.access.model.audit import AuditAnchor, AuditEvent
from tests.access.enforcement_setup import conditional_catalog, grant
from tests.access.test_leak_matrix import upstream  # noqa: F401 - the local upstream server fixture
from tests.catalog.taxonomy_setup import api_headers

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false")]

UPLOAD = "统一社会信用代码,评价等级\n913716000000000001,A\n"


def _events() -> list[AuditEvent]:
    model.Session.expire_all()
    return model.Session.query(AuditEvent).order_by(AuditEvent.seq).all()


def _record_some(count: int = 3) -> list[AuditEvent]:
    rows = [audit.record("application_approved", user_id=f"user-{i}", package_id="pkg", object_id=f"req-{i}",
                         ip="10.0.0.1", detail={"comment": f"第{i}条"}) for i in range(count)]
    model.Session.commit()
    return rows


def test_chain_links_each_row_to_the_previous_and_verifies():
    rows = _record_some(3)
    assert rows[0].prev_hash == audit.GENESIS_HASH
    assert [row.prev_hash for row in rows[1:]] == [row.hash for row in rows[:-1]]
    result = audit.verify()
    assert result.ok and result.checked == 3 and result.head_hash == rows[-1].hash


def test_update_and_delete_are_refused_by_the_database():
    _record_some(2)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        model.Session.execute(sa.text("update publicdata_access_audit_event set bytes = 1"))
    model.Session.rollback()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        model.Session.execute(sa.text("delete from publicdata_access_audit_event"))
    model.Session.rollback()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        model.Session.execute(sa.text("truncate publicdata_access_audit_event"))
    model.Session.rollback()
    assert len(_events()) == 2


def test_verify_names_the_first_altered_or_removed_row(cli):
    rows = _record_some(4)
    # someone with the table owner's rights switches the trigger off and edits a row
    model.Session.execute(sa.text("alter table publicdata_access_audit_event disable trigger user"))
    model.Session.execute(sa.text("update publicdata_access_audit_event set bytes = 999 where seq = :seq"),
                          {"seq": rows[1].seq})
    model.Session.execute(sa.text("alter table publicdata_access_audit_event enable trigger user"))
    model.Session.commit()
    result = audit.verify()
    assert not result.ok and result.first_broken_seq == rows[1].seq and result.checked == 1
    outcome = cli.invoke(ckan_cli, ["publicdata-access", "audit", "verify"])
    assert outcome.exit_code == 1
    assert f"seq {rows[1].seq}" in (outcome.output + (outcome.stderr if outcome.stderr_bytes else ""))


def test_verify_detects_a_removed_row():
    rows = _record_some(4)
    model.Session.execute(sa.text("set local publicdata.audit_prune = 'on'"))
    model.Session.execute(sa.text("delete from publicdata_access_audit_event where seq = :seq"),
                          {"seq": rows[2].seq})
    model.Session.commit()
    result = audit.verify()
    assert not result.ok and result.first_broken_seq == rows[3].seq


def test_cli_verify_passes_on_an_intact_log(cli):
    _record_some(2)
    outcome = cli.invoke(ckan_cli, ["publicdata-access", "audit", "verify"])
    assert outcome.exit_code == 0, outcome.output
    assert "2 events verified" in outcome.output


def test_prune_keeps_the_retention_period_and_the_chain_verifiable(cli):
    with freeze_time("2022-03-01 08:00:00"):
        old = _record_some(2)
    recent = _record_some(2)
    removed = audit.prune(days=1095)
    assert removed == 2
    assert [row.seq for row in _events()] == [row.seq for row in recent]
    anchor = model.Session.get(AuditAnchor, 1)
    assert anchor.last_hash == old[-1].hash and anchor.pruned_rows == 2
    assert audit.verify().ok
    after = audit.record("grant_created", user_id="someone")
    model.Session.commit()
    assert after.prev_hash == recent[-1].hash and audit.verify().checked == 3
    outcome = cli.invoke(ckan_cli, ["publicdata-access", "audit", "prune"])
    assert outcome.exit_code == 0 and "0 audit events" in outcome.output


def test_export_csv_and_jsonl(cli, tmp_path):
    rows = _record_some(2)
    target = tmp_path / "audit.csv"
    outcome = cli.invoke(ckan_cli, ["publicdata-access", "audit", "export", "--format", "csv",
                                    "--output", str(target)])
    assert outcome.exit_code == 0, outcome.output
    exported = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [row["hash"] for row in exported] == [row.hash for row in rows]
    assert json.loads(exported[1]["detail"]) == {"comment": "第1条"}
    lines = "".join(audit.export(audit.query_events(), "jsonl")).splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [row.seq for row in rows]
    with pytest.raises(tk.ValidationError):
        list(audit.export(audit.query_events(), "xml"))


@pytest.fixture
def catalog_with_upload(create_with_upload):
    catalog = conditional_catalog()
    uploaded = create_with_upload(UPLOAD, "credit.csv", package_id=catalog["conditional"]["id"],
                                  name="上传文件", format="CSV", context={"user": "tax_sysadmin"})
    return {**catalog, "uploaded": uploaded}


def test_granted_download_is_recorded_with_user_grant_resource_ip_and_bytes(app, catalog_with_upload):
    dataset, uploaded = catalog_with_upload["conditional"], catalog_with_upload["uploaded"]
    held = grant("applicant", dataset["id"])
    response = app.get(f"/dataset/{dataset['id']}/resource/{uploaded['id']}/download",
                       headers=api_headers("applicant"), environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert response.status_code == 200 and response.get_data(as_text=True) == UPLOAD
    downloads = [row for row in _events() if row.event == "download"]
    assert len(downloads) == 1
    row = downloads[0]
    assert (row.user_id, row.grant_id, row.package_id, row.resource_id) == (
        model.User.get("applicant").id, held.id, dataset["id"], uploaded["id"])
    assert row.bytes == len(UPLOAD.encode("utf-8")) and row.ip == "203.0.113.7"
    assert audit.verify().ok
    # a denied attempt gets no bytes and leaves no download row
    denied = app.get(f"/dataset/{dataset['id']}/resource/{uploaded['id']}/download",
                     headers=api_headers("bystander"))
    assert denied.status_code == 403
    assert len([row for row in _events() if row.event == "download"]) == 1


def test_audit_list_is_scoped_to_what_the_caller_oversees(app, catalog_with_upload):
    dataset = catalog_with_upload["conditional"]
    grant("applicant", dataset["id"])
    audit.record("unrelated", package_id="another-dataset")
    model.Session.commit()

    def listed(user):
        result = helpers.call_action("publicdata_access_audit_list", {"user": user, "ignore_auth": False})
        return {(row["event"], row["package_id"]) for row in result["results"]}

    assert listed("provider_editor") == {("grant_created", dataset["id"])}
    assert listed("county_admin") == {("grant_created", dataset["id"])}
    assert ("unrelated", "another-dataset") in listed("city_admin")
    assert listed("other_editor") == set()
    for outsider in ("applicant", ""):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("publicdata_access_audit_list", {"user": outsider, "ignore_auth": False})
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("publicdata_access_audit_list", {"user": "city_admin", "ignore_auth": False},
                            since="yesterday")
    assert "ISO 8601" in error.value.error_dict["since"][0]

    export = app.get("/publicdata/access/audit/export?format=csv", headers=api_headers("provider_editor"))
    assert export.status_code == 200
    exported = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert [row["event"] for row in exported] == ["grant_created"]
    assert app.get("/publicdata/access/audit/export", headers=api_headers("applicant")).status_code == 403
    assert app.get("/publicdata/access/audit/export?format=xml",
                   headers=api_headers("provider_editor")).status_code == 409


def test_record_needs_an_event_name():
    with pytest.raises(tk.ValidationError) as error:
        audit.record("")
    assert " / " in error.value.error_dict["event"][0]
    model.Session.rollback()
    assert _events() == []


def test_gateway_call_is_recorded_with_bytes_and_never_forwards_credentials(app, upstream):
    from tests.access.test_leak_matrix import UPSTREAM_MARKER
    from tests.catalog.taxonomy_setup import authority_hierarchy, conditional_fields, create_dataset

    city = authority_hierarchy()
    helpers.call_action("user_create", name="applicant", email="applicant@example.cn", password="Test-passw0rd!")
    dataset = create_dataset("tax_sysadmin", city["orgs"]["agency"]["id"], **conditional_fields(), resources=[
        {"name": "接口", "url": f"{upstream}/v2/query", "format": "API", "access_method": "api"}])
    resource_id = dataset["resources"][0]["id"]
    held = grant("applicant", dataset["id"])
    response = app.get(f"/api/publicdata/access/resource/{resource_id}?credit_code=913716",
                       headers=api_headers("applicant"))
    assert response.status_code == 200
    body = response.get_data()
    assert UPSTREAM_MARKER.encode() in body and b"credentials=no" in body
    calls = [row for row in _events() if row.event == "api_call"]
    assert len(calls) == 1
    assert calls[0].grant_id == held.id and calls[0].bytes == len(body)
    assert json.loads(calls[0].detail)["query"] == "credit_code=913716"
    assert audit.verify().ok
