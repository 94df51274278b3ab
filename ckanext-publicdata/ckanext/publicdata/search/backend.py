"""A pysolr-like connection whose index is a PostgreSQL table in CKAN's own database.

``ckan.lib.search`` only ever talks to Solr through ``make_connection()``, i.e. through
``add(docs, commit=)``, ``delete(q=|id=)``, ``commit()`` and ``search(q, **params)``. This class
answers those calls with SQL on ``publicdata_search_index`` so everything CKAN builds above them keeps
working: plugin hooks, permission labels, facets, ``fl``, the ``search-index`` CLI, the test fixtures.

Transactions: every statement runs on ``model.Session``'s connection, i.e. inside the transaction of the
CKAN write that triggered it. CKAN indexes from the session's ``before_commit`` hook, so the dataset row
and its index row commit together or not at all; a failed index write raises ``pysolr.SolrError`` which
CKAN turns into ``SearchIndexError`` and re-raises, aborting the commit. Outside such a commit (CLI,
harvest, direct calls) ``commit()`` / ``commit=True`` commits the session, which is what makes Solr
changes visible.
"""
from __future__ import annotations

import copy
import datetime
import hashlib
import json
import logging
import re
import threading
import time
from collections import OrderedDict
from typing import Any, Iterable, Optional

import psycopg2
import psycopg2.extras
import pysolr
from sqlalchemy import event

import ckan.model as model
from ckan.lib.search.common import SearchError, SearchQueryError, solr_datetime_decoder

from ckanext.publicdata.search import query as query_language
from ckanext.publicdata.search.index_model import (
    FACET_TERM_SEPARATOR, SEQUENCE_NAME, SUMMARY_TABLE_NAME, TABLE_NAME, ensure_table,
)
from ckanext.publicdata.search.query import Fragment

log = logging.getLogger(__name__)

SEARCH_URL = "postgresql://publicdata-search"  # what ``conn.url`` shows in CKAN's log lines

# tsvector weight classes (ts_rank_cd weights D..A = 0.1, 0.2, 0.4, 1.0)
WEIGHT_A = ("name", "title")
WEIGHT_B = ("tags", "groups", "organization")
WEIGHT_C = ("notes", "res_name", "res_description")
# D: what Solr copies into its catch-all ``text`` field besides the above
WEIGHT_D = (
    "text", "urls", "url", "ckan_url", "download_url", "res_url", "license", "maintainer", "author",
)
WEIGHT_D_PREFIXES = ("extras_", "res_extras_", "vocab_")

NOT_IN_DOC = frozenset({"data_dict", "validated_data_dict", "permission_labels", "_version_"})
NOT_STORED = frozenset({"data_dict", "validated_data_dict", "permission_labels", "text", "urls",
                        "title_string", "_version_"})
FACET_ARRAY_COLUMNS = ("tags", "groups", "res_format", "permission_labels")
# array columns whose values are also in facet_terms (permission_labels is not in ``doc``)
_FACET_TERM_ARRAYS = frozenset({"tags", "groups", "res_format"})
# keyword fields left out of facet_terms: one value per dataset (ids, names, URLs) or long; faceting on them
# still works, by expanding ``doc``
# and fields nobody facets on whose terms would only lengthen every array (facet_terms' cost is per term).
# Scalar columns among them are faceted from their column.
FACET_EXCLUDED_FIELDS = frozenset({
    "id", "index_id", "name", "title_string", "url", "res_url", "download_url", "ckan_url", "license_url",
    "identifier", "_version_", "site_id", "entity_type", "state", "capacity", "dataset_type", "type",
    "creator_user_id", "version", "num_resources", "num_tags", "isopen", "private", "license_title",
    "author_email", "maintainer_email",
})
_CONSTANT_SCORE_CLAUSE = re.compile(r"(?<![\w\"])score (?:ASC|DESC), ")

_COMMITTING_KEY = "publicdata_search_committing"
_WRITTEN_KEY = "publicdata_search_written"


# ------------------------------------------------------------------------------------------- documents

def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [v for v in value if v is not None]
    return [value]


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.isoformat() + ("Z" if value.tzinfo is None else "")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _clean(text: str) -> str:
    return text.replace("\x00", "")


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date)):
        return _as_text(value)
    if isinstance(value, set):
        return list(value)
    return str(value)


def _timestamp(value: Any) -> Optional[datetime.datetime]:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return moment


def solr_date(value: Any) -> Any:
    """A date as Solr returns it: UTC, ``2019-10-10T01:15:00Z`` (milliseconds only when not zero)."""
    if isinstance(value, (list, tuple)):
        return [solr_date(v) for v in value]
    moment = _timestamp(value)
    if moment is None:
        return value
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    milliseconds = moment.microsecond // 1000
    if milliseconds:
        text += f".{milliseconds:03d}".rstrip("0")
    return text + "Z"


def _scalar(doc: dict[str, Any], key: str) -> Optional[str]:
    values = _as_list(doc.get(key))
    return _clean(_as_text(values[0])) if values else None


