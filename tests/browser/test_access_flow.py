"""Conditional access in the browser (ACC-3 … ACC-6): the applicant applies from the dataset page, the county
bureau accepts the formal review, the provider approves, the applicant signs the use agreement, downloads it, and
then gets the data's bytes through the enforcement download route."""
from __future__ import annotations

import io
import re

import pytest
from werkzeug.datastructures import FileStorage

import ckan.model as model
from ckan.tests import helpers

from ckanext.publicdata.access import grants
from ckanext.publicdata.access.model.application import AccessRequest

from tests.access import workflow_setup as setup
from tests.access.workflow_setup import purge_audit_log  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser,
              pytest.mark.usefixtures("purge_audit_log", "with_plugins", "clean_db", "clean_index")]

PASSWORD = "Access-Flow-2026"
DATA = "统一社会信用代码,企业名称,列入原因\n91371600MA3C00001X,滨州某某公司,通过登记的住所无法联系\n".encode("utf-8")


def _log_in(page, portal_url: str, user_name: str) -> None:
    page.context.clear_cookies()
    page.goto(portal_url + "/user/login")
    page.fill("#field-login", user_name)
    page.fill("#field-password", PASSWORD)
    with page.expect_navigation():
        page.locator("#field-password").press("Enter")
    page.goto(portal_url + "/dashboard/")
    assert user_name in page.content()


def _click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()
    page.wait_for_load_state()


def test_apply_review_approve_sign_download(page, portal_url):
    world = setup.hierarchy(password=PASSWORD)
    dataset = setup.conditional_dataset(world["orgs"]["agency"]["id"], title="经营异常名录明细")
    resource = helpers.call_action(
        "resource_create", context={"user": "acc_sysadmin"}, package_id=dataset["id"], name="经营异常名录",
        format="CSV", url="abnormal.csv", upload=FileStorage(io.BytesIO(DATA), "abnormal.csv", "upload"))
    setup.verify("applicant", legal_name="张三")
    model.Session.commit()

    # the applicant applies from the dataset page
    _log_in(page, portal_url, "applicant")
    page.goto(f"{portal_url}/dataset/{dataset['name']}")
    _click_and_wait(page, page.locator("a.publicdata-apply"))
    page.fill("#field-title", "供应链风险预警")
    page.fill("#field-reason", "为合作企业提供经营异常预警")
    page.select_option("#field-request-type", "dataset")
    fields = setup.application_fields(dataset["id"], period_start=grants.local_today().isoformat())
    page.fill("#field-period-start", fields["period_start"])
    page.fill("#field-period-end", fields["period_end"])
    page.fill("#field-result-form", "风险预警报告")
    page.fill("#field-scenario", "本公司供应链系统内的合作方预警")
    page.fill("textarea[name=condition_application_scenario]", "仅内部预警使用")
    page.fill("textarea[name=condition_data_security]", "等保三级机房存放")
    for code in ("truth", "compliance", "security", "purpose_bound"):
        page.check(f"#commit-{code}")
    _click_and_wait(page, page.locator("button[name=save][value=submit]"))
    request = model.Session.query(AccessRequest).filter_by(package_id=dataset["id"]).one()
    assert re.search(r"/access/requests/" + request.id, page.url)
    assert page.locator(".publicdata-access-status").first.get_attribute("data-status") == "submitted"

    # the county bureau accepts the formal review
    _log_in(page, portal_url, "county_admin")
    page.goto(f"{portal_url}/access/requests/{request.id}")
    _click_and_wait(page, page.locator("button.publicdata-access-accept"))
    assert page.locator(".publicdata-access-status").first.get_attribute("data-status") == "provider_review"

    # the provider approves with the purpose it grants
    _log_in(page, portal_url, "provider_editor")
    page.goto(f"{portal_url}/access/requests/{request.id}")
    page.fill("#field-purpose", "合作方经营异常预警")
    _click_and_wait(page, page.locator("button.publicdata-access-approve"))
    assert page.locator(".publicdata-access-status").first.get_attribute("data-status") == "approved"

    # the applicant reads and signs the agreement, then downloads it
    _log_in(page, portal_url, "applicant")
    page.goto(f"{portal_url}/access/requests/{request.id}")
    assert "合作方经营异常预警" in page.locator(".publicdata-agreement-text").inner_text()
    page.check("#field-consent")
    _click_and_wait(page, page.locator(".publicdata-agreement-sign button[type=submit]"))
    assert page.locator(".publicdata-access-status").first.get_attribute("data-status") == "active"
    with page.expect_download() as download_info:
        page.locator("a.publicdata-agreement-download").click()
    agreement_text = open(download_info.value.path(), encoding="utf-8").read()
    assert "张三" in agreement_text and "合作方经营异常预警" in agreement_text

    model.Session.expire_all()
    applicant = model.User.get("applicant")
    assert grants.active_grant(applicant.id, dataset["id"]) is not None  # the period starts today

    # the data's bytes through the enforcement download route, for the grant holder only
    download_url = f"{portal_url}/dataset/{dataset['id']}/resource/{resource['id']}/download/abnormal.csv"
    response = page.request.get(download_url)
    assert response.status == 200 and response.body() == DATA
    _log_in(page, portal_url, "stranger")
    assert page.request.get(download_url).status == 403
