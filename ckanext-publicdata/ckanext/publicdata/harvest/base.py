"""The shared machinery of the portal's harvesters (HARV-1, HARV-2, TAX-12, TAX-13).

Every harvester (harvest/harvesters/*.py) only says how to read its kind of source: :meth:`iter_records` yields
the source's records one at a time (the gather never holds a whole source in memory: it pages through APIs and
iterates file rows) and :meth:`record_fields` says where the catalog fields are in one record. The rest is here
and is the same for all of them:

- **Mapping** (:func:`build_dataset`): the target organization (the source's ``owner_org``, or the record's
  provider through ``provider_map`` / 统一社会信用代码 / the organization's title), vocabulary synonyms
  (harvest/vocabulary.py: ``每天`` → ``daily``, ``有条件`` → ``conditional``, per-source overrides), dates, data
  items, resources. No silent defaults: a record without an open attribute fails.
- **Validation**: the dataset goes through ``package_create`` / ``package_update`` — the scheming schema and the
  catalog rules, exactly as a local dataset. An invalid record becomes ONE harvest error naming every bad field;
  the rest of the job imports.
- **One source per identifier** (TAX-12): ``publicdata_harvest_record`` says which source owns which
  identifier. The same identifier from a second source (or already used by a dataset created on the portal) is a
  conflict: a harvest error plus a notification to the open-data authority, never a second dataset.
- **Review** (TAX-13): harvest runs as the site user, which the publication review treats as trusted; so a
  record from a source not marked ``"trusted": true`` is created private and put in the authority's review queue
  (a submitted review cycle), and so is an update that raises a published dataset's open attribute. A downgrade
  goes through the downgrade lock like any other (a pending change request).
- **Sync**: a record whose mapped content hashes as before is skipped (``unchanged``); a changed one updated;
  records gone from the source are withdrawn (the dataset is deleted, the record marked ``withdrawn``) — unless
  the source shrank by more than the withdrawal brake (``ckanext.publicdata.harvest.withdraw_brake``, per-source
  ``withdraw_brake``): then the job stops with an error and the authority is alerted. A gather that did not read
  the whole source (an error on a page) never withdraws.
- **Hidden URLs**: a conditional or not-open record never brings a resource URL the source hid (a resource the
  source marks ``url_hidden`` / ``access_denial``, an empty URL, or the source's landing page standing in for
  the data); no URL is made up in its place.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Optional

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid

from ckanext.harvest.harvesters.base import HarvesterBase
from ckanext.harvest.model import HarvestObject, HarvestObjectError, HarvestObjectExtra

from ckanext.publicdata.harvest.mapping import MISSING, CatalogMappingError, parse_data_items
from ckanext.publicdata.harvest.model import RECORD_ACTIVE, RECORD_WITHDRAWN, HarvestConflict, HarvestRecord
from ckanext.publicdata.harvest.vocabulary import MULTI_VALUE_FIELDS, SynonymTable

__all__ = [
    "HarvestSourceError",
    "SourceRecord",
    "SourceConfig",
    "PublicdataHarvesterBase",
    "build_dataset",
    "content_hash",
    "normalise_date",
    "validation_message",
    "withdraw_brake_default",
    "CAUSE_HARVESTED",
]

log = logging.getLogger(__name__)

CAUSE_HARVESTED = "harvested"
OBJECT_STATUS_KEY = "publicdata_status"
OBJECT_WITHDRAW = "withdraw"
RESTRICTED = ("conditional", "not_open")

# the catalog schema's dataset fields a record may carry (var/briefs/fields.md)
DATASET_FIELDS = (
    "title", "identifier", "notes", "tag_string", "open_attribute", "open_conditions", "open_conditions_text",
    "not_open_basis", "usage_requirements", "share_attribute", "share_conditions", "share_method", "theme",
    "priority_domains", "security_level", "update_frequency", "open_method", "emergency", "data_items",
    "release_date", "data_updated", "spatial_coverage", "temporal_start", "temporal_end", "related_identifiers",
    "contact_name", "contact_phone", "contact_email",
)
SINGLE_VOCABULARY_FIELDS = ("open_attribute", "share_attribute", "theme", "security_level", "update_frequency",
                            "emergency")
DATE_FIELDS = ("release_date", "data_updated", "temporal_start", "temporal_end")
RESOURCE_FIELDS = ("url", "name", "description", "format", "access_method", "api_doc_url")
HIDDEN_URL_MARKERS = ("url_hidden", "access_denial")
# a harvested text longer than this is refused (a 10 MB title is a broken source, not a title)
TEXT_LENGTH_LIMIT = 100_000
FIELD_LENGTH_LIMITS = {"title": 500, "identifier": 100, "contact_name": 200, "contact_phone": 100,
                       "contact_email": 200, "spatial_coverage": 50}


class HarvestSourceError(Exception):
    """The source cannot be read (unreachable, not the expected format …): a bilingual gather error."""


@dataclass
class SourceRecord:
    """One record of a source: its key in the source (stable between harvests) and its content as JSON data."""

    guid: str
    content: Any


# ------------------------------------------------------------------ configuration

def withdraw_brake_default() -> float:
    try:
        return float(tk.config.get("ckanext.publicdata.harvest.withdraw_brake") or 0.2)
    except (TypeError, ValueError):
        return 0.2


@dataclass
class SourceConfig:
    """The options every source configuration may set (each harvester adds its own under ``options``)."""

    owner_org: Optional[str] = None
    provider_map: dict[str, str] = field(default_factory=dict)
    synonyms: dict[str, dict[str, str]] = field(default_factory=dict)
    trusted: bool = False
    withdraw_brake: Optional[float] = None
    timeout: float = 60.0
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def brake(self) -> float:
        return withdraw_brake_default() if self.withdraw_brake is None else self.withdraw_brake

    @classmethod
    def parse(cls, config_text: Optional[str], check_organizations: bool = False) -> "SourceConfig":
        """Parse (and check) a source configuration; raises ValueError with a bilingual message."""
        if not config_text or not str(config_text).strip():
            return cls()
        try:
            data = json.loads(config_text)
        except ValueError as error:
            raise ValueError(f"来源配置不是合法的 JSON：{error} / The source configuration is not valid JSON: {error}")
        if not isinstance(data, dict):
            raise ValueError("来源配置须为 JSON 对象 / The source configuration must be a JSON object")
        config = cls(options=data)
        owner_org = data.get("owner_org")
        if owner_org is not None:
            if not isinstance(owner_org, str) or not owner_org.strip():
                raise ValueError("owner_org 须为机构名称 / owner_org must be an organization name")
            config.owner_org = owner_org.strip()
            if check_organizations and _organization(config.owner_org) is None:
                raise ValueError(f"目标机构 {owner_org} 不存在 / The target organization {owner_org} does not exist")
        provider_map = data.get("provider_map") or {}
        if not isinstance(provider_map, dict) or not all(isinstance(v, str) for v in provider_map.values()):
            raise ValueError("provider_map 须为「来源提供方 → 机构名称」对象 / provider_map must map source providers "
                             "to organization names")
        if check_organizations:
            for provider, org_name in provider_map.items():
                if _organization(org_name) is None:
                    raise ValueError(f"provider_map 中的机构 {org_name}（{provider}）不存在 / The organization "
                                     f"{org_name} of provider_map ({provider}) does not exist")
        config.provider_map = {_provider_key(k): v for k, v in provider_map.items()}
        synonyms = data.get("synonyms") or {}
        if not isinstance(synonyms, dict) or not all(isinstance(t, dict) for t in synonyms.values()):
            raise ValueError("synonyms 须为「字段 → {来源取值: 代码}」对象 / synonyms must map fields to "
                             "{source value: code} objects")
        config.synonyms = synonyms
        trusted = data.get("trusted", False)
        if not isinstance(trusted, bool):
            raise ValueError("trusted 须为 true 或 false / trusted must be true or false")
        config.trusted = trusted
        brake = data.get("withdraw_brake")
        if brake is not None:
            try:
                brake = float(brake)
            except (TypeError, ValueError):
                brake = -1.0
            if not 0 <= brake <= 1:
                raise ValueError("withdraw_brake 须为 0 到 1 之间的比例 / withdraw_brake must be a share between 0 "
                                 "and 1")
            config.withdraw_brake = brake
        timeout = data.get("timeout", 60)
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
            raise ValueError("timeout 须为正数（秒） / timeout must be a positive number of seconds")
        config.timeout = float(timeout)
        return config


def _provider_key(value: Any) -> str:
    return re.sub(r"\s+", "", str(value or "")).lower()


def _organization(name_or_id: str) -> Optional[model.Group]:
    group = model.Group.get(name_or_id)
    if group is None or not group.is_organization or group.state != "active":
        return None
    return group


def _organization_by_agency_code(code: str) -> Optional[model.Group]:
    rows = (
        model.Session.query(model.Group)
        .join(model.GroupExtra, model.GroupExtra.group_id == model.Group.id)
        .filter(model.Group.is_organization.is_(True), model.Group.state == "active")
        .filter(model.GroupExtra.key == "agency_code", model.GroupExtra.value == code.strip().upper())
        .all()
    )
    return rows[0] if len(rows) == 1 else None


def _organization_by_title(title: str) -> Optional[model.Group]:
    rows = (
        model.Session.query(model.Group)
        .filter(model.Group.is_organization.is_(True), model.Group.state == "active")
        .filter(sa.or_(model.Group.title == title.strip(), model.Group.name == title.strip()))
        .all()
    )
    return rows[0] if len(rows) == 1 else None


# ------------------------------------------------------------------ mapping a record to a dataset

def normalise_date(value: Any) -> Any:
    """Dates as sources write them (2024/5/1, 2024年5月1日, 2024-05-01 08:00:00, Excel dates) → 2024-05-01."""
    if value is None or value == "":
        return value
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    match = re.match(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        try:
            return datetime.date(year, month, day).isoformat()
        except ValueError:
            return text
    match = re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups())).isoformat()
        except ValueError:
            return text
    return text


def _text(value: Any) -> Any:
    if value is None or value is MISSING:
        return None
    if isinstance(value, (list, dict)):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _tag_string(value: Any) -> str:
    if isinstance(value, list):
        names = []
        for tag in value:
            name = tag.get("name") if isinstance(tag, Mapping) else tag
            if name and str(name).strip():
                names.append(str(name).strip())
        return ",".join(dict.fromkeys(names))
    parts = re.split(r"[,，;；、]+", str(value or ""))
    return ",".join(dict.fromkeys(part.strip() for part in parts if part.strip()))


def _data_items(value: Any, synonyms: SynonymTable) -> list[dict[str, Any]]:
    items = parse_data_items(value) if not isinstance(value, list) else [dict(i) for i in value if isinstance(i, Mapping)]
    result = []
    for item in items:
        entry = {key: _text(item.get(key)) for key in ("field_name", "field_title", "field_type", "description")
                 if item.get(key) not in (None, "")}
        if entry.get("field_type"):
            entry["field_type"] = synonyms.translate("field_type", entry["field_type"])
        result.append(entry)
    return result


def _resource_url_hidden(resource: Mapping[str, Any], landing_pages: set[str]) -> bool:
    if any(resource.get(marker) for marker in HIDDEN_URL_MARKERS):
        return True
    url = str(resource.get("url") or "").strip()
    return not url or url in landing_pages


def _resources(value: Any, open_attribute: Any, landing_pages: set[str], synonyms: SynonymTable
               ) -> list[dict[str, Any]]:
    resources: list[dict[str, Any]] = []
    restricted = open_attribute in RESTRICTED
    for source_resource in value if isinstance(value, list) else []:
        if not isinstance(source_resource, Mapping):
            continue
        resource = {key: _text(source_resource.get(key)) for key in RESOURCE_FIELDS
                    if source_resource.get(key) not in (None, "")}
        if restricted and _resource_url_hidden(source_resource, landing_pages):
            resource["url"] = ""  # the source hid it: none is imported, none is made up
        if resource.get("format"):
            resource["format"] = synonyms.translate("format", resource["format"])
        if resource.get("access_method"):
            resource["access_method"] = synonyms.translate("access_method", resource["access_method"])
        resource.setdefault("url", "")
        resources.append(resource)
    return resources


def resolve_owner(fields: Mapping[str, Any], config: SourceConfig, source_owner_org: Optional[str]
                  ) -> tuple[Optional[str], Optional[str]]:
    """(organization id, error) for a record: provider_map, 统一社会信用代码, title/name, then the source's own."""
    explicit = fields.get("owner_org")
    raw_providers = fields.get("provider")
    providers = [_text(p) for p in (raw_providers if isinstance(raw_providers, list) else [raw_providers]) if p]
    provider = providers[0] if providers else None
    provider_code = _text(fields.get("provider_code"))
    for candidate in (*providers, provider_code, explicit):
        if candidate and _provider_key(candidate) in config.provider_map:
            org = _organization(config.provider_map[_provider_key(candidate)])
            if org is not None:
                return org.id, None
    if provider_code:
        org = _organization_by_agency_code(str(provider_code))
        if org is not None:
            return org.id, None
    for candidate in (explicit, *providers):
        if candidate:
            org = _organization(str(candidate)) or _organization_by_title(str(candidate))
            if org is not None:
                return org.id, None
    who = provider or provider_code or explicit
    # the source's configured target; the harvest source's own organization only for records naming no provider
    for fallback in (config.owner_org, None if who else source_owner_org):
        if fallback:
            org = _organization(fallback)
            if org is not None:
                return org.id, None
    if who:
        return None, (f"提供方「{who}」没有对应的本地机构（在来源配置 provider_map 或 owner_org 中指定） / The "
                      f"provider \"{who}\" has no local organization (set provider_map or owner_org in the source "
                      f"configuration)")
    return None, ("记录没有提供方，来源也未配置目标机构 owner_org / The record names no provider and the source "
                  "configures no target organization (owner_org)")


