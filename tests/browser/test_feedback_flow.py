"""Feedback in the browser (issue 6): an anonymous visitor files an error report from a dataset page and the
provider answers it; a rights complaint suspends the dataset (notice, no downloads) until the provider restores it.

The live portal runs on the same test configuration (publication review on), so the datasets are created by a
sysadmin and published at once.
"""
from __future__ import annotations

import itertools

import pytest
import requests

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

PASSWORD = "Feedback-Pass-2026"
CITY_AUTHORITY = "city-big-data-bureau"  # ckanext.publicdata.authority_organization of the test configuration
FILE_URL = "http://data.example.org/feedback-flow/enterprises.csv"
_numbers = itertools.count(1)


def _world() -> dict:
    for name in ("fb_provider", "fb_authority", "fb_complainant", "fb_admin"):
        factories.User(name=name, password=PASSWORD, email=f"{name}@example.org")
    factories.Sysadmin(name="fb_sysadmin")
    factories.Organization(name=CITY_AUTHORITY, title="滨州市大数据局", level="city",
                           users=[{"name": "fb_authority", "capacity": "admin"}])
    agency = factories.Organization(name="bz-market", title="滨州市市场监督管理局", level="city",
                                    parent_authority=CITY_AUTHORITY,
                                    users=[{"name": "fb_provider", "capacity": "editor"}])
    dataset = tk.get_action("package_create")({"user": "fb_sysadmin"}, {
        "title": "企业登记信息", "identifier": f"37160000-0009-2026-{next(_numbers):06d}", "owner_org": agency["id"],
        "open_attribute": "unconditional", "notes": "全市企业登记基本信息", "theme": "economy",
        "update_frequency": "monthly", "open_method": ["download"],
        "resources": [{"name": "企业登记信息.csv", "url": FILE_URL, "format": "CSV"}],
    })
    model.Session.commit()
    return {"dataset": dataset}


def _log_in(page, portal_url: str, user_name: str) -> None:
    page.context.clear_cookies()
    page.goto(portal_url + "/user/login")
    page.fill("#field-login", user_name)
    page.fill("#field-password", PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(#field-login) button[type=submit]").click()
    page.goto(portal_url + "/dashboard/")
    assert user_name in page.content()


def _submit(page, form) -> None:
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    page.wait_for_load_state()


def _ticket(reference: str):
    from ckanext.publicdata.feedback.model.ticket import Ticket

    model.Session.expire_all()
    return model.Session.query(Ticket).filter(Ticket.reference == reference).one()


def test_anonymous_error_report_answered_by_the_provider(page, portal_url):
    world = _world()
    dataset = world["dataset"]

    # an anonymous visitor opens the dataset page and follows the 纠错 entry
    page.goto(f"{portal_url}/dataset/{dataset['name']}")
    with page.expect_navigation():
        page.locator("#dataset-feedback a[data-kind=error_report]").click()
    page.fill("#field-title", "注册资本单位错误")
    page.fill("#field-body", "第 3 行的注册资本应为万元，不是元。")
    page.select_option("#field-error_type", "wrong_value")
    page.fill("#field-contact_name", "张先生")
    page.fill("#field-contact_phone", "13800001234")
    _submit(page, page.locator("#feedback-form"))
    assert page.locator("#feedback-filed").count() == 1
    reference = page.locator(".publicdata-ticket-reference").inner_text().strip()
    ticket = _ticket(reference)
    assert ticket.kind == "error_report" and ticket.submitter_id is None and ticket.package_id == dataset["id"]

    # the provider opens the ticket and answers it
    _log_in(page, portal_url, "fb_provider")
    page.goto(f"{portal_url}/feedback/ticket/{ticket.id}")
    assert "张先生" in page.content()  # the handler sees the contact
    answer = page.locator("form.publicdata-ticket-step[data-action=answer]")
    answer.locator("textarea[name=response]").fill("已更正注册资本单位，感谢指正。")
    _submit(page, answer)
    assert "已更正注册资本单位" in page.locator(".publicdata-ticket-response").inner_text()
    ticket = _ticket(reference)
    assert ticket.closed_at is not None and ticket.handled_at is not None

    # the answer is on the public list of handled feedback, without the filer's name or phone
    page.context.clear_cookies()
    page.goto(f"{portal_url}/feedback/handled")
    table = page.locator(".publicdata-feedback-handled-table").inner_text()
    assert "已更正注册资本单位" in table and reference in table
    assert "张先生" not in page.content() and "13800001234" not in page.content()


def test_rights_complaint_suspends_then_restores(page, portal_url):
    world = _world()
    dataset = world["dataset"]
    dataset_url = f"{portal_url}/dataset/{dataset['name']}"
    resource_id = dataset["resources"][0]["id"]
    download_url = f"{dataset_url}/resource/{resource_id}/download"

    # the complainant (an account) files a rights complaint from the dataset page
    _log_in(page, portal_url, "fb_complainant")
    page.goto(dataset_url)
    with page.expect_navigation():
        page.locator("#dataset-feedback a[data-kind=rights_complaint]").click()
    page.fill("#field-title", "数据包含本人身份证号")
    page.fill("#field-body", "企业登记信息第 12 行公开了我的身份证号。")
    page.select_option("#field-right_type", "privacy")
    page.fill("#field-evidence", "本人身份证复印件")
    _submit(page, page.locator("#feedback-form"))
    ticket_url = page.url
    assert "/feedback/ticket/" in ticket_url

    # the provider suspends the dataset in one action
    _log_in(page, portal_url, "fb_provider")
    page.goto(ticket_url)
    suspend = page.locator("form.publicdata-ticket-step[data-action=suspend]")
    suspend.locator("textarea[name=note]").fill("初步核实属实，立即中止开放")
    _submit(page, suspend)

    # everyone else: the notice, no download address, the download refused, the badge in search
    page.context.clear_cookies()
    page.goto(dataset_url)
    assert page.locator(".publicdata-suspension-notice").count() == 1
    assert FILE_URL not in page.content()
    assert "初步核实属实" not in page.content()
    assert requests.get(download_url, allow_redirects=False, timeout=10).status_code == 403
    page.goto(f"{portal_url}/dataset/?q=企业登记")
    assert page.locator(".publicdata-suspension-badge").count() == 1

    # the provider still reaches the data, then restores the opening
    _log_in(page, portal_url, "fb_provider")
    page.goto(dataset_url)
    assert page.locator(".publicdata-suspension-notice").count() == 1
    page.goto(ticket_url)
    restore = page.locator("form.publicdata-ticket-step[data-action=restore]")
    restore.locator("textarea[name=response]").fill("经核实为同名他人信息，恢复开放")
    _submit(page, restore)

    page.context.clear_cookies()
    page.goto(dataset_url)
    assert page.locator(".publicdata-suspension-notice").count() == 0
    response = requests.get(download_url, allow_redirects=False, timeout=10)
    assert response.status_code in (301, 302) and response.headers["Location"] == FILE_URL
