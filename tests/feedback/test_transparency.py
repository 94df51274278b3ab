"""Transparency of feedback handling (issue 6 item 4): the public handled list without personal data, and the
per-agency figures (received, on time, overdue, median working days) for the open-data authority."""
from __future__ import annotations

import csv
import datetime
import io
import json

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.feedback.model.ticket import Ticket

from tests.feedback.suspension_setup import bilingual, headers, open_dataset, people_and_agencies

pytestmark = [
    pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false"),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

ACTION = "/api/3/action/"
PERSONAL = ("王小明", "13912345678", "wang@example.org", "我的手机号")


def _at(day: str, hour: int = 9) -> datetime.datetime:
    """A naive UTC datetime for ``hour`` o'clock Beijing time on ``day``."""
    local = datetime.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00")
    return local.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def _ticket(reference: str, kind: str, organization_id: str | None, filed: str, due: str | None,
            handled: str | None = None, package_id: str | None = None, submitter_id: str | None = None,
            **fields) -> Ticket:
    ticket = Ticket(
        reference=reference, kind=kind, status="closed" if handled else "submitted",
        title="我的手机号 13912345678 写错了", body="联系人王小明 wang@example.org",
        package_id=package_id, organization_id=organization_id, submitter_id=submitter_id,
        contact_name="王小明", contact_phone="13912345678", contact_email="wang@example.org", details={},
        created_at=_at(filed), updated_at=_at(handled or filed),
        due_on=datetime.date.fromisoformat(due) if due else None,
        handled_at=_at(handled, 15) if handled else None, closed_at=_at(handled, 15) if handled else None,
        outcome="corrected" if handled else None, response=f"{reference} 已处理" if handled else None, **fields)
    model.Session.add(ticket)
    return ticket


@pytest.fixture
def feedback():
    setup = people_and_agencies()
    agency, other = setup["orgs"]["agency"]["id"], setup["orgs"]["other"]["id"]
    dataset = open_dataset("provider_editor", agency)
    hidden = open_dataset("provider_editor", agency, title="内部名单", private=True)
    complainant = setup["users"]["complainant"]["id"]
    # across the National Day holiday: filed Wed 30 Sep, answered Fri 9 Oct = 2 working days, on time
    _ticket("FK-1", "error_report", agency, "2026-09-30", "2026-10-14", "2026-10-09", dataset["id"], complainant)
    # filed Tue 1 Sep, due Mon 7 Sep, answered Tue 8 Sep: 5 working days, late
    _ticket("FK-2", "objection", agency, "2026-09-01", "2026-09-07", "2026-09-08", hidden["id"], complainant)
    # still open long after its due date
    _ticket("FK-3", "suggestion", agency, "2026-09-01", "2026-09-10")
    # another agency: 2 working days, on time
    _ticket("FK-4", "error_report", other, "2026-09-02", "2026-09-16", "2026-09-04")
    # not part of the public list: a use result and an internal rectification task
    _ticket("FK-5", "use_result", None, "2026-09-02", None, "2026-09-03")
    _ticket("FK-6", "rectification", agency, "2026-09-02", "2026-09-16", "2026-09-03")
    model.Session.commit()
    setup.update(dataset=dataset, hidden=hidden)
    return setup


class TestHandledList:
    def test_public_list_has_response_times_and_no_personal_data(self, app, feedback):
        result = app.get(ACTION + "publicdata_feedback_handled_list").json["result"]
        assert [item["reference"] for item in result["results"]] == ["FK-1", "FK-2", "FK-4"]
        first = result["results"][0]
        assert first["response_workdays"] == 2  # 9 calendar days, 7 of them holiday
        assert first["on_time"] is True and result["results"][1]["on_time"] is False
        assert first["response"] == "FK-1 已处理"
        assert first["dataset"]["id"] == feedback["dataset"]["id"]
        assert result["results"][1]["dataset"] is None  # a private dataset is not named
        text = json.dumps(result, ensure_ascii=False)
        for personal in PERSONAL + (feedback["users"]["complainant"]["id"],):
            assert personal not in text

    def test_public_page(self, app, feedback):
        page = app.get(tk.url_for("publicdata_feedback_public.handled")).body
        assert "FK-1 已处理" in page and "FK-4 已处理" in page
        assert "FK-5" not in page and "FK-6" not in page
        for personal in PERSONAL:
            assert personal not in page
        only_objections = app.get(tk.url_for("publicdata_feedback_public.handled", kind="objection")).body
        assert "FK-2 已处理" in only_objections and "FK-1 已处理" not in only_objections

    def test_unknown_kind_is_refused_in_both_languages(self, app, feedback):
        error = app.get(ACTION + "publicdata_feedback_handled_list", params={"kind": "use_result"},
                        status=409).json["error"]
        assert bilingual(error["kind"][0])


class TestFigures:
    def _figures(self, app, user, **params):
        return app.get(ACTION + "publicdata_feedback_figures", params=params, headers=headers(user)).json["result"]

    def test_per_agency_figures(self, app, feedback):
        result = self._figures(app, "city_admin")
        rows = {row["organization_name"]: row for row in result["results"]}
        agency = rows["bincheng-market"]
        assert (agency["received"], agency["handled"], agency["handled_on_time"], agency["handled_late"]) == (4, 3, 2, 1)
        assert (agency["open"], agency["open_overdue"], agency["overdue"]) == (1, 1, 2)
        # FK-1: 2, FK-2: 5, FK-6 (filed Wed 2 Sep, done Thu 3 Sep): 1
        assert agency["median_workdays"] == 2
        assert rows["city-transport"]["received"] == 1 and rows["city-transport"]["median_workdays"] == 2
        assert result["totals"]["received"] == 5  # the use result is not feedback

    def test_period_filter(self, app, feedback):
        result = self._figures(app, "city_admin", start="2026-09-29", end="2026-09-30")
        assert [(row["organization_name"], row["received"]) for row in result["results"]] == [("bincheng-market", 1)]
        error = app.get(ACTION + "publicdata_feedback_figures", params={"start": "2026-13-01"},
                        headers=headers("city_admin"), status=409).json["error"]
        assert bilingual(error["start"][0])
        reversed_period = app.get(ACTION + "publicdata_feedback_figures",
                                  params={"start": "2026-10-01", "end": "2026-09-01"},
                                  headers=headers("city_admin"), status=409).json["error"]
        assert bilingual(reversed_period["end"][0])

    def test_only_the_authority_and_each_its_own(self, app, feedback):
        for user in ("provider_editor", "complainant"):
            app.get(ACTION + "publicdata_feedback_figures", headers=headers(user), status=403)
        app.get(ACTION + "publicdata_feedback_figures", status=403)
        county = self._figures(app, "county_admin")
        assert [row["organization_name"] for row in county["results"]] == ["bincheng-market"]
        app.get(ACTION + "publicdata_feedback_figures", params={"owner_org": "city-transport"},
                headers=headers("county_admin"), status=403)
        app.get(tk.url_for("publicdata_feedback_public.figures"), headers=headers("provider_editor"), status=403)

    def test_page_and_csv_export(self, app, feedback):
        page = app.get(tk.url_for("publicdata_feedback_public.figures"), headers=headers("city_admin")).body
        assert "滨城区市场监督管理局" in page and "滨州市交通运输局" in page
        response = app.get(tk.url_for("publicdata_feedback_public.figures_csv", start="2026-09-01",
                                      end="2026-09-30"), headers=headers("city_admin"))
        assert response.headers["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.body.lstrip("\ufeff"))))
        assert rows[0][0].startswith("开放主体") and "Received" in rows[0][2]
        by_name = {row[1]: row for row in rows[1:]}
        assert by_name["bincheng-market"][2] == "4"
        assert rows[-1][0].startswith("合计") and rows[-1][2] == "5"
        app.get(tk.url_for("publicdata_feedback_public.figures_csv"), status=403)
