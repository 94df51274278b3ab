"""Who may see the resource URLs and bytes of a dataset, and hiding them everywhere else (ACC-1, ACC-9, ACC-11,
SEC-3).

Decision: :func:`access_decision` asks every :class:`~ckanext.publicdata.interfaces.IResourceGate` (the access
plugin's own gate answers ``'conditional'`` / ``'not_open'``; the feedback plugin answers ``'suspended'``) and
remembers the answer for the rest of the request (per user and dataset). Any denial, whatever its code, is applied
the same way on every channel:

* :func:`hide_resource` empties ``url`` and drops every other resource field that carries the URL (``original_url``,
  ``cache_url``, an ``api_doc_url`` that is the data endpoint itself, any text quoting it), and marks the resource
  with ``url_hidden: true`` and ``access_denial: <code>``;
* for a holder of an active grant on a restricted dataset, :func:`route_through_portal` replaces the upstream URL
  of linked (non-upload) resources with the portal's gateway ``/api/publicdata/access/resource/<id>``, so only the
  provider, its authority and sysadmins ever see the upstream address; uploads keep the portal's download URL,
  which the download guard checks and records.

Unrestricted datasets whose gates all answer None are left untouched (ACC-1) at the cost of one dict lookup per
gate.
"""
from __future__ import annotations

import contextvars
import json
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Union

import ckan.authz as authz
import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.publicdata.catalog import authority
from ckanext.publicdata.interfaces import IResourceGate

__all__ = [
    "RESTRICTED_OPEN_ATTRIBUTES",
    "URL_FIELDS",
    "AccessDecision",
    "access_decision",
    "resource_access_denial",
    "conditional_denial",
    "is_privileged",
    "package_facts",
    "apply_to_package",
    "apply_to_resource",
    "apply_to_search_result",
    "hide_resource",
    "route_through_portal",
    "gateway_url",
    "clear_request_cache",
    "strip_index_fields",
    "current_user_name",
    "searching_as",
    "searched",
    "search_user",
]

RESTRICTED_OPEN_ATTRIBUTES = frozenset({"conditional", "not_open"})
# resource fields that hold the data's address; emptied (url) or removed (the others) when denied
URL_FIELDS = ("url", "original_url", "cache_url")
# fields of a resource that are never compared with the secret (ids, dates, flags)
_NEVER_SECRET = frozenset({"id", "package_id", "position", "created", "metadata_modified", "last_modified",
                           "state", "url_type", "format", "mimetype", "size", "hash"})
_CACHE_KEY = "_publicdata_access_decisions"


@dataclass(frozen=True)
class AccessDecision:
    """What one user may do with one dataset's resources."""

    package_id: str
    denial: Optional[str]
    privileged: bool
    restricted: bool
    grant_id: Optional[str] = None
    grant_expires_on: Optional[str] = None

    @property
    def via_grant(self) -> bool:
        """The user sees the resources only thanks to a grant (their upstream URLs go through the portal)."""
        return self.denial is None and self.restricted and not self.privileged and self.grant_id is not None


# --------------------------------------------------------------------------------------------------
# per-request cache

def _request_cache() -> Optional[dict[Any, Any]]:
    try:
        from flask import g, has_app_context

        if not has_app_context():
            return None
        cache = getattr(g, _CACHE_KEY, None)
        if cache is None:
            cache = {}
            setattr(g, _CACHE_KEY, cache)
        return cache
    except RuntimeError:
        return None


def clear_request_cache() -> None:
    cache = _request_cache()
    if cache is not None:
        cache.clear()


def current_user_name() -> Optional[str]:
    """The logged-in user's name in a request (also for API tokens), else None."""
    try:
        user = tk.current_user
        if user and getattr(user, "is_authenticated", False):
            return user.name
    except (RuntimeError, AttributeError):
        pass
    return None


# package_search hooks get no context: the chained package_search action says whose search it is
_search_user: contextvars.ContextVar[Optional[tuple[Optional[str]]]] = contextvars.ContextVar(
    "publicdata_access_search_user", default=None)