def _weight_class(field: str) -> Optional[str]:
    if field in WEIGHT_A:
        return "A"
    if field in WEIGHT_B:
        return "B"
    if field in WEIGHT_C:
        return "C"
    if field in WEIGHT_D or field.startswith(WEIGHT_D_PREFIXES):
        return "D"
    return None


def is_facet_term_field(field: str) -> bool:
    """Whether a field's values go into ``facet_terms`` (the same rule fills old tables: index_model)."""
    return not (field in FACET_EXCLUDED_FIELDS or field in NOT_IN_DOC or field in query_language.DATE_COLUMNS
                or query_language.is_text_field(field))


def document_row(doc: dict[str, Any]) -> dict[str, Any]:
    """The index row for one CKAN document (the dict ``PackageSearchIndex.index_package`` sends)."""
    if not doc.get("index_id"):
        raise pysolr.SolrError("[Reason: Document is missing mandatory uniqueKey field: index_id]")
    if not doc.get("id"):
        raise pysolr.SolrError("[Reason: Document is missing mandatory field: id]")
    analyzer = query_language.analyzer()
    searchable: dict[str, list[str]] = {}
    weighted: dict[str, list[list[str]]] = {"A": [], "B": [], "C": [], "D": []}
    field_text: dict[str, str] = {}
    for key, value in doc.items():
        if key in NOT_IN_DOC:
            continue
        values = _unique(_clean(_as_text(v)) for v in _as_list(value))
        if not values:
            continue
        searchable[key] = values
        weight = _weight_class(key)
        analysed = query_language.is_text_field(key)
        if weight or analysed:
            token_lists = [analyzer.index_tokens(v) for v in values]
            if weight:
                weighted[weight].extend(token_lists)
            if analysed and key != "text":
                field_text[key] = tsvector_literal({"D": token_lists})
    terms = [
        key + FACET_TERM_SEPARATOR + value
        for key, values in searchable.items() if is_facet_term_field(key) for value in values
    ]
    stored = {
        k: (solr_date(v) if query_language.is_date_field(k) else v)
        for k, v in doc.items() if k not in NOT_STORED and v is not None
    }
    return {
        "index_id": _clean(str(doc["index_id"])),
        "id": _clean(str(doc["id"])),
        "site_id": _scalar(doc, "site_id"),
        "entity_type": _scalar(doc, "entity_type"),
        "name": _scalar(doc, "name"),
        "title": _scalar(doc, "title"),
        "state": _scalar(doc, "state"),
        "capacity": _scalar(doc, "capacity"),
        "dataset_type": _scalar(doc, "dataset_type"),
        "owner_org": _scalar(doc, "owner_org"),
        "organization": _scalar(doc, "organization"),
        "license_id": _scalar(doc, "license_id"),
        "tags": searchable.get("tags", []),
        "groups": searchable.get("groups", []),
        "res_format": searchable.get("res_format", []),
        "permission_labels": _unique(_clean(_as_text(v)) for v in _as_list(doc.get("permission_labels"))),
        "metadata_created": _timestamp(doc.get("metadata_created")),
        "metadata_modified": _timestamp(doc.get("metadata_modified")),
        "doc": json.dumps(searchable, ensure_ascii=False),
        "stored": _clean(json.dumps(stored, ensure_ascii=False, default=_json_default)),
        "field_text": json.dumps(field_text, ensure_ascii=False),
        "validated_data_dict": _optional_text(doc.get("validated_data_dict")),
        "data_dict": _optional_text(doc.get("data_dict")),
        "tsv": tsvector_literal(weighted),
        "facet_terms": terms,
    }


VALUE_POSITION_GAP = 100  # like Solr's positionIncrementGap: no phrase match across two values
MAX_POSITION = 16383     # PostgreSQL's largest tsvector position
MAX_POSITIONS_PER_LEXEME = 255


def tsvector_literal(weighted: dict[str, list[list[str]]]) -> str:
    """A ``tsvector`` literal from analysed tokens: weight classes A..D, each value's tokens in order,
    values separated by a position gap.

    The analyser's tokens are already normalised words a ``simple`` parser keeps whole, so writing the
    vector directly gives the same lexemes as ``to_tsvector('simple', …)`` but with positions under our
    control (``to_tsvector`` of joined text would make the last word of one field adjacent to the first
    word of the next, and phrase queries would match across them).
    """
    positions: dict[str, list[str]] = {}
    position = 1
    for weight in ("A", "B", "C", "D"):
        for tokens in weighted.get(weight, []):
            for token in tokens:
                if not token:
                    continue
                slots = positions.setdefault(token, [])
                if len(slots) < MAX_POSITIONS_PER_LEXEME:
                    slots.append(f"{min(position, MAX_POSITION)}{weight}")
                position += 1
            position += VALUE_POSITION_GAP
    return " ".join(
        "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "':" + ",".join(dict.fromkeys(slots))
        for lexeme, slots in positions.items()
    )


