"""One SQL builder for "the public datasets with these catalog fields", shared by the open list (TAX-8) and the
update reminders (TAX-11): scheming stores the catalog fields as ``package_extra`` rows, so reading the whole
catalog means pivoting those rows into columns — one query, no per-dataset package_show.
"""
from __future__ import annotations

import re
from typing import Iterable

__all__ = ["public_datasets_sql"]

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def public_datasets_sql(extras: Iterable[str], *, columns: Iterable[str] = (), where: str = "") -> str:
    """SQL selecting active, public catalog datasets (type ``dataset``) with their organization and one column
    per extra in ``extras`` (NULL when absent). ``columns`` adds expressions of ``p`` (package) or ``g`` (its
    organization), e.g. ``"p.metadata_modified"`` (grouping is by the primary keys, so any of their columns may
    be selected); ``where`` adds a condition (it may use bind parameters).

    Selected: ``id, name, title, owner_org, organization_name, organization_title``, the extra columns, then
    ``columns``. Extra names must be plain identifiers (they are interpolated, never user input).
    """
    keys = list(extras)
    for key in keys:
        if not _IDENTIFIER.match(key):
            raise ValueError(f"not a catalog field name: {key!r}")
    extra_columns = "".join(f",\n           max(case when e.key = '{key}' then e.value end) as {key}" for key in keys)
    extra_list = ", ".join(f"'{key}'" for key in keys)
    more = list(columns)
    more_select = "".join(f", {column}" for column in more)
    condition = f"\n       and ({where})" if where else ""
    return f"""
    select p.id, p.name, p.title, p.owner_org,
           g.name as organization_name, g.title as organization_title{more_select}{extra_columns}
      from package p
      join package_extra e on e.package_id = p.id and e.state = 'active' and e.key in ({extra_list})
      left join "group" g on g.id = p.owner_org
     where p.state = 'active' and p.private = false and p.type = 'dataset'{condition}
     group by p.id, g.id
    """
