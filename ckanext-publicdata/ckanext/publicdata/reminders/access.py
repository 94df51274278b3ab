"""Whose overdue datasets a user may see: the authority's supervised providers, and the user's own providers."""
from __future__ import annotations

from typing import Optional

import ckan.model as model

from ckanext.publicdata.catalog import authority

__all__ = ["visible_organization_ids", "is_overview_reader"]


def _provider_organization_ids(user_name: Optional[str]) -> set[str]:
    user = model.User.get(user_name or "")
    if user is None:
        return set()
    rows = (model.Session.query(model.Member.group_id)
            .filter(model.Member.table_name == "user", model.Member.table_id == user.id,
                    model.Member.state == "active", model.Member.capacity.in_(("admin", "editor"))))
    return {row[0] for row in rows}


def visible_organization_ids(user_name: Optional[str]) -> Optional[set[str]]:
    """``None`` for every provider (the city authority); else the ids the user supervises or edits for."""
    supervised = authority.organizations_supervised_by(user_name)
    if supervised is None:
        return None
    return supervised | _provider_organization_ids(user_name)


def is_overview_reader(user_name: Optional[str]) -> bool:
    """The authority's overview page: the city authority and county bureaus (ROLE-1)."""
    return authority.organizations_supervised_by(user_name) != set()