def _optional_text(value: Any) -> Optional[str]:
    if value is None:
        return None
    return _clean(value if isinstance(value, str) else json.dumps(value, default=_json_default))


_ROW_COLUMNS = (
    "index_id", "id", "site_id", "entity_type", "name", "title", "state", "capacity", "dataset_type",
    "owner_org", "organization", "license_id", "tags", "groups", "res_format", "permission_labels",
    "metadata_created", "metadata_modified", "doc", "stored", "field_text", "validated_data_dict", "data_dict",
    "facet_terms",
)
_CASTS = {"doc": "::jsonb", "stored": "::jsonb", "field_text": "::jsonb",
          "tags": "::text[]", "groups": "::text[]", "facet_terms": "::text[]", "res_format": "::text[]", "permission_labels": "::text[]"}
_UPSERT_SQL = (
    f"INSERT INTO {TABLE_NAME} ("
    + ", ".join(f'"{c}"' for c in _ROW_COLUMNS)
    + ", tsv, seq, indexed_ts) VALUES ("
    + ", ".join(f"%({c})s{_CASTS.get(c, '')}" for c in _ROW_COLUMNS)
    + ", %(tsv)s::tsvector"
    ", nextval('publicdata_search_index_seq'), now())"
    " ON CONFLICT (index_id) DO UPDATE SET "
    + ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in _ROW_COLUMNS if c != "index_id")
    + ", tsv = EXCLUDED.tsv, seq = EXCLUDED.seq, indexed_ts = EXCLUDED.indexed_ts"
)


_UPSERT_TEMPLATE = (
    "(" + ", ".join(f"%({c})s{_CASTS.get(c, '')}" for c in _ROW_COLUMNS)
    + ", %(tsv)s::tsvector, nextval('publicdata_search_index_seq'), now())"
)
_UPSERT_VALUES_SQL = (
    f"INSERT INTO {TABLE_NAME} ("
    + ", ".join(f'"{c}"' for c in _ROW_COLUMNS)
    + ", tsv, seq, indexed_ts) VALUES %s"
    + _UPSERT_SQL[_UPSERT_SQL.index(" ON CONFLICT"):]
)


class _WriteBuffer:
    def __init__(self, size: int) -> None:
        self.size = size
        self.rows: "OrderedDict[str, dict[str, Any]]" = OrderedDict()


_buffers = threading.local()


def _write_buffer() -> Optional[_WriteBuffer]:
    return getattr(_buffers, "current", None)


class buffered_writes:
    """Within this block, index writes without ``commit`` are buffered in this thread and written ``size``
    at a time (bulk rebuilds); every search, delete, commit and the end of the block write them first.
    Only for code that owns its transaction (the rebuild command): CKAN's own writes are not buffered."""

    def __init__(self, size: int = 200) -> None:
        self.size = max(1, size)

    def __enter__(self) -> "buffered_writes":
        _buffers.current = _WriteBuffer(self.size)
        return self

    def __exit__(self, exc_type: Any, exc: Any, traceback: Any) -> None:
        try:
            if exc_type is None:
                PostgresSearchConnection().flush()
        finally:
            _buffers.current = None


# ------------------------------------------------------------------------------------------- results

class Results:
    """What ``pysolr.Solr.search`` returns, as far as CKAN and extensions use it."""

    def __init__(self, docs: list[dict[str, Any]], hits: int, facets: dict[str, Any],
                 raw: Optional[dict[str, Any]] = None) -> None:
        self.docs = docs
        self.hits = hits
        self.facets = facets
        self.highlighting: dict[str, Any] = {}
        self.spellcheck: dict[str, Any] = {}
        self.stats: dict[str, Any] = {}
        self.qtime: Optional[int] = None
        self.debug: dict[str, Any] = {}
        self.grouped: dict[str, Any] = {}
        self.nextCursorMark = None
        self.raw_response = raw or {
            "response": {"numFound": hits, "start": 0, "docs": docs},
            "facet_counts": facets,
        }

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self):
        return iter(self.docs)


# ------------------------------------------------------------------------------------------- session

def _session_committing(session: Any) -> bool:
    return bool(session.info.get(_COMMITTING_KEY))


def _mark_committing(session: Any) -> None:
    session.info[_COMMITTING_KEY] = True


def _unmark_committing(session: Any, *_args: Any) -> None:
    session.info.pop(_COMMITTING_KEY, None)


def _after_commit(session: Any) -> None:
    """Index rows written in this transaction are now visible: move the generation on (see ResultCache)."""
    session.info.pop(_COMMITTING_KEY, None)
    if session.info.pop(_WRITTEN_KEY, None):
        result_cache.clear()
        try:
            with model.meta.engine.connect() as connection:  # autocommit: a fresh, committed generation
                connection.exec_driver_sql(f"SELECT nextval('{SEQUENCE_NAME}')")
        except Exception as error:  # the cache then serves at most what it served before this commit
            log.warning("could not advance the search index generation: %s", error)


def _after_rollback(session: Any, *_args: Any) -> None:
    session.info.pop(_COMMITTING_KEY, None)
    session.info.pop(_WRITTEN_KEY, None)


