"""Alembic environment of the publicdata_feedback plugin (its own version table, only ``publicdata_*`` tables)."""
from __future__ import annotations

import os

from alembic import context
from sqlalchemy import engine_from_config, pool

from ckan.model.meta import metadata

config = context.config
name = os.path.basename(os.path.dirname(__file__))
version_table = f"{name}_alembic_version"

# make the plugin's models known so --autogenerate can compare them
import ckanext.publicdata.feedback.model  # noqa: E402,F401

target_metadata = metadata


def include_object(obj, object_name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    """Autogenerate looks at this plugin's tables only."""
    if type_ == "table":
        return object_name.startswith(f"{name}_") and object_name != version_table
    table = getattr(obj, "table", None)
    if table is not None:
        return table.name.startswith(f"{name}_")
    return True


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        version_table=version_table,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section) or {},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table=version_table,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
