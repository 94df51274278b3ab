"""Solr/Lucene query language → SQL over the ``publicdata_search_index`` table.

CKAN (and its extensions) speak Solr: ``q`` (Lucene syntax when it contains ``:``, dismax free text
otherwise), ``fq`` clauses, ``sort``. This module parses them with ``luqum`` and translates the tree into a
SQL ``WHERE`` fragment with positional ``%s`` parameters (psycopg2 style), following Solr's field types
from CKAN's schema.xml:

* string fields (``name``, ``tags``, ``res_format``, ``vocab_*``, any unknown field …): exact match,
  wildcards, ranges, ``field:*`` — hot ones are real columns, the rest a jsonb containment test;
* text fields (``title``, ``notes``, ``text``, ``res_name``, ``extras_*`` …): analysed with the Chinese
  analyser (``chinese.query_tsquery``) and matched against the weighted ``tsv`` vector;
* date fields (``metadata_modified``, ``*_date``): ranges with Solr date math (``NOW-1YEAR/DAY``).

Errors in the query raise :class:`ckan.lib.search.common.SearchQueryError` (CKAN answers 400);
an invalid sort raises ``pysolr.SolrError("Can't determine a Sort Order …")`` which CKAN itself maps to
its ``Invalid "sort" parameter`` 400.
"""
from __future__ import annotations

import datetime
import json
import logging
import re
import threading
from functools import lru_cache
from typing import Any, NamedTuple, Optional

import pysolr
from luqum import tree
from luqum.exceptions import ParseError
from luqum.parser import parser as lucene_parser

from ckan.lib.search.common import SearchQueryError

from ckanext.publicdata.search.index_model import TITLE_COLLATION

log = logging.getLogger(__name__)


class QuerySyntaxError(SearchQueryError):
    """``q`` / ``fq`` cannot be parsed or uses syntax the backend does not support (Solr's SyntaxError).

    A :class:`SearchQueryError`, so the API answers 400 "Search Query Error"; on HTML pages the
    connection re-raises it as a plain ``SearchError`` so CKAN shows its usual "error while searching".
    """


class Fragment(NamedTuple):
    """A piece of SQL with its positional parameters."""

    sql: str
    params: tuple[Any, ...] = ()


TRUE = Fragment("TRUE")
FALSE = Fragment("FALSE")

# ------------------------------------------------------------------------------------------- fields

SCALAR_COLUMNS = frozenset({
    "index_id", "id", "site_id", "entity_type", "name", "state", "capacity", "dataset_type",
    "owner_org", "organization", "license_id",
})
ARRAY_COLUMNS = frozenset({"tags", "groups", "res_format", "permission_labels"})
DATE_COLUMNS = frozenset({"metadata_created", "metadata_modified"})
TEXT_FIELDS = frozenset({
    "title", "notes", "text", "res_name", "res_description", "author", "author_email", "maintainer",
    "maintainer_email", "urls", "depends_on", "dependency_of", "derives_from", "has_derivation",
    "links_to", "linked_from", "child_of", "parent_of",
})
TEXT_PREFIXES = ("extras_", "res_extras_")
NGRAM_FIELDS = {"name_ngram": "name", "title_ngram": "title"}
# fields Solr cannot sort on (multi-valued or tokenised)
UNSORTABLE_FIELDS = frozenset({
    "tags", "groups", "res_format", "res_url", "res_type", "res_name", "res_description",
    "permission_labels", "text", "urls", "notes", "title", "data_dict", "validated_data_dict",
})
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C, B, A


def is_text_field(field: str) -> bool:
    return field in TEXT_FIELDS or field.startswith(TEXT_PREFIXES)


def is_date_field(field: str) -> bool:
    return field in DATE_COLUMNS or field.endswith("_date") or field == "indexed_ts"


# ------------------------------------------------------------------------------------------- analysis