def _mark_written() -> None:
    model.Session().info[_WRITTEN_KEY] = True


def _written_in_this_transaction() -> bool:
    return bool(model.Session().info.get(_WRITTEN_KEY))


class ResultCache:
    """Answers of identical searches, valid for one index *generation*.

    The generation is the index sequence's ``last_value``: every upsert takes a ``nextval``, every delete
    too, and every commit that wrote index rows takes one more *after* committing. A search reads the
    generation before its own statement (READ COMMITTED: a later snapshot), so an entry stored under
    generation g never hides a write committed before g was read. A transaction with its own uncommitted
    index writes bypasses the cache. Process-local, bounded, cleared on local commits and by clean_db.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._entries: "OrderedDict[tuple[Any, ...], Any]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Any:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


result_cache = ResultCache()


_listeners_installed = False


def install_session_listeners() -> None:
    """Know when CKAN's session is inside its commit (so ``commit=True`` must not commit again)."""
    global _listeners_installed
    if _listeners_installed:
        return
    event.listen(model.Session, "before_commit", _mark_committing, insert=True)
    event.listen(model.Session, "after_commit", _after_commit)
    event.listen(model.Session, "after_rollback", _after_rollback)
    event.listen(model.Session, "after_soft_rollback", _unmark_committing)
    _listeners_installed = True


def remove_session_listeners() -> None:
    global _listeners_installed
    if not _listeners_installed:
        return
    for name, handler in (("before_commit", _mark_committing), ("after_commit", _after_commit),
                          ("after_rollback", _after_rollback),
                          ("after_soft_rollback", _unmark_committing)):
        if event.contains(model.Session, name, handler):
            event.remove(model.Session, name, handler)
    _listeners_installed = False


# ------------------------------------------------------------------------------------------- connection

