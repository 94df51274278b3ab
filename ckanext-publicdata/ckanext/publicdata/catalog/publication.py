"""Publication review (TAX-13, BZ-R 10) and the personal-information gate before opening (SEC-1, SEC-2).

Who enters review: a dataset created, or whose open attribute is changed, by provider staff (members of the
agency who are not its open-data authority) opens a review cycle in ``draft`` and stays private until the
authority approves it. Datasets created by trusted actors — sysadmins (the site user included), the city
authority, the agency's county authority, or code running with ``ignore_auth`` (test factories, the demo
loader, trusted harvest sources) — are published at once.

Personal information: before publication (submit, approve) the uploaded CSV/JSON/XLSX resources of the dataset
are scanned (:mod:`ckanext.publicdata.catalog.pii`); a hit blocks until the data is masked or the authority
overrides with a recorded reason. Trusted creations are scanned too and the report is recorded, but they are not
blocked (the actor is the authority itself); a hit notifies the authority. A resource change on a published open
dataset re-runs the scan: when provider staff made the change, a hit takes the dataset back to review (private)
and warns provider and authority (SEC-2); when a trusted actor made it, the hit is recorded and the authority
warned, nothing is withdrawn.
"""
from __future__ import annotations

import datetime
import json
import logging
from typing import Any, Optional

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog import authority
from ckanext.publicdata.catalog.model import (
    PUBLICATION_DRAFT,
    PUBLICATION_PUBLISHED,
    PUBLICATION_SUBMITTED,
    PublicationReview,
)

__all__ = [
    "CONTEXT_PUBLISHING",
    "review_enabled",
    "SCANNED_FORMATS",
    "is_trusted_publisher",
    "open_cycle",
    "scan_dataset",
    "report_blocks",
    "report_message",
    "review_due_date",
    "notify_provider",
    "notify_authority",
]

log = logging.getLogger(__name__)

# context key set by the review actions when they publish or withdraw a dataset (the API cannot set it)
CONTEXT_PUBLISHING = "publicdata_publication_publishing"

SCANNED_FORMATS = ("csv", "json", "xlsx")

CAUSE_CREATED = "created"
CAUSE_OPEN_ATTRIBUTE = "open_attribute_changed"
CAUSE_PII = "pii_hit"
CAUSE_RESUBMITTED = "resubmitted"


def user_id_of(user_name: Optional[str]) -> Optional[str]:
    user = model.User.get(user_name or "")
    return user.id if user else None


def review_enabled() -> bool:
    return tk.asbool(tk.config.get("ckanext.publicdata.publication_review.enabled", True))


def is_trusted_publisher(context: dict[str, Any], owner_org: Optional[str]) -> bool:
    """Whether what this actor creates or changes is published without review (see the module doc)."""
    if context.get("ignore_auth"):
        return True
    user_name = context.get("user")
    if not user_name:
        return True  # no user and no ignore_auth: only internal code gets this far
    if authz.is_sysadmin(user_name):
        return True
    return authority.is_authority_for(user_name, owner_org or "")


def is_trusted_actor(user_name: Optional[str], owner_org: Optional[str]) -> bool:
    """Like :func:`is_trusted_publisher` but by the user alone: CKAN's resource actions set ``ignore_auth`` on
    their context for the nested package calls, so there it does not tell internal code from a provider."""
    user = model.User.get(user_name or "")
    if user is None:
        return True  # internal code (no account behind the call)
    if user.sysadmin:
        return True
    return authority.is_authority_for(user.name, owner_org or "")


def open_cycle(package_id: str, owner_org: Optional[str], cause: str, user_name: Optional[str],
               status: str = PUBLICATION_DRAFT) -> PublicationReview:
    """Add (not commit) a new review cycle; an open draft/returned/submitted cycle is reused instead."""
    current = PublicationReview.current(package_id)
    if current is not None and current.status != PUBLICATION_PUBLISHED and status == PUBLICATION_DRAFT:
        return current
    cycle = PublicationReview(
        package_id=package_id,
        owner_org=owner_org,
        status=status,
        cause=cause,
        created=datetime.datetime.utcnow(),
        created_by=user_id_of(user_name),
    )
    model.Session.add(cycle)
    model.Session.flush()
    return cycle


# ------------------------------------------------------------------ the personal-information scan

def _resource_format(resource: dict[str, Any]) -> Optional[str]:
    fmt = (resource.get("format") or "").strip().lower()
    if fmt in SCANNED_FORMATS:
        return fmt
    url = (resource.get("url") or "").lower().split("?")[0]
    for candidate in SCANNED_FORMATS:
        if url.endswith("." + candidate):
            return candidate
    return None


