"""Shared fixtures of the project's tests (CKAN's pytest plugin provides clean_db, with_plugins, app, …)."""
from __future__ import annotations

import os

import pytest

import ckan.plugins as p
import ckan.plugins.toolkit as tk


def _plugins_with_migrations() -> list[str]:
    from ckan.cli.db import _resolve_alembic_config

    names = []
    for name in tk.config.get("ckan.plugins") or []:
        if p.plugin_loaded(name) and os.path.exists(_resolve_alembic_config(name)):
            names.append(name)
    return names


def _drop_orphan_enum_types() -> None:
    """Dropping tables leaves their enum types behind (harvest's ``log_level``): drop those no column uses,
    so the plugin migrations that create them can run again."""
    import ckan.model as model
    from sqlalchemy import text

    orphans = model.Session.execute(text(
        "select t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace "
        "where t.typtype = 'e' and n.nspname = current_schema() and not exists ("
        "  select 1 from pg_attribute a where a.atttypid = t.oid and a.attnum > 0 and not a.attisdropped)"
    )).scalars().all()
    for name in orphans:
        model.Session.execute(text(f'drop type if exists "{name}"'))
    model.Session.commit()


def _empty_append_only_audit_log() -> None:
    """The access audit log refuses DELETE (a trigger) unless the transaction sets publicdata.audit_prune:
    empty it that way so reset_db's plain DELETE finds no rows."""
    import ckan.model as model
    from sqlalchemy import text

    if model.Session.execute(text("select to_regclass('publicdata_access_audit_event')")).scalar():
        model.Session.execute(text("set local publicdata.audit_prune = 'on'"))
        model.Session.execute(text("delete from publicdata_access_audit_event"))
    model.Session.commit()


# plugins whose migrations have run since CKAN last dropped the tables (in this test process)
_migrated_plugins: set[str] = set()


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """CKAN's clean_db: the first time in a process it drops every table and re-creates only the core ones;
    afterwards it deletes the rows of every table it knows and keeps the tables. Re-apply the migrations of
    every loaded plugin that has some (activity, harvest, publicdata, …) after a drop, and of any plugin
    loaded since — not before every test: alembic's start-up for each plugin is most of a test's set-up."""
    import ckan.model as model

    _empty_append_only_audit_log()
    if not model.repo.tables_created_and_initialised:
        _migrated_plugins.clear()  # reset_db is about to drop every table, plugin tables included
    reset_db()
    pending = [name for name in _plugins_with_migrations() if name not in _migrated_plugins]
    if pending:
        _drop_orphan_enum_types()
        for name in pending:
            migrate_db_for(name)
            _migrated_plugins.add(name)