class PostgresSearchConnection:
    """``pysolr.Solr``'s surface over ``publicdata_search_index``."""

    url = SEARCH_URL

    def __init__(self, decode_dates: bool = True) -> None:
        self.decode_dates = decode_dates

    # -- plumbing ---------------------------------------------------------------------------
    def _cursor(self) -> Any:
        """A DBAPI cursor on the session's connection: same transaction as the CKAN write around it."""
        ensure_table()
        return model.Session.connection().connection.cursor()

    def _fetch_one(self, sql: str, params: tuple[Any, ...]) -> Any:
        """Run a read; a failure rolls back to a savepoint so the caller's transaction stays usable."""
        cursor = self._cursor()
        try:
            cursor.execute("SAVEPOINT publicdata_search")
            try:
                cursor.execute(sql, params)
            except psycopg2.Error:
                cursor.execute("ROLLBACK TO SAVEPOINT publicdata_search")
                raise
            row = cursor.fetchone()
            cursor.execute("RELEASE SAVEPOINT publicdata_search")
            return row
        finally:
            cursor.close()

    def _write(self, sql: str, params: Any, many: bool = False) -> int:
        cursor = self._cursor()
        try:
            if many:
                psycopg2.extras.execute_batch(cursor, sql, params, page_size=100)
            else:
                cursor.execute(sql, params)
            return cursor.rowcount
        finally:
            cursor.close()

    def _maybe_commit(self, commit: bool) -> None:
        if commit and not _session_committing(model.Session()):
            model.Session.commit()

    # -- writing ------------------------------------------------------------------------------
    def add(self, docs: Iterable[dict[str, Any]], boost: Any = None, fieldUpdates: Any = None,
            commit: Optional[bool] = None, softCommit: bool = False, commitWithin: Any = None,
            waitFlush: Any = None, waitSearcher: Any = None, overwrite: Any = None,
            handler: str = "update", min_rf: Any = None) -> str:
        rows = [document_row(dict(doc)) for doc in docs]
        if not rows:
            return ""
        buffer = _write_buffer()
        if buffer is not None and not commit:
            _mark_written()
            for row in rows:  # the last version of a document wins, as with one upsert after another
                buffer.rows.pop(row["index_id"], None)
                buffer.rows[row["index_id"]] = row
            if len(buffer.rows) >= buffer.size:
                self.flush()
            return f"buffered {len(rows)}"
        self.flush()
        try:
            _mark_written()
            if len(rows) == 1:
                self._write(_UPSERT_SQL, rows[0])
            else:
                self._write(_UPSERT_SQL, rows, many=True)
        except psycopg2.Error as error:
            raise pysolr.SolrError(f"Indexing failed: {error}") from error
        self._maybe_commit(bool(commit))
        return f"indexed {len(rows)}"

    def delete(self, id: Any = None, q: Optional[str] = None, commit: Optional[bool] = None,
               softCommit: bool = False, waitFlush: Any = None, waitSearcher: Any = None,
               handler: str = "update") -> str:
        self.flush()
        if id is None and q is None:
            raise ValueError('You must specify "id" or "q".')
        if id is not None and q is not None:
            raise ValueError('You many only specify "id" OR "q", not both.')
        if id is not None:
            ids = [str(i) for i in _as_list(id)]
            where = Fragment("index_id = ANY(%s)", (ids,))
        else:
            where = query_language.lucene_where(q or "")
        try:
            _mark_written()
            self._write(f"SELECT nextval('{SEQUENCE_NAME}')", ())
            self._write(f"DELETE FROM {TABLE_NAME} WHERE {where.sql}", where.params)
        except psycopg2.Error as error:
            raise pysolr.SolrError(f"Delete failed: {error}") from error
        self._maybe_commit(bool(commit))
        return "deleted"

    def flush(self) -> int:
        """Write the rows buffered by :func:`buffered_writes` (one multi-row upsert per page)."""
        buffer = _write_buffer()
        if buffer is None or not buffer.rows:
            return 0
        rows = list(buffer.rows.values())
        buffer.rows.clear()
        cursor = self._cursor()
        try:
            psycopg2.extras.execute_values(cursor, _UPSERT_VALUES_SQL, rows, template=_UPSERT_TEMPLATE,
                                           page_size=100)
        except psycopg2.Error as error:
            raise pysolr.SolrError(f"Indexing failed: {error}") from error
        finally:
            cursor.close()
        return len(rows)

    def commit(self, softCommit: bool = False, waitFlush: Any = None, waitSearcher: Any = None,
               expungeDeletes: Any = None, handler: str = "update") -> str:
        self.flush()
        self._maybe_commit(True)
        return "committed"

    def optimize(self, *args: Any, **kwargs: Any) -> str:
        return self.commit()

    def ping(self, handler: str = "admin/ping", **kwargs: Any) -> str:
        self._fetch_one("SELECT 1", ())
        return '{"status": "OK"}'

    def extract(self, *args: Any, **kwargs: Any) -> Any:
        raise pysolr.SolrError("extract is not supported by the PostgreSQL search backend")

    def more_like_this(self, *args: Any, **kwargs: Any) -> Any:
        raise pysolr.SolrError("more_like_this is not supported by the PostgreSQL search backend")

    def suggest_terms(self, *args: Any, **kwargs: Any) -> Any:
        raise pysolr.SolrError("suggest_terms is not supported by the PostgreSQL search backend")

    # -- searching ----------------------------------------------------------------------------
    def search(self, q: Optional[str] = None, search_handler: Optional[str] = None, **params: Any) -> Results:
        self.flush()
        try:
            plan = SearchPlan.build(q, params)
        except query_language.QuerySyntaxError as error:
            if _html_page_request():
                # CKAN's dataset/group pages show "error while searching" for a Solr SyntaxError
                raise SearchError(str(error)) from error
            raise
        sql, sql_params = plan.sql()
        cache_key: Optional[tuple[Any, ...]] = None
        generation: Optional[int] = None
        if not _written_in_this_transaction():
            generation = self._fetch_one(f"SELECT last_value FROM {SEQUENCE_NAME}", ())[0]
            cache_key = (generation, sql, repr(sql_params))
            cached = result_cache.get(cache_key)
            if cached is not None:
                return self._results(plan, cached)
        summary_key = plan.summary_key() if generation is not None else None
        row: Any = None
        if summary_key is not None:
            summary = self._fetch_one(
                f"SELECT total, facets FROM {SUMMARY_TABLE_NAME} WHERE key = %s AND generation = %s",
                (summary_key, generation))
            if summary is not None:
                page = self._run_search(*plan.sql(with_summary=False))
                row = (summary[0], page[1], summary[1])
        if row is None:
            started = time.perf_counter()
            row = self._run_search(sql, sql_params)
            if summary_key is not None:
                _store_summary(summary_key, int(generation or 0), row, (time.perf_counter() - started) * 1000)
        if cache_key is not None:
            result_cache.put(cache_key, row)
        return self._results(plan, row)

    def _run_search(self, sql: str, sql_params: tuple[Any, ...]) -> Any:
        try:
            return self._fetch_one(sql, sql_params)
        except psycopg2.DataError as error:
            raise SearchQueryError(f"Invalid search query: {error}".strip())
        except psycopg2.ProgrammingError as error:
            if "tsquery" in str(error):
                raise SearchQueryError(f"Invalid search query: {error}".strip())
            raise pysolr.SolrError(f"Search failed: {error}") from error

    def _results(self, plan: "SearchPlan", row: Any) -> Results:
        total, docs, facets = row
        docs = [plan.shape(doc) for doc in copy.deepcopy(docs or [])]
        if self.decode_dates:
            docs = [solr_datetime_decoder(doc) for doc in docs]
        facet_fields: dict[str, list[Any]] = {}
        for field in plan.facet_fields:
            flat: list[Any] = []
            for value, count in (facets or {}).get(field) or []:
                flat.extend((value, count))
            facet_fields[field] = flat
        facet_counts = {"facet_queries": {}, "facet_fields": facet_fields, "facet_dates": {},
                        "facet_ranges": {}, "facet_intervals": {}, "facet_heatmaps": {}} if plan.facet else {}
        return Results(docs, int(total or 0), facet_counts)

    def __repr__(self) -> str:
        return f"<PostgresSearchConnection {TABLE_NAME}>"


