"""Chinese text for the embedded PostgreSQL search: normalisation, index tokens and query expressions.

PostgreSQL on Debian has no Chinese parser (no zhparser / pg_jieba / PGroonga), and its default parser keeps a
whole run of Han characters as one token. So segmentation happens here, in Python, and the database only stores a
``simple`` tsvector of the tokens this module returns:

* :func:`normalize` — NFKC (full-width → half-width), traditional → simplified (OpenCC ``t2s``), lower case.
* :func:`index_tokens` — for the document side: jieba words in search mode (rjieba, with the built-in and the
  city's user dictionary) + overlapping CJK bigrams + CJK unigrams; ASCII/number runs whole and split at
  letter/digit boundaries after joining inner dots (``PM2.5`` → ``pm25``, ``pm``, ``25``; ``2023年`` → ``2023``, ``年``).
* :func:`query_tsquery` — for free text typed by a user: a ``to_tsquery('simple', …)`` expression in which every
  word (precise segmentation) must match as a word lexeme, OR as the AND-chain of its bigrams, OR (compounds) as
  all its dictionary sub-words; whitespace-separated terms are ANDed. A word in a synonym group
  (dictionaries/builtin_synonyms.txt: 市场监管局 = 市场监督管理局, 低保 = 最低生活保障 …) matches any term of its group.
  Function characters (的 和 …) and filler words (数据 信息 查询 …) are dropped when other words remain.

Every token consists only of characters that PostgreSQL's default parser keeps inside one word (letters and
digits, never punctuation or "other number" symbols such as ❶), so ``' '.join(tokens)`` fed to
``to_tsvector('simple', …)`` yields exactly these tokens as lexemes.

Both sides must use the same dictionaries: after changing the user dictionary, rebuild the search index.
"""
from __future__ import annotations

import logging
import os
import re
import threading
import time
import unicodedata
from functools import lru_cache
from typing import Iterable, Optional

import opencc
import rjieba

log = logging.getLogger(__name__)

BUILTIN_DICTIONARY = os.path.join(os.path.dirname(__file__), "dictionaries", "builtin_userdict.txt")
BUILTIN_SYNONYMS = os.path.join(os.path.dirname(__file__), "dictionaries", "builtin_synonyms.txt")

# Han ideographs (CJK unified + extensions A–H, compatibility ideographs) and 〇.
_CJK_CLASS = (
    "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0002ebef\U0002f800-\U0002fa1f\U00030000-\U0003134f"
)
_CJK_CHAR = re.compile(f"[{_CJK_CLASS}]")
# A decimal point or dot inside an alphanumeric run (pm2.5, 2.5, v1.2): joined away, the parts are kept too.
_INNER_DOT = re.compile(r"(?<=[^\W_])\.(?=[^\W_])")
# Letter/digit boundaries inside a non-CJK run: pm25 → pm | 25.
_LETTERS_OR_DIGITS = re.compile(r"[^\W\d_]+|\d+")

# Single characters dropped from queries when something else remains (function words users type in sentences).
QUERY_STOP_CHARACTERS = frozenset("的了和与及或之等在是对把被从向于其")
# Words that say "a dataset about …" rather than what it is about (空气质量数据, 充电桩信息, 查询公交线路): optional in
# a query that has other words, required when they are all there is (数据 alone still searches for 数据).
QUERY_FILLER_WORDS = frozenset({"数据", "信息", "数据集", "资料", "查询", "下载", "相关", "有关", "关于", "哪些", "什么"})
_QUERY_DROPPABLE = QUERY_STOP_CHARACTERS | QUERY_FILLER_WORDS

MAX_TOKEN_LENGTH = 64
# Free text beyond this is ignored by query_tsquery (a pasted page must not become a thousand-word tsquery).
MAX_QUERY_CHARACTERS = 256
_DICTIONARY_LINE = re.compile(r"^(?P<word>.+?)(?:\s+(?P<freq>\d+))?(?:\s+(?P<tag>[A-Za-z]+))?$")
_DICTIONARY_RECHECK_SECONDS = 10.0


