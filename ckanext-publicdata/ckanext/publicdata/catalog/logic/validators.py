"""Validators of the catalog schema (schemas/dataset.yaml, schemas/organization.yaml).

The rules live here so the form, the API and harvest (all of which go through package_create / package_update)
enforce the same thing. Every error is bilingual: 中文 / English.

Field validators run in alphabetical order of field names (navl sorts the flattened keys), so cross-field rules
read the *submitted* ``open_attribute`` from the data; the dataset-level ``publicdata_dataset_rules`` (run in the
``__after`` pass) then applies the downgrade lock (TAX-6) and forces 不予开放 datasets private (TAX-5).
"""
from __future__ import annotations

import datetime
import re
from typing import Any, Callable, Optional

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.scheming.validation import scheming_validator
from pypinyin import lazy_pinyin

from ckanext.publicdata import config
from ckanext.publicdata.catalog import authority
from ckanext.publicdata.catalog.credit_code import is_valid_unified_credit_code, normalise
from ckanext.publicdata.catalog.model import PUBLICATION_PUBLISHED, PublicationReview
from ckanext.publicdata.catalog.publication import (
    CAUSE_CREATED,
    CAUSE_OPEN_ATTRIBUTE,
    CONTEXT_PUBLISHING,
    is_trusted_publisher,
    review_enabled,
)
from ckanext.publicdata.catalog.values import as_list
from ckanext.publicdata.catalog.open_attribute import (
    CONDITIONAL,
    CONTEXT_APPROVED,
    DATA_STATE_KEY,
    NOT_OPEN,
    OPENNESS,
    REQUESTED_FIELDS,
    discriminatory_match,
    is_downgrade,
)

__all__ = [
    "publicdata_required",
    "publicdata_dataset_name",
    "publicdata_identifier",
    "publicdata_required_if_conditional",
    "publicdata_open_conditions_text",
    "publicdata_not_open_basis",
    "publicdata_non_discriminatory",
    "publicdata_share_conditions",
    "publicdata_division_code",
    "publicdata_not_before_temporal_start",
    "publicdata_phone",
    "publicdata_http_url",
    "publicdata_resource_format",
    "publicdata_agency_code",
    "publicdata_parent_authority",
    "publicdata_authority_managed",
    "publicdata_dataset_rules",
    "slug_from_identifier",
    "slug_from_title",
]

Key = tuple[Any, ...]
Data = dict[Key, Any]
Errors = dict[Key, list[str]]

missing = tk.missing
Invalid = tk.Invalid
StopOnError = tk.StopOnError

_NAME_MAX = 100


def _empty(value: Any) -> bool:
    return value is missing or value is None or (isinstance(value, str) and not value.strip()) or value == []


def _package_being_updated(data: Data, context: dict[str, Any]) -> Optional[model.Package]:
    """The stored dataset when this validation is for package_update (CKAN puts it in the context)."""
    package = context.get("package")
    if package is None:
        return None
    package_id = data.get(("id",))
    if package_id in (missing, None) or package_id not in (package.id, package.name):
        return None
    return package


# ------------------------------------------------------------------ generic

@scheming_validator
def publicdata_required(field: dict[str, Any], schema: dict[str, Any]) -> Callable[..., Any]:
    """``not_empty`` for required fields, otherwise skip empty values (a blank select is not a bad choice)."""
    if field.get("required"):
        return tk.get_validator("not_empty")
    return tk.get_validator("ignore_empty")


def publicdata_division_code(value: Any) -> Any:
    """A 6-digit administrative division code (GB/T 2260), e.g. 371600 滨州市."""
    if _empty(value):
        return value
    if not re.fullmatch(r"\d{6}", str(value)):
        raise Invalid("行政区划代码应为 6 位数字，例如 371600 / "
                      "An administrative division code has 6 digits, e.g. 371600")
    return value


_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,23}$")


def publicdata_phone(value: Any) -> Any:
    """A telephone number: mobile, landline with area code and extension, or a hotline (12345)."""
    if _empty(value):
        return value
    digits = re.sub(r"\D", "", str(value))
    if not _PHONE.match(str(value)) or not 5 <= len(digits) <= 20:
        raise Invalid("电话号码格式不正确，例如 0543-1234567 或 13800000000 / "
                      "Not a valid phone number, e.g. 0543-1234567 or 13800000000")
    return value


def publicdata_http_url(value: Any) -> Any:
    """An absolute http(s) URL."""
    if _empty(value):
        return value
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", str(value), flags=re.IGNORECASE):
        raise Invalid("请填写以 http:// 或 https:// 开头的完整网址 / "
                      "Enter a full URL starting with http:// or https://")
    return value