def _store_summary(key: str, generation: int, row: Any, computed_ms: float) -> None:
    """Share a computed total + facet counts with every process, for this index generation.

    On its own short autocommit transaction (never holding locks in the caller's), replacing the entry of
    an older generation; entries of older generations are dropped (no reader can use them any more).
    A failure only costs the next search a recomputation.
    """
    try:
        with model.meta.engine.begin() as connection:
            # never wait for a transaction that holds the entry (it may be the caller's own session's)
            connection.exec_driver_sql("SET LOCAL lock_timeout = '100ms'")
            connection.exec_driver_sql(
                f"INSERT INTO {SUMMARY_TABLE_NAME} (key, generation, total, facets, computed_ms, computed_at) "
                "VALUES (%s, %s, %s, %s::json, %s, now()) ON CONFLICT (key) DO UPDATE SET "
                "generation = EXCLUDED.generation, total = EXCLUDED.total, facets = EXCLUDED.facets, "
                "computed_ms = EXCLUDED.computed_ms, computed_at = EXCLUDED.computed_at "
                f"WHERE {SUMMARY_TABLE_NAME}.generation < EXCLUDED.generation",
                (key, generation, int(row[0] or 0), json.dumps(row[2], ensure_ascii=False), computed_ms),
            )
            connection.exec_driver_sql(
                f"DELETE FROM {SUMMARY_TABLE_NAME} WHERE generation < %s", (generation,))
    except Exception as error:  # noqa: BLE001 - a cache: never fail the search for it
        log.warning("could not store a search summary: %s", error)


def _html_page_request() -> bool:
    """True inside a web request that is not an API call."""
    try:
        import flask

        if not flask.has_request_context():
            return False
        return flask.request.blueprint not in ("api",) and not flask.request.path.startswith("/api/")
    except Exception:
        return False


# ------------------------------------------------------------------------------------------- planning

_TRUE_VALUES = ("true", "on", "1", "yes")