# --------------------------------------------------------------------------------------------- normalisation

@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """Full-width → half-width and compatibility forms (NFKC), traditional → simplified, lower case."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    if _CJK_CHAR.search(text):
        text = _t2s().convert(text)
    return text.lower()


# "Other number" characters (❶ ⓫ ½ …) are word characters to Python, but PostgreSQL splits on them.
_OTHER_NUMBERS_TO_SPACE = {
    code: " " for code in range(0x80, 0x31350) if unicodedata.category(chr(code)) == "No"
}
# Everything that is not a token character: non-word characters and the underscore.
_SEPARATOR = re.compile(r"[\W_]+")


def _chunks(normalized: str) -> list[str]:
    """Split normalised text into chunks of token characters; every other character separates."""
    text = _INNER_DOT.sub("", normalized) if "." in normalized else normalized
    if not text.isascii():
        text = text.translate(_OTHER_NUMBERS_TO_SPACE)
    return _SEPARATOR.sub(" ", text).split()


def _alnum_tokens(run: str) -> list[str]:
    """A non-CJK run kept whole, plus its letter / digit groups when it mixes both (pm25 → pm25 pm 25)."""
    if len(run) > MAX_TOKEN_LENGTH:
        parts = [p for p in _LETTERS_OR_DIGITS.findall(run) if len(p) <= MAX_TOKEN_LENGTH]
        return parts
    parts = _LETTERS_OR_DIGITS.findall(run)
    if len(parts) > 1:
        return [run] + parts
    return [run]


_SCRIPT_RUN = re.compile(f"([{_CJK_CLASS}]+)|([^{_CJK_CLASS}]+)")


def _script_runs(chunk: str) -> list[tuple[bool, str]]:
    """(is_cjk, run) pieces of a chunk in order."""
    return [(bool(cjk), cjk or other) for cjk, other in _SCRIPT_RUN.findall(chunk)]


# --------------------------------------------------------------------------------------------- dictionaries

def _dictionary_entries(path: str) -> Iterable[tuple[str, Optional[int], Optional[str]]]:
    with open(path, encoding="utf-8") as dictionary_file:
        for raw_line in dictionary_file:
            line = raw_line.strip()
            if not line or line.startswith("#"):
                continue
            match = _DICTIONARY_LINE.match(line)
            if not match:
                continue
            word = normalize(match.group("word").strip())
            if not word or _chunks(word) != [word]:
                continue
            freq = int(match.group("freq")) if match.group("freq") else None
            yield word, freq, match.group("tag")


def _query_form(term: str) -> str:
    """A term as the query side sees one word: normalised, inner dots joined (PM2.5 → pm25)."""
    return "".join(_chunks(normalize(term)))


@lru_cache(maxsize=1)
def synonym_groups() -> dict[str, tuple[str, ...]]:
    """query word → the other terms of its synonym group (built-in list)."""
    groups: dict[str, tuple[str, ...]] = {}
    if not os.path.exists(BUILTIN_SYNONYMS):
        return groups
    with open(BUILTIN_SYNONYMS, encoding="utf-8") as synonyms_file:
        for raw_line in synonyms_file:
            line = raw_line.strip()
            if not line or line.startswith("#"):
                continue
            terms = list(dict.fromkeys(t for t in (_query_form(term) for term in line.split()) if t))
            for term in terms:
                others = tuple(t for t in terms if t != term)
                groups[term] = tuple(dict.fromkeys(groups.get(term, ()) + others))
    return groups


def _configured_user_dictionary() -> str:
    try:
        from ckanext.publicdata import config as publicdata_config

        return publicdata_config.search_user_dictionary()
    except Exception:  # no CKAN configuration loaded (plain scripts)
        return os.environ.get("PUBLICDATA_SEARCH_USER_DICTIONARY", "")


def _file_signature(path: str) -> tuple[str, float]:
    if not path:
        return "", 0.0
    try:
        return path, os.stat(path).st_mtime
    except OSError:
        return path, -1.0


@lru_cache(maxsize=4)
def _build_segmenter(user_dictionary: str, mtime: float) -> rjieba.Jieba:
    segmenter = rjieba.Jieba()
    loaded = 0
    for path in (BUILTIN_DICTIONARY, user_dictionary):
        if not path:
            continue
        if not os.path.exists(path):
            log.warning("Search user dictionary %s does not exist; using the built-in one only", path)
            continue
        for word, freq, tag in _dictionary_entries(path):
            segmenter.add_word(word, freq, tag)
            loaded += 1
        if path == BUILTIN_DICTIONARY:
            for term in synonym_groups():
                if _CJK_CHAR.search(term) and not segmenter.has_word(term):
                    segmenter.add_word(term, None, None)
                    loaded += 1
    log.debug("jieba segmenter ready with %d user words (%s)", loaded, user_dictionary or "built-in only")
    return segmenter


class _SegmenterCache:
    """Holds the configured segmenter; re-checks the user dictionary's path and mtime every few seconds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self._segmenter: Optional[rjieba.Jieba] = None
        self._override: Optional[str] = None
        self.version = 0

    def get(self) -> rjieba.Jieba:
        now = time.monotonic()
        if self._segmenter is not None and now - self._checked_at < _DICTIONARY_RECHECK_SECONDS:
            return self._segmenter
        with self._lock:
            path = self._override if self._override is not None else _configured_user_dictionary()
            built = _build_segmenter(*_file_signature(path))
            if built is not self._segmenter:
                self.version += 1  # another dictionary: analysed queries cached before are stale
            self._segmenter = built
            self._checked_at = now
            return self._segmenter

    def use_dictionary(self, path: Optional[str]) -> None:
        with self._lock:
            self._override = path
            self._segmenter = None
            self._checked_at = 0.0