def build_dataset(fields: Mapping[str, Any], config: SourceConfig, source_owner_org: Optional[str] = None
                  ) -> tuple[dict[str, Any], list[str]]:
    """The dataset dict for package_create/update from a record's mapped fields, and the mapping errors.

    Vocabulary fields go through the source's synonyms; values that match nothing are kept so that validation
    names them. Nothing is defaulted — least of all the open attribute.
    """
    synonyms = SynonymTable(config.synonyms)
    errors: list[str] = []
    dataset: dict[str, Any] = {}
    for name in DATASET_FIELDS:
        value = fields.get(name, MISSING)
        if value is MISSING or value is None or value == "" or value == []:
            continue
        if name in MULTI_VALUE_FIELDS:
            dataset[name] = synonyms.translate_many(name, value)
        elif name in SINGLE_VOCABULARY_FIELDS:
            if isinstance(value, list):
                value = value[0] if value else ""
            dataset[name] = synonyms.translate(name, _text(value))
        elif name in DATE_FIELDS:
            dataset[name] = normalise_date(value)
        elif name == "tag_string":
            tags = _tag_string(value)
            if tags:
                dataset[name] = tags
        elif name == "data_items":
            items = _data_items(value, synonyms)
            if items:
                dataset[name] = items
        elif name == "related_identifiers" and isinstance(value, list):
            dataset[name] = ",".join(str(v) for v in value)
        else:
            dataset[name] = _text(value)
    for name, value in dataset.items():
        limit = FIELD_LENGTH_LIMITS.get(name, TEXT_LENGTH_LIMIT)
        if isinstance(value, str) and len(value) > limit:
            errors.append(f"字段 {name} 过长（{len(value)} 个字符，最多 {limit}） / The field {name} is too long "
                          f"({len(value)} characters, at most {limit})")
            dataset[name] = value[:limit]
    if isinstance(dataset.get("emergency"), str) and dataset["emergency"] in ("true", "false"):
        dataset["emergency"] = dataset["emergency"] == "true"
    landing_pages = {str(page).strip() for page in (fields.get("landing_page"), fields.get("source_page"))
                     if page}
    dataset["resources"] = _resources(fields.get("resources"), dataset.get("open_attribute"), landing_pages,
                                      synonyms)
    owner_id, owner_error = resolve_owner(fields, config, source_owner_org)
    if owner_error:
        errors.append(owner_error)
    else:
        dataset["owner_org"] = owner_id
    return dataset, errors


