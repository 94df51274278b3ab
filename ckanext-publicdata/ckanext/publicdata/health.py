"""Health checks behind ``ckan publicdata doctor``. Each returns (ok, one-line detail)."""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk
from sqlalchemy import text

from ckanext.publicdata import config

REQUIRED_OPTIONS = ("sqlalchemy.url", "ckan.site_url", "SECRET_KEY", "ckan.redis.url", "ckan.storage_path")


def check_config() -> tuple[bool, str]:
    missing = [key for key in REQUIRED_OPTIONS if not tk.config.get(key)]
    if missing:
        return False, "missing options: " + ", ".join(missing)
    plugins = tk.config.get("ckan.plugins") or []
    absent = [name for name in ("publicdata", "publicdata_search") if name not in plugins]
    if absent:
        return False, "plugins not enabled: " + ", ".join(absent)
    return True, f"site {tk.config.get('ckan.site_url')}, locale {tk.config.get('ckan.locale_default')}"


def check_database() -> tuple[bool, str]:
    version = model.Session.execute(text("select version()")).scalar()
    datasets = model.Session.execute(text("select count(*) from package where state='active'")).scalar()
    return True, f"{str(version).split(' on ')[0]}; {datasets} active datasets"


def check_migrations() -> tuple[bool, str]:
    # CKAN's own view of the core revision and of un-applied plugin migrations
    from ckan.cli.db import _get_pending_plugins, current_revision

    core = current_revision("") or "none"
    if not core.endswith("(head)"):
        return False, f"core database at {core}, not at head: run `ckan db upgrade`"
    pending = _get_pending_plugins()
    if pending:
        return False, "pending plugin migrations: " + ", ".join(f"{k} ({v})" for k, v in pending.items())
    return True, f"core at {core}; no pending plugin migrations"


def check_redis() -> tuple[bool, str]:
    from ckan.lib.redis import connect_to_redis

    redis = connect_to_redis()
    redis.ping()
    return True, f"{tk.config.get('ckan.redis.url')} answers"


def check_search() -> tuple[bool, str]:
    from ckanext.publicdata.search import backend_install

    return backend_install.health(config.search_backend())