_segmenters = _SegmenterCache()


def segmenter() -> rjieba.Jieba:
    """The rjieba segmenter with the built-in and the configured user dictionary (cached)."""
    return _segmenters.get()


def dictionary_version() -> int:
    """A number that changes whenever the dictionaries in use change (a user dictionary edited, another one
    configured, :func:`reload_dictionaries`): caches of analysed queries key on it."""
    segmenter()
    return _segmenters.version


def use_user_dictionary(path: Optional[str]) -> None:
    """Force a user dictionary path (None: back to the configured one). For scripts and tests."""
    _segmenters.use_dictionary(path)


def reload_dictionaries() -> None:
    """Forget cached segmenters and synonyms so the next call re-reads the dictionary files."""
    _build_segmenter.cache_clear()
    synonym_groups.cache_clear()
    _segmenters.use_dictionary(_segmenters._override)


# --------------------------------------------------------------------------------------------- index side

def _is_clean_word(word: str) -> bool:
    return 0 < len(word) <= MAX_TOKEN_LENGTH and _chunks(word) == [word]


def index_tokens(text: str) -> list[str]:
    """Tokens of a document field for a ``simple`` tsvector (join with spaces).

    Normalised; jieba search-mode words + overlapping CJK bigrams + CJK unigrams; non-CJK runs whole and split
    at letter/digit boundaries. Duplicates within one chunk are dropped, repeats across chunks kept (term
    frequency matters for ranking).
    """
    normalized = normalize(text)
    if not normalized:
        return []
    jieba = segmenter()
    tokens: list[str] = []
    for chunk in _chunks(normalized):
        runs = _script_runs(chunk)
        if len(runs) == 1 and not runs[0][0]:  # no CJK at all
            tokens.extend(_alnum_tokens(chunk))
            continue
        # chunks only hold token characters, so jieba's words need no cleaning beyond the script and length
        if len(runs) == 1:
            chunk_tokens = [w for w in jieba.cut_for_search(chunk) if len(w) <= MAX_TOKEN_LENGTH]
        else:
            chunk_tokens = [w for w in jieba.cut_for_search(chunk)
                            if len(w) <= MAX_TOKEN_LENGTH and _CJK_CHAR.search(w)]
        for is_cjk, run in runs:
            if is_cjk:
                if len(run) > 1:
                    chunk_tokens.extend([run[i:i + 2] for i in range(len(run) - 1)])
                chunk_tokens.extend(run)
            else:
                chunk_tokens.extend(_alnum_tokens(run))
        tokens.extend(dict.fromkeys(chunk_tokens))
    return tokens


