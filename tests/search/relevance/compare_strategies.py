#!/usr/bin/env python3
"""Compare segmentation strategies on the relevance set, straight in PostgreSQL (no CKAN, no backend).

    .venv/bin/python tests/search/relevance/compare_strategies.py [-c config/test-zh.ini]

Each dataset's title (weight A), tags + organization (B) and notes (C) become a ``simple`` tsvector in a temporary
table; each judged query becomes a tsquery; results are ranked with ts_rank_cd. Strategies:
  * hybrid   — search/chinese.py as shipped (words + bigrams + unigrams; word | bigram chain | sub-words; synonyms)
  * words    — jieba search-mode words only; the query's precise words ANDed
  * bigrams  — CJK bigrams/unigrams only; each query term as its AND-chain of bigrams
  * whole    — no segmentation (PostgreSQL's parser on the raw text: what pgsearch-style SQL does)
A sanity check of the design choice, not part of the test suite.
"""
from __future__ import annotations

import argparse
import configparser
import pathlib
import statistics
import sys
from typing import Callable, Optional

import sqlalchemy as sa
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "ckanext-publicdata"))

from ckanext.publicdata.search import chinese  # noqa: E402


def _url(ini: pathlib.Path) -> str:
    parser = configparser.RawConfigParser(strict=False)
    parser.read(ini, encoding="utf-8")
    if parser.has_option("app:main", "sqlalchemy.url"):
        return parser.get("app:main", "sqlalchemy.url")
    use = parser.get("app:main", "use")
    return _url(ini.parent / use[len("config:"):])


def _words_index(text: str) -> str:
    return " ".join(w for chunk in chinese._chunks(chinese.normalize(text))
                    for w in chinese.segmenter().cut_for_search(chunk))


def _words_query(text: str) -> Optional[str]:
    words = [w for chunk in chinese._chunks(chinese.normalize(text)) for w in chinese.segmenter().cut(chunk)]
    return " & ".join(chinese.quote_lexeme(w) for w in dict.fromkeys(words)) or None


def _bigram_index(text: str) -> str:
    tokens = []
    for chunk in chinese._chunks(chinese.normalize(text)):
        for is_cjk, run in chinese._script_runs(chunk):
            if is_cjk:
                tokens += [run[i:i + 2] for i in range(len(run) - 1)] + list(run)
            else:
                tokens.append(run)
    return " ".join(tokens)


def _bigram_query(text: str) -> Optional[str]:
    lexemes = []
    for chunk in chinese._chunks(chinese.normalize(text)):
        for is_cjk, run in chinese._script_runs(chunk):
            lexemes += [run[i:i + 2] for i in range(len(run) - 1)] if is_cjk and len(run) > 1 else [run]
    return " & ".join(chinese.quote_lexeme(w) for w in dict.fromkeys(lexemes)) or None


def _whole_query(text: str) -> Optional[str]:
    chunks = chinese._chunks(chinese.normalize(text))
    return " & ".join(chinese.quote_lexeme(c) for c in chunks) or None


STRATEGIES: dict[str, tuple[Callable[[str], str], Callable[[str], Optional[str]]]] = {
    "hybrid": (chinese.index_text, chinese.query_tsquery),
    "words": (_words_index, _words_query),
    "bigrams": (_bigram_index, _bigram_query),
    "whole": (lambda text: " ".join(chinese._chunks(chinese.normalize(text))), _whole_query),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", default=str(ROOT / "config" / "test-zh.ini"))
    arguments = parser.parse_args()
    chinese.use_user_dictionary(str(ROOT / "config" / "dictionaries" / "publicdata_userdict.txt"))
    relevance_set = yaml.safe_load((pathlib.Path(__file__).parent / "relevance_set.yaml").read_text("utf-8"))
    organizations = {o["name"]: o["title"] for o in relevance_set["organizations"]}
    engine = sa.create_engine(_url(pathlib.Path(arguments.config)))
    with engine.begin() as connection:
        for name, (index, query) in STRATEGIES.items():
            connection.execute(sa.text("create temp table relevance_doc (id text, v tsvector)"))
            for dataset in relevance_set["datasets"]:
                connection.execute(sa.text(
                    "insert into relevance_doc values (:id, setweight(to_tsvector('simple', :a), 'A') || "
                    "setweight(to_tsvector('simple', :b), 'B') || setweight(to_tsvector('simple', :c), 'C'))"), {
                    "id": dataset["id"], "a": index(dataset["title"]),
                    "b": index(" ".join(dataset["tags"]) + " " + organizations[dataset["organization"]]),
                    "c": index(dataset["notes"])})
            precisions, recalls = [], []
            for judged in relevance_set["queries"]:
                expression = query(judged["query"])
                found: list[str] = []
                if expression:
                    found = [row[0] for row in connection.execute(sa.text(
                        "select id from relevance_doc where v @@ to_tsquery('simple', :q) "
                        "order by ts_rank_cd(v, to_tsquery('simple', :q)) desc, id"), {"q": expression})]
                relevant = set(judged["relevant"])
                top = found[:10]
                precisions.append(sum(1 for f in top if f in relevant) / len(top) if top else 0.0)
                recalls.append(len(relevant & set(found)) / len(relevant))
            print(f"{name:8s} mean P@10 {statistics.mean(precisions):.3f}  mean recall {statistics.mean(recalls):.3f}")
            connection.execute(sa.text("drop table relevance_doc"))


if __name__ == "__main__":
    main()
