"""The public pages answer in Chinese by default and in English on request (issue 2, done-when)."""
from __future__ import annotations

import pytest
from ckan.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


def _demo_dataset():
    organization = factories.Organization(name="shi-shichang-jianguan-ju", title="滨州市市场监督管理局")
    return factories.Dataset(
        owner_org=organization["id"], name="qiye-dengji-xinxi", title="滨州市企业登记注册信息",
        notes="全市企业登记注册基本信息，按日更新。", identifier="37160000-SJ-2026-000001",
        open_attribute="unconditional", update_frequency="daily", priority_domains=["market_regulation"],
    )


def test_home_dataset_list_and_dataset_page_in_chinese(page, portal_url):
    dataset = _demo_dataset()

    response = page.goto(portal_url + "/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang").startswith("zh")
    # the home page's figures count the public dataset, and its newest list links to it
    assert page.locator(".publicdata-figure-list strong").first.inner_text().strip() == "1"
    assert page.locator(".publicdata-latest-list a", has_text="滨州市企业登记注册信息").count() == 1

    response = page.goto(portal_url + "/dataset/")
    assert response.status == 200
    assert "滨州市企业登记注册信息" in page.content()
    assert "数据集" in page.content()

    response = page.goto(portal_url + f"/dataset/{dataset['name']}")
    assert response.status == 200
    assert page.locator("#content h1").first.inner_text().strip().startswith("滨州市企业登记注册信息")


def test_english_is_offered(page, portal_url):
    _demo_dataset()
    response = page.goto(portal_url + "/en/dataset/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Datasets" in page.content()
    assert "滨州市企业登记注册信息" in page.content()