def searching_as(user_name: Optional[str]) -> contextvars.Token:
    return _search_user.set((user_name,))


def searched(token: contextvars.Token) -> None:
    _search_user.reset(token)


def search_user() -> Optional[str]:
    """The user a running package_search is for (its context's user), else the request's user."""
    holder = _search_user.get()
    if holder is not None:
        return holder[0]
    return current_user_name()


# --------------------------------------------------------------------------------------------------
# the decision

def package_facts(package: Union[dict[str, Any], str]) -> Optional[dict[str, Any]]:
    """A package dict good enough for the gates: the dict itself when it has ``id`` and ``open_attribute``,
    otherwise id, name, type, owner_org, private, state and the extras of the stored dataset (None if unknown)."""
    if isinstance(package, dict):
        if package.get("id") and "open_attribute" in package:
            return package
        package = package.get("id") or package.get("name") or ""
    if not package:
        return None
    cache = _request_cache()
    key = ("facts", package)
    if cache is not None and key in cache:
        return cache[key]
    stored = model.Package.get(package)
    facts = None
    if stored is not None:
        facts = dict(stored.extras)
        facts.update(id=stored.id, name=stored.name, type=stored.type, owner_org=stored.owner_org,
                     private=stored.private, state=stored.state)
        facts.setdefault("open_attribute", "")
    if cache is not None:
        cache[key] = facts
        if facts is not None:
            cache[("facts", facts["id"])] = facts
    return facts


def is_privileged(user_name: Optional[str], owner_org: Optional[str]) -> bool:
    """Sysadmins, members of the owning organization (any capacity) and the authority for it."""
    if not user_name:
        return False
    cache = _request_cache()
    key = ("privileged", user_name, owner_org or "")
    if cache is not None and key in cache:
        return cache[key]
    if authz.is_sysadmin(user_name):
        result = True
    elif owner_org and authz.users_role_for_group_or_org(owner_org, user_name):
        result = True
    else:
        result = bool(owner_org) and authority.is_authority_for(user_name, owner_org)
    if cache is not None:
        cache[key] = result
    return result


def _active_grant(user_name: Optional[str], package_id: str) -> Any:
    if not user_name:
        return None
    cache = _request_cache()
    key = ("grant", user_name, package_id)
    if cache is not None and key in cache:
        return cache[key]
    from ckanext.publicdata.access.grants import active_grant

    grant = active_grant(user_name, package_id)
    if cache is not None:
        cache[key] = grant
    return grant


def conditional_denial(package: dict[str, Any], user_name: Optional[str]) -> Optional[str]:
    """The access plugin's own gate: 'conditional' (有条件开放) unless the user is privileged or holds an active
    grant; 'not_open' (不予开放) unless privileged (such datasets are hidden anyway; this is defence in depth)."""
    open_attribute = package.get("open_attribute") or ""
    if open_attribute not in RESTRICTED_OPEN_ATTRIBUTES:
        return None
    if is_privileged(user_name, package.get("owner_org")):
        return None
    if open_attribute == "not_open":
        return "not_open"
    if _active_grant(user_name, package["id"]) is not None:
        return None
    return "conditional"


def _gates(cache: Optional[dict[Any, Any]]) -> list[Any]:
    """The IResourceGate implementations, listed once per request."""
    if cache is not None and "gates" in cache:
        return cache["gates"]
    gates = list(p.PluginImplementations(IResourceGate))
    if cache is not None:
        cache["gates"] = gates
    return gates


