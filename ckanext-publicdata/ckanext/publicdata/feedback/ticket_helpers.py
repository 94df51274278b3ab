"""Template helpers of the ``publicdata_feedback`` plugin: ticket."""
from __future__ import annotations

from typing import Any

import ckan.model as model

from ckanext.publicdata.feedback import attachments
from ckanext.publicdata.feedback import kinds as kind_registry
from ckanext.publicdata.feedback.model.ticket import Ticket

__all__ = [
    "publicdata_feedback_dataset_kinds",
    "publicdata_feedback_open_count",
    "publicdata_feedback_dataset_title",
    "publicdata_feedback_attachment_max_mb",
]


def publicdata_feedback_dataset_kinds() -> list[kind_registry.Kind]:
    """The kinds offered by the dataset page's 纠错/反馈 entry."""
    return [definition for definition in kind_registry.KINDS.values() if definition.on_dataset_page]


def publicdata_feedback_open_count(package_id: str) -> int:
    """How many tickets about the dataset are still open (a count only: no content, no personal data)."""
    if not package_id:
        return 0
    return (model.Session.query(Ticket)
            .filter(Ticket.package_id == package_id, Ticket.closed_at.is_(None)).count())


def publicdata_feedback_dataset_title(package_id: str) -> str:
    package = model.Package.get(package_id) if package_id else None
    if package is None or package.state != "active" or package.private:
        return package_id
    return package.title or package.name


def publicdata_feedback_attachment_max_mb() -> Any:
    megabytes = attachments.max_bytes() / (1024 * 1024)
    return int(megabytes) if megabytes == int(megabytes) else round(megabytes, 1)
