"""The search index table: one row per indexed CKAN document (what Solr would hold).

Hot filter/facet/sort fields are real columns with indexes; every indexed field is also kept in
``doc`` (jsonb, each field an array of strings) so ``field:value`` is a GIN-indexed containment test;
``tsv`` is the weighted full-text vector built from Chinese-aware tokens.

The table sits in CKAN's model metadata (``tk.BaseModel.metadata``) so ``model.repo.delete_all()``
empties it together with the datasets. ``model.repo.clean_db()`` reflects and drops *every* table, and
``init_db()`` only runs core migrations, so :func:`ensure_table` is run again after ``init_db`` (see
``backend_install``) and before first use in each process.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

TABLE_NAME = "publicdata_search_index"
SEQUENCE_NAME = "publicdata_search_index_seq"
TITLE_COLLATION = "zh-Hans-CN-x-icu"

metadata: sa.MetaData = tk.BaseModel.metadata

search_index_table = sa.Table(
    TABLE_NAME,
    metadata,
    sa.Column("index_id", sa.UnicodeText, primary_key=True),
    sa.Column("id", sa.UnicodeText, nullable=False),
    sa.Column("site_id", sa.UnicodeText),
    sa.Column("entity_type", sa.UnicodeText),
    sa.Column("name", sa.UnicodeText),
    sa.Column("title", sa.UnicodeText),
    sa.Column("state", sa.UnicodeText),
    sa.Column("capacity", sa.UnicodeText),
    sa.Column("dataset_type", sa.UnicodeText),
    sa.Column("owner_org", sa.UnicodeText),
    sa.Column("organization", sa.UnicodeText),
    sa.Column("license_id", sa.UnicodeText),
    sa.Column("tags", pg.ARRAY(sa.UnicodeText), nullable=False, server_default="{}"),
    sa.Column("groups", pg.ARRAY(sa.UnicodeText), nullable=False, server_default="{}"),
    sa.Column("res_format", pg.ARRAY(sa.UnicodeText), nullable=False, server_default="{}"),
    sa.Column("permission_labels", pg.ARRAY(sa.UnicodeText), nullable=False, server_default="{}"),
    sa.Column("metadata_created", sa.DateTime),
    sa.Column("metadata_modified", sa.DateTime),
    # the searchable document: {"field": ["value", ...]} for every indexed field
    sa.Column("doc", pg.JSONB, nullable=False),
    # the stored document as CKAN sent it (what Solr returns for fl), minus the two big JSON strings
    sa.Column("stored", pg.JSONB, nullable=False),
    # analysed (segmented, normalised) text per text field, for fielded text queries (title:空气)
    sa.Column("field_text", pg.JSONB, nullable=False, server_default="{}"),
    sa.Column("validated_data_dict", sa.UnicodeText),
    sa.Column("data_dict", sa.UnicodeText),
    sa.Column("tsv", pg.TSVECTOR, nullable=False),
    # "field\x1fvalue" for every keyword field that can be faceted (see backend.facet_terms): facet counts
    # read this one narrow array instead of expanding the wide ``doc`` once per facet field
    sa.Column("facet_terms", pg.ARRAY(sa.UnicodeText), nullable=False, server_default="{}"),
    # insertion order, Solr's tie-breaker (an updated document goes to the end)
    sa.Column("seq", sa.BigInteger, server_default=sa.text(f"nextval('{SEQUENCE_NAME}')"), nullable=False),
    sa.Column("indexed_ts", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
)

sa.Index("publicdata_search_index_id_idx", search_index_table.c.id)
sa.Index("publicdata_search_index_name_idx", search_index_table.c.name)
sa.Index(
    "publicdata_search_index_visible_idx",
    search_index_table.c.site_id,
    search_index_table.c.state,
    search_index_table.c.capacity,
    search_index_table.c.dataset_type,
)
sa.Index("publicdata_search_index_owner_org_idx", search_index_table.c.owner_org)
sa.Index("publicdata_search_index_modified_idx", search_index_table.c.metadata_modified)
sa.Index("publicdata_search_index_created_idx", search_index_table.c.metadata_created)
# the default order of a search without free text (score is constant): newest first, then insertion order,
# so ``ORDER BY … LIMIT rows`` reads a few index entries instead of sorting the whole filtered set
sa.Index(
    "publicdata_search_index_recent_idx",
    search_index_table.c.metadata_modified.desc().nullslast(),
    search_index_table.c.seq,
)
sa.Index("publicdata_search_index_labels_idx", search_index_table.c.permission_labels, postgresql_using="gin")
sa.Index("publicdata_search_index_tags_idx", search_index_table.c.tags, postgresql_using="gin")
sa.Index("publicdata_search_index_groups_idx", search_index_table.c.groups, postgresql_using="gin")
sa.Index("publicdata_search_index_res_format_idx", search_index_table.c.res_format, postgresql_using="gin")
sa.Index("publicdata_search_index_doc_idx", search_index_table.c.doc, postgresql_using="gin")
sa.Index("publicdata_search_index_tsv_idx", search_index_table.c.tsv, postgresql_using="gin")

SUMMARY_TABLE_NAME = "publicdata_search_summary"

# Facet counts and totals of searches without free text (the home page, /dataset/ without q, organization
# pages), shared by all processes. An entry is valid only for the index generation it was computed at (the
# index sequence: every index write and every commit that wrote moves it on), so no write is ever hidden;
# entries of older generations are simply recomputed and overwritten.
search_summary_table = sa.Table(
    SUMMARY_TABLE_NAME,
    metadata,
    sa.Column("key", sa.UnicodeText, primary_key=True),
    sa.Column("generation", sa.BigInteger, nullable=False),
    sa.Column("total", sa.BigInteger, nullable=False),
    sa.Column("facets", pg.JSON),
    sa.Column("computed_ms", sa.Float),
    sa.Column("computed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
)

_TITLE_SORT_INDEX = (
    f'CREATE INDEX IF NOT EXISTS publicdata_search_index_title_sort_idx '
    f'ON {TABLE_NAME} ((title COLLATE "{TITLE_COLLATION}"))'
)

FACET_TERM_SEPARATOR = "\x1f"

# Upgrades of a table created by an earlier version (columns/indexes added since), run by ensure_table.
# facet_terms is filled from ``doc`` with the same rule as ``backend.facet_terms`` (kept in sync there).
_UPGRADES = (
    f"ALTER TABLE {TABLE_NAME} ADD COLUMN IF NOT EXISTS facet_terms text[] NOT NULL DEFAULT '{{}}'",
    f"CREATE INDEX IF NOT EXISTS publicdata_search_index_recent_idx "
    f"ON {TABLE_NAME} (metadata_modified DESC NULLS LAST, seq)",
)


def _facet_terms_backfill_sql(excluded: "frozenset[str]", text_fields: "frozenset[str]",
                              text_prefixes: tuple[str, ...]) -> str:
    names = ", ".join("'" + name.replace("'", "''") + "'" for name in sorted(excluded | text_fields))
    prefixes = " ".join(f"AND left(e.k, {len(prefix)}) <> '{prefix}'" for prefix in text_prefixes)
    return (
        f"UPDATE {TABLE_NAME} t SET facet_terms = coalesce((SELECT array_agg(e.k || chr(31) || v.v) "
        f"FROM jsonb_each(t.doc) e(k, a), jsonb_array_elements_text("
        f"CASE WHEN jsonb_typeof(e.a) = 'array' THEN e.a ELSE jsonb_build_array(e.a) END) v(v) "
        f"WHERE e.k NOT IN ({names}) {prefixes}), '{{}}')"
    )


_ensured_for: set[str] = set()
_ensure_lock = threading.Lock()


def forget_ensured() -> None:
    """Forget that the table was checked (after ``clean_db`` dropped it)."""
    _ensured_for.clear()


def ensure_table(engine: Optional[sa.engine.Engine] = None) -> None:
    """Create the index table and its indexes if missing. Cheap after the first call per database."""
    if engine is None:
        engine = _engine()
    key = str(engine.url)
    if key in _ensured_for:
        return
    with _ensure_lock:
        if key in _ensured_for:
            return
        with engine.connect() as connection:
            exists = connection.execute(
                sa.text("select to_regclass(:name) is not null"), {"name": TABLE_NAME}
            ).scalar()
        if not exists:
            try:
                with engine.begin() as connection:
                    connection.execute(sa.text(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE_NAME}"))
                    # Table.create, not metadata.create_all(tables=…): the latter also fires the shared
                    # metadata's events, which create other plugins' enum types (harvest's log_level) and
                    # then break their migrations on a fresh database.
                    search_index_table.create(connection, checkfirst=True)
                    search_summary_table.create(connection, checkfirst=True)
                    connection.execute(sa.text(_TITLE_SORT_INDEX))
                log.info("created search index table %s", TABLE_NAME)
            except sa.exc.SQLAlchemyError as error:  # another process won the race
                log.warning("creating %s: %s", TABLE_NAME, error)
        else:
            _upgrade(engine)
        _ensured_for.add(key)


def _upgrade(engine: sa.engine.Engine) -> None:
    """Bring a table created by an earlier version up to date (idempotent, cheap when nothing is missing)."""
    with engine.connect() as connection:
        has_summary = connection.execute(
            sa.text("select to_regclass(:name) is not null"), {"name": SUMMARY_TABLE_NAME}).scalar()
        missing_facet_terms = not connection.execute(sa.text(
            "select exists (select 1 from information_schema.columns "
            "where table_name = :table and column_name = 'facet_terms')"), {"table": TABLE_NAME}).scalar()
        has_recent_index = connection.execute(
            sa.text("select to_regclass('publicdata_search_index_recent_idx') is not null")).scalar()
    if not has_summary:
        try:
            with engine.begin() as connection:
                search_summary_table.create(connection, checkfirst=True)
        except sa.exc.SQLAlchemyError as error:  # another process won the race
            log.warning("creating %s: %s", SUMMARY_TABLE_NAME, error)
    if not missing_facet_terms and has_recent_index:
        return
    from ckanext.publicdata.search import query as query_language
    from ckanext.publicdata.search.backend import FACET_EXCLUDED_FIELDS, NOT_IN_DOC

    try:
        with engine.begin() as connection:
            for statement in _UPGRADES:
                connection.execute(sa.text(statement))
            if missing_facet_terms:
                connection.execute(sa.text(_facet_terms_backfill_sql(
                    FACET_EXCLUDED_FIELDS | NOT_IN_DOC | query_language.DATE_COLUMNS,
                    query_language.TEXT_FIELDS, query_language.TEXT_PREFIXES)))
        log.info("upgraded search index table %s (facet_terms, recent index)", TABLE_NAME)
    except sa.exc.SQLAlchemyError as error:  # another process is doing it
        log.warning("upgrading %s: %s", TABLE_NAME, error)


def _engine() -> sa.engine.Engine:
    import ckan.model as model

    bind: Any = model.meta.engine if getattr(model.meta, "engine", None) is not None else None
    if bind is None:
        bind = model.Session.get_bind()
    return bind