def access_decision(package: Union[dict[str, Any], str], user_name: Optional[str]) -> AccessDecision:
    """Ask every gate (first denial wins) and remember the decision for the request."""
    facts = package_facts(package)
    if facts is None:
        # an unknown dataset: nothing to show to anyone but sysadmins
        unknown_id = package if isinstance(package, str) else str(package.get("id") or "")
        privileged = bool(user_name) and authz.is_sysadmin(user_name)
        return AccessDecision(unknown_id, None if privileged else "unknown", privileged, True)
    user_key = user_name or ""
    cache = _request_cache()
    key = ("decision", user_key, facts["id"])
    if cache is not None and key in cache:
        return cache[key]
    denial = None
    for gate in _gates(cache):
        denial = gate.resource_access_denial(facts, user_name)
        if denial:
            break
    restricted = (facts.get("open_attribute") or "") in RESTRICTED_OPEN_ATTRIBUTES
    privileged = False
    grant = None
    if restricted or denial:
        privileged = is_privileged(user_name, facts.get("owner_org"))
    if restricted and not denial and not privileged:
        grant = _active_grant(user_name, facts["id"])
    decision = AccessDecision(
        package_id=facts["id"], denial=denial or None, privileged=privileged, restricted=restricted,
        grant_id=grant.id if grant is not None else None,
        grant_expires_on=grant.expires_on.isoformat() if grant is not None else None,
    )
    if cache is not None:
        cache[key] = decision
    return decision


def resource_access_denial(package: Union[dict[str, Any], str], user_name: Optional[str]) -> Optional[str]:
    """None if ``user_name`` may see the resource URLs/bytes of ``package`` (a dict or an id/name); otherwise the
    first gate's reason code ('conditional', 'suspended', ...)."""
    return access_decision(package, user_name).denial


# --------------------------------------------------------------------------------------------------
# applying it

def gateway_url(resource_id: str) -> str:
    return tk.url_for("publicdata_access_enforcement.resource_gateway", resource_id=resource_id, _external=True)


def _secrets(resource: dict[str, Any]) -> set[str]:
    secrets = set()
    for field in URL_FIELDS:
        value = resource.get(field)
        if isinstance(value, str) and len(value.strip()) > 7:
            secrets.add(value.strip())
    return secrets


def _drop_quoting_fields(resource: dict[str, Any], secrets: Iterable[str]) -> None:
    secrets = [secret for secret in secrets if secret]
    if not secrets:
        return
    for field in list(resource):
        if field in _NEVER_SECRET or field == "url":
            continue
        value = resource[field]
        text = value if isinstance(value, str) else (
            json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, (dict, list)) else None)
        if text and any(secret in text for secret in secrets):
            resource.pop(field, None)


def hide_resource(resource: dict[str, Any], denial: str) -> dict[str, Any]:
    """Remove every trace of the resource's address (in place) and say why."""
    secrets = _secrets(resource)
    resource["url"] = ""
    for field in URL_FIELDS[1:]:
        resource.pop(field, None)
    _drop_quoting_fields(resource, secrets)
    resource["url_hidden"] = True
    resource["access_denial"] = denial
    return resource


def route_through_portal(resource: dict[str, Any], decision: AccessDecision) -> dict[str, Any]:
    """For a grant holder: linked resources are reached through the portal gateway (in place)."""
    resource["access_via"] = "grant"
    resource["access_grant_expires_on"] = decision.grant_expires_on
    if resource.get("url_type") in ("upload", "datastore"):
        return resource
    secrets = _secrets(resource)
    resource_id = resource.get("id")
    if not resource_id:
        return hide_resource(resource, "conditional")
    portal_url = gateway_url(resource_id)
    secrets.discard(portal_url)
    resource["url"] = portal_url
    for field in URL_FIELDS[1:]:
        resource.pop(field, None)
    _drop_quoting_fields(resource, secrets)
    return resource


def _apply(resources: Iterable[dict[str, Any]], decision: AccessDecision) -> None:
    if decision.denial:
        for resource in resources:
            hide_resource(resource, decision.denial)
    elif decision.via_grant:
        for resource in resources:
            route_through_portal(resource, decision)


def apply_to_package(package_dict: dict[str, Any], user_name: Optional[str]) -> dict[str, Any]:
    """Hide or re-route the resources of a package dict for ``user_name`` (in place; returns the dict)."""
    if not isinstance(package_dict, dict) or not package_dict.get("id"):
        return package_dict
    decision = access_decision(package_dict, user_name)
    if decision.denial:
        package_dict["access_denial"] = decision.denial
    _apply(package_dict.get("resources") or [], decision)
    return package_dict


