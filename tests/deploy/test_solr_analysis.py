"""What Solr will do with Chinese text under config/solr/schema.xml, checked without a Solr server.

SolrSchemaAnalysis.java builds the analyzers the schema declares (same factories, same parameters, same
synonym file) with Lucene 8 from Debian's liblucene8-java package (plus ICU4J from libicu4j-java for the
Traditional->Simplified filter), indexes a document in memory and runs a query built like Solr's parser does
with q.op=AND. The same checks against CKAN's stock schema show the problem the schema fixes. Skipped (with
the reason) when no JDK or no Lucene/ICU jars are installed
(`apt-get install default-jdk-headless liblucene8-java libicu4j-java`).
"""
from __future__ import annotations

import glob
import shutil
import subprocess
from pathlib import Path

import ckan
import pytest

HERE = Path(__file__).resolve().parent
OUR_SOLR_DIR = HERE.parents[1] / "config" / "solr"
CKAN_SCHEMA = Path(ckan.__file__).parent / "config" / "solr" / "schema.xml"
LUCENE_JARS = ("lucene-core", "lucene-analyzers-common", "lucene-analyzers-icu", "lucene-memory",
               "lucene-queryparser")
ICU4J_JAR = Path("/usr/share/java/icu4j.jar")


def _lucene_classpath() -> str | None:
    jars = []
    for name in LUCENE_JARS:
        found = sorted(glob.glob(f"/usr/share/java/{name}-8*.jar"))
        if not found:
            return None
        jars.append(found[-1])
    if not ICU4J_JAR.exists():
        return None
    return ":".join(jars + [str(ICU4J_JAR)])


@pytest.fixture(scope="module")
def analysis(tmp_path_factory: pytest.TempPathFactory):
    classpath = _lucene_classpath()
    if not shutil.which("javac") or not shutil.which("java"):
        pytest.skip("no JDK (javac/java) on this machine: apt-get install default-jdk-headless")
    if classpath is None:
        pytest.skip("Debian's Lucene 8 or ICU4J jars are absent: apt-get install liblucene8-java libicu4j-java")
    classes = tmp_path_factory.mktemp("lucene-classes")
    subprocess.run(
        ["javac", "-cp", classpath, "-d", str(classes), str(HERE / "SolrSchemaAnalysis.java")],
        check=True, capture_output=True, text=True,
    )

    def run(config_dir: Path, requests: list[tuple[str, ...]]) -> list[str]:
        stdin = "".join("\t".join(request) + "\n" for request in requests)
        done = subprocess.run(
            ["java", "-cp", f"{classpath}:{classes}", "SolrSchemaAnalysis", str(config_dir)],
            input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=120,
        )
        assert done.returncode == 0, done.stderr
        answers = done.stdout.splitlines()
        assert len(answers) == len(requests), done.stdout + done.stderr
        return answers

    return run


@pytest.fixture(scope="module")
def stock_solr_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # CKAN's schema with the empty word lists it expects beside it
    directory = tmp_path_factory.mktemp("ckan-stock-solr")
    shutil.copy(CKAN_SCHEMA, directory / "schema.xml")
    (directory / "synonyms.txt").write_text("", encoding="utf-8")
    (directory / "protwords.txt").write_text("", encoding="utf-8")
    return directory


# (document, query): a citizen's query that should find the dataset
CHINESE_MATCHES = [
    ("滨州市2023年空气质量监测数据", "空气质量"),
    ("滨州市2023年空气质量监测数据", "监测数据"),
    ("惠民县规模以上工业企业名录", "企业名录"),
    ("全市水质监测点位", "水"),  # a one-character query finds the dataset
    ("住房公积金缴存情况", "公积金"),  # synonyms.txt
    ("公积金提取统计", "住房公积金"),  # both ways
    ("全市公交线路站点", "公共交通"),
    ("Air Quality Monitoring 2023", "monitor"),  # English keeps CKAN's stemming
    ("ＡＱＩ日报", "aqi"),  # full-width letters fold to ASCII
    ("滨州市空气质量监测数据", "空氣質量"),  # a Traditional-Chinese query finds Simplified data
    ("濱州市醫療保險定點機構", "医疗保险"),  # and the other way round
    ("公积金提取统计", "住房公積金"),  # Traditional input still meets the (Simplified) synonyms
]

# (document, query): should not be found
CHINESE_NON_MATCHES = [
    ("滨州市2023年空气质量监测数据", "质量空气"),  # the characters, but not the word
    ("住房公积金缴存情况", "社会保险"),
    ("全市水质监测点位", "空气"),
]


@pytest.mark.parametrize("field_type", ["text", "text_general"])
def test_chinese_queries_find_unspaced_titles(analysis, field_type: str) -> None:
    requests = [("match", field_type, doc, query) for doc, query in CHINESE_MATCHES]
    requests += [("match", field_type, doc, query) for doc, query in CHINESE_NON_MATCHES]
    answers = analysis(OUR_SOLR_DIR, requests)
    expected = ["true"] * len(CHINESE_MATCHES) + ["false"] * len(CHINESE_NON_MATCHES)
    if field_type == "text_general":
        # no English stemming on this type (as in CKAN's own text_general)
        expected[CHINESE_MATCHES.index(("Air Quality Monitoring 2023", "monitor"))] = "false"
    wrong = [(req[2], req[3], got) for req, got, want in zip(requests, answers, expected) if got != want]
    assert not wrong, f"unexpected answers (document, query, got): {wrong}"


def test_stock_ckan_schema_misses_the_same_queries(analysis, stock_solr_dir: Path) -> None:
    # the reason config/solr exists: CKAN's whitespace tokenizer keeps an unspaced title as one token
    answers = analysis(stock_solr_dir, [
        ("match", "text", "滨州市2023年空气质量监测数据", "空气质量"),
        ("match", "text", "住房公积金缴存情况", "公积金"),
    ])
    assert answers == ["false", "false"]


def test_stock_ckan_schema_only_finds_space_separated_words(analysis, stock_solr_dir: Path) -> None:
    # the harness itself is sound: with spaces, CKAN's analyzer does match
    answers = analysis(stock_solr_dir, [("match", "text", "滨州市 空气质量 监测数据", "空气质量")])
    assert answers == ["true"]


def test_index_terms_are_overlapping_bigrams(analysis) -> None:
    index_terms, query_terms = analysis(OUR_SOLR_DIR, [
        ("tokens", "text", "index", "空气质量"),
        ("tokens", "text", "query", "空气质量"),
    ])
    assert query_terms.split() == ["空气", "气质", "质量"]
    # the index keeps the single characters too, next to the bigrams
    assert set(index_terms.split()) == {"空", "气", "质", "量", "空气", "气质", "质量"}


def test_autocomplete_ngrams_match_chinese_prefixes(analysis) -> None:
    answers = analysis(OUR_SOLR_DIR, [
        ("match", "text_ngram", "滨州市空气质量", "空气"),
        ("match", "text_ngram", "滨州市空气质量", "ＡＱＩ"),
        ("match", "text_ngram", "AQI日报", "ａｑｉ"),
        ("match", "text_ngram", "滨州市空气质量", "空氣"),
    ])
    assert answers == ["true", "false", "true", "true"]
