"""Publication review in the browser (TAX-13): a provider creates a dataset through the web form and submits it,
the authority returns it with a reason, the provider reads the reason."""
from __future__ import annotations

import pytest
import ckan.plugins.toolkit as tk
from ckan.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

PASSWORD = "Review-Pass-2026"
CITY_AUTHORITY = "city-big-data-bureau"  # ckanext.publicdata.authority_organization of the test configuration


def _post_form(page, button, then_url: str) -> None:
    """Click a form's submit button and follow CKAN's redirect (the portal's site URL is its own address)."""
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state()
    assert page.url.startswith(then_url.split("?")[0]), (page.url, then_url)


def _log_in(page, portal_url: str, user_name: str) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(portal_url + "/user/login")
    page.fill("#field-login", user_name)
    page.fill("#field-password", PASSWORD)
    with page.expect_navigation():
        page.locator("#field-password").press("Enter")
    page.goto(portal_url + "/dashboard/")
    assert user_name in page.content()


def _log_out(page, portal_url: str) -> None:
    page.context.clear_cookies()


def test_provider_submits_authority_returns_provider_reads_the_reason(page, portal_url):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    if not tk.asbool(tk.config.get("ckanext.publicdata.publication_review.enabled")):
        pytest.skip("the portal runs with the publication review off (config/test.ini); use config/test-review.ini")
    factories.User(name="review_provider", password=PASSWORD)
    factories.User(name="review_authority", password=PASSWORD)
    factories.Organization(name=CITY_AUTHORITY, title="滨州市大数据局", level="city",
                           users=[{"name": "review_authority", "capacity": "admin"}])
    factories.Organization(name="bz-transport", title="滨州市交通运输局", level="city",
                           parent_authority=CITY_AUTHORITY,
                           users=[{"name": "review_provider", "capacity": "editor"}])

    # the provider fills in the dataset form (stage 1), then finishes without a resource file
    _log_in(page, portal_url, "review_provider")
    page.goto(portal_url + "/dataset/new")
    page.fill("#field-title", "公交线路信息")
    page.fill("#field-identifier", "37160000-0007-2024-000099")  # the URL name is generated from it
    page.fill("#field-notes", "全市公交线路与站点")
    page.select_option("#field-organizations", label="滨州市交通运输局", force=True)  # a select2 widget over it
    page.select_option("#field-open_attribute", "unconditional")
    # one data item in the first row; "Add" opens a second row that stays blank: it is dropped, not refused
    page.locator("input[name='data_items-0-field_name']").fill("line_no")
    page.locator("input[name='data_items-0-field_title']").fill("线路编号")
    try:
        page.wait_for_function("() => !document.querySelector('div[name=repeating-template]')", timeout=8000)
    except Exception:
        raise AssertionError(f"JS errors: {errors}")
    page.locator("a[name=repeating-add]").first.click()
    page.locator("input[name='data_items-1-field_name']").wait_for()
    identifier = "37160000-0007-2024-000099"
    _post_form(page, page.locator("button[name=save]").first, portal_url + "/dataset/")
    dataset = tk.get_action("package_show")({"ignore_auth": True}, {"id": identifier})
    assert [item["field_name"] for item in dataset["data_items"]] == ["line_no"]
    assert dataset["publication_status"] == "draft" and dataset["private"] is True
    # stage 2: a linked resource, then Finish
    page.goto(portal_url + f"/dataset/{dataset['name']}/resource/new")
    # choose "Link" (the upload/link widget hides the URL input until chosen) and give the address
    page.evaluate("""() => {
        document.getElementById('resource-url-link').checked = true;
        document.getElementById('field-resource-url').value = 'https://example.org/bus-lines.csv';
    }""")
    page.fill("#field-name", "公交线路")
    dataset_url = portal_url + f"/dataset/{dataset['name']}"
    _post_form(page, page.locator("button[name=save][value=go-metadata]"), dataset_url)

    # the dataset page says draft and offers 提交审核
    assert page.locator(".publicdata-publication-status[data-status=draft]").count() == 1
    _post_form(page, page.locator(".publicdata-submit-review button"), dataset_url)
    assert page.locator(".publicdata-publication-status[data-status=submitted]").count() == 1
    _log_out(page, portal_url)

    # the authority returns it from the queue with a reason
    _log_in(page, portal_url, "review_authority")
    page.goto(portal_url + "/dashboard/review")
    item = page.locator(".publicdata-review-item", has_text="公交线路信息")
    assert item.count() == 1
    assert item.locator(".publicdata-review-due").inner_text().strip()
    item.locator(".publicdata-review-return textarea").fill("缺少站点坐标数据项说明")
    _post_form(page, item.locator(".publicdata-review-return button"), portal_url + "/dashboard/review")
    assert page.locator(".publicdata-review-item", has_text="公交线路信息").count() == 0
    _log_out(page, portal_url)

    # the provider sees the reason on their dashboard and on the dataset page
    _log_in(page, portal_url, "review_provider")
    page.goto(portal_url + "/dashboard/my-publications")
    returned = page.locator(".publicdata-publication-returned", has_text="公交线路信息")
    assert returned.count() == 1
    assert "缺少站点坐标数据项说明" in returned.locator(".publicdata-return-reasons").inner_text()


def _form_provider() -> None:
    factories.User(name="form_provider", password=PASSWORD)
    factories.Organization(name="bz-form-agency", title="滨州市统计局", level="city",
                           users=[{"name": "form_provider", "capacity": "editor"}])


def test_the_form_shows_the_fields_of_the_chosen_open_attribute(page, portal_url):
    _form_provider()
    _log_in(page, portal_url, "form_provider")
    page.goto(portal_url + "/dataset/new")
    conditions_text = page.locator("#field-open_conditions_text")
    condition_types = page.locator("input[name=open_conditions]").first
    basis = page.locator("#field-not_open_basis")

    page.select_option("#field-open_attribute", "unconditional")
    assert not conditions_text.is_visible() and not condition_types.is_visible() and not basis.is_visible()
    page.select_option("#field-open_attribute", "conditional")
    assert conditions_text.is_visible() and condition_types.is_visible() and not basis.is_visible()
    page.select_option("#field-open_attribute", "not_open")
    assert basis.is_visible() and not conditions_text.is_visible() and not condition_types.is_visible()
    assert conditions_text.is_disabled()  # a hidden field posts nothing


def test_without_javascript_every_condition_field_stays_visible(chromium, portal_url):
    _form_provider()
    context = chromium.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        _log_in(page, portal_url, "form_provider")
        page.goto(portal_url + "/dataset/new")
        for selector in ("#field-open_conditions_text", "#field-not_open_basis", "input[name=open_conditions]"):
            assert page.locator(selector).first.is_visible(), selector
    finally:
        context.close()