class _FallbackAnalyzer:
    """Used only when ``search/chinese.py`` cannot be imported: whitespace words + CJK bigrams."""

    _cjk = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
    _word = re.compile(r"[^\W_]+")

    def normalize(self, text: str) -> str:
        import unicodedata

        return unicodedata.normalize("NFKC", text or "").lower()

    def _pieces(self, text: str) -> list[str]:
        return self._word.findall(self.normalize(text))

    def index_tokens(self, text: str) -> list[str]:
        tokens: list[str] = []
        for piece in self._pieces(text):
            for part in re.split(f"({self._cjk.pattern})", piece):
                if not part:
                    continue
                if self._cjk.fullmatch(part):
                    tokens.extend(part)
                    tokens.extend(part[i:i + 2] for i in range(len(part) - 1))
                else:
                    tokens.append(part)
        return tokens

    def query_tsquery(self, text: str) -> Optional[str]:
        clauses: list[str] = []
        for piece in self._pieces(text):
            for part in re.split(f"({self._cjk.pattern})", piece):
                if not part:
                    continue
                if self._cjk.fullmatch(part) and len(part) > 1:
                    bigrams = [part[i:i + 2] for i in range(len(part) - 1)]
                    clauses.append("(" + " & ".join(f"'{b}'" for b in bigrams) + ")")
                else:
                    clauses.append(f"'{part}'")
        return " & ".join(clauses) if clauses else None


_analyzer: Any = None


def analyzer() -> Any:
    """``search/chinese.py`` (normalize / index_tokens / query_tsquery), or the private fallback."""
    global _analyzer
    if _analyzer is None:
        try:
            from ckanext.publicdata.search import chinese

            _analyzer = chinese
        except Exception as error:  # missing or broken: degrade, loudly
            log.warning("search/chinese.py unavailable (%s): using the whitespace/bigram fallback", error)
            _analyzer = _FallbackAnalyzer()
    return _analyzer


def dictionary_version() -> int:
    """The analyser's dictionary version (0 for the fallback): part of every cache key of analysed text,
    so editing the user dictionary takes effect without a restart."""
    version = getattr(analyzer(), "dictionary_version", None)
    return version() if version is not None else 0


def text_tsquery(text: str) -> Optional[str]:
    return _text_tsquery(text, dictionary_version())


@lru_cache(maxsize=4096)
def _text_tsquery(text: str, dictionary: int) -> Optional[str]:
    return analyzer().query_tsquery(text)


