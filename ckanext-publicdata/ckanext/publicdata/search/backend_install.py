"""Installs the search backend behind CKAN's ``make_connection`` seam (and takes it away again).

``configure(config)`` runs from the ``publicdata_search`` plugin's ``update_config`` (before CKAN validates
its config and calls ``check_solr_schema_version``). With ``ckanext.publicdata.search.backend = postgres`` it

* replaces ``make_connection`` wherever it was bound by name (``ckan.lib.search``, ``.common``, ``.index``,
  ``.query``, ckanext-harvest's actions, any other module that imported it) with one returning a
  :class:`~ckanext.publicdata.search.backend.PostgresSearchConnection`;
* replaces ``ckan.lib.search.check_solr_schema_version`` with a check (and creation) of the index table;
* replaces ``ckan.lib.search.check`` (``ckan search-index check``) with one that also reports stale and
  orphaned index entries;
* makes ``model.repo.clean_db`` forget that the index table exists (it drops every table).

``uninstall()`` restores all of it (``with_plugins`` loads and unloads plugins per test), except while the
conformance pytest plugin has pinned the backend for a whole run.
"""
from __future__ import annotations

import logging
import sys
from typing import Any, Callable, Optional

log = logging.getLogger(__name__)

SOLR_URL_PLACEHOLDER = "http://solr.invalid/publicdata-embedded-search-needs-no-solr"

_originals: dict[str, Any] = {}
_patched_modules: list[Any] = []
_installed = False
_pinned = False


def configure(config: Any) -> None:
    """Select the backend named by ``ckanext.publicdata.search.backend`` (``postgres`` or ``solr``)."""
    backend = (config.get("ckanext.publicdata.search.backend") or "postgres").strip()
    if backend == "postgres" or _pinned:
        if backend == "postgres" or not config.get("solr_url"):
            config["solr_url"] = SOLR_URL_PLACEHOLDER
        install()
    else:
        config.setdefault("solr_url", "http://127.0.0.1:8983/solr/ckan")
        uninstall()


def is_installed() -> bool:
    return _installed


def pin() -> None:
    """Keep the backend installed whatever plugins get unloaded (the conformance run)."""
    global _pinned
    _pinned = True
    install()


def install() -> None:
    global _installed
    if _installed:
        return
    import ckan.lib.search as search
    import ckan.lib.search.common as search_common
    import ckan.model as model

    from ckanext.publicdata.search import backend as search_backend
    from ckanext.publicdata.search.index_model import forget_ensured

    original_make_connection = search_common.make_connection
    _originals["make_connection"] = original_make_connection
    _originals["check_solr_schema_version"] = search.check_solr_schema_version
    _originals["check"] = search.check
    _originals["clean_db"] = model.repo.clean_db
    _originals["delete_all"] = model.repo.delete_all

    def make_connection(decode_dates: bool = True) -> search_backend.PostgresSearchConnection:
        return search_backend.PostgresSearchConnection(decode_dates=decode_dates)

    make_connection.__doc__ = "The embedded PostgreSQL search index (ckanext-publicdata)."
    _originals["replacement"] = make_connection

    _patched_modules.clear()
    for module in list(sys.modules.values()):
        if module is None:
            continue
        try:
            bound = module.__dict__.get("make_connection")
        except Exception:  # exotic modules without a usable __dict__
            continue
        if bound is original_make_connection:
            module.make_connection = make_connection  # type: ignore[attr-defined]
            _patched_modules.append(module)

    search.check_solr_schema_version = _check_index_schema  # type: ignore[assignment]
    search.check = check_index  # type: ignore[assignment]

    original_clean_db: Callable[[], None] = _originals["clean_db"]

    def clean_db() -> None:
        original_clean_db()
        forget_ensured()
        search_backend.result_cache.clear()

    original_delete_all: Callable[[], None] = _originals.setdefault("delete_all", model.repo.delete_all)

    def delete_all() -> None:
        original_delete_all()
        search_backend.result_cache.clear()

    model.repo.clean_db = clean_db  # type: ignore[method-assign]
    model.repo.delete_all = delete_all  # type: ignore[method-assign]
    search_backend.install_session_listeners()
    _installed = True
    log.debug("embedded PostgreSQL search installed in %d modules", len(_patched_modules))


def uninstall() -> None:
    """Put CKAN's Solr path back exactly as it was."""
    global _installed
    if not _installed or _pinned:
        return
    import ckan.lib.search as search
    import ckan.model as model

    from ckanext.publicdata.search import backend as search_backend

    for module in _patched_modules:
        if module.__dict__.get("make_connection") is _originals.get("replacement"):
            module.make_connection = _originals["make_connection"]
    # modules imported after install() took the replacement from ckan.lib.search.common
    for module in list(sys.modules.values()):
        try:
            if module is not None and module.__dict__.get("make_connection") is _originals.get("replacement"):
                module.make_connection = _originals["make_connection"]
        except Exception:
            continue
    _patched_modules.clear()
    search.check_solr_schema_version = _originals["check_solr_schema_version"]
    search.check = _originals["check"]
    for method in ("clean_db", "delete_all"):
        if method in model.repo.__dict__:
            del model.repo.__dict__[method]
    search_backend.remove_session_listeners()
    _installed = False


# ------------------------------------------------------------------------------------------- checks

