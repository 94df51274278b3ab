"""Chinese segmentation for the embedded search (issue 3 item 3): normalisation, index tokens, query expressions,
and the round trip through real PostgreSQL (``to_tsvector('simple', …) @@ to_tsquery('simple', …)``)."""
from __future__ import annotations

import random
import re

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckanext.publicdata.search import chinese

CJK = re.compile(r"[\u4e00-\u9fff]")


# ------------------------------------------------------------------------------------------------ helpers

def _tsvector_lexemes(text: str) -> set[str]:
    rows = model.Session.execute(
        sa.text("select lexeme from unnest(to_tsvector('simple', :t))"), {"t": text}
    ).fetchall()
    return {row[0] for row in rows}


def _matches(document: str, query: str) -> bool:
    expression = chinese.query_tsquery(query)
    assert expression is not None, query
    return bool(
        model.Session.execute(
            sa.text("select to_tsvector('simple', :d) @@ to_tsquery('simple', :q)"),
            {"d": chinese.index_text(document), "q": expression},
        ).scalar()
    )


@pytest.fixture
def builtin_dictionary_only():
    chinese.use_user_dictionary("")
    yield
    chinese.use_user_dictionary(None)


# ------------------------------------------------------------------------------------------------ normalize

@pytest.mark.parametrize(
    "raw, normalized",
    [
        ("濱州市空氣質量監測數據", "滨州市空气质量监测数据"),  # traditional → simplified
        ("ＰＭ２．５", "pm2.5"),  # full-width letters, digits and point → half-width, lower case
        ("１２３４５熱線", "12345热线"),
        ("Open DATA", "open data"),
        ("①号线", "1号线"),  # compatibility forms (NFKC)
        ("", ""),
    ],
)
def test_normalize(raw, normalized):
    assert chinese.normalize(raw) == normalized


def test_normalize_is_idempotent():
    for text in ("濱州市ＰＭ２．５濃度", "公積金貸款 ２０２３年", "Ｅｘｃｅｌ表格"):
        once = chinese.normalize(text)
        assert chinese.normalize(once) == once


# ------------------------------------------------------------------------------------------------ index side

@pytest.mark.usefixtures("builtin_dictionary_only")
class TestIndexTokens:
    def test_words_bigrams_and_unigrams(self):
        tokens = chinese.index_tokens("滨州市空气质量监测数据")
        for word in ("滨州市", "滨州", "空气质量", "空气", "质量", "监测"):
            assert word in tokens, word
        for bigram in ("量监", "测数", "州市"):  # overlapping bigrams, including across word boundaries
            assert bigram in tokens, bigram
        for unigram in ("滨", "气", "据"):
            assert unigram in tokens, unigram

    def test_traditional_text_gives_simplified_tokens(self):
        assert set(chinese.index_tokens("濱州市住房公積金")) == set(chinese.index_tokens("滨州市住房公积金"))

    def test_numbers_and_mixed_runs_are_findable(self):
        tokens = chinese.index_tokens("2023年PM2.5小时浓度，12345热线")
        assert "2023" in tokens and "年" in tokens
        assert "pm25" in tokens and "pm" in tokens and "25" in tokens
        assert "12345" in tokens and "热线" in tokens

    def test_builtin_dictionary_keeps_district_and_domain_terms_whole(self):
        tokens = chinese.index_tokens("无棣县一网通办事项与双随机一公开抽查结果")
        for term in ("无棣县", "一网通办", "双随机一公开"):
            assert term in tokens, term
        assert "沾化区" in chinese.index_tokens("沾化区不动产登记")
        assert "12345热线" in chinese.index_tokens("12345热线工单")

    def test_punctuation_and_tsquery_syntax_never_reach_a_token(self):
        text = "a'b&c|d!(e):*\\ 数据（2023）：【目录】 x-y_z@example.org ❶❷ «»"
        for token in chinese.index_tokens(text):
            assert re.fullmatch(r"\w+", token) and "_" not in token, token

    def test_repeated_occurrences_are_kept_for_ranking(self):
        tokens = chinese.index_tokens("公积金 公积金 公积金")
        assert tokens.count("公积金") == 3

    def test_empty(self):
        assert chinese.index_tokens("") == []
        assert chinese.index_tokens(" ，。、 ") == []


# ------------------------------------------------------------------------------------------------ query side