_HAS_CJK = re.compile(r"[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_PLAIN_TOKEN = re.compile(r"[^\W\d_]+|\d+")


def phrase_tsquery(text: str) -> Optional[str]:
    return _phrase_tsquery(text, dictionary_version())


@lru_cache(maxsize=4096)
def _phrase_tsquery(text: str, dictionary: int) -> Optional[str]:
    """A quoted phrase: its words adjacent and in order (``'a' <-> 'b'``).

    Chinese phrases are already matched contiguously by the analyser's bigram chains, and text whose
    tokens expand (``pm2.5`` → ``pm25 pm 2 5``) has no stable positions: both fall back to
    :func:`text_tsquery`.
    """
    if _HAS_CJK.search(text):
        return text_tsquery(text)
    tokens = analyzer().index_tokens(text)
    if not tokens:
        return None
    if len(tokens) == 1 or not all(_PLAIN_TOKEN.fullmatch(t) for t in tokens):
        return text_tsquery(text)
    return " <-> ".join(_quote_lexeme(t) for t in tokens)


def _quote_lexeme(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "").replace("'", "") + "'"


# ------------------------------------------------------------------------------------------- parsing

_parse_lock = threading.Lock()  # luqum's PLY parser keeps module-level state
_UNESCAPE = re.compile(r"\\(.)", re.S)
_WILDCARD = re.compile(r"(?<!\\)[*?]")


@lru_cache(maxsize=2048)
def _parse(query: str) -> tree.Item:
    with _parse_lock:
        try:
            return lucene_parser.parse(query)
        except (ParseError, Exception) as error:
            raise QuerySyntaxError(f"Cannot parse query {query!r}: {error}")


def unescape(value: str) -> str:
    return _UNESCAPE.sub(r"\1", value)


def _phrase_value(node: tree.Phrase) -> str:
    return unescape(node.value[1:-1])


class QueryContext(NamedTuple):
    default_field: str = "text"
    default_and: bool = True  # q.op


def lucene_where(query: str, default_field: str = "text", default_and: bool = True) -> Fragment:
    """The SQL condition of one Lucene-syntax query string (q or an fq clause)."""
    query = (query or "").strip()
    if not query or query in ("*:*", "*"):
        return TRUE
    translator = _Translator(QueryContext(default_field, default_and))
    return translator.translate(_parse(query), None)


class _Translator:
    def __init__(self, context: QueryContext) -> None:
        self.context = context

    # boolean structure ------------------------------------------------------------------------
    def translate(self, node: tree.Item, field: Optional[str]) -> Fragment:
        if isinstance(node, tree.SearchField):
            if field is not None and node.name != field:
                raise QuerySyntaxError(f"Nested field {node.name!r} inside field {field!r}")
            return self.translate(node.expr, node.name)
        if isinstance(node, (tree.Group, tree.FieldGroup)):
            return self.translate(node.expr, field)
        if isinstance(node, tree.UnknownOperation):
            return self._boolean(node.children, field, self.context.default_and)
        if isinstance(node, tree.AndOperation):
            return self._boolean(node.children, field, True)
        if isinstance(node, tree.OrOperation):
            return self._or(node.children, field)
        if isinstance(node, (tree.Not, tree.Prohibit)):
            return _not(self.translate(node.a, field))
        if isinstance(node, tree.Plus):
            return self.translate(node.a, field)
        if isinstance(node, tree.Boost):
            return self.translate(node.expr, field)
        if isinstance(node, (tree.Fuzzy, tree.Proximity)):
            return self.translate(node.term, field)
        if isinstance(node, tree.Range):
            return self._range(field or self.context.default_field, node)
        if isinstance(node, tree.Phrase):
            return self._term(field or self.context.default_field, _phrase_value(node), phrase=True)
        if isinstance(node, tree.Word):
            if field in (None, "*") and node.value == "*":
                return TRUE
            if field == "*":
                raise QuerySyntaxError(f"Unsupported query on all fields: *:{node.value}")
            return self._term(field or self.context.default_field, node.value, phrase=False)
        if isinstance(node, tree.Regex):
            raise QuerySyntaxError("Regular expression queries are not supported")
        raise QuerySyntaxError(f"Unsupported query syntax: {node}")

    def _boolean(self, children: Any, field: Optional[str], default_required: bool) -> Fragment:
        required: list[Fragment] = []
        optional: list[Fragment] = []
        prohibited: list[Fragment] = []
        for child in children:
            if isinstance(child, tree.Prohibit):
                prohibited.append(self.translate(child.a, field))
            elif isinstance(child, tree.Not):
                prohibited.append(self.translate(child.a, field))
            elif isinstance(child, tree.Plus):
                required.append(self.translate(child.a, field))
            elif default_required:
                required.append(self.translate(child, field))
            else:
                optional.append(self.translate(child, field))
        parts = list(required)
        if optional and not required:
            parts.append(_join(optional, "OR"))
        parts.extend(_not(p) for p in prohibited)
        if not parts:
            return TRUE
        return _join(parts, "AND")

    def _or(self, children: Any, field: Optional[str]) -> Fragment:
        # fast path: field:(a OR b OR c) on a column → IN / && ; on jsonb → one containment each
        values: list[str] = []
        for child in children:
            if isinstance(child, tree.Phrase):
                values.append(_phrase_value(child))
            elif isinstance(child, tree.Word) and not _WILDCARD.search(child.value):
                values.append(unescape(child.value))
            else:
                values = []
                break
        if values and field is not None and (field in SCALAR_COLUMNS or field in ARRAY_COLUMNS):
            if field in SCALAR_COLUMNS:
                return Fragment(f"{_column(field)} = ANY(%s)", (values,))
            return Fragment(f"{_column(field)} && %s::text[]", (values,))
        return _join([self.translate(child, field) for child in children], "OR")

    # terms -----------------------------------------------------------------------------------
    def _term(self, field: str, raw: str, phrase: bool) -> Fragment:
        has_wildcard = not phrase and bool(_WILDCARD.search(raw))
        if field in NGRAM_FIELDS:
            value = unescape(raw).replace("*", "")
            return _ngram(NGRAM_FIELDS[field], value)
        if field == "title_string":
            field_sql = "title"
            value = raw if phrase else unescape(raw)
            if has_wildcard:
                return _like(field_sql, raw)
            return Fragment("title = %s", (value,))
        if is_text_field(field):
            if has_wildcard:
                return _text_wildcard(field, raw)
            return _text_match(field, raw if phrase else unescape(raw), phrase)
        if is_date_field(field) and not has_wildcard:
            return _date_equals(field, raw if phrase else unescape(raw))
        if has_wildcard:
            return _string_wildcard(field, raw)
        value = raw if phrase else unescape(raw)
        if field in SCALAR_COLUMNS:
            return Fragment(f"{_column(field)} = %s", (value,))
        if field in ARRAY_COLUMNS:
            return Fragment(f"{_column(field)} @> ARRAY[%s]::text[]", (value,))
        return Fragment("doc @> %s::jsonb", (json.dumps({field: [value]}, ensure_ascii=False),))

    def _range(self, field: str, node: tree.Range) -> Fragment:
        low = _range_bound(node.low)
        high = _range_bound(node.high)
        low_op = ">=" if node.include_low else ">"
        high_op = "<=" if node.include_high else "<"
        if is_date_field(field):
            low_value = None if low is None else parse_solr_date(low)
            high_value = None if high is None else parse_solr_date(high)
            if field in DATE_COLUMNS:
                return _bounds(_column(field), low_value, high_value, low_op, high_op)
            condition = _bounds(_DATE_ELEMENT, low_value, high_value, low_op, high_op)
            return _exists_element(field, condition.sql, condition.params)
        numeric = all(b is None or _NUMBER.fullmatch(b) for b in (low, high))
        if numeric:
            low_n = None if low is None else float(low)
            high_n = None if high is None else float(high)
            if field in SCALAR_COLUMNS:
                element = f"(CASE WHEN {_column(field)} ~ '{_NUMBER_SQL}' THEN {_column(field)}::numeric END)"
                return _bounds(element, low_n, high_n, low_op, high_op)
            condition = _bounds(_NUMBER_ELEMENT, low_n, high_n, low_op, high_op)
            return _exists_element(field, condition.sql, condition.params)
        if field in SCALAR_COLUMNS:
            return _bounds(f'{_column(field)} COLLATE "C"', low, high, low_op, high_op)
        condition = _bounds('v COLLATE "C"', low, high, low_op, high_op)
        return _exists_element(field, condition.sql, condition.params)


_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
_NUMBER_SQL = r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$"
_NUMBER_ELEMENT = f"(CASE WHEN v ~ '{_NUMBER_SQL}' THEN v::numeric END)"
# ISO dates as CKAN indexes them; anything else never matches a date range
_DATE_ELEMENT = (
    "(CASE WHEN v ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?$' "
    "THEN (v::timestamptz AT TIME ZONE 'UTC') END)"
)


def _range_bound(node: tree.Item) -> Optional[str]:
    if isinstance(node, tree.Phrase):
        return _phrase_value(node)
    value = unescape(str(node.value)) if hasattr(node, "value") else str(node)
    return None if value == "*" else value


def _bounds(expression: str, low: Any, high: Any, low_op: str, high_op: str) -> Fragment:
    parts: list[Fragment] = []
    if low is not None:
        parts.append(Fragment(f"{expression} {low_op} %s", (low,)))
    if high is not None:
        parts.append(Fragment(f"{expression} {high_op} %s", (high,)))
    if not parts:
        return Fragment(f"{expression} IS NOT NULL")
    return _join(parts, "AND")


def _column(field: str) -> str:
    return f'"{field}"' if field in ("groups",) else field


def _join(parts: list[Fragment], operator: str) -> Fragment:
    if len(parts) == 1:
        return parts[0]
    sql = f" {operator} ".join(f"({p.sql})" for p in parts)
    params: tuple[Any, ...] = ()
    for p in parts:
        params += p.params
    return Fragment(sql, params)


def _not(part: Fragment) -> Fragment:
    # NULL-safe: a condition that is NULL for a row (missing column) must not hide the row
    return Fragment(f"NOT coalesce(({part.sql}), FALSE)", part.params)


def _exists_element(field: str, condition: str, params: tuple[Any, ...]) -> Fragment:
    return Fragment(
        f"EXISTS (SELECT 1 FROM jsonb_array_elements_text(doc -> %s) AS e(v) WHERE {condition})",
        (field,) + params,
    )


def _like_pattern(raw: str) -> str:
    pattern: list[str] = []
    index = 0
    while index < len(raw):
        char = raw[index]
        if char == "\\" and index + 1 < len(raw):
            literal = raw[index + 1]
            pattern.append("\\" + literal if literal in "%_\\" else literal)
            index += 2
            continue
        if char == "*":
            pattern.append("%")
        elif char == "?":
            pattern.append("_")
        elif char in "%_\\":
            pattern.append("\\" + char)
        else:
            pattern.append(char)
        index += 1
    return "".join(pattern)


def _like(expression: str, raw: str) -> Fragment:
    return Fragment(f"{expression} LIKE %s", (_like_pattern(raw),))


def _string_wildcard(field: str, raw: str) -> Fragment:
    if raw == "*":  # field:* — has any value
        if field in SCALAR_COLUMNS:
            return Fragment(f"{_column(field)} IS NOT NULL")
        if field in ARRAY_COLUMNS:
            return Fragment(f"cardinality({_column(field)}) > 0")
        if field in DATE_COLUMNS:
            return Fragment(f"{field} IS NOT NULL")
        return Fragment("doc ? %s", (field,))
    if field in SCALAR_COLUMNS:
        return _like(_column(field), raw)
    if field in ARRAY_COLUMNS:
        return Fragment(
            f"EXISTS (SELECT 1 FROM unnest({_column(field)}) AS e(v) WHERE v LIKE %s)", (_like_pattern(raw),)
        )
    return _exists_element(field, "v LIKE %s", (_like_pattern(raw),))


def _field_tsquery_match(field: str, expression: str) -> Fragment:
    if field == "text":
        return Fragment("tsv @@ to_tsquery('simple', %s)", (expression,))
    # the GIN-indexed whole-document vector narrows first; the field's own text then decides
    return Fragment(
        "(tsv @@ to_tsquery('simple', %s) AND "
        "coalesce(field_text ->> %s, '')::tsvector @@ to_tsquery('simple', %s))",
        (expression, field, expression),
    )


def _text_match(field: str, value: str, phrase: bool = False) -> Fragment:
    expression = phrase_tsquery(value) if phrase else text_tsquery(value)
    if not expression:
        return FALSE
    return _field_tsquery_match(field, expression)


def _text_wildcard(field: str, raw: str) -> Fragment:
    if raw == "*":
        if field == "text":
            return TRUE
        return Fragment("(field_text ? %s OR doc ? %s)", (field, field))
    stem = raw.rstrip("*")
    if stem and not _WILDCARD.search(stem):  # prefix query: foo*
        tokens = analyzer().index_tokens(unescape(stem))
        if not tokens:
            return FALSE
        *leading, last = tokens
        parts = [_quote_lexeme(t) for t in leading] + [_quote_lexeme(last) + ":*"]
        return _field_tsquery_match(field, " & ".join(parts))
    # general wildcard inside a text field: match the analysed field text
    pattern = "%" + _like_pattern(analyzer().normalize(raw)).strip("%") + "%"
    source = "lower(stored::text)" if field == "text" else "coalesce(field_text ->> %s, '')"
    params: tuple[Any, ...] = () if field == "text" else (field,)
    return Fragment(f"{source} LIKE %s", params + (pattern,))


def _ngram(column: str, value: str) -> Fragment:
    """Solr's text_ngram: 2..10-character substrings, lower-cased; the query is split on whitespace."""
    words = value.lower().split()
    if not words or any(len(w) < 2 or len(w) > 10 for w in words):
        return FALSE
    return _join(
        [Fragment(f"strpos(lower(coalesce({column}, '')), %s) > 0", (w,)) for w in words], "AND"
    )


def _date_equals(field: str, value: str) -> Fragment:
    moment = parse_solr_date(value)
    if field in DATE_COLUMNS:
        return Fragment(f"{field} = %s", (moment,))
    return _exists_element(field, f"{_DATE_ELEMENT} = %s", (moment,))


# ------------------------------------------------------------------------------------------- dates

_DATE_MATH = re.compile(r"([+-])(\d+)(YEARS?|MONTHS?|DAYS?|DATE|HOURS?|MINUTES?|SECONDS?|MILLIS(?:ECONDS?)?)|/(YEAR|MONTH|DAY|DATE|HOUR|MINUTE|SECOND)S?")


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def parse_solr_date(value: str) -> datetime.datetime:
    """A Solr date (``2024-01-01T00:00:00Z``, ``NOW``, ``NOW-1YEAR/DAY``, ``2024-01-01T00:00:00Z+1DAY``), as naive UTC."""
    text = value.strip()
    if text.upper().startswith("NOW"):
        moment = _utcnow()
        math = text[3:]
    else:
        match = re.match(r"^(\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?)(Z|[+-]\d{2}:?\d{2})?", text)
        if not match:
            raise QuerySyntaxError(f"Invalid Date String: {value!r}")
        try:
            moment = datetime.datetime.fromisoformat(match.group(1))
        except ValueError:
            raise QuerySyntaxError(f"Invalid Date String: {value!r}")
        zone = match.group(2)
        if zone and zone != "Z":
            moment = datetime.datetime.fromisoformat(match.group(1) + zone).astimezone(
                datetime.timezone.utc).replace(tzinfo=None)
        math = text[match.end():]
    position = 0
    while position < len(math):
        step = _DATE_MATH.match(math.upper(), position)
        if not step:
            raise QuerySyntaxError(f"Invalid Date Math String: {value!r}")
        position = step.end()
        if step.group(4):
            moment = _round_date(moment, step.group(4))
        else:
            amount = int(step.group(2)) * (1 if step.group(1) == "+" else -1)
            moment = _add_to_date(moment, step.group(3), amount)
    return moment


def _round_date(moment: datetime.datetime, unit: str) -> datetime.datetime:
    if unit == "YEAR":
        return moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit == "MONTH":
        return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit in ("DAY", "DATE"):
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "HOUR":
        return moment.replace(minute=0, second=0, microsecond=0)
    if unit == "MINUTE":
        return moment.replace(second=0, microsecond=0)
    return moment.replace(microsecond=0)


def _add_to_date(moment: datetime.datetime, unit: str, amount: int) -> datetime.datetime:
    unit = unit.rstrip("S") if unit not in ("MILLIS",) else unit
    if unit == "YEAR":
        return _add_months(moment, 12 * amount)
    if unit == "MONTH":
        return _add_months(moment, amount)
    if unit in ("DAY", "DATE"):
        return moment + datetime.timedelta(days=amount)
    if unit == "HOUR":
        return moment + datetime.timedelta(hours=amount)
    if unit == "MINUTE":
        return moment + datetime.timedelta(minutes=amount)
    if unit == "SECOND":
        return moment + datetime.timedelta(seconds=amount)
    return moment + datetime.timedelta(milliseconds=amount)


def _add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    import calendar

    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


# ------------------------------------------------------------------------------------------- dismax

_DISMAX_TERM = re.compile(r'([+-]?)("([^"]*)"|\S+)')


def dismax_match(query: str) -> tuple[Fragment, Optional[str]]:
    return _dismax_match(query, dictionary_version())


@lru_cache(maxsize=2048)
def _dismax_match(query: str, dictionary: int) -> tuple[Fragment, Optional[str]]:
    """Free text (no field): every term must match the weighted vector; ``-term`` excludes.

    Returns the condition and the tsquery expression used for ranking (None when nothing ranks).
    """
    words: list[str] = []
    phrases: list[str] = []
    negative: list[tuple[str, bool]] = []
    for match in _DISMAX_TERM.finditer(query or ""):
        sign, quoted = match.group(1), match.group(3)
        if sign and quoted is None and match.group(2)[:1] in "+-":
            raise QuerySyntaxError(f"Cannot parse query {query!r}: '{match.group(0)}' has two operators")
        term = quoted if quoted is not None else match.group(2)
        if not term:
            continue
        if sign == "-" and len(match.group(0)) > 1:
            negative.append((term, quoted is not None))
        elif quoted is not None:
            phrases.append(term)
        else:
            words.append(term)
    parts: list[Fragment] = []
    expression: Optional[str] = None
    if words or phrases:
        pieces = [text_tsquery(" ".join(words))] if words else []
        pieces += [phrase_tsquery(p) for p in phrases]
        if not all(pieces):
            return FALSE, None
        expression = " & ".join(f"({p})" for p in pieces) if len(pieces) > 1 else pieces[0]
        parts.append(Fragment("tsv @@ to_tsquery('simple', %s)", (expression,)))
    for term, is_phrase in negative:
        negative_expression = phrase_tsquery(term) if is_phrase else text_tsquery(term)
        if negative_expression:
            parts.append(Fragment("NOT (tsv @@ to_tsquery('simple', %s))", (negative_expression,)))
    if not parts:
        return TRUE, None
    return _join(parts, "AND"), expression


# ------------------------------------------------------------------------------------------- sort

_SORT_CLAUSE = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s+(\S+)\s*$")


class SortOrder(NamedTuple):
    sql: str
    params: tuple[Any, ...]
    uses_score: bool
    columns: tuple[str, ...]  # index columns the ORDER BY reads


@lru_cache(maxsize=512)
def sort_order(sort: str) -> SortOrder:
    """``"score desc, metadata_modified desc"`` → ORDER BY; Solr's error for anything it would reject."""
    clauses: list[str] = []
    params: tuple[Any, ...] = ()
    uses_score = False
    columns: list[str] = ["seq"]
    for clause in [c for c in (sort or "").split(",") if c.strip()]:
        match = _SORT_CLAUSE.match(clause)
        if not match or match.group(2).lower() not in ("asc", "desc"):
            raise pysolr.SolrError(
                f"Can't determine a Sort Order (asc or desc) in sort spec '{clause.strip()}'"
            )
        field, direction = match.group(1), match.group(2).upper()
        if field == "score":
            clauses.append(f"score {direction}")
            uses_score = True
        elif field in UNSORTABLE_FIELDS:
            raise SearchQueryError(f'Invalid "sort" parameter: can not sort on field {field}')
        elif field == "title_string":
            clauses.append(f'title COLLATE "{TITLE_COLLATION}" {direction} NULLS LAST')
            columns.append("title")
        elif field in SCALAR_COLUMNS or field in DATE_COLUMNS:
            clauses.append(f"{_column(field)} {direction} NULLS LAST")
            columns.append(field)
        elif field in NGRAM_FIELDS or field.startswith(TEXT_PREFIXES) or field in TEXT_FIELDS:
            raise SearchQueryError(f'Invalid "sort" parameter: can not sort on field {field}')
        else:
            clauses.append(f"(stored -> %s) {direction} NULLS LAST")
            params += (field,)
            columns.append("stored")
    clauses.append("seq ASC")
    return SortOrder(", ".join(clauses), params, uses_score, tuple(dict.fromkeys(columns)))


def split_fl(fl: Any) -> list[str]:
    if fl is None:
        return []
    if isinstance(fl, (list, tuple)):
        fl = " ".join(str(f) for f in fl)
    return [f for f in re.split(r"[\s,]+", str(fl)) if f]


__all__ = [
    "QuerySyntaxError", "Fragment", "TRUE", "FALSE", "lucene_where", "dismax_match", "sort_order", "split_fl",
    "parse_solr_date", "analyzer", "is_text_field", "SCALAR_COLUMNS", "ARRAY_COLUMNS", "DATE_COLUMNS",
]