def content_hash(dataset: Mapping[str, Any]) -> str:
    """SHA-256 of the mapped dataset in canonical JSON (what decides whether a record changed)."""
    canonical = json.dumps(dataset, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _field_labels() -> dict[str, str]:
    try:
        from ckanext.scheming.helpers import scheming_get_dataset_schema

        schema = scheming_get_dataset_schema("dataset") or {}
    except Exception:  # scheming not loaded: field names alone
        return {}
    labels: dict[str, str] = {}
    for field_def in (schema.get("dataset_fields") or []) + (schema.get("resource_fields") or []):
        label = field_def.get("label")
        if isinstance(label, dict):
            text = " / ".join(v for v in (label.get("zh_Hans_CN"), label.get("en")) if v)
        else:
            text = str(label or "")
        labels.setdefault(field_def["field_name"], text)
    return labels


def _flatten_errors(error_dict: Any, prefix: str = "") -> list[tuple[str, str]]:
    flat: list[tuple[str, str]] = []
    if isinstance(error_dict, dict):
        for key, value in error_dict.items():
            flat.extend(_flatten_errors(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(error_dict, list):
        if all(isinstance(item, str) for item in error_dict):
            for message in error_dict:
                flat.append((prefix, message))
        else:
            for index, item in enumerate(error_dict):
                if item:
                    flat.extend(_flatten_errors(item, f"{prefix}[{index + 1}]"))
    elif error_dict:
        flat.append((prefix, str(error_dict)))
    return flat


def validation_message(guid: str, identifier: Any, error_dict: Any) -> str:
    """One harvest error naming every field that failed validation (label, code and each message)."""
    labels = _field_labels()
    lines = []
    for path, message in _flatten_errors(error_dict):
        base = re.split(r"[.\[]", path, maxsplit=1)[0]
        last = path.rsplit(".", 1)[-1]
        label = labels.get(last) or labels.get(base) or ""
        lines.append(f"- {path}{f'（{label}）' if label else ''}: {message}")
    fields = sorted({re.split(r"[.\[]", path, maxsplit=1)[0] for path, _ in _flatten_errors(error_dict)})
    who = f"{guid}" + (f"（信息资源代码 {identifier}）" if identifier and identifier != guid else "")
    return (f"记录 {who} 未通过校验，字段：{'、'.join(fields)} / Record {guid} failed validation in: "
            f"{', '.join(fields)}\n" + "\n".join(lines))


# ------------------------------------------------------------------ the harvester base class

class PublicdataHarvesterBase(HarvesterBase):
    """Base of the portal's harvesters; subclasses set :attr:`harvester_info` and implement the source reading."""

    harvester_info: dict[str, str] = {}

    # -- to implement
    def validate_options(self, options: dict[str, Any]) -> None:
        """Check the harvester's own configuration keys; raise ValueError (bilingual) on a bad one."""

    def iter_records(self, source_url: str, config: SourceConfig, job: Any) -> Iterator[SourceRecord]:
        """Yield the source's records one at a time; raise HarvestSourceError when the source cannot be read."""
        raise NotImplementedError

    def record_fields(self, content: Any, config: SourceConfig) -> dict[str, Any]:
        """The catalog fields of one record (see mapping.TARGET_FIELDS); may raise CatalogMappingError."""
        raise NotImplementedError

    # -- IHarvester
    def info(self) -> dict[str, str]:
        """The harvester's name, and its title and description in the page's language when there is a page."""
        info = dict(self.harvester_info)
        try:
            from flask import has_request_context

            if has_request_context():
                info["title"] = tk._(info["title"])
                info["description"] = tk._(info["description"])
        except Exception:  # outside a request (consumers, CLI): the English msgids
            pass
        return info

    def validate_config(self, config: Optional[str]) -> Optional[str]:
        parsed = SourceConfig.parse(config, check_organizations=True)
        try:
            self.validate_options(parsed.options)
        except CatalogMappingError as error:
            raise ValueError(str(error))
        return config

    def get_original_url(self, harvest_object_id: str) -> Optional[str]:
        obj = HarvestObject.get(harvest_object_id)
        return obj.source.url if obj is not None else None

    def _config(self, source: Any) -> SourceConfig:
        return SourceConfig.parse(source.config)

    def gather_stage(self, harvest_job: Any) -> list[str]:
        source = harvest_job.source
        try:
            config = self._config(source)
        except ValueError as error:
            self._save_gather_error(str(error), harvest_job)
            return []
        seen: set[str] = set()
        object_ids: list[str] = []
        complete = True
        try:
            for record in self.iter_records(source.url, config, harvest_job):
                guid = str(record.guid or "").strip()
                if not guid:
                    continue
                if guid in seen:
                    self._save_gather_error(
                        f"来源中记录 {guid} 出现多次，只导入第一条 / Record {guid} appears more than once in the source; "
                        f"only the first is imported", harvest_job)
                    continue
                seen.add(guid)
                obj = HarvestObject(guid=guid, job=harvest_job,
                                    content=json.dumps(record.content, ensure_ascii=False, default=str))
                obj.save()
                object_ids.append(obj.id)
        except HarvestSourceError as error:
            complete = False
            self._save_gather_error(str(error), harvest_job)
        except Exception as error:  # never crash the consumer on a malformed source
            log.exception("gather of %s failed", source.url)
            complete = False
            model.Session.rollback()
            self._save_gather_error(
                f"读取来源失败：{type(error).__name__}: {error} / Reading the source failed: "
                f"{type(error).__name__}: {error}", harvest_job)
        if not complete:
            if object_ids:
                self._save_gather_error(
                    "来源未完整读取：本次不撤回任何记录 / The source was not read completely: nothing is withdrawn "
                    "this time", harvest_job)
            return object_ids
        withdrawals = self._withdrawals(harvest_job, config, seen, object_ids)
        if withdrawals is None:
            return []
        return object_ids + withdrawals

    # -- withdrawal with the brake
    def _withdrawals(self, harvest_job: Any, config: SourceConfig, seen: set[str], object_ids: list[str]
                     ) -> Optional[list[str]]:
        source = harvest_job.source
        active = HarvestRecord.active_of_source(source.id).all()
        gone = [record for record in active if record.guid not in seen]
        if not gone:
            return []
        share = len(gone) / len(active)
        if share > config.brake:
            self._stop_for_brake(harvest_job, len(active), len(gone), share, config.brake, object_ids)
            return None
        ids = []
        for record in gone:
            obj = HarvestObject(guid=record.guid, job=harvest_job, package_id=record.package_id,
                                extras=[HarvestObjectExtra(key=OBJECT_STATUS_KEY, value=OBJECT_WITHDRAW)])
            obj.save()
            ids.append(obj.id)
        return ids

    def _stop_for_brake(self, harvest_job: Any, total: int, gone: int, share: float, brake: float,
                        object_ids: list[str]) -> None:
        for obj in model.Session.query(HarvestObject).filter(HarvestObject.id.in_(object_ids)).all():
            model.Session.delete(obj)
        model.Session.commit()
        source = harvest_job.source
        message = (f"来源「{source.title or source.url}」的记录由 {total} 条骤减 {gone} 条（{share:.0%}，超过撤回阈值 "
                   f"{brake:.0%}）：本次任务已停止，未撤回任何数据集，请核实来源 / The source \"{source.title or source.url}\" "
                   f"shrank by {gone} of {total} records ({share:.0%}, more than the withdrawal brake of {brake:.0%}): "
                   f"the job stopped and withdrew nothing; check the source")
        self._save_gather_error(message, harvest_job)
        try:
            from ckanext.publicdata.notifications import authority_recipients, notify, organization_recipients

            recipients = list(authority_recipients())
            source_package = model.Package.get(source.id)
            if source_package is not None and source_package.owner_org:
                recipients += organization_recipients(source_package.owner_org, ("admin",))
            if recipients:
                notify(recipients, "harvest_withdraw_brake",
                       f"采集来源「{source.title or source.url}」骤减，已停止撤回 / Harvest source "
                       f"\"{source.title or source.url}\" shrank: withdrawal stopped",
                       message, link=f"/harvest/{source_package.name if source_package else source.id}",
                       object_type="harvest_source", object_id=source.id)
                model.Session.commit()
        except Exception:  # the alert is best effort; the gather error is the record
            log.exception("could not notify about the withdrawal brake of %s", source.id)
            model.Session.rollback()

    # -- fetch: the gather already stored each record
    def fetch_stage(self, harvest_object: Any) -> bool:
        return True

    # -- import
    def _harvest_user_name(self) -> str:
        return self._get_user_name()

    def _context(self) -> dict[str, Any]:
        return {"model": model, "session": model.Session, "user": self._harvest_user_name(), "ignore_auth": True}

    def _error(self, harvest_object: Any, message: str) -> bool:
        model.Session.rollback()
        HarvestObjectError(message=message, object=harvest_object, stage="Import").save()
        return False

    def import_stage(self, harvest_object: Any) -> Any:
        status = next((extra.value for extra in harvest_object.extras if extra.key == OBJECT_STATUS_KEY), None)
        source = harvest_object.source or harvest_object.job.source
        if status == OBJECT_WITHDRAW:
            return self._withdraw(harvest_object, source)
        if harvest_object.content is None:
            return self._error(harvest_object, f"记录 {harvest_object.guid} 没有内容 / Record "
                                               f"{harvest_object.guid} has no content")
        try:
            config = self._config(source)
            content = json.loads(harvest_object.content)
            fields = self.record_fields(content, config)
        except (ValueError, CatalogMappingError) as error:
            return self._error(harvest_object, f"记录 {harvest_object.guid} 无法映射：{error} / Record "
                                               f"{harvest_object.guid} could not be mapped: {error}")
        source_package = model.Package.get(source.id)
        dataset, mapping_errors = build_dataset(fields, config, source_package.owner_org if source_package else None)
        identifier = dataset.get("identifier")
        if mapping_errors or not identifier:
            problems = list(mapping_errors)
            if not identifier:
                problems.append("信息资源代码不能为空 / Identifier is required")
            if not dataset.get("open_attribute"):
                problems.append("开放属性不能为空（不设默认值） / The open attribute is required (there is no default)")
            return self._error(harvest_object, f"记录 {harvest_object.guid} 未导入 / Record {harvest_object.guid} "
                                               f"was not imported:\n- " + "\n- ".join(problems))
        try:
            return self._import_dataset(harvest_object, source, config, dataset)
        except tk.ValidationError as error:
            return self._error(harvest_object, validation_message(harvest_object.guid, identifier,
                                                                  error.error_dict))
        except _Conflict as conflict:
            model.Session.rollback()
            self._record_conflict(harvest_object, source, identifier, conflict)
            return self._error(harvest_object, conflict.message)
        except Exception as error:
            log.exception("import of %s failed", harvest_object.guid)
            return self._error(harvest_object, f"记录 {harvest_object.guid} 导入失败：{type(error).__name__}: {error} / "
                                               f"Importing record {harvest_object.guid} failed: "
                                               f"{type(error).__name__}: {error}")

    # -- conflicts (TAX-12)
    def _check_owner(self, source: Any, guid: str, identifier: str, own: Optional[HarvestRecord]) -> None:
        holder = HarvestRecord.by_identifier(identifier)
        if holder is not None and (own is None or holder.id != own.id):
            holder_package = model.Package.get(holder.package_id or "")
            if holder.state == RECORD_ACTIVE and holder_package is not None and holder_package.state != "deleted":
                raise _Conflict(identifier, holder.source_id, holder.package_id)
            model.Session.delete(holder)  # withdrawn elsewhere: the identifier is free to be claimed
            model.Session.flush()
        own_package_id = own.package_id if own is not None else None
        query = (
            model.Session.query(model.Package.id)
            .join(model.PackageExtra, model.PackageExtra.package_id == model.Package.id)
            .filter(model.PackageExtra.key == "identifier", model.PackageExtra.value == identifier)
            .filter(model.Package.state != "deleted")
        )
        if own_package_id:
            query = query.filter(model.Package.id != own_package_id)
        local = query.first()
        if local is not None:
            record = model.Session.query(HarvestRecord).filter(HarvestRecord.package_id == local[0]).first()
            raise _Conflict(identifier, record.source_id if record is not None else None, local[0])

    def _record_conflict(self, harvest_object: Any, source: Any, identifier: str, conflict: "_Conflict") -> None:
        existing = HarvestConflict.open_for(identifier, source.id)
        now = datetime.datetime.utcnow()
        if existing is not None:
            existing.last_seen = now
            existing.occurrences += 1
            existing.harvest_job_id = harvest_object.harvest_job_id
            existing.harvest_object_id = harvest_object.id
            model.Session.commit()
            return
        model.Session.add(HarvestConflict(
            identifier=identifier, source_id=source.id, guid=harvest_object.guid,
            owner_source_id=conflict.owner_source_id, owner_package_id=conflict.owner_package_id,
            harvest_job_id=harvest_object.harvest_job_id, harvest_object_id=harvest_object.id,
            first_seen=now, last_seen=now,
        ))
        try:
            from ckanext.publicdata.notifications import authority_recipients, notify

            recipients = authority_recipients()
            if recipients:
                notify(recipients, "harvest_conflict",
                       f"信息资源代码 {identifier} 来自多个来源 / Identifier {identifier} arrives from more than one source",
                       conflict.message, link=f"/harvest/{_source_name(source)}",
                       object_type="harvest_source", object_id=source.id)
        except Exception:
            log.exception("could not notify the authority about the conflict on %s", identifier)
        model.Session.commit()

    # -- create / update
    def _import_dataset(self, harvest_object: Any, source: Any, config: SourceConfig, dataset: dict[str, Any]
                        ) -> Any:
        from ckanext.publicdata.catalog import publication
        from ckanext.publicdata.catalog.model import PUBLICATION_PUBLISHED, PUBLICATION_SUBMITTED, PublicationReview
        from ckanext.publicdata.catalog.open_attribute import OPENNESS

        guid = harvest_object.guid
        identifier = dataset["identifier"]
        digest = content_hash(dataset)
        own = HarvestRecord.by_source_guid(source.id, guid)
        existing = model.Package.get(own.package_id) if own is not None and own.package_id else None
        if existing is not None and existing.state == "deleted" and own is not None and own.state == RECORD_ACTIVE:
            existing = None  # deleted on the portal meanwhile: harvested anew
        if (own is not None and own.state == RECORD_ACTIVE and existing is not None and existing.state == "active"
                and own.content_hash == digest and own.identifier == identifier):
            own.last_job_id = harvest_object.harvest_job_id
            model.Session.commit()
            return "unchanged"

        self._check_owner(source, guid, identifier, own)
        review = publication.review_enabled() and not config.trusted
        now = datetime.datetime.utcnow()
        context = self._context()
        if own is None:
            own = HarvestRecord(source_id=source.id, guid=guid, identifier=identifier, created=now)
            model.Session.add(own)
        own.identifier = identifier
        own.state = RECORD_ACTIVE
        own.updated = now
        own.last_job_id = harvest_object.harvest_job_id
        try:
            model.Session.flush()
        except IntegrityError:
            model.Session.rollback()
            holder = HarvestRecord.by_identifier(identifier)
            raise _Conflict(identifier, holder.source_id if holder else None, holder.package_id if holder else None)

        open_cycle_status: Optional[str] = None
        if existing is None:
            package_id = make_uuid()
            dataset["id"] = package_id
            dataset["private"] = review or dataset.get("open_attribute") == "not_open"
            harvest_object.package_id = package_id
            harvest_object.current = True
            harvest_object.add()
            model.Session.execute(sa.text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
            own.package_id = package_id
            model.Session.flush()
            action = "package_create"
            if review:
                open_cycle_status = PUBLICATION_SUBMITTED
        else:
            package_id = existing.id
            dataset["id"] = package_id
            dataset["name"] = existing.name
            if existing.state != "active":
                dataset["state"] = "active"
            stored = existing.extras.get("open_attribute")
            requested = dataset.get("open_attribute")
            published = PublicationReview.status_of(package_id) == PUBLICATION_PUBLISHED
            raised = (stored in OPENNESS and requested in OPENNESS and OPENNESS[requested] > OPENNESS[stored])
            private = requested == "not_open" or not published
            if review and (raised or existing.state != "active") and published:
                private = True
                open_cycle_status = PUBLICATION_SUBMITTED
            dataset["private"] = private
            own.package_id = package_id
            action = "package_update"

        tk.get_action(action)(dict(context, defer_commit=True), dataset)
        if open_cycle_status:
            cycle = publication.open_cycle(package_id, dataset.get("owner_org"), CAUSE_HARVESTED, self._harvest_user_name(),
                                           status=open_cycle_status)
            cycle.submitted_at = now
            cycle.submitted_by = publication.user_id_of(self._harvest_user_name())
        own.content_hash = digest
        model.Session.query(HarvestObject).filter(
            HarvestObject.package_id == package_id, HarvestObject.id != harvest_object.id
        ).update({"current": False}, synchronize_session=False)
        harvest_object.package_id = package_id
        harvest_object.current = True
        model.Session.add(harvest_object)
        model.Session.commit()
        return True

    # -- withdrawal of a record gone from the source
    def _withdraw(self, harvest_object: Any, source: Any) -> Any:
        record = HarvestRecord.by_source_guid(source.id, harvest_object.guid)
        if record is None or record.state != RECORD_ACTIVE:
            return "unchanged"
        package = model.Package.get(record.package_id or "")
        try:
            if package is not None and package.state != "deleted":
                tk.get_action("package_delete")(dict(self._context(), defer_commit=True), {"id": package.id})
        except tk.ObjectNotFound:
            pass
        record.state = RECORD_WITHDRAWN
        record.updated = datetime.datetime.utcnow()
        record.last_job_id = harvest_object.harvest_job_id
        if package is not None:
            model.Session.query(HarvestObject).filter(HarvestObject.package_id == package.id).update(
                {"current": False}, synchronize_session=False)
            harvest_object.package_id = package.id
        harvest_object.current = False
        model.Session.add(harvest_object)
        model.Session.commit()
        return True


class _Conflict(Exception):
    def __init__(self, identifier: str, owner_source_id: Optional[str], owner_package_id: Optional[str]) -> None:
        self.identifier = identifier
        self.owner_source_id = owner_source_id
        self.owner_package_id = owner_package_id
        package = model.Package.get(owner_package_id or "")
        dataset = f"《{package.title}》（{package.name}）" if package is not None else ""
        dataset_en = f" (\"{package.title}\", {package.name})" if package is not None else ""
        if owner_source_id:
            from ckanext.harvest.model import HarvestSource

            owner = HarvestSource.get(owner_source_id)
            owner_name = (owner.title or owner.url) if owner is not None else owner_source_id
            self.message = (f"信息资源代码 {identifier} 已由采集来源「{owner_name}」提供{dataset}，一数一源：本条未导入 / "
                            f"Identifier {identifier} is already provided by the harvest source \"{owner_name}\""
                            f"{dataset_en}; one source per dataset: this record was not imported")
        else:
            self.message = (f"信息资源代码 {identifier} 已被本平台的数据集{dataset}使用，一数一源：本条未导入 / "
                            f"Identifier {identifier} is already used by a dataset of this portal{dataset_en}; "
                            f"one source per dataset: this record was not imported")
        super().__init__(self.message)


def _source_name(source: Any) -> str:
    package = model.Package.get(source.id)
    return package.name if package is not None else source.id
