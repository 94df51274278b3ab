"""Rate limits on filing (issue 6 item 6): per client IP and per user, counted in Redis, refused with HTTP 429 and
a bilingual message; a refused filing stores nothing."""
from __future__ import annotations

import pytest

import ckan.model as model

from ckanext.publicdata.feedback import rate_limit
from ckanext.publicdata.feedback.model.ticket import Ticket
from tests.feedback.ticket_setup import bilingual, headers, world

API = "/api/3/action/publicdata_feedback_ticket_create"


@pytest.fixture
def people():
    rate_limit.reset_for_tests()
    yield world()
    rate_limit.reset_for_tests()


def _suggestion(**extra):
    data = {"kind": "suggestion", "title": "建议", "body": "增加数据接口", "contact_name": "王",
            "contact_phone": "13800138000"}
    data.update(extra)
    return data


def _from(ip: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": ip}}


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.ckan_config("ckanext.publicdata.feedback.rate_limit.per_ip", "2")
@pytest.mark.ckan_config("ckanext.publicdata.feedback.rate_limit.per_user", "0")
class TestPerIp:
    def test_third_filing_from_one_address_is_refused_others_are_not(self, app, people):
        for _ in range(2):
            assert app.post(API, json=_suggestion(), **_from("198.51.100.7")).status_code == 200
        refused = app.post(API, json=_suggestion(), **_from("198.51.100.7"))
        assert refused.status_code == 429
        assert bilingual(refused.json["error"]["message"])
        assert int(refused.headers["Retry-After"]) > 0
        assert model.Session.query(Ticket).count() == 2
        assert app.post(API, json=_suggestion(), **_from("198.51.100.8")).status_code == 200

    def test_the_web_form_is_limited_too(self, app, people):
        dataset_id = people["datasets"]["market"]["id"]
        form = {"package_id": dataset_id, "title": "错误", "body": "内容", "error_type": "wrong_value",
                "contact_name": "王", "contact_phone": "13800138000"}
        for _ in range(2):
            assert app.post("/feedback/new?kind=error_report", data=form, **_from("203.0.113.9")).status_code == 200
        refused = app.post("/feedback/new?kind=error_report", data=form, **_from("203.0.113.9"))
        assert refused.status_code == 429
        assert "feedback-rate-limited" in refused.body and "提交过于频繁" in refused.body
        assert model.Session.query(Ticket).count() == 2

    def test_a_window_ends(self, app, people):
        for _ in range(3):
            app.post(API, json=_suggestion(), **_from("192.0.2.1"))
        assert app.post(API, json=_suggestion(), **_from("192.0.2.1")).status_code == 429
        rate_limit.reset_for_tests()  # what the key's expiry does at the end of the window
        assert app.post(API, json=_suggestion(), **_from("192.0.2.1")).status_code == 200


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.ckan_config("ckanext.publicdata.feedback.rate_limit.per_ip", "100")
@pytest.mark.ckan_config("ckanext.publicdata.feedback.rate_limit.per_user", "2")
class TestPerUser:
    def test_one_account_from_many_addresses_is_still_limited(self, app, people):
        citizen = headers("citizen")
        for number in range(2):
            response = app.post(API, json=_suggestion(), headers=citizen, **_from(f"198.51.100.{number + 20}"))
            assert response.status_code == 200
        refused = app.post(API, json=_suggestion(), headers=citizen, **_from("198.51.100.99"))
        assert refused.status_code == 429 and "此账号" in refused.json["error"]["message"]
        assert app.post(API, json=_suggestion(), headers=headers("outsider"),
                        **_from("198.51.100.99")).status_code == 200

    def test_window_option_sets_the_expiry(self, app, people):
        from ckan.lib.redis import connect_to_redis

        app.post(API, json=_suggestion(), headers=headers("citizen"))
        user_id = people["users"]["citizen"]["id"]
        ttl = connect_to_redis().ttl(f"publicdata:feedback:rate:user:{user_id}")
        assert 0 < ttl <= 3600