def _first(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value


def _int_param(params: dict[str, Any], key: str, default: int) -> int:
    value = _first(params.get(key))
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SearchQueryError(f"Invalid value for {key}: {value!r}")


class SearchPlan:
    """One Solr request turned into one SQL statement returning (total, docs, facets)."""

    def __init__(self) -> None:
        self.where: list[Fragment] = []
        self.rank_expression: Optional[str] = None
        self.order = query_language.sort_order("score desc")
        self.rows = 10
        self.start = 0
        self.fields: list[str] = []
        self.facet = False
        self.facet_fields: list[str] = []
        self.facet_limit = 100
        self.facet_mincount = 0
        self.facet_limits: dict[str, int] = {}
        self.facet_mincounts: dict[str, int] = {}
        self.facet_sort: dict[str, str] = {}

    @classmethod
    def build(cls, q: Optional[str], params: dict[str, Any]) -> "SearchPlan":
        plan = cls()
        if q is None:
            q = params.pop("q", None)
        else:
            params.pop("q", None)
        q = _first(q)
        q = "" if q is None else str(q)
        default_field = str(_first(params.get("df")) or "text")
        default_and = str(_first(params.get("q.op")) or "OR").upper() == "AND"
        def_type = str(_first(params.get("defType")) or "lucene")
        stripped = q.strip()
        if stripped in ("", "*:*", '""', "''"):
            pass
        elif def_type in ("dismax", "edismax") and not (def_type == "edismax" and ":" in stripped):
            condition, plan.rank_expression = query_language.dismax_match(stripped)
            plan.where.append(condition)
        else:
            condition = query_language.lucene_where(stripped, default_field, default_and)
            plan.where.append(condition)
            plan.rank_expression = _rank_expression_for(stripped, default_field)
        fq = params.get("fq")
        for clause in _as_list(fq):
            clause_text = str(clause).strip()
            if clause_text:
                plan.where.append(query_language.lucene_where(clause_text, default_field, default_and))
        sort = _first(params.get("sort"))
        plan.order = query_language.sort_order(str(sort) if sort else "score desc")
        plan.rows = max(0, _int_param(params, "rows", 10))
        plan.start = max(0, _int_param(params, "start", 0))
        plan.fields = query_language.split_fl(params.get("fl")) or ["*", "score"]
        plan.facet = str(_first(params.get("facet")) or "false").lower() in _TRUE_VALUES
        if plan.facet:
            plan.facet_fields = _unique(str(f) for f in _as_list(params.get("facet.field")))
            plan.facet_limit = _int_param(params, "facet.limit", 100)
            plan.facet_mincount = _int_param(params, "facet.mincount", 0)
            for field in plan.facet_fields:
                if f"f.{field}.facet.limit" in params:
                    plan.facet_limits[field] = _int_param(params, f"f.{field}.facet.limit", plan.facet_limit)
                if f"f.{field}.facet.mincount" in params:
                    plan.facet_mincounts[field] = _int_param(
                        params, f"f.{field}.facet.mincount", plan.facet_mincount)
            sort_param = str(_first(params.get("facet.sort")) or "count")
            for field in plan.facet_fields:
                plan.facet_sort[field] = str(_first(params.get(f"f.{field}.facet.sort")) or sort_param)
        return plan

    # -- SQL ----------------------------------------------------------------------------------
    def _where(self) -> Fragment:
        if not self.where:
            return query_language.TRUE
        return query_language._join(self.where, "AND")

    def _score(self) -> Fragment:
        if self.rank_expression:
            return Fragment(
                f"ts_rank_cd('{query_language.RANK_WEIGHTS}', tsv, to_tsquery('simple', %s))",
                (self.rank_expression,),
            )
        return Fragment("1.0::real")

    def _document(self) -> str:
        """SQL building the returned document for the requested ``fl``."""
        fields = self.fields
        parts: list[str] = []
        if "*" in fields:
            parts.append("i.stored")
            fields = [f for f in fields if f != "*"]
            extras = {"validated_data_dict", "data_dict"}
            fields = _unique(list(fields) + sorted(extras))
        pairs: list[str] = []
        for field in fields:
            if not re.fullmatch(r"[A-Za-z0-9_.\-]+", field):
                continue
            literal = field.replace("'", "")
            if field in ("validated_data_dict", "data_dict"):
                pairs.append(f"'{literal}', to_jsonb(i.{field})")
            elif field == "score":
                pairs.append("'score', to_jsonb(page.score)")
            else:
                pairs.append(f"'{literal}', i.stored -> '{literal}'")
        for start in range(0, len(pairs), 40):  # jsonb_build_object takes at most 100 arguments
            parts.append("jsonb_build_object(" + ", ".join(pairs[start:start + 40]) + ")")
        if not parts:
            return "'{}'::jsonb"
        return " || ".join(parts)

    def _order_sql(self) -> str:
        """The ORDER BY; without free text every score is the same, so score clauses are dropped (which
        lets ``metadata_modified desc`` use its index instead of sorting the filtered set)."""
        if self.rank_expression:
            return self.order.sql
        return _CONSTANT_SCORE_CLAUSE.sub("", self.order.sql)

    def summary_key(self) -> Optional[str]:
        """The key of this search's shared summary (total + facet counts, if asked for), for searches
        without free text; None when the summary does not apply."""
        if self.rank_expression:
            return None
        where = self._where()
        facets_sql, facet_params = self._facets_sql(self._facet_routes())
        text = json.dumps([where.sql, repr(where.params), facets_sql, repr(facet_params)], ensure_ascii=False)
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def sql(self, with_summary: bool = True) -> tuple[str, tuple[Any, ...]]:
        """Count, page documents and facet counts in one statement (one round trip).

        Free text: the filtered set with its score is materialised once (``hits``) and count, page and
        facets read it. Without free text the count and the page read the table directly (the page as
        ``ORDER BY … LIMIT`` on an index) and only facets, if asked for, materialise the filtered set.
        """
        where = self._where()
        ranked = bool(self.rank_expression)
        score = self._score() if ranked else Fragment("1.0::real")
        order_sql = self._order_sql()
        facet_routes = self._facet_routes() if with_summary else {}
        use_hits = ranked or bool(facet_routes)
        parts: list[str] = []
        params: list[Any] = []
        with_clauses: list[str] = []
        if use_hits:
            hit_columns = _unique(['"index_id"'] + [f'"{c}"' for c in self.order.columns]
                                  + [f'"{c}"' for c in self._facet_columns(facet_routes)])
            with_clauses.append(
                f"hits AS MATERIALIZED (SELECT {', '.join(hit_columns)}, {score.sql} AS score "
                f"FROM {TABLE_NAME} WHERE {where.sql})")
            params.extend(score.params)
            params.extend(where.params)
            terms_cte, terms_params = self._facet_terms_cte(facet_routes)
            if terms_cte:
                with_clauses.append(terms_cte)
                params.extend(terms_params)
        if not with_summary:
            parts.append("NULL::bigint")
        elif use_hits:
            parts.append("(SELECT count(*) FROM hits)")
        else:
            parts.append(f"(SELECT count(*) FROM {TABLE_NAME} WHERE {where.sql})")
            params.extend(where.params)
        if self.rows == 0:
            parts.append("'[]'::json")
        else:
            if ranked:
                source = f"SELECT index_id, score FROM hits ORDER BY {order_sql}"
                source_params: list[Any] = list(self.order.params)
            else:
                source = (f"SELECT index_id, 1.0::real AS score FROM {TABLE_NAME} WHERE {where.sql} "
                          f"ORDER BY {order_sql}")
                source_params = [*where.params, *self.order.params]
            parts.append(
                f"(SELECT coalesce(json_agg({self._document()} ORDER BY page.position), '[]'::json) FROM ("
                f"SELECT index_id, score, row_number() OVER () AS position FROM ("
                f"{source} LIMIT {int(self.rows)} OFFSET {int(self.start)}) ordered"
                f") page JOIN {TABLE_NAME} i USING (index_id))"
            )
            params.extend(source_params)
        facets_sql, facet_params = self._facets_sql(facet_routes)
        parts.append(facets_sql)
        params.extend(facet_params)
        prefix = ("WITH " + ", ".join(with_clauses) + " ") if with_clauses else ""
        return prefix + "SELECT " + ", ".join(parts), tuple(params)

    def _facet_routes(self) -> dict[str, str]:
        """How each facet field is counted: ``terms`` (the narrow facet_terms array), ``column`` (a
        scalar/array column), ``date`` or ``doc`` (the wide jsonb, for fields facet_terms leaves out)."""
        routes: dict[str, str] = {}
        for field in self.facet_fields if self.facet else []:
            if field in query_language.DATE_COLUMNS:
                routes[field] = "date"
            elif field in FACET_ARRAY_COLUMNS and field not in _FACET_TERM_ARRAYS:
                routes[field] = "column"
            elif is_facet_term_field(field):
                routes[field] = "terms"
            elif field in query_language.SCALAR_COLUMNS:
                routes[field] = "column"
            else:
                routes[field] = "doc"
        return routes

    def _facet_columns(self, routes: dict[str, str]) -> list[str]:
        columns: list[str] = []
        for field, route in routes.items():
            if route in ("column", "date"):
                columns.append(field)
            elif route == "terms":
                columns.append("facet_terms")
            else:
                columns.append("doc")
        return columns

    @staticmethod
    def _facet_terms_cte(routes: dict[str, str]) -> tuple[str, list[Any]]:
        prefixes = [field + FACET_TERM_SEPARATOR for field, route in routes.items() if route == "terms"]
        if not prefixes:
            return "", []
        return ("term_counts AS MATERIALIZED (SELECT t, count(*) AS c FROM hits h, unnest(h.facet_terms) t "
                "WHERE t ^@ ANY(%s::text[]) GROUP BY t)"), [prefixes]

    def _facets_sql(self, routes: dict[str, str]) -> tuple[str, list[Any]]:
        if not routes:
            return "NULL::json", []
        entries: list[str] = []
        params: list[Any] = []
        for field, route in routes.items():
            limit = self.facet_limits.get(field, self.facet_limit)
            mincount = max(self.facet_mincounts.get(field, self.facet_mincount), 1)
            limit_sql = "" if limit < 0 else f" LIMIT {int(limit)}"
            by_index = self.facet_sort.get(field) == "index"
            params.append(field)
            if route == "terms":
                order = 'v COLLATE "C"' if by_index else 'c DESC, v COLLATE "C"'
                entries.append(
                    f"%s, (SELECT coalesce(json_agg(json_build_array(f.v, f.c)), '[]'::json) FROM ("
                    f"SELECT v, c FROM (SELECT substr(t, {len(field) + 2}) AS v, c FROM term_counts "
                    f"WHERE t ^@ %s AND c >= {int(mincount)}) s ORDER BY {order}{limit_sql}) f)"
                )
                params.append(field + FACET_TERM_SEPARATOR)
                continue
            if route == "column" and field in FACET_ARRAY_COLUMNS:
                values_sql = f'SELECT e.v FROM hits h, unnest(h."{field}") AS e(v)'
            elif route == "column":
                values_sql = f'SELECT h."{field}" AS v FROM hits h WHERE h."{field}" IS NOT NULL'
            elif route == "date":
                values_sql = (
                    f"SELECT to_char(h.\"{field}\", 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS v FROM hits h "
                    f'WHERE h."{field}" IS NOT NULL'
                )
            else:
                values_sql = "SELECT e.v FROM hits h, jsonb_array_elements_text(h.doc -> %s) AS e(v)"
                params.append(field)
            order = 'v COLLATE "C"' if by_index else 'count(*) DESC, v COLLATE "C"'
            entries.append(
                f"%s, (SELECT coalesce(json_agg(json_build_array(f.v, f.c)), '[]'::json) FROM ("
                f"SELECT v, count(*) AS c FROM ({values_sql}) x GROUP BY v HAVING count(*) >= {int(mincount)} "
                f"ORDER BY {order}{limit_sql}) f)"
            )
        return "json_build_object(" + ", ".join(entries) + ")", params

    # -- results ------------------------------------------------------------------------------
    def shape(self, doc: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in doc.items() if v is not None}


def _rank_expression_for(query: str, default_field: str) -> Optional[str]:
    """A tsquery to rank Lucene-syntax queries by: the bare words of the query, if any."""
    words = [w for w in re.findall(r"(?:^|\s)([^\s:()\"+\-*?\[\]{}^~]+)(?=\s|$)", query)
             if w.upper() not in ("AND", "OR", "NOT", "TO")]
    if not words or default_field != "text":
        return None
    return query_language.text_tsquery(" ".join(words))