def publicdata_resource_format(value: Any) -> Any:
    """Spell the known machine-readable formats the canonical way (csv → CSV); keep others as given."""
    if _empty(value):
        return value
    canonical = {
        "CSV": "CSV", "JSON": "JSON", "XML": "XML", "XLS": "XLS", "XLSX": "XLSX", "API": "API",
        "PDF": "PDF", "ZIP": "ZIP", "SHP": "SHP", "GEOJSON": "GeoJSON", "TXT": "TXT", "RDF": "RDF",
    }
    return canonical.get(str(value).strip().upper(), value)


def publicdata_not_before_temporal_start(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
    """temporal_end may not precede temporal_start."""
    end = data.get(key)
    start = data.get(("temporal_start",))
    if _empty(end) or _empty(start) or errors.get(("temporal_start",)):
        return
    try:
        start_date = start if isinstance(start, datetime.date) else datetime.date.fromisoformat(str(start)[:10])
        end_date = end if isinstance(end, datetime.date) else datetime.date.fromisoformat(str(end)[:10])
    except ValueError:
        return
    if isinstance(start_date, datetime.datetime):
        start_date = start_date.date()
    if isinstance(end_date, datetime.datetime):
        end_date = end_date.date()
    if end_date < start_date:
        errors[key].append("时间范围止不能早于时间范围起 / The end of the temporal coverage precedes its start")
        raise StopOnError


# ------------------------------------------------------------------ dataset name and identifier (TAX-12)

def slug_from_identifier(identifier: str) -> str:
    """A URL name from an identifier: lower case, anything but a-z 0-9 _ - becomes a hyphen."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", identifier.lower()).strip("-")
    return slug[:_NAME_MAX].strip("-")


def slug_from_title(title: str) -> str:
    """A URL name from a title: pinyin syllables of the Chinese, words of anything else, hyphen-joined."""
    words = []
    for syllable in lazy_pinyin(title or "", errors="default"):
        words.extend(re.findall(r"[a-z0-9]+", syllable.lower()))
    slug = "-".join(words)[:_NAME_MAX].strip("-")
    return slug


def _unique_name(base: str, package_id: Optional[str]) -> str:
    base = base or "dataset"
    if len(base) < 2:
        base = f"dataset-{base}"
    candidate = base
    counter = 2
    while True:
        holder = model.Session.query(model.Package.id).filter(model.Package.name == candidate).first()
        if holder is None or holder[0] == package_id:
            return candidate
        suffix = f"-{counter}"
        candidate = base[: _NAME_MAX - len(suffix)] + suffix
        counter += 1


def publicdata_dataset_name(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
    """Fill the URL name nobody types: keep the stored one on update, else from the identifier or the title."""
    if not _empty(data.get(key)):
        return
    package = _package_being_updated(data, context)
    if package is not None:
        data[key] = package.name
        return
    identifier = data.get(("identifier",))
    base = slug_from_identifier(str(identifier)) if not _empty(identifier) else ""
    if not base:
        title = data.get(("title",))
        base = slug_from_title(str(title)) if not _empty(title) else ""
    if not base:
        # the title and identifier validators report what is missing
        data[key] = "dataset-" + datetime.datetime.utcnow().strftime("%Y%m%d%H%M%S%f")
        return
    package_id = data.get(("id",))
    data[key] = _unique_name(base, None if package_id in (missing, None) else package_id)


def publicdata_identifier(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
    """信息资源代码: required, in the configured format, unique city-wide among live datasets (TAX-12)."""
    value = data.get(key)
    if _empty(value):
        errors[key].append("信息资源代码不能为空 / Identifier is required")
        raise StopOnError
    value = str(value).strip()
    data[key] = value
    pattern = config.identifier_pattern()
    if not re.fullmatch(pattern, value):
        errors[key].append(
            f"信息资源代码格式不正确（应匹配 {pattern}） / Identifier has the wrong format (expected {pattern})")
        raise StopOnError
    package = _package_being_updated(data, context)
    query = (
        model.Session.query(model.Package)
        .join(model.PackageExtra, model.PackageExtra.package_id == model.Package.id)
        .filter(model.PackageExtra.key == "identifier")
        .filter(model.PackageExtra.value == value)
        .filter(model.Package.state != "deleted")
    )
    own_id = package.id if package is not None else data.get(("id",))
    if own_id not in (missing, None):
        query = query.filter(model.Package.id != own_id)
    holder = query.first()
    if holder is not None:
        organization = model.Group.get(holder.owner_org) if holder.owner_org else None
        org_title = organization.title if organization else ""
        errors[key].append(
            f"信息资源代码 {value} 已被数据集《{holder.title}》（{holder.name}，{org_title}）使用，须全市唯一 / "
            f"Identifier {value} is already used by the dataset \"{holder.title}\" ({holder.name}, {org_title}); "
            f"identifiers are unique city-wide")
        raise StopOnError


# ------------------------------------------------------------------ open attribute (TAX-4, TAX-5)

def _submitted_open_attribute(data: Data) -> Any:
    return data.get(("open_attribute",))


def _check_non_discriminatory(key: Key, value: Any, errors: Errors) -> None:
    if _empty(value):
        return
    found = discriminatory_match(str(value))
    if found:
        errors[key].append(
            f"开放条件不得对申请人设置规模性、地域性等歧视性条件（“{found}”） / "
            f"Conditions must not discriminate by an applicant's size or region (\"{found}\")")
        raise StopOnError


def publicdata_required_if_conditional(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
    """有条件开放 needs at least one open-condition type."""
    if errors.get(key):
        return
    if _submitted_open_attribute(data) == CONDITIONAL and not as_list(data.get(key)):
        errors[key].append("有条件开放须选择开放条件类型 / Conditionally open data needs its condition types")


def publicdata_open_conditions_text(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
    """有条件开放 needs its 开放条件; conditions on size or region are refused (TAX-4)."""
    value = data.get(key)
    if _submitted_open_attribute(data) == CONDITIONAL and _empty(value):
        errors[key].append("有条件开放须填写开放条件 / Open conditions are required for conditionally open data")
        raise StopOnError
    _check_non_discriminatory(key, value, errors)


def publicdata_non_discriminatory(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
    """Free-text requirements that must not discriminate by an applicant's size or region (TAX-4)."""
    _check_non_discriminatory(key, data.get(key), errors)


def publicdata_not_open_basis(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
    """不予开放 needs its legal basis (TAX-5)."""
    if _submitted_open_attribute(data) == NOT_OPEN and _empty(data.get(key)):
        errors[key].append("不予开放须注明法律法规依据 / Data that is not opened needs its legal basis")
        raise StopOnError


def publicdata_share_conditions(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
    """有条件共享 needs its conditions and 不予共享 its legal basis (TAX-2)."""
    share = data.get(("share_attribute",))
    if share == "conditional" and _empty(data.get(key)):
        errors[key].append("有条件共享须填写共享条件 / Conditionally shared data needs its share conditions")
        raise StopOnError
    if share == "not_shared" and _empty(data.get(key)):
        errors[key].append("不予共享须注明依据 / Data that is not shared needs its legal basis")
        raise StopOnError


def _set_field(data: Data, field: str, value: Optional[str]) -> None:
    """Set (or with None remove) a schema field everywhere it is in the validated data, extras included."""
    extra_indexes = [k[1] for k in list(data) if len(k) == 3 and k[0] == "extras" and k[2] == "key"
                     and data[k] == field]
    if value is None:
        data.pop((field,), None)
        for index in extra_indexes:
            data.pop(("extras", index, "key"), None)
            data.pop(("extras", index, "value"), None)
            data.pop(("extras", index, "deleted"), None)
        return
    data[(field,)] = value
    if extra_indexes:
        for index in extra_indexes:
            data[("extras", index, "value")] = value
    else:
        indexes = [k[1] for k in data if len(k) > 1 and k[0] == "extras"]
        index = max(indexes) + 1 if indexes else 0
        data[("extras", index, "key")] = field
        data[("extras", index, "value")] = value


def publicdata_dataset_rules(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
    """Dataset-level rules once every field is valid: the downgrade lock (TAX-6) and 不予开放 ⇒ private (TAX-5).

    A downgrade keeps the stored attribute and the fields that go with it on the dataset; what was asked for is
    left in the validated data under ``DATA_STATE_KEY`` for the ``after_dataset_update`` hook to record as a pending request.
    """
    data.pop((DATA_STATE_KEY,), None)
    if any(messages for messages in errors.values()):
        return
    requested = data.get(("open_attribute",))
    package = _package_being_updated(data, context)
    stored = package.extras.get("open_attribute") if package is not None else None
    state: dict[str, Any] = {
        "package_id": package.id if package is not None else None,
        "stored": stored,
        "requested": requested,
        "downgrade": False,
    }
    if package is not None and is_downgrade(stored, requested) and not context.get(CONTEXT_APPROVED):
        state["downgrade"] = True
        state["requested_fields"] = {
            field: data.get((field,)) for field in REQUESTED_FIELDS if not _empty(data.get((field,)))
        }
        for field in ("open_attribute",) + REQUESTED_FIELDS:
            _set_field(data, field, package.extras.get(field))
    _publication_rules(data, context, package, state)
    data[(DATA_STATE_KEY,)] = state
    if data.get(("open_attribute",)) == NOT_OPEN:
        data[("private",)] = True


def _publication_rules(data: Data, context: dict[str, Any], package: Optional[model.Package],
                       state: dict[str, Any]) -> None:
    """TAX-13: a dataset is private until published; provider staff's new datasets and open-attribute changes
    open a review cycle (recorded by the create/update hooks from ``state["review"]``)."""
    if context.get(CONTEXT_PUBLISHING) or not review_enabled():
        return
    owner_org = data.get(("owner_org",))
    owner_org = None if owner_org is missing else owner_org
    trusted = is_trusted_publisher(context, owner_org or (package.owner_org if package is not None else None))
    if package is None:
        if not trusted:
            data[("private",)] = True
            state["review"] = CAUSE_CREATED
        return
    if PublicationReview.status_of(package.id) != PUBLICATION_PUBLISHED:
        data[("private",)] = True
        return
    stored, requested = state.get("stored"), state.get("requested")
    if (not trusted and not state.get("downgrade") and stored in OPENNESS and requested in OPENNESS
            and stored != requested):
        data[("private",)] = True
        state["review"] = CAUSE_OPEN_ATTRIBUTE


# ------------------------------------------------------------------ organizations (ROLE-1, ROLE-2)

def publicdata_agency_code(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
    """统一社会信用代码: GB 32100-2015 shape and check character; one organization per code."""
    value = data.get(key)
    if _empty(value):
        return
    code = normalise(str(value))
    if len(code) != 18:
        errors[key].append("统一社会信用代码应为 18 位 / A unified social credit code has 18 characters")
        raise StopOnError
    if not is_valid_unified_credit_code(code):
        errors[key].append("统一社会信用代码校验不通过（GB 32100-2015） / "
                           "The unified social credit code fails its check (GB 32100-2015)")
        raise StopOnError
    data[key] = code
    group = context.get("group")
    own_id = group.id if group is not None else data.get(("id",))
    query = (
        model.Session.query(model.Group)
        .join(model.GroupExtra, model.GroupExtra.group_id == model.Group.id)
        .filter(model.GroupExtra.key == "agency_code", model.GroupExtra.value == code)
        .filter(model.Group.state != "deleted")
    )
    if own_id not in (missing, None):
        query = query.filter(model.Group.id != own_id)
    holder = query.first()
    if holder is not None:
        errors[key].append(f"统一社会信用代码 {code} 已由“{holder.title}”使用 / "
                           f"The code {code} is already used by \"{holder.title}\"")
        raise StopOnError


def publicdata_parent_authority(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
    """The authority an agency answers to: an existing organization (stored by its name), never itself."""
    value = data.get(key)
    if _empty(value):
        return
    parent = model.Group.get(str(value).strip())
    if parent is None or not parent.is_organization or parent.state != "active":
        errors[key].append(f"主管部门“{value}”不存在 / The authority \"{value}\" does not exist")
        raise StopOnError
    group = context.get("group")
    own = {data.get(("name",)), data.get(("id",))}
    if group is not None:
        own |= {group.id, group.name}
    if parent.name in own or parent.id in own:
        errors[key].append("单位不能以自身为主管部门 / An organization cannot be its own authority")
        raise StopOnError
    data[key] = parent.name


def publicdata_authority_managed(key: Key, data: Data, errors: Errors, context: dict[str, Any]) -> None:
    """level and parent_authority decide who may approve what: only sysadmins or the city authority change them."""
    group = context.get("group")
    if group is None or context.get("ignore_auth"):
        return
    stored = group.extras.get(key[-1]) or ""
    submitted = data.get(key)
    if submitted in (missing, None):
        submitted = ""
    if str(submitted).strip() == stored:
        return
    user = context.get("user")
    if authz.is_sysadmin(user) or authority.is_city_authority(user):
        return
    errors[key].append("层级和主管部门只能由系统管理员或市级开放主管部门修改 / "
                       "Only sysadmins or the city open-data authority can change the level or authority")
    raise StopOnError