def _check_index_schema(schema_file: Optional[str] = None) -> bool:
    """Stands in for ``check_solr_schema_version``: make sure the index table exists.

    With an explicit ``schema_file`` (CKAN's own tests of the Solr schema check) CKAN's check runs.
    """
    if schema_file:
        return _originals["check_solr_schema_version"](schema_file)
    import sqlalchemy as sa

    import ckan.model as model
    from ckan.common import config

    from ckanext.publicdata.search.index_model import ensure_table

    engine = getattr(model.meta, "engine", None)
    if engine is not None:
        ensure_table(engine)
        return True
    url = config.get("sqlalchemy.url")
    if not url:
        return False
    temporary = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        ensure_table(temporary)
    finally:
        temporary.dispose()
    return True


def index_disagreement() -> dict[str, list[str]]:
    """Where the index and the database disagree, for this site.

    ``unindexed``: datasets in the database (active, or any state unless
    ``ckan.search.remove_deleted_packages``) without an index entry; ``stale``: index entries whose
    metadata_modified or state differs from the dataset's; ``orphaned``: entries for datasets that are
    gone (or deleted while deleted datasets are not indexed).
    """
    import sqlalchemy as sa

    import ckan.model as model
    from ckan.common import config

    from ckanext.publicdata.search.index_model import TABLE_NAME, ensure_table

    ensure_table()
    site_id = config.get("ckan.site_id")
    remove_deleted = bool(config.get("ckan.search.remove_deleted_packages"))
    indexed_states = "p.state <> 'deleted'" if remove_deleted else "TRUE"
    params = {"site_id": site_id}
    session = model.Session
    unindexed = [r[0] for r in session.execute(sa.text(
        f"SELECT p.name FROM package p WHERE {indexed_states} AND p.type IS NOT NULL AND NOT EXISTS ("
        f"SELECT 1 FROM {TABLE_NAME} i WHERE i.id = p.id AND i.site_id = :site_id) ORDER BY p.name"
    ), params)]
    stale = [r[0] for r in session.execute(sa.text(
        f"SELECT p.name FROM package p JOIN {TABLE_NAME} i ON i.id = p.id AND i.site_id = :site_id "
        f"WHERE {indexed_states} AND (i.state IS DISTINCT FROM p.state OR "
        f"date_trunc('milliseconds', i.metadata_modified) "
        f"IS DISTINCT FROM date_trunc('milliseconds', p.metadata_modified)) ORDER BY p.name"
    ), params)]
    orphaned = [r[0] for r in session.execute(sa.text(
        f"SELECT coalesce(i.name, i.id) FROM {TABLE_NAME} i LEFT JOIN package p ON p.id = i.id "
        f"WHERE i.site_id = :site_id AND i.entity_type = 'package' AND "
        f"(p.id IS NULL OR NOT ({indexed_states})) ORDER BY 1"
    ), params)]
    return {"unindexed": unindexed, "stale": stale, "orphaned": orphaned}


def check_index() -> None:
    """``ckan search-index check``: CKAN's report, plus stale and orphaned entries, from SQL."""
    import ckan.model as model

    active = model.Session.query(model.Package).filter_by(state=model.State.ACTIVE).count()
    disagreement = index_disagreement()
    active_unindexed = model.Session.query(model.Package.name).filter(
        model.Package.state == model.State.ACTIVE,
        model.Package.name.in_(disagreement["unindexed"] or [""]),
    ).all()
    print("Packages not indexed = %i out of %i" % (len(active_unindexed), active))
    for (name,) in active_unindexed:
        print("  not indexed: %s" % name)
    other_unindexed = sorted(set(disagreement["unindexed"]) - {n for (n,) in active_unindexed})
    if other_unindexed:
        print("Non-active packages not indexed = %i" % len(other_unindexed))
    print("Stale index entries = %i" % len(disagreement["stale"]))
    for name in disagreement["stale"]:
        print("  stale: %s" % name)
    print("Orphaned index entries = %i" % len(disagreement["orphaned"]))
    for name in disagreement["orphaned"]:
        print("  orphaned: %s" % name)
    if any(disagreement.values()):
        print("Fix with: ckan search-index rebuild (or search-index clear-orphans for orphaned entries)")


def health(backend: str) -> tuple[bool, str]:
    """``ckan publicdata doctor``'s search line: which backend, and does the index match the database."""
    if backend != "postgres":
        from ckan.lib.search.common import is_available

        if is_installed():
            return False, "backend solr configured but the embedded backend is installed"
        available = is_available()
        return available, "backend solr: " + ("Solr answers" if available else "Solr does not answer")
    if not is_installed():
        return False, "backend postgres configured but not installed (is the publicdata_search plugin enabled?)"
    import sqlalchemy as sa

    import ckan.model as model

    from ckanext.publicdata.search.index_model import TABLE_NAME

    disagreement = index_disagreement()
    entries = model.Session.execute(sa.text(f"SELECT count(*) FROM {TABLE_NAME}")).scalar()
    problems = {k: len(v) for k, v in disagreement.items() if v}
    detail = (
        f"backend postgres (embedded, no Solr): {entries} index entries; "
        f"{len(disagreement['unindexed'])} unindexed, {len(disagreement['stale'])} stale, "
        f"{len(disagreement['orphaned'])} orphaned"
    )
    if problems:
        detail += " — run `ckan search-index rebuild`"
    return not problems, detail