def _scan_link(resource: dict[str, Any], fmt: str, entry: dict[str, Any]) -> Optional[str]:
    """Fetch a linked resource (SSRF-guarded, size-capped) and scan it into ``entry``; or say why it was not."""
    import os

    from ckanext.publicdata.catalog.link_fetch import LinkRefused, fetch_link
    from ckanext.publicdata.catalog.pii import scan_resource

    try:
        fetched = fetch_link(resource.get("url") or "")
    except LinkRefused as refused:
        return str(refused)
    try:
        if fetched.truncated and fmt != "csv":
            return (f"链接文件超过扫描上限（{fetched.size} 字节），未扫描 / The linked file is larger than the scan "
                    f"limit ({fetched.size} bytes); not scanned")
        report = scan_resource(fetched.path, fmt, name=(resource.get("url") or "").rsplit("/", 1)[-1] or None)
    finally:
        os.unlink(fetched.path)
    entry["report"] = report.as_dict()
    entry["source"] = "link"
    entry["partial"] = fetched.truncated
    return None


def scan_dataset(pkg_dict: dict[str, Any], resource_ids: Optional[set[str]] = None) -> dict[str, Any]:
    """Scan the CSV/JSON/XLSX resources of a dataset (or only ``resource_ids``): uploads, and links over http(s).

    Returns ``{"clean": bool, "resources": [...], "skipped": [...]}``; each scanned entry has the resource's id,
    name, format and the :class:`~ckanext.publicdata.catalog.pii.PiiReport` as a dict (a link: ``source`` "link",
    ``partial`` when only the first ``link_max_bytes`` of a CSV were read). Other formats, and links that could
    not or may not be fetched (:mod:`~ckanext.publicdata.catalog.link_fetch`: private addresses, errors, size),
    are listed under ``skipped`` with a bilingual ``reason``; they do not block, the authority sees them.
    """
    from ckan.lib import uploader

    from ckanext.publicdata import config
    from ckanext.publicdata.catalog.pii import scan_resource

    scanned: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for resource in pkg_dict.get("resources") or []:
        if resource_ids is not None and resource.get("id") not in resource_ids:
            continue
        fmt = _resource_format(resource)
        entry = {"resource_id": resource.get("id"), "name": resource.get("name") or resource.get("id"),
                 "format": fmt or resource.get("format")}
        if fmt is None:
            skipped.append(entry)
            continue
        if resource.get("url_type") != "upload":
            if not config.pii_scan_links():
                skipped.append(entry)
                continue
            reason = _scan_link(resource, fmt, entry)
            if reason is not None:
                skipped.append({**entry, "reason": reason})
            else:
                scanned.append(entry)
            continue
        path = uploader.get_resource_uploader(resource).get_path(resource["id"])
        file_name = (resource.get("url") or "").rsplit("/", 1)[-1] or None
        report = scan_resource(path, fmt, name=file_name)
        entry["report"] = report.as_dict()
        scanned.append(entry)
    clean = all(not entry["report"]["findings"] and not entry["report"]["error"] for entry in scanned)
    return {"clean": clean, "resources": scanned, "skipped": skipped,
            "scanned_at": datetime.datetime.utcnow().isoformat()}


def report_blocks(report: Optional[dict[str, Any]]) -> bool:
    return bool(report) and not report.get("clean", True)


def report_lines(report: Optional[dict[str, Any]]) -> list[str]:
    """One bilingual line per hit: resource, column, kind, row count and masked samples."""
    from ckanext.publicdata.catalog.pii import KIND_LABELS

    lines: list[str] = []
    for entry in (report or {}).get("resources") or []:
        result = entry.get("report") or {}
        if result.get("error"):
            lines.append(f"资源「{entry['name']}」无法扫描：{result['error']} / "
                         f"Resource \"{entry['name']}\" could not be scanned")
        for finding in result.get("findings") or []:
            samples = "、".join(finding.get("samples") or [])
            kind = KIND_LABELS.get(finding.get("kind"), finding.get("kind"))
            lines.append(
                f"资源「{entry['name']}」列「{finding['location']}」含 {kind}，共 {finding['rows']} 行，"
                f"示例（已脱敏）：{samples} / Resource \"{entry['name']}\", column \"{finding['location']}\": "
                f"{kind} in {finding['rows']} row(s), masked samples: {samples}"
            )
    return lines