@pytest.mark.usefixtures("builtin_dictionary_only")
class TestQueryTsquery:
    def test_nothing_searchable_gives_none(self):
        for text in ("", "   ", "，。！？", "&|!():*'\\"):
            assert chinese.query_tsquery(text) is None, text

    def test_every_operand_is_a_quoted_lexeme(self):
        expression = chinese.query_tsquery("滨州 空气质量 PM2.5 a'b&c|d!(e):* \\x")
        assert expression
        without_lexemes = re.sub(r"'(?:[^'\\]|''|\\.)*'", "", expression)
        assert set(without_lexemes) <= set("&|() "), expression

    def test_whitespace_separated_terms_are_all_required(self):
        expression = chinese.query_tsquery("惠民县 企业")
        assert expression.count("&") >= 1
        assert "'惠民县'" in expression and "'企业'" in expression

    def test_function_characters_are_dropped_when_content_remains(self):
        assert chinese.query_tsquery("滨州市的空气质量") == chinese.query_tsquery("滨州市空气质量")
        assert chinese.query_tsquery("的") is not None

    def test_a_pasted_page_gives_a_bounded_query(self):
        expression = chinese.query_tsquery("滨州市空气质量监测数据，" * 500)
        assert expression == chinese.query_tsquery("滨州市空气质量监测数据")
        long_text = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(5000))
        assert len(chinese.query_tsquery(long_text)) < 20 * chinese.MAX_QUERY_CHARACTERS

    def test_filler_words_are_optional_but_searchable_alone(self):
        assert chinese.query_tsquery("空气质量数据") == chinese.query_tsquery("空气质量")
        assert chinese.query_tsquery("查询 充电桩 信息") == chinese.query_tsquery("充电桩")
        assert chinese.query_tsquery("的数据") == chinese.query_tsquery("数据") == "'数据'"


# ------------------------------------------------------------------------------------------------ user dictionary

def test_user_dictionary_from_config_is_used(tmp_path, ckan_config, monkeypatch):
    word = "鹳雀楼片区"
    assert word not in chinese.index_tokens(f"{word}规划")
    dictionary = tmp_path / "userdict.txt"
    dictionary.write_text(f"# city words\n{word} 10 ns\n", encoding="utf-8")
    monkeypatch.setitem(ckan_config, "ckanext.publicdata.search.user_dictionary", str(dictionary))
    chinese.reload_dictionaries()
    try:
        assert word in chinese.index_tokens(f"{word}规划")
        assert chinese.query_tsquery(word).startswith(f"('{word}'")
    finally:
        monkeypatch.undo()
        chinese.reload_dictionaries()
    assert word not in chinese.index_tokens(f"{word}规划")


def test_every_dictionary_word_and_synonym_is_one_query_word():
    # otherwise a district, an agency or a synonym typed alone would be split and its synonyms never looked up
    import pathlib

    city = pathlib.Path(__file__).resolve().parents[2] / "config" / "dictionaries" / "publicdata_userdict.txt"
    chinese.use_user_dictionary(str(city))
    try:
        words = [w for path in (chinese.BUILTIN_DICTIONARY, str(city)) for w, _, _ in chinese._dictionary_entries(path)]
        words += list(chinese.synonym_groups())
        assert len(words) > 300
        split = {word: chinese.query_words(word) for word in words if chinese.query_words(word) != [[word]]}
        assert not split
    finally:
        chinese.use_user_dictionary(None)


def test_missing_user_dictionary_falls_back_to_builtin(tmp_path):
    chinese.use_user_dictionary(str(tmp_path / "does-not-exist.txt"))
    try:
        assert "一网通办" in chinese.index_tokens("一网通办")
    finally:
        chinese.use_user_dictionary(None)


def test_shipped_city_dictionary_is_loadable():
    import pathlib

    path = pathlib.Path(__file__).resolve().parents[2] / "config" / "dictionaries" / "publicdata_userdict.txt"
    entries = list(chinese._dictionary_entries(str(path)))
    words = {word for word, _, _ in entries}
    assert {"滨城区", "惠民县", "邹平市"} <= words


# ------------------------------------------------------------------------------------------------ PostgreSQL

_SAMPLE_DOCUMENTS = [
    "滨州市2023年空气质量监测数据",
    "濱州市住房公積金繳存統計（2022年）",
    "沾化区ＰＭ２．５小时浓度 PM10 O3",
    "12345政务服务便民热线工单办理情况",
    "邹平市新能源汽车充电桩分布 (CSV, JSON) https://data.binzhou.gov.cn/x_y?a=1&b=2",
    "市大数据局「一网通办」事项清单；v1.2.3 版本 a-b-c foo@bar.org ❶ ② ㈠ ½",
    "Ünïcode café naïve Ελληνικά Кириллица にほんご 한국어 ٣٤ ১২",
]


def test_each_token_is_exactly_one_lexeme_in_postgresql():
    for document in _SAMPLE_DOCUMENTS:
        tokens = chinese.index_tokens(document)
        assert tokens, document
        lexemes = _tsvector_lexemes(" ".join(tokens))
        assert lexemes == set(tokens), (document, set(tokens) ^ lexemes)