def index_text(text: str) -> str:
    """``' '.join(index_tokens(text))`` — the string to pass to ``to_tsvector('simple', …)``."""
    return " ".join(index_tokens(text))


# --------------------------------------------------------------------------------------------- query side

def quote_lexeme(lexeme: str) -> str:
    """A tsquery operand: single-quoted, with quotes and backslashes escaped."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _all_of(lexemes: list[str]) -> str:
    unique = list(dict.fromkeys(lexemes))
    if len(unique) == 1:
        return quote_lexeme(unique[0])
    return "(" + " & ".join(quote_lexeme(lexeme) for lexeme in unique) + ")"


def _any_of(alternatives: list[str]) -> str:
    unique = list(dict.fromkeys(alternatives))
    if len(unique) == 1:
        return unique[0]
    return "(" + " | ".join(unique) + ")"


def _dictionary_split(word: str, jieba: rjieba.Jieba) -> Optional[list[str]]:
    """Split a CJK word into ≥2 dictionary words of ≥2 characters each (fewest pieces), or None."""
    length = len(word)
    if length < 4:
        return None
    best: list[Optional[list[str]]] = [None] * (length + 1)
    best[0] = []
    for end in range(2, length + 1):
        for start in range(0, end - 1):
            previous = best[start]
            if previous is None:
                continue
            piece = word[start:end]
            if piece == word or not jieba.has_word(piece):
                continue
            candidate = previous + [piece]
            if best[end] is None or len(candidate) < len(best[end]):  # type: ignore[arg-type]
                best[end] = candidate
    split = best[length]
    return split if split and len(split) >= 2 else None


def _cjk_word_expression(word: str, jieba: rjieba.Jieba) -> str:
    if len(word) <= 2:
        return quote_lexeme(word)
    # The dictionary split (空气质量 → 空气 & 质量) is implied by the bigram chain, so it replaces it.
    split = _dictionary_split(word, jieba)
    parts = split if split else [word[i:i + 2] for i in range(len(word) - 1)]
    return _any_of([quote_lexeme(word), _all_of(parts)])


def _word_expression(word: str, jieba: rjieba.Jieba, with_synonyms: bool = True) -> Optional[str]:
    expression = _plain_word_expression(word, jieba)
    synonyms = synonym_groups().get(word, ()) if with_synonyms else ()
    if not synonyms:
        return expression
    alternatives = [expression] if expression else []
    for synonym in synonyms:
        synonym_expression = _word_expression(synonym, jieba, with_synonyms=False)
        if synonym_expression:
            alternatives.append(synonym_expression)
    return _any_of(alternatives) if alternatives else None


def _plain_word_expression(word: str, jieba: rjieba.Jieba) -> Optional[str]:
    runs = _script_runs(word)
    if len(runs) == 1:
        is_cjk, run = runs[0]
        if is_cjk:
            return _cjk_word_expression(run, jieba)
        if len(run) > MAX_TOKEN_LENGTH:
            parts = [p for p in _LETTERS_OR_DIGITS.findall(run) if len(p) <= MAX_TOKEN_LENGTH]
            return _all_of(parts) if parts else None
        parts = _LETTERS_OR_DIGITS.findall(run)
        if len(parts) > 1:
            return _any_of([quote_lexeme(run), _all_of(parts)])
        return quote_lexeme(run)
    # A dictionary word mixing scripts (12345热线): the word itself, or every script run of it.
    pieces = [piece for piece in (_plain_word_expression(run, jieba) for _, run in runs) if piece]
    alternatives: list[str] = []
    if _is_clean_word(word):
        alternatives.append(quote_lexeme(word))
    if pieces:
        alternatives.append("(" + " & ".join(pieces) + ")" if len(pieces) > 1 else pieces[0])
    return _any_of(alternatives) if alternatives else None


def query_words(text: str) -> list[list[str]]:
    """The user's terms (whitespace/punctuation separated), each as its precisely segmented words."""
    normalized = normalize(text)
    jieba = segmenter()
    terms: list[list[str]] = []
    for chunk in _chunks(normalized):
        if not _CJK_CHAR.search(chunk):
            terms.append([chunk])
            continue
        words: list[str] = []
        non_cjk = ""
        for word in jieba.cut(chunk):
            if not _CJK_CHAR.search(word):
                non_cjk += word  # rebuilt into the chunk's own non-CJK run, whatever jieba did with it
                continue
            if non_cjk:
                words.append(non_cjk)
                non_cjk = ""
            words.append(word)
        if non_cjk:
            words.append(non_cjk)
        words = [w for w in words if _chunks(w) == [w]]
        if words:
            terms.append(words)
    content = [w for words in terms for w in words if w not in _QUERY_DROPPABLE]
    if content:
        terms = [[w for w in words if w not in _QUERY_DROPPABLE] for words in terms]
    elif any(w not in QUERY_STOP_CHARACTERS for words in terms for w in words):
        terms = [[w for w in words if w not in QUERY_STOP_CHARACTERS] for words in terms]
    return [words for words in terms if words]


