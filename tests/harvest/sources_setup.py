"""Builders for the harvest-source tests: organizations, harvest sources and running a job in-process.

Not fixtures (the loopback server and the live second portal are tests/harvest/conftest.py's); a job is run
through ckanext-harvest's own stages (gather → fetch → import, then harvest_jobs_run), without the queues.
"""
from __future__ import annotations

import itertools
import json
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestSource
from ckanext.harvest.queue import get_harvester
from ckanext.harvest.tests.factories import HarvestJobObj
from ckanext.harvest.tests.lib import run_harvest_job

from tests.catalog.taxonomy_setup import CITY_AUTHORITY, agency_code

_sources = itertools.count(1)

HARVEST_PLUGINS = {
    "node": "publicdata_node",
    "ckan": "publicdata_ckan",
    "catalog_file": "publicdata_catalog_file",
    "dcat": "publicdata_dcat",
    "json": "publicdata_json",
}


def portal_setup() -> dict[str, Any]:
    """A sysadmin, the city authority (with an admin who receives alerts) and the agencies the sources name."""
    sysadmin = factories.Sysadmin(name="hv_sysadmin")
    authority_admin = factories.User(name="hv_authority_admin")
    orgs = {
        "city": factories.Organization(
            name=CITY_AUTHORITY, title="滨州市大数据局", level="city", agency_code=agency_code("MB1000001"),
            users=[{"name": authority_admin["name"], "capacity": "admin"}]),
    }
    orgs["transport"] = factories.Organization(
        name="huimin-transport", title="惠民县交通运输局", level="county", parent_authority=CITY_AUTHORITY,
        agency_code=agency_code("MB1600002"))
    orgs["market"] = factories.Organization(
        name="bincheng-market", title="滨城区市场监督管理局", level="county", parent_authority=CITY_AUTHORITY,
        agency_code=agency_code("MB1600001"))
    orgs["culture"] = factories.Organization(
        name="yangxin-culture", title="阳信县文化和旅游局", level="county", parent_authority=CITY_AUTHORITY)
    orgs["weather"] = factories.Organization(
        name="zhanhua-weather", title="沾化区气象局", level="county", parent_authority=CITY_AUTHORITY)
    return {"sysadmin": sysadmin, "authority_admin": authority_admin, "orgs": orgs}


def create_source(kind: str, url: str, config: dict[str, Any], owner_org: Optional[str] = CITY_AUTHORITY,
                  user: str = "hv_sysadmin") -> HarvestSource:
    number = next(_sources)
    data = {
        "name": f"hv-source-{kind.replace('_', '-')}-{number}",
        "title": f"测试来源 {kind} {number}",
        "url": url,
        "source_type": HARVEST_PLUGINS[kind],
        "config": json.dumps(config, ensure_ascii=False),
    }
    if owner_org:
        data["owner_org"] = owner_org
    source_dict = tk.get_action("harvest_source_create")({"user": user}, data)
    return HarvestSource.get(source_dict["id"])


def run_job(source: HarvestSource) -> tuple[HarvestJob, dict[str, Any]]:
    """Run one harvest job of the source in-process; (the job, results by guid)."""
    job = HarvestJobObj(source=source, run=False)
    results = run_harvest_job(job, get_harvester(source.type))
    for result in results.values():
        result["errors"] = [error.message for error in result["errors"]]
    model.Session.remove()
    return HarvestJob.get(job.id), results


def gather_errors(job: HarvestJob) -> list[str]:
    return [error.message for error in HarvestJob.get(job.id).gather_errors]


def object_errors(results: dict[str, Any], guid: str) -> list[str]:
    return list(results[guid]["errors"])


def all_object_errors(results: dict[str, Any]) -> dict[str, list[str]]:
    return {guid: list(result["errors"]) for guid, result in results.items() if result["errors"]}


def datasets_with_identifier(identifier: str, include_deleted: bool = False) -> list[model.Package]:
    query = (
        model.Session.query(model.Package)
        .join(model.PackageExtra, model.PackageExtra.package_id == model.Package.id)
        .filter(model.PackageExtra.key == "identifier", model.PackageExtra.value == identifier)
    )
    if not include_deleted:
        query = query.filter(model.Package.state != "deleted")
    return query.all()


def show(package_id: str) -> dict[str, Any]:
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": package_id})


def report_statuses(results: dict[str, Any]) -> dict[str, str]:
    return {guid: result["report_status"] for guid, result in results.items()}


def current_objects(source: HarvestSource) -> list[HarvestObject]:
    return model.Session.query(HarvestObject).filter(HarvestObject.harvest_source_id == source.id,
                                                     HarvestObject.current.is_(True)).all()


def is_bilingual(message: str) -> bool:
    return " / " in message and any("\u4e00" <= char <= "\u9fff" for char in message)