def apply_to_resource(resource_dict: dict[str, Any], user_name: Optional[str]) -> dict[str, Any]:
    package_id = resource_dict.get("package_id")
    if not package_id:
        return resource_dict
    _apply([resource_dict], access_decision(package_id, user_name))
    return resource_dict


def _stored_resource_urls(package_id: str) -> set[str]:
    rows = model.Session.query(model.Resource.url, model.Resource.extras).filter(
        model.Resource.package_id == package_id)
    secrets: set[str] = set()
    for url, extras in rows:
        if url and len(url) > 7:
            secrets.add(url)
        for field in URL_FIELDS[1:]:
            value = (extras or {}).get(field)
            if isinstance(value, str) and len(value) > 7:
                secrets.add(value)
    return secrets


def apply_to_search_result(result: dict[str, Any], user_name: Optional[str]) -> dict[str, Any]:
    """A package_search result: a full dataset dict, or the fields asked for with ``fl`` (index fields such as
    res_url, urls, data_dict, validated_data_dict are cleaned too)."""
    if "resources" in result and "open_attribute" in result:
        return apply_to_package(result, user_name)
    package_id = result.get("id")
    if not package_id:
        return result
    decision = access_decision(package_id, user_name)
    if not decision.denial and not decision.via_grant:
        return result
    for field in ("res_url", "urls", "download_url"):
        result.pop(field, None)
    for field in _EMBEDDED_JSON_FIELDS:
        if isinstance(result.get(field), str):
            cleaned = _clean_embedded_json(result[field], decision)
            if cleaned is None:
                result.pop(field)
            else:
                result[field] = cleaned
    if "resources" in result:
        _apply(result.get("resources") or [], decision)
    # belt and braces: whatever still quotes an address goes
    secrets = _stored_resource_urls(decision.package_id)
    for field in list(result):
        value = result[field]
        text = value if isinstance(value, str) else (
            json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, (dict, list)) else None)
        if text and any(s in text for s in secrets):
            result.pop(field)
    return result


_EMBEDDED_JSON_FIELDS = ("data_dict", "validated_data_dict")


def _clean_embedded_json(text: str, decision: AccessDecision) -> Optional[str]:
    """An index field holding a package dict as JSON (data_dict itself embeds validated_data_dict)."""
    try:
        embedded = json.loads(text)
    except ValueError:
        return None
    if not isinstance(embedded, dict):
        return None
    _apply(embedded.get("resources") or [], decision)
    if decision.denial:
        embedded["access_denial"] = decision.denial
    for field in _EMBEDDED_JSON_FIELDS:
        if isinstance(embedded.get(field), str):
            cleaned = _clean_embedded_json(embedded[field], decision)
            if cleaned is None:
                embedded.pop(field)
            else:
                embedded[field] = cleaned
    return json.dumps(embedded)


def strip_index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """before_dataset_index: a restricted dataset's resource addresses are not searchable (no ``q=res_url:...``
    oracle); the stored data_dict/validated_data_dict keep them for the privileged."""
    facts = package_facts(pkg_dict.get("id") or "") or {}
    open_attribute = pkg_dict.get("open_attribute") or facts.get("open_attribute") or ""
    denial_for_public = open_attribute in RESTRICTED_OPEN_ATTRIBUTES
    if not denial_for_public and facts:
        for gate in p.PluginImplementations(IResourceGate):
            if gate.resource_access_denial(facts, None):
                denial_for_public = True
                break
    if not denial_for_public:
        return pkg_dict
    secrets: set[str] = set()
    for value in pkg_dict.get("res_url") or []:
        if isinstance(value, str) and len(value) > 7:
            secrets.add(value)
    if pkg_dict.get("id"):
        secrets |= _stored_resource_urls(pkg_dict["id"])
    pkg_dict.pop("res_url", None)
    pkg_dict.pop("urls", None)
    for field in list(pkg_dict):
        if field.startswith("res_extras_") or field in ("text", "download_url"):
            value = pkg_dict[field]
            values = value if isinstance(value, list) else [value]
            if any(isinstance(item, str) and any(s in item for s in secrets) for item in values):
                pkg_dict.pop(field)
    return pkg_dict
