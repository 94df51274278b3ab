"""Action functions of the ``publicdata_harvest`` plugin: sources (conflicts and records of harvest sources)."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.publicdata.harvest.model import HarvestConflict, HarvestRecord

__all__ = ["publicdata_harvest_conflict_list", "publicdata_harvest_record_list"]


def _schema() -> dict[str, Any]:
    ignore_missing = tk.get_validator("ignore_missing")
    unicode_safe = tk.get_validator("unicode_safe")
    boolean_validator = tk.get_validator("boolean_validator")
    natural_number_validator = tk.get_validator("natural_number_validator")
    return {
        "source_id": [ignore_missing, unicode_safe],
        "identifier": [ignore_missing, unicode_safe],
        "state": [ignore_missing, unicode_safe],
        "resolved": [ignore_missing, boolean_validator],
        "limit": [ignore_missing, natural_number_validator],
        "offset": [ignore_missing, natural_number_validator],
    }


def _validate(data_dict: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    data, errors = tk.navl_validate(data_dict, _schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    if data.get("state") not in (None, "active", "withdrawn"):
        raise tk.ValidationError({"state": ["状态只能是 active 或 withdrawn / The state must be active or withdrawn"]})
    return data


def _source_id(reference: str) -> str:
    """A harvest source's id from its id or name (a harvest source is a dataset of type harvest)."""
    package = model.Package.get(reference)
    if package is None or package.type != "harvest":
        raise tk.ObjectNotFound("采集来源不存在 / The harvest source does not exist")
    return package.id


@tk.side_effect_free
def publicdata_harvest_conflict_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Identifiers claimed by more than one source (TAX-12): what was reported, never imported twice.

    :param source_id: only conflicts of this harvest source, the claiming one (id or name, optional)
    :type source_id: string
    :param identifier: only this identifier (optional)
    :type identifier: string
    :param resolved: only resolved (true) or open (false) conflicts (optional)
    :type resolved: bool
    :param limit: at most this many (default 100)
    :type limit: int
    :param offset: skip this many (default 0)
    :type offset: int
    :returns: ``{"count": n, "results": [conflict, …]}`` newest first
    :rtype: dictionary
    """
    data = _validate(data_dict, context)
    tk.check_access("publicdata_harvest_conflict_list", context, data)
    query = model.Session.query(HarvestConflict)
    if data.get("source_id"):
        query = query.filter(HarvestConflict.source_id == _source_id(data["source_id"]))
    if data.get("identifier"):
        query = query.filter(HarvestConflict.identifier == data["identifier"])
    if "resolved" in data:
        query = query.filter(HarvestConflict.resolved.is_(bool(data["resolved"])))
    count = query.count()
    rows = (query.order_by(HarvestConflict.last_seen.desc())
            .offset(data.get("offset", 0)).limit(data.get("limit", 100)).all())
    return {"count": count, "results": [row.dictize() for row in rows]}


@tk.side_effect_free
def publicdata_harvest_record_list(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The records a harvest source brought in: which identifier it owns, the dataset, active or withdrawn.

    :param source_id: the harvest source (id or name)
    :type source_id: string
    :param identifier: only this identifier (optional)
    :type identifier: string
    :param state: ``active`` or ``withdrawn`` (optional)
    :type state: string
    :param limit: at most this many (default 100)
    :type limit: int
    :param offset: skip this many (default 0)
    :type offset: int
    :returns: ``{"count": n, "results": [record, …]}``
    :rtype: dictionary
    """
    data = _validate(data_dict, context)
    if not data.get("source_id"):
        raise tk.ValidationError({"source_id": ["须指明采集来源 / The harvest source is required"]})
    source_id = _source_id(data["source_id"])
    tk.check_access("publicdata_harvest_record_list", context, dict(data, source_id=source_id))
    query = model.Session.query(HarvestRecord).filter(HarvestRecord.source_id == source_id)
    if data.get("identifier"):
        query = query.filter(HarvestRecord.identifier == data["identifier"])
    if data.get("state"):
        query = query.filter(HarvestRecord.state == data["state"])
    count = query.count()
    rows = (query.order_by(HarvestRecord.identifier)
            .offset(data.get("offset", 0)).limit(data.get("limit", 100)).all())
    return {"count": count, "results": [row.dictize() for row in rows]}
