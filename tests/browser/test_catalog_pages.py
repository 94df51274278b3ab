"""Browser tests of the catalog's other pages: the annual open list, the notifications dashboard, the overdue-updates
page and a catalog change from the dataset page to the authority's decision."""
from __future__ import annotations

import datetime

import pytest
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.publicdata.notifications import notify
from tests.browser.test_publication_review import PASSWORD, _log_in, _post_form

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

CITY_AUTHORITY = "city-big-data-bureau"  # ckanext.publicdata.authority_organization of the test configuration


def _city() -> dict:
    factories.User(name="page_authority", password=PASSWORD)
    factories.User(name="page_provider", password=PASSWORD)
    factories.Organization(name=CITY_AUTHORITY, title="滨州市大数据局", level="city",
                           users=[{"name": "page_authority", "capacity": "admin"}])
    agency = factories.Organization(name="bz-culture", title="滨州市文化和旅游局", level="city",
                                    parent_authority=CITY_AUTHORITY,
                                    users=[{"name": "page_provider", "capacity": "editor"}])
    sysadmin = factories.Sysadmin()
    dataset = tk.get_action("package_create")({"user": sysadmin["name"]}, {
        "title": "A级旅游景区名录", "identifier": "37160000-0011-2026-000001", "owner_org": agency["id"],
        "open_attribute": "unconditional", "notes": "全市A级旅游景区", "theme": "culture_tourism",
        "update_frequency": "monthly", "data_updated": "2025-01-31", "open_method": ["download"]})
    return {"agency": agency, "dataset": dataset}


def test_the_authority_publishes_the_open_list_and_the_public_reads_it(page, portal_url):
    city = _city()
    _log_in(page, portal_url, "page_authority")
    page.goto(portal_url + "/open-list")
    year = str(datetime.date.today().year)
    page.locator(".publicdata-open-list-manage input[name=year]").fill(year)
    with page.expect_navigation():
        page.locator(".publicdata-open-list-manage button", has_text="发布").first.click()
    page.context.clear_cookies()

    page.goto(portal_url + f"/open-list/{year}")
    row = page.locator(".publicdata-open-list-entries tr", has_text="A级旅游景区名录")
    assert row.count() == 1 and "37160000-0011-2026-000001" in row.inner_text()
    assert page.locator(".publicdata-open-list-manage").count() == 0  # the public does not manage it
    response = page.request.get(portal_url + f"/open-list/{year}/export.csv")
    assert response.status == 200 and "A级旅游景区名录" in response.text()
    assert city["dataset"]["id"]


def test_notifications_dashboard_shows_and_marks_read(page, portal_url):
    user = factories.User(name="page_reader", password=PASSWORD)
    notify([user["id"]], "catalog_change_approved", "目录变更申请已通过 / Catalog change approved", "同意",
           link="/dataset/", object_type="dataset", object_id="x")
    model.Session.commit()
    _log_in(page, portal_url, "page_reader")
    page.goto(portal_url + "/dashboard/notifications")
    item = page.locator(".publicdata-notification", has_text="目录变更申请已通过")
    assert item.count() == 1 and "is-unread" in item.get_attribute("class")
    _post_form(page, page.locator("form button", has_text="全部标为已读").first,
               portal_url + "/dashboard/notifications")
    item = page.locator(".publicdata-notification", has_text="目录变更申请已通过")
    assert "is-unread" not in (item.get_attribute("class") or "")


def test_overdue_updates_page_for_the_authority_only(page, portal_url):
    city = _city()
    _log_in(page, portal_url, "page_authority")
    page.goto(portal_url + "/dashboard/overdue-updates")
    row = page.locator(f"tr[data-package-id='{city['dataset']['id']}']")
    assert row.count() == 1 and int(row.locator(".publicdata-days-overdue").inner_text()) > 0
    page.context.clear_cookies()
    _log_in(page, portal_url, "page_provider")
    response = page.goto(portal_url + "/dashboard/overdue-updates")
    assert response.status == 403


def test_a_catalog_change_from_the_dataset_page_to_the_authoritys_decision(page, portal_url):
    city = _city()
    name = city["dataset"]["name"]
    _log_in(page, portal_url, "page_provider")
    page.goto(portal_url + f"/dataset/{name}")
    with page.expect_navigation():
        page.locator(".publicdata-catalog-change-link a").click()
    page.locator("select[name=change_field]").first.select_option("update_frequency")
    page.locator("input[name=change_value]").first.fill("quarterly")
    page.select_option("#field-cause", "mandate_changed")
    page.fill("#field-basis", "市委编办〔2026〕12号")
    page.fill("#field-cause-date", (datetime.date.today() - datetime.timedelta(days=3)).isoformat())
    _post_form(page, page.locator(".publicdata-catalog-change-form button[type=submit]"),
               portal_url + "/dashboard/catalog-changes")
    assert page.locator(".publicdata-catalog-change[data-status=pending]", has_text="市委编办").count() == 1
    page.context.clear_cookies()

    _log_in(page, portal_url, "page_authority")
    page.goto(portal_url + "/dashboard/review")
    item = page.locator(".publicdata-catalog-change", has_text="市委编办〔2026〕12号")
    assert item.count() == 1
    _post_form(page, item.locator(".publicdata-catalog-change-approve button"), portal_url + "/dashboard/review")
    assert page.locator(".publicdata-catalog-change", has_text="市委编办〔2026〕12号").count() == 0
    assert tk.get_action("package_show")({"ignore_auth": True}, {"id": name})["update_frequency"] == "quarterly"
