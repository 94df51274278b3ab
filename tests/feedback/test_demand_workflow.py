"""Demands for data not yet open (DEM-1, BZ-R 16): authority review 10 wd → provider answer 15 wd → opened within
20 wd of the answer, closing as "opened" links the new dataset; and public opening needs (DEM-2).

Calendar (2026): 10-01…10-07 holidays, Saturday 10-10 worked (调休); no holiday from 10-08 to the end of the year.
"""
from __future__ import annotations

import pytest
from freezegun import freeze_time

import ckan.plugins.toolkit as tk

from tests.feedback.ticket_setup import bilingual, call, file, notifications_of, open_dataset, step, world


@pytest.fixture
def people():
    return world()


def _demand(user="citizen"):
    return file(user, "data_demand", title="申请开放充电桩实时状态数据", body="用于充电导航",
                requested_data="全市公共充电桩位置及空闲状态", purpose="新能源车充电导航应用",
                data_items="桩号、位置、状态", package_id="ignored-for-demands")


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestDataDemand:
    def test_review_answer_and_opening_deadlines_then_the_new_dataset_is_linked(self, people):
        with freeze_time("2026-09-29 02:00:00"):
            demand = _demand()
        assert demand["status"] == "submitted" and demand["package_id"] is None
        assert demand["organization_id"] is None
        assert demand["due_on"] == "2026-10-19"  # 10 wd of formal review: 09-30, 10-08, 10-09, 10-10, 10-12…10-16, 10-19
        assert notifications_of("city_admin", demand["id"])
        # a county bureau is not the authority for an unassigned demand; providers cannot touch it yet
        with pytest.raises(tk.NotAuthorized):
            step("county_admin", demand["id"], "forward", organization_id="bincheng-market")
        with pytest.raises(tk.NotAuthorized):
            call("publicdata_feedback_ticket_show", "provider_editor", id=demand["id"])

        with freeze_time("2026-10-19 02:00:00"):
            forwarded = step("city_admin", demand["id"], "forward", organization_id="bincheng-market")
        assert forwarded["status"] == "with_provider"
        assert forwarded["due_on"] == "2026-11-09"  # 15 wd: 10-20…10-23 (4), 10-26…10-30 (9), 11-02…11-06 (14), 11-09
        assert notifications_of("provider_editor", demand["id"])

        with freeze_time("2026-11-09 02:00:00"):
            answered = step("provider_editor", demand["id"], "answer_can_open", response="经论证可以开放")
        assert answered["status"] == "opening" and answered["handled_at"]
        assert answered["due_on"] == "2026-12-07"  # 20 wd after the answer

        with pytest.raises(tk.ValidationError) as error:
            step("provider_editor", demand["id"], "mark_opened")
        assert bilingual(error.value.error_dict["linked_package_id"][0])
        with pytest.raises(tk.ValidationError) as error:
            step("provider_editor", demand["id"], "mark_opened", linked_package_id="no-such-dataset")
        assert bilingual(error.value.error_dict["linked_package_id"][0])
        new_dataset = open_dataset("fb_sysadmin", people["orgs"]["agency"]["id"], "公共充电桩实时状态")
        with freeze_time("2026-12-01 02:00:00"):
            opened = step("provider_editor", demand["id"], "mark_opened", linked_package_id=new_dataset["name"])
        assert opened["status"] == "closed" and opened["outcome"] == "opened"
        assert opened["linked_package_id"] == new_dataset["id"]
        assert opened["linked_package"]["title"] == "公共充电桩实时状态"
        assert [event["action"] for event in opened["events"]] == [
            "file", "forward", "answer_can_open", "mark_opened"]
        assert notifications_of("citizen", demand["id"])

    def test_already_open_points_at_the_dataset(self, people):
        demand = _demand()
        step("city_admin", demand["id"], "forward", organization_id="bincheng-market")
        with pytest.raises(tk.ValidationError) as error:
            step("provider_editor", demand["id"], "answer_already_open", response="已开放")
        assert "linked_package_id" in error.value.error_dict
        closed = step("provider_editor", demand["id"], "answer_already_open", response="见企业登记信息数据集",
                      linked_package_id=people["datasets"]["market"]["id"])
        assert closed["outcome"] == "already_open"
        assert closed["linked_package_id"] == people["datasets"]["market"]["id"]

    def test_cannot_open_needs_reasons(self, people):
        demand = _demand()
        step("city_admin", demand["id"], "forward", organization_id="bincheng-market")
        with pytest.raises(tk.ValidationError) as error:
            step("provider_editor", demand["id"], "answer_cannot_open")
        assert bilingual(error.value.error_dict["response"][0])
        closed = step("provider_editor", demand["id"], "answer_cannot_open",
                      response="涉及个人隐私，依据《个人信息保护法》不予开放")
        assert closed["outcome"] == "cannot_open" and closed["response"].startswith("涉及个人隐私")

    def test_failing_formal_review_is_answered_with_reasons(self, people):
        demand = _demand()
        with pytest.raises(tk.NotAuthorized):
            step("provider_editor", demand["id"], "reject", response="材料不全")
        rejected = step("city_admin", demand["id"], "reject", response="请补充应用场景说明")
        assert rejected["outcome"] == "rejected" and rejected["closed_at"]

    def test_demand_requires_its_fields_and_an_account(self, people):
        with pytest.raises(tk.NotAuthorized):
            file(None, "data_demand", requested_data="x", purpose="y", contact_name="王", contact_phone="13800138000")
        with pytest.raises(tk.ValidationError) as error:
            file("citizen", "data_demand")
        assert {"requested_data", "purpose"} <= set(error.value.error_dict)

    def test_demands_are_never_public(self, people):
        demand = _demand()
        step("city_admin", demand["id"], "forward", organization_id="bincheng-market")
        assert call("publicdata_feedback_ticket_list", None)["count"] == 0
        assert call("publicdata_feedback_ticket_list", "outsider")["count"] == 0
        assert call("publicdata_feedback_ticket_list", "citizen", mine=True)["count"] == 1
        mine = call("publicdata_feedback_dashboard", "citizen")["mine"]
        assert [item["id"] for item in mine] == [demand["id"]]


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestOpeningNeeds:
    def test_published_needs_are_visible_to_everyone_without_personal_data(self, people):
        need = file("citizen", "opening_need", title="开放学区划分数据", domain="教育", contact_phone="13700137000")
        assert call("publicdata_feedback_ticket_list", None, kind="opening_need")["count"] == 0
        step("city_admin", need["id"], "publish")
        listed = call("publicdata_feedback_ticket_list", None, kind="opening_need")
        assert listed["count"] == 1
        item = listed["results"][0]
        assert item["title"] == "开放学区划分数据"
        assert "contact_phone" not in item and "submitter_id" not in item
