"""Publication review (TAX-13, BZ-R 10) with the personal-information gate (SEC-1, SEC-2); ROLE-1/ROLE-2."""
from __future__ import annotations

import datetime
import io

import pytest
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.publicdata.catalog.model import PublicationReview
from ckanext.publicdata.workdays import add_workdays
from tests.catalog.taxonomy_setup import authority_hierarchy, create_dataset, dataset_dict


# config/test.ini switches the review off for the other tests; here it is on
pytestmark = pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "true")


def resident_id_number(first17: str = "37160219900307123") -> str:
    """An 18-digit resident ID number with the GB 11643 (ISO 7064 MOD 11-2) check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(digit) * weight for digit, weight in zip(first17, weights))
    return first17 + "10X98765432"[total % 11]


def _action(name: str, user: str, **data):
    return tk.get_action(name)({"user": user}, data)


def _upload(user: str, dataset_id: str, text: str, name: str = "records.csv") -> dict:
    upload = FileStorage(stream=io.BytesIO(text.encode("utf-8")), filename=name, content_type="text/csv")
    return tk.get_action("resource_create")({"user": user}, {
        "package_id": dataset_id, "name": "登记名册", "format": "CSV", "url": name, "upload": upload})


def _anonymous_sees(dataset_id: str) -> bool:
    try:
        tk.get_action("package_show")({"user": ""}, {"id": dataset_id})
    except tk.NotAuthorized:
        return False
    return True


def _anonymous_finds(dataset_id: str) -> bool:
    result = tk.get_action("package_search")({"user": ""}, {"q": f"id:{dataset_id}"})
    return result["count"] == 1


def _bilingual(message: str) -> bool:
    return " / " in message and any("\u4e00" <= char <= "\u9fff" for char in message)


CLEAN_CSV = "企业名称,登记日期\n滨州示例有限公司,2024-01-02\n"


@pytest.fixture
def city():
    return authority_hierarchy()


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestReviewFlow:
    def test_a_providers_new_dataset_is_a_private_draft_invisible_to_the_public(self, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        shown = _action("package_show", "provider_editor", id=dataset["id"])
        assert shown["publication_status"] == "draft"
        assert shown["private"] is True
        assert not _anonymous_sees(dataset["id"])
        assert not _anonymous_finds(dataset["id"])

    def test_the_provider_cannot_make_a_draft_public_by_editing_it(self, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        _action("package_patch", "provider_editor", id=dataset["id"], private=False)
        assert model.Package.get(dataset["id"]).private is True
        assert not _anonymous_sees(dataset["id"])

    def test_submit_return_with_reasons_resubmit_approve(self, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        _upload("provider_editor", dataset["id"], CLEAN_CSV)
        before = datetime.date.today()
        submitted = _action("publicdata_publication_submit", "provider_editor", id=dataset["id"])
        assert submitted["status"] == "submitted" and submitted["pii_report"]["clean"] is True

        queue = _action("publicdata_publication_queue", "city_admin")
        assert [item["package_id"] for item in queue["results"]] == [dataset["id"]]
        item = queue["results"][0]
        assert item["submitted_by"] == "provider_editor"
        due = datetime.date.fromisoformat(item["due_date"])
        # five working days after the submission day (in Shanghai, which may already be tomorrow in UTC)
        assert due in {add_workdays(before, 5), add_workdays(before + datetime.timedelta(days=1), 5)}
        assert due > before + datetime.timedelta(days=4)
        assert not item["overdue"]
        # the authority is told
        notices = _action("publicdata_notification_list", "city_admin")["results"]
        assert any(notice["kind"] == "publication_submitted" for notice in notices)

        reasons = ["数据项说明不完整 / Field descriptions are incomplete", "摘要需写明统计口径"]
        returned = _action("publicdata_publication_return", "city_admin", id=dataset["id"], reasons=reasons)
        assert returned["status"] == "returned" and returned["reasons"] == reasons
        mine = _action("publicdata_publication_list_mine", "provider_editor")
        assert mine["count"] == 1
        assert mine["results"][0]["status"] == "returned" and mine["results"][0]["reasons"] == reasons
        assert _action("package_show", "provider_editor", id=dataset["id"])["publication_status"] == "returned"
        provider_notices = _action("publicdata_notification_list", "provider_editor")["results"]
        assert any(notice["kind"] == "publication_returned" and "统计口径" in notice["body"]
                   for notice in provider_notices)
        assert not _anonymous_sees(dataset["id"])

        _action("publicdata_publication_submit", "provider_editor", id=dataset["id"])
        approved = _action("publicdata_publication_approve", "city_admin", id=dataset["id"])
        assert approved["status"] == "published" and approved["decision"] == "approved"
        assert _anonymous_sees(dataset["id"]) and _anonymous_finds(dataset["id"])
        assert _action("publicdata_publication_queue", "city_admin")["count"] == 0
        assert _action("publicdata_publication_list_mine", "provider_editor")["count"] == 0
        # every step stays on record: the returned cycle and the approved one
        cycles = model.Session.query(PublicationReview).filter_by(package_id=dataset["id"]).all()
        assert sorted(cycle.status for cycle in cycles) == ["published", "returned"]

    def test_a_return_needs_reasons_and_only_reviewers_decide(self, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        _action("publicdata_publication_submit", "provider_editor", id=dataset["id"])
        with pytest.raises(tk.ValidationError) as error:
            _action("publicdata_publication_return", "city_admin", id=dataset["id"], reasons=["  "])
        assert _bilingual(error.value.error_dict["reasons"][0])
        with pytest.raises(tk.NotAuthorized):
            _action("publicdata_publication_approve", "provider_admin", id=dataset["id"])
        with pytest.raises(tk.NotAuthorized):
            _action("publicdata_publication_queue", "provider_editor")

    def test_county_authority_reviews_its_own_countys_agencies_only(self, city):
        own = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        other = create_dataset("other_editor", city["orgs"]["other"]["id"])
        _action("publicdata_publication_submit", "provider_editor", id=own["id"])
        _action("publicdata_publication_submit", "other_editor", id=other["id"])
        queue = _action("publicdata_publication_queue", "county_admin")
        assert [item["package_id"] for item in queue["results"]] == [own["id"]]
        assert _action("publicdata_publication_queue", "city_admin")["count"] == 2
        with pytest.raises(tk.NotAuthorized):
            _action("publicdata_publication_approve", "county_admin", id=other["id"])
        _action("publicdata_publication_approve", "county_admin", id=own["id"])
        assert _anonymous_sees(own["id"]) and not _anonymous_sees(other["id"])

    def test_county_authority_gets_403_over_http(self, app, city):
        other = create_dataset("other_editor", city["orgs"]["other"]["id"])
        _action("publicdata_publication_submit", "other_editor", id=other["id"])
        token = factories.APIToken(user="county_admin")["token"]
        response = app.post("/api/3/action/publicdata_publication_approve", json={"id": other["id"]},
                            headers={"Authorization": token}, status=403)
        assert response.json["success"] is False

    def test_not_open_stays_private_when_approved(self, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"], open_attribute="not_open",
                                 not_open_basis="《中华人民共和国个人信息保护法》第二十八条")
        _action("publicdata_publication_submit", "provider_editor", id=dataset["id"])
        _action("publicdata_publication_approve", "city_admin", id=dataset["id"])
        assert model.Package.get(dataset["id"]).private is True
        assert not _anonymous_sees(dataset["id"])

    def test_an_open_attribute_change_by_the_provider_goes_back_to_review(self, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"], open_attribute="not_open",
                                 not_open_basis="《中华人民共和国个人信息保护法》第二十八条")
        _action("publicdata_publication_submit", "provider_editor", id=dataset["id"])
        _action("publicdata_publication_approve", "city_admin", id=dataset["id"])
        # an upgrade is free under TAX-6 but still a publication to review (TAX-13)
        _action("package_patch", "provider_editor", id=dataset["id"], open_attribute="unconditional",
                not_open_basis="", private=False)
        shown = _action("package_show", "provider_editor", id=dataset["id"])
        assert shown["open_attribute"] == "unconditional" and shown["publication_status"] == "draft"
        assert not _anonymous_sees(dataset["id"])


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestTrustedPublishers:
    def test_a_sysadmin_created_dataset_is_published_at_once(self, city):
        dataset = create_dataset("tax_sysadmin", city["orgs"]["agency"]["id"])
        assert dataset["private"] is False
        assert _action("package_show", "tax_sysadmin", id=dataset["id"])["publication_status"] == "published"
        assert _anonymous_sees(dataset["id"])

    def test_the_city_authority_publishes_at_once(self, city):
        dataset = create_dataset("city_admin", city["orgs"]["city"]["id"])  # its own bureau's data
        assert _anonymous_sees(dataset["id"])

    def test_factories_with_ignore_auth_publish_at_once(self, city):
        dataset = factories.Dataset(**dataset_dict(city["orgs"]["agency"]["id"]))
        assert _anonymous_sees(dataset["id"])


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestPersonalInformation:
    def test_an_id_number_blocks_submission_with_column_and_masked_sample(self, city):
        id_number = resident_id_number()
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        _upload("provider_editor", dataset["id"], f"姓名,公民身份号码\n张三,{id_number}\n李四,{id_number}\n")
        with pytest.raises(tk.ValidationError) as error:
            _action("publicdata_publication_submit", "provider_editor", id=dataset["id"])
        lines = error.value.error_dict["resources"]
        assert all(_bilingual(line) for line in lines)
        text = "\n".join(lines)
        assert "公民身份号码" in text and "登记名册" in text
        assert id_number not in text  # never the raw value
        assert id_number[:4] + "**********" + id_number[-4:] in text
        assert "2" in lines[1]  # two rows
        assert _action("package_show", "provider_editor", id=dataset["id"])["publication_status"] == "draft"
        # the provider sees where on their list
        mine = _action("publicdata_publication_list_mine", "provider_editor")["results"][0]
        assert mine["pii_blocked"] and any("公民身份号码" in line for line in mine["pii_lines"])
        # the authority sees the blocked submission in its queue (it may override), flagged, without approve/return
        queue = _action("publicdata_publication_queue", "city_admin")
        assert queue["count"] == 1
        blocked = queue["results"][0]
        assert blocked["package_id"] == dataset["id"] and blocked["blocked_submission"] and blocked["pii_blocked"]
        assert _action("publicdata_publication_queue", "other_county_admin")["count"] == 0

    def test_masked_data_clears_the_block(self, city):
        id_number = resident_id_number()
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        resource = _upload("provider_editor", dataset["id"], f"姓名,公民身份号码\n张三,{id_number}\n")
        with pytest.raises(tk.ValidationError):
            _action("publicdata_publication_submit", "provider_editor", id=dataset["id"])
        masked = id_number[:4] + "*" * 10 + id_number[-4:]
        upload = FileStorage(stream=io.BytesIO(f"姓名,公民身份号码\n张*,{masked}\n".encode()), filename="records.csv")
        tk.get_action("resource_update")({"user": "provider_editor"}, {
            "id": resource["id"], "name": "登记名册", "format": "CSV", "url": "records.csv", "upload": upload})
        result = _action("publicdata_publication_submit", "provider_editor", id=dataset["id"])
        assert result["status"] == "submitted"

    def test_the_authority_overrides_with_a_recorded_reason(self, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        _upload("provider_editor", dataset["id"], "窗口,咨询电话\n政务服务中心,13812345678\n")
        with pytest.raises(tk.ValidationError):
            _action("publicdata_publication_submit", "provider_editor", id=dataset["id"])
        with pytest.raises(tk.ValidationError) as error:
            _action("publicdata_publication_override", "city_admin", id=dataset["id"], reason="")
        assert "reason" in error.value.error_dict
        with pytest.raises(tk.NotAuthorized):
            _action("publicdata_publication_override", "provider_admin", id=dataset["id"], reason="公开的工作电话")
        result = _action("publicdata_publication_override", "city_admin", id=dataset["id"],
                         reason="政务服务窗口的公开工作电话，不属于个人信息")
        assert result["status"] == "published" and result["decision"] == "overridden"
        assert result["pii_blocked"] is True
        cycle = PublicationReview.current(dataset["id"])
        assert cycle.override_reason == "政务服务窗口的公开工作电话，不属于个人信息"
        assert _anonymous_sees(dataset["id"])

    def test_pii_in_a_changed_resource_of_a_published_dataset_goes_back_to_review(self, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"])
        _upload("provider_editor", dataset["id"], CLEAN_CSV)
        _action("publicdata_publication_submit", "provider_editor", id=dataset["id"])
        _action("publicdata_publication_approve", "city_admin", id=dataset["id"])
        assert _anonymous_sees(dataset["id"])

        _upload("provider_editor", dataset["id"], f"姓名,身份证号\n王五,{resident_id_number()}\n", name="more.csv")
        assert not _anonymous_sees(dataset["id"]) and not _anonymous_finds(dataset["id"])
        shown = _action("package_show", "provider_editor", id=dataset["id"])
        assert shown["publication_status"] == "submitted"
        queue = _action("publicdata_publication_queue", "city_admin")["results"]
        assert [item["package_id"] for item in queue] == [dataset["id"]] and queue[0]["pii_blocked"]
        for user in ("provider_editor", "city_admin"):
            kinds = [n["kind"] for n in _action("publicdata_notification_list", user)["results"]]
            assert "publication_pii_hit" in kinds
        with pytest.raises(tk.ValidationError):
            _action("publicdata_publication_approve", "city_admin", id=dataset["id"])

    def test_a_sysadmin_upload_with_pii_is_recorded_not_withdrawn(self, city):
        dataset = create_dataset("tax_sysadmin", city["orgs"]["agency"]["id"])
        _upload("tax_sysadmin", dataset["id"], f"姓名,身份证号\n王五,{resident_id_number()}\n")
        assert _anonymous_sees(dataset["id"])
        cycle = PublicationReview.current(dataset["id"])
        assert cycle is not None and cycle.status == "published" and cycle.report()["clean"] is False
        kinds = [n["kind"] for n in _action("publicdata_notification_list", "city_admin")["results"]]
        assert "publication_pii_hit" in kinds


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestPages:
    def test_review_queue_and_my_publications_pages(self, app, city):
        dataset = create_dataset("provider_editor", city["orgs"]["agency"]["id"], title="待审核的企业名录")
        _action("publicdata_publication_submit", "provider_editor", id=dataset["id"])
        page = app.get("/dashboard/review", headers={"Authorization": factories.APIToken(user="city_admin")["token"]})
        assert "待审核的企业名录" in page.body and "_csrf_token" in page.body
        app.get("/dashboard/review", headers={"Authorization": factories.APIToken(user="provider_editor")["token"]},
                status=403)
        _action("publicdata_publication_return", "city_admin", id=dataset["id"], reasons="缺少数据项说明")
        mine = app.get("/dashboard/my-publications",
                       headers={"Authorization": factories.APIToken(user="provider_editor")["token"]})
        assert "待审核的企业名录" in mine.body and "缺少数据项说明" in mine.body