def skipped_lines(report: Optional[dict[str, Any]]) -> list[str]:
    """One bilingual line per linked resource that was not scanned, with why (for the authority's review)."""
    return [f"资源「{entry['name']}」未扫描：{entry['reason']} / Resource \"{entry['name']}\" not scanned"
            for entry in (report or {}).get("skipped") or [] if entry.get("reason")]


def report_message(report: Optional[dict[str, Any]]) -> list[str]:
    """The error lines shown to the provider when personal information blocks publication."""
    return [
        "数据含个人信息，脱敏后才能开放（或由开放主管部门说明理由后放行） / The data contains personal "
        "information: mask it before opening (or the open-data authority overrides with a recorded reason)",
        *report_lines(report),
    ]


# ------------------------------------------------------------------ deadlines and notices

def review_workdays() -> int:
    """BZ-R 10 sets no period for the normative review; the configured figure applies (default 5 wd)."""
    value = tk.config.get("ckanext.publicdata.publication_review_workdays")
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 5


def _local_date(moment: datetime.datetime) -> datetime.date:
    from zoneinfo import ZoneInfo

    from ckanext.publicdata import config

    return moment.replace(tzinfo=datetime.timezone.utc).astimezone(ZoneInfo(config.portal_timezone())).date()


def emergency_review_workdays() -> int:
    """SU 18: emergency data is opened promptly — its review is due sooner (default 1 working day)."""
    value = tk.config.get("ckanext.publicdata.publication_review_emergency_workdays")
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 1


def is_emergency(package: Optional[model.Package]) -> bool:
    """Whether the dataset is flagged 突发事件 (TAX-14)."""
    if package is None:
        return False
    return str(package.extras.get("emergency") or "").strip().lower() in ("true", "1", "yes", "on")


def review_due_date(submitted_at: datetime.datetime, emergency: bool = False) -> datetime.date:
    from ckanext.publicdata.workdays import add_workdays

    days = emergency_review_workdays() if emergency else review_workdays()
    return add_workdays(_local_date(submitted_at), days)


def today_local() -> datetime.date:
    return _local_date(datetime.datetime.utcnow())


def _dataset_link(package: model.Package) -> str:
    return f"/dataset/{package.name}"  # a path: notices are also recorded outside a request


def notify_provider(package: model.Package, kind: str, title: str, body: str = "") -> None:
    from ckanext.publicdata.notifications import notify, organization_recipients

    recipients = organization_recipients(package.owner_org or "")
    if recipients:
        notify(recipients, kind, title, body, link=_dataset_link(package),
               object_type="dataset", object_id=package.id)


def notify_authority(package: model.Package, kind: str, title: str, body: str = "") -> None:
    from ckanext.publicdata.notifications import authority_recipients, notify, organization_recipients

    recipients = list(authority_recipients())
    bureau = authority.county_bureau_of(package.owner_org or "")
    if bureau is not None:
        recipients += organization_recipients(bureau.id, ("admin",))
    if recipients:
        notify(list(dict.fromkeys(recipients)), kind, title, body, link="/dashboard/review",
               object_type="dataset", object_id=package.id)


def withdraw_for_review(package: model.Package, report: dict[str, Any], user_name: Optional[str]) -> PublicationReview:
    """SEC-2: personal information found in a published open dataset — back to review, private, warn everyone."""
    cycle = open_cycle(package.id, package.owner_org, CAUSE_PII, user_name, status=PUBLICATION_SUBMITTED)
    cycle.submitted_at = datetime.datetime.utcnow()
    cycle.submitted_by = user_id_of(user_name)
    cycle.pii_report = json.dumps(report, ensure_ascii=False)
    cycle.reasons = json.dumps(report_message(report), ensure_ascii=False)
    set_private(package.id, True)
    title = f"数据集「{package.title}」发现个人信息，已撤回待审 / Personal information found in \"{package.title}\": withdrawn for review"
    body = "\n".join(report_lines(report))
    notify_provider(package, "publication_pii_hit", title, body)
    notify_authority(package, "publication_pii_hit", title, body)
    return cycle


def set_private(package_id: str, private: bool) -> None:
    """Set the dataset's visibility through package_patch (so the search index follows), without review."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"model": model, "session": model.Session, "user": site_user["name"], "ignore_auth": True,
               "defer_commit": True, CONTEXT_PUBLISHING: True}
    tk.get_action("package_patch")(context, {"id": package_id, "private": private})
