"""The alembic environment shared by the extension's plugins (``migration/<plugin>/env.py`` calls :func:`run`).

Each plugin keeps its own version table (``<plugin>_alembic_version``) and autogenerates only its own tables: those
prefixed ``<plugin>_`` — for the core ``publicdata`` plugin, minus the prefixes of the capability plugins, which have
their own migration branches.
"""
from __future__ import annotations

import os
from typing import Any

from alembic import context
from sqlalchemy import engine_from_config, pool

from ckan.model.meta import metadata

# capability plugins with their own branch: their tables are not the core plugin's
CAPABILITY_PREFIXES = ("publicdata_access_", "publicdata_feedback_", "publicdata_harvest_", "publicdata_search_")


def _owns(plugin: str, table_name: str) -> bool:
    if not table_name.startswith(f"{plugin}_") or table_name == f"{plugin}_alembic_version":
        return False
    if plugin == "publicdata":
        return not table_name.startswith(CAPABILITY_PREFIXES)
    return True


def run(env_file: str) -> None:
    """Run the migrations of the plugin whose ``env.py`` is ``env_file`` (offline or online, as alembic asks)."""
    plugin = os.path.basename(os.path.dirname(env_file))
    version_table = f"{plugin}_alembic_version"
    config = context.config

    def include_object(obj: Any, object_name: str, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "table":
            return _owns(plugin, object_name)
        table = getattr(obj, "table", None)
        return _owns(plugin, table.name) if table is not None else True

    options: dict[str, Any] = {
        "target_metadata": metadata,
        "version_table": version_table,
        "include_object": include_object,
    }
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    connectable = engine_from_config(
        config.get_section(config.config_ini_section) or {}, prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()
