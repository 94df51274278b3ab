"""The data-use results gallery (FB-5; BZ-R 18): moderated by the tickets workflow, shown with source datasets
and acquisition date, linked from each dataset used, featured by the authority."""
from __future__ import annotations

import json

import pytest

import ckan.plugins.toolkit as tk

from tests.feedback.suspension_setup import bilingual, headers, open_dataset, people_and_agencies

pytestmark = [
    pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false"),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

ACTION = "/api/3/action/"


def _file_result(app, user: str, title: str, dataset_ids: list[str], **extra) -> dict:
    data = {"kind": "use_result", "title": title, "body": f"{title}：基于开放数据的企业查询应用",
            "result_type": "application", "url": "https://apps.example.org/enterprise-finder",
            "source_datasets": dataset_ids, "acquisition_date": "2026-10-12", "producer": "滨州数智科技有限公司",
            "contact_name": "李华", "contact_phone": "13700001111", **extra}
    return app.post(ACTION + "publicdata_feedback_ticket_create", json=data, headers=headers(user)).json["result"]


def _transition(app, user: str, ticket_id: str, action: str, **extra) -> None:
    app.post(ACTION + "publicdata_feedback_ticket_transition", json={"id": ticket_id, "action": action, **extra},
             headers=headers(user))


@pytest.fixture
def gallery(app):
    setup = people_and_agencies()
    enterprises = open_dataset("provider_editor", setup["orgs"]["agency"]["id"])
    buses = open_dataset("other_editor", setup["orgs"]["other"]["id"], title="公交线路")
    published = _file_result(app, "complainant", "企业查询助手", [enterprises["id"], buses["id"]])
    _transition(app, "city_admin", published["id"], "publish")
    second = _file_result(app, "outsider", "公交出行分析报告", [buses["id"]], result_type="report")
    _transition(app, "city_admin", second["id"], "publish")
    waiting = _file_result(app, "outsider", "尚在审核的成果", [enterprises["id"]])
    setup.update(enterprises=enterprises, buses=buses, published=published, second=second, waiting=waiting)
    return setup


def test_gallery_shows_published_results_with_source_and_date(app, gallery):
    result = app.get(ACTION + "publicdata_use_result_list").json["result"]
    titles = [entry["title"] for entry in result["results"]]
    assert sorted(titles) == ["企业查询助手", "公交出行分析报告"]  # the one awaiting moderation is not shown
    entry = next(entry for entry in result["results"] if entry["title"] == "企业查询助手")
    assert entry["acquisition_date"] == "2026-10-12"
    assert [dataset["id"] for dataset in entry["datasets"]] == [gallery["enterprises"]["id"], gallery["buses"]["id"]]
    assert entry["datasets"][0]["organization_title"] == "滨城区市场监督管理局"
    text = json.dumps(result, ensure_ascii=False)
    for personal in ("李华", "13700001111", gallery["users"]["complainant"]["id"]):
        assert personal not in text
    page = app.get(tk.url_for("publicdata_feedback_public.use_results")).body
    assert "企业查询助手" in page and "2026-10-12" in page and "尚在审核的成果" not in page
    assert tk.url_for("dataset.read", id=gallery["enterprises"]["name"]) in page
    assert "李华" not in page


def test_each_dataset_lists_the_results_that_used_it(app, gallery):
    used = app.get(ACTION + "publicdata_use_result_list",
                   params={"package_id": gallery["enterprises"]["name"]}).json["result"]
    assert [entry["title"] for entry in used["results"]] == ["企业查询助手"]
    page = app.get(tk.url_for("dataset.read", id=gallery["enterprises"]["name"])).body
    assert "publicdata-used-in" in page and "企业查询助手" in page and "公交出行分析报告" not in page
    bus_page = app.get(tk.url_for("dataset.read", id=gallery["buses"]["name"])).body
    assert "企业查询助手" in bus_page and "公交出行分析报告" in bus_page


def test_authority_features_outstanding_results_first(app, gallery):
    second = gallery["second"]
    for user in ("provider_editor", "complainant", "county_admin"):
        app.post(ACTION + "publicdata_use_result_feature", json={"id": second["id"]}, headers=headers(user),
                 status=403)
    featured = app.post(ACTION + "publicdata_use_result_feature", json={"id": second["id"]},
                        headers=headers("city_admin")).json["result"]
    assert featured["featured"] is True
    ordered = app.get(ACTION + "publicdata_use_result_list").json["result"]["results"]
    assert [entry["title"] for entry in ordered][0] == "公交出行分析报告"
    only = app.get(ACTION + "publicdata_use_result_list", params={"featured": "true"}).json["result"]
    assert [entry["id"] for entry in only["results"]] == [second["id"]]
    events = app.get(ACTION + "publicdata_feedback_ticket_show", params={"id": second["id"]},
                     headers=headers("city_admin")).json["result"]
    assert "feature" in json.dumps(events)
    # through the page form
    app.post(tk.url_for("publicdata_feedback_public.feature", result_id=second["id"]), data={"featured": "false"},
             headers=headers("city_admin"))
    assert app.get(ACTION + "publicdata_use_result_list", params={"featured": "true"}).json["result"]["count"] == 0


def test_only_published_results_can_be_featured(app, gallery):
    error = app.post(ACTION + "publicdata_use_result_feature", json={"id": gallery["waiting"]["id"]},
                     headers=headers("city_admin"), status=409).json["error"]
    assert bilingual(error["id"][0])
    app.post(ACTION + "publicdata_use_result_feature", json={"id": "no-such-result"},
             headers=headers("city_admin"), status=404)


def test_unpublished_results_leave_the_gallery(app, gallery):
    _transition(app, "city_admin", gallery["published"]["id"], "unpublish", note="链接失效")
    titles = [entry["title"] for entry in app.get(ACTION + "publicdata_use_result_list").json["result"]["results"]]
    assert titles == ["公交出行分析报告"]