def test_random_text_tokens_survive_postgresql():
    rng = random.Random(20260423)
    alphabet = (
        "滨州市惠民县空气质量监测数据充电桩公积金年月日的了和"
        "濱縣質據繳"
        "abcXYZ0123456789ＡＢＣ０１２"
        " ,.;:!?'\"()[]{}<>&|*\\/-_+=@#%^~`，。；：！？（）【】《》「」、·…—"
        "❶②㈠½éüßαжア한\u0301\u200b\t\n"
    )
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        tokens = chinese.index_tokens(text)
        lexemes = _tsvector_lexemes(" ".join(tokens))
        assert lexemes == set(tokens), (text, set(tokens) ^ lexemes)
        expression = chinese.query_tsquery(text)
        if expression is not None:
            # must parse; and a document made of the same text must match its own query
            assert model.Session.execute(
                sa.text("select to_tsvector('simple', :d) @@ to_tsquery('simple', :q)"),
                {"d": " ".join(tokens), "q": expression},
            ).scalar(), (text, expression)


def test_hostile_queries_parse_in_postgresql():
    for text in ("'", "\\", "a & b | !c", "(((", "foo:*", "x:A", "'); drop table package; --", "!!滨州", "<->"):
        expression = chinese.query_tsquery(text)
        if expression is None:
            continue
        model.Session.execute(sa.text("select to_tsquery('simple', :q)"), {"q": expression}).scalar()


@pytest.mark.usefixtures("builtin_dictionary_only")
@pytest.mark.parametrize(
    "document, query, expected",
    [
        # compounds the document does not contain contiguously
        ("滨州市2023年空气质量监测数据", "空气监测", True),
        ("滨州市2023年空气质量监测数据", "空气质量监测", True),
        ("滨州市空气湿度监测", "空气质量", False),
        # several concepts typed without spaces
        ("滨州市2023年空气质量监测数据", "滨州空气质量", True),
        ("惠民县规模以上工业企业名录", "惠民县企业", True),
        ("阳信县规模以上工业企业名录", "惠民县企业", False),
        ("惠民县空气质量日报", "惠民县企业", False),
        # fragments of words
        ("邹平市新能源汽车充电桩分布", "电桩", True),
        ("邹平市新能源汽车充电桩分布", "充电桩", True),
        ("邹平市公共停车场泊位", "充电桩", False),
        # traditional / simplified, full width, in either direction
        ("濱州市住房公積金繳存統計", "住房公积金", True),
        ("滨州市住房公积金缴存统计", "住房公積金", True),
        ("滨州市不动产登记业务量", "不動產登記", True),
        ("沾化区PM2.5小时浓度", "ＰＭ２．５", True),
        ("沾化区PM2.5小时浓度", "pm2.5", True),
        ("沾化区PM2.5小时浓度", "PM10", False),
        # numbers and mixed text
        ("滨州市2023年空气质量监测数据", "2023年空气质量", True),
        ("滨州市2022年空气质量监测数据", "2023年空气质量", False),
        ("12345政务服务便民热线工单", "12345热线", True),
        ("12345热线工单办理情况", "12345", True),
        ("政务服务热线工单办理情况", "12345热线", False),
        # domain terms from the built-in dictionary
        ("无棣县一网通办事项清单", "一网通办", True),
        ("无棣县政务服务事项清单", "一网通办", False),
        ("双随机一公开抽查结果", "双随机", True),
        # built-in synonym groups (abbreviations)
        ("滨州市市场监督管理局行政处罚信息", "市场监管局", True),
        ("滨城区城乡最低生活保障统计", "低保", True),
        ("惠民县基本医疗保险参保人数", "医保", True),
        ("惠民县养老保险参保情况", "医保", False),
        ("沾化区细颗粒物小时浓度", "PM2.5", True),
        # "数据"/"信息" in a query do not exclude datasets whose text lacks them
        ("滨州市空气质量日报", "空气质量数据", True),
        ("邹平市充电桩分布", "充电桩信息查询", True),
        # whitespace terms are ANDed
        ("博兴县食品安全抽检结果", "博兴县 食品", True),
        ("博兴县食品安全抽检结果", "博兴县 药品", False),
    ],
)
def test_judged_document_query_pairs_in_postgresql(document, query, expected):
    assert _matches(document, query) is expected


# ------------------------------------------------------------------------------------------------ build_userdict

def test_build_userdict_from_organizations_keeps_local_additions(tmp_path):
    import importlib.util
    import pathlib

    script = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "build_userdict.py"
    spec = importlib.util.spec_from_file_location("build_userdict", script)
    build_userdict = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_userdict)

    output = tmp_path / "userdict.txt"
    output.write_text(f"old generated line n\n{build_userdict.LOCAL_MARKER} ---\n鹳雀楼片区 5 ns\n", encoding="utf-8")
    count, text = build_userdict.build(["滨州市市场监督管理局", "惠民县大数据中心"], output)
    words = {word for word, _, _ in chinese._dictionary_entries(str(output))}
    assert {"滨州市市场监督管理局", "市场监督管理局", "市市场监督管理局", "惠民县大数据中心", "大数据中心"} <= words
    assert {"惠民县", "沾化区", "邹平市", "魏桥镇"} <= words  # districts and towns of the city
    assert "鹳雀楼片区" in words and "old generated line" not in text  # hand-written part kept, the rest rebuilt
    assert count == len(words) - 1
