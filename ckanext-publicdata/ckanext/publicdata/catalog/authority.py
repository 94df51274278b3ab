"""Who acts as the open-data authority (开放主管部门, ROLE-1) for an agency.

The city authority is the organization named by ``ckanext.publicdata.authority_organization``; its admins (and
sysadmins) are authority for every agency. A county bureau (an organization with ``level: county``) is authority
for the agencies whose ``parent_authority`` names it; its admins act for it.
"""
from __future__ import annotations

from typing import Optional

import ckan.authz as authz
import ckan.model as model

from ckanext.publicdata import config

__all__ = [
    "is_city_authority",
    "is_authority_for",
    "county_bureaus_administered_by",
    "organizations_supervised_by",
    "county_bureau_of",
]


def _organization(name_or_id: str) -> Optional[model.Group]:
    if not name_or_id:
        return None
    group = model.Group.get(name_or_id)
    if group is None or not group.is_organization or group.state != "active":
        return None
    return group


def _is_admin(user_name: str, organization: Optional[model.Group]) -> bool:
    if not user_name or organization is None:
        return False
    return authz.users_role_for_group_or_org(organization.id, user_name) == "admin"


def is_city_authority(user_name: Optional[str]) -> bool:
    """Sysadmins and admins of the city authority organization."""
    if not user_name:
        return False
    if authz.is_sysadmin(user_name):
        return True
    return _is_admin(user_name, _organization(config.authority_organization()))


def county_bureau_of(owner_org: str) -> Optional[model.Group]:
    """The county bureau an agency answers to, or None when it answers to the city (or names nothing valid)."""
    agency = _organization(owner_org)
    if agency is None:
        return None
    parent = _organization(agency.extras.get("parent_authority") or "")
    if parent is None or parent.name == config.authority_organization():
        return None
    if parent.extras.get("level") != "county" or parent.id == agency.id:
        return None
    return parent


def is_authority_for(user_name: Optional[str], owner_org: str) -> bool:
    """Whether the user may decide for the agency ``owner_org`` as its open-data authority."""
    if is_city_authority(user_name):
        return True
    return _is_admin(user_name or "", county_bureau_of(owner_org))


def county_bureaus_administered_by(user_name: Optional[str]) -> list[model.Group]:
    """County bureaus (level: county) where the user is an admin."""
    if not user_name:
        return []
    user = model.User.get(user_name)
    if user is None:
        return []
    query = (
        model.Session.query(model.Group)
        .join(model.Member, model.Member.group_id == model.Group.id)
        .filter(model.Member.table_name == "user")
        .filter(model.Member.table_id == user.id)
        .filter(model.Member.state == "active")
        .filter(model.Member.capacity == "admin")
        .filter(model.Group.is_organization.is_(True))
        .filter(model.Group.state == "active")
    )
    return [group for group in query if group.extras.get("level") == "county"
            and group.name != config.authority_organization()]


def organizations_supervised_by(user_name: Optional[str]) -> Optional[set[str]]:
    """Ids of the agencies the user is authority for; ``None`` means every agency (city authority)."""
    if is_city_authority(user_name):
        return None
    bureaus = county_bureaus_administered_by(user_name)
    if not bureaus:
        return set()
    names = {bureau.name for bureau in bureaus} | {bureau.id for bureau in bureaus}
    query = (
        model.Session.query(model.Group.id)
        .join(model.GroupExtra, model.GroupExtra.group_id == model.Group.id)
        .filter(model.GroupExtra.key == "parent_authority")
        .filter(model.GroupExtra.value.in_(names))
        .filter(model.Group.state == "active")
    )
    return {row[0] for row in query}
