"""The public gallery of data-use results (利用成果, FB-5; BZ-R 18, BZ-M 33).

A ``use_result`` ticket appears here once the tickets workflow has published it (moderation by the authority):
status ``published`` and ``is_public``. Each entry shows the result (title, description, type, link, producer),
its source — the open datasets it used, with their providers — and the date the data was obtained
(``acquisition_date``). The authority features outstanding ones (``Ticket.featured``), which come first.
Personal data (contact fields, account ids) is never part of an entry.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata import workdays
from ckanext.publicdata.feedback import kinds as kind_registry
from ckanext.publicdata.feedback.model.ticket import Ticket

__all__ = ["KIND", "published_query", "gallery", "used_in", "set_featured", "entry_dict"]

KIND = "use_result"
PUBLISHED = "published"


def published_query() -> Any:
    return (model.Session.query(Ticket)
            .filter(Ticket.kind == KIND, Ticket.status == PUBLISHED, Ticket.is_public.is_(True)))


def _translated(label: str) -> str:
    try:
        return tk._(label)
    except Exception:
        return label


def _result_type_label(code: Optional[str]) -> str:
    definition = kind_registry.KINDS.get(KIND)
    if definition is not None:
        for field in definition.fields:
            if field.name == "result_type":
                for value, label in field.choices:
                    if value == code:
                        return _translated(label)
    return code or ""


def _source_datasets(package_ids: list[str]) -> list[dict[str, Any]]:
    """The used datasets that are public, in the order given, with their provider."""
    if not package_ids:
        return []
    rows = {row.id: row for row in model.Session.query(model.Package).filter(
        model.Package.id.in_(package_ids), model.Package.state == "active", model.Package.private.is_(False))}
    organizations = {row.id: row for row in model.Session.query(model.Group).filter(
        model.Group.id.in_([row.owner_org for row in rows.values() if row.owner_org] or [""]))}
    datasets = []
    for package_id in package_ids:
        package = rows.get(package_id)
        if package is None:
            continue
        organization = organizations.get(package.owner_org or "")
        datasets.append({"id": package.id, "name": package.name, "title": package.title,
                         "organization_title": organization.title if organization else None})
    return datasets


def entry_dict(ticket: Ticket) -> dict[str, Any]:
    """One gallery entry: only public fields, chosen one by one."""
    details = dict(ticket.details or {})
    sources = details.get("source_datasets") or []
    if not isinstance(sources, list):
        sources = [sources]
    return {
        "id": ticket.id,
        "reference": ticket.reference,
        "title": ticket.title,
        "description": ticket.body,
        "result_type": details.get("result_type"),
        "result_type_label": _result_type_label(details.get("result_type")),
        "url": details.get("url"),
        "producer": details.get("producer"),
        "acquisition_date": details.get("acquisition_date"),
        "published_on": workdays.local_date(ticket.handled_at).isoformat() if ticket.handled_at else None,
        "featured": bool(ticket.featured),
        "datasets": _source_datasets([str(source) for source in sources]),
    }


def gallery(package_id: Optional[str] = None, featured: Optional[bool] = None, limit: int = 20,
            offset: int = 0) -> dict[str, Any]:
    """Published use results, featured first, then the most recently published."""
    query = published_query()
    if package_id:
        package = model.Package.get(package_id)
        query = query.filter(Ticket.details["source_datasets"].contains([package.id if package else package_id]))
    if featured is not None:
        query = query.filter(Ticket.featured.is_(featured))
    count = query.count()
    rows = (query.order_by(Ticket.featured.desc(), Ticket.handled_at.desc().nullslast(), Ticket.id)
            .offset(offset).limit(limit).all())
    return {"count": count, "results": [entry_dict(row) for row in rows]}


def used_in(package_id: str, limit: int = 10) -> list[dict[str, Any]]:
    """The published use results that list this dataset (for its page)."""
    return gallery(package_id=package_id, limit=limit)["results"]


def set_featured(ticket: Ticket, featured: bool, actor_id: Optional[str]) -> Ticket:
    """Feature (or stop featuring) a published use result; recorded as a ticket event. No commit."""
    if ticket.kind != KIND:
        raise tk.ValidationError({"id": ["只能推荐利用成果 / Only use results can be featured"]})
    if featured and not (ticket.status == PUBLISHED and ticket.is_public):
        raise tk.ValidationError({"id": ["只能推荐已发布的利用成果 / Only a published use result can be featured"]})
    if bool(ticket.featured) == featured:
        return ticket
    ticket.featured = featured
    model.Session.add(ticket)
    from ckanext.publicdata.feedback.tickets import record_event

    record_event(ticket, "feature" if featured else "unfeature", actor_id, "", ticket.status, ticket.status)
    return ticket
