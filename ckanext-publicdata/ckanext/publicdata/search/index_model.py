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
sa.Index("publicdata_search_index_labels_idx", search_index_table.c.permission_labels, postgresql_using="gin")
sa.Index("publicdata_search_index_tags_idx", search_index_table.c.tags, postgresql_using="gin")
sa.Index("publicdata_search_index_groups_idx", search_index_table.c.groups, postgresql_using="gin")
sa.Index("publicdata_search_index_res_format_idx", search_index_table.c.res_format, postgresql_using="gin")
sa.Index("publicdata_search_index_doc_idx", search_index_table.c.doc, postgresql_using="gin")
sa.Index("publicdata_search_index_tsv_idx", search_index_table.c.tsv, postgresql_using="gin")

_TITLE_SORT_INDEX = (
    f'CREATE INDEX IF NOT EXISTS publicdata_search_index_title_sort_idx '
    f'ON {TABLE_NAME} ((title COLLATE "{TITLE_COLLATION}"))'
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
                    connection.execute(sa.text(_TITLE_SORT_INDEX))
                log.info("created search index table %s", TABLE_NAME)
            except sa.exc.SQLAlchemyError as error:  # another process won the race
                log.warning("creating %s: %s", TABLE_NAME, error)
        _ensured_for.add(key)


def _engine() -> sa.engine.Engine:
    import ckan.model as model

    bind: Any = model.meta.engine if getattr(model.meta, "engine", None) is not None else None
    if bind is None:
        bind = model.Session.get_bind()
    return bind