def query_tsquery(text: str) -> Optional[str]:
    """A ``to_tsquery('simple', …)`` expression for free text, or None when nothing searchable remains.

    Each precisely segmented word must match as a word lexeme, OR as the AND-chain of its bigrams, OR (4+
    character compounds) as all its dictionary sub-words; all words and all whitespace-separated terms are ANDed.
    Operands are quoted lexemes made only of letters and digits, so no tsquery syntax from user text survives.
    """
    if not text:
        return None
    jieba = segmenter()
    expressions: list[str] = []
    if len(text) > MAX_QUERY_CHARACTERS:  # cut at the last separator inside the limit, if there is one
        head = text[:MAX_QUERY_CHARACTERS]
        separators = [m.start() for m in re.finditer(r"[\W_]", head)]
        text = head[:separators[-1]] if separators and separators[-1] > 0 else head
    for words in query_words(text):
        for word in words:
            expression = _word_expression(word, jieba)
            if expression and expression not in expressions:
                expressions.append(expression)
    if not expressions:
        return None
    return " & ".join(expressions)


# --------------------------------------------------------------------------------------------- measurement

def benchmark(titles: Optional[list[str]] = None, repeat: int = 3) -> dict[str, float]:
    """Milliseconds per title for :func:`index_tokens` and :func:`query_tsquery` (warm caches)."""
    if titles is None:
        titles = [
            "滨州市2023年空气质量监测数据",
            "惠民县市场主体登记信息（2022年）",
            "濱州市住房公積金繳存統計",
            "12345热线工单办理情况月报",
            "邹平市新能源汽车充电桩分布",
            "市大数据局一网通办事项清单",
            "沾化区PM2.5小时浓度",
            "博兴县不动产登记业务量统计表",
        ] * 25
    index_tokens(titles[0])
    query_tsquery(titles[0])
    figures: dict[str, float] = {}
    for name, function in (("index_tokens_ms", index_tokens), ("query_tsquery_ms", query_tsquery)):
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            for title in titles:
                function(title)
            best = min(best, (time.perf_counter() - started) * 1000 / len(titles))
        figures[name] = round(best, 4)
    figures["titles"] = len(titles)
    return figures
