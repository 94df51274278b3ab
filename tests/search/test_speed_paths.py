"""The fast paths of the embedded search (issue 3, speed): they must answer exactly what the slow paths did.

* facet counts from the narrow ``facet_terms`` array equal the counts recomputed from the datasets;
* shared summaries (total + facets of searches without free text) are used, and a write invalidates them;
* an index table of an earlier version is upgraded in place (facet_terms back-filled);
* ``ckan publicdata search rebuild`` (buffered, multi-row writes; several worker processes) indexes the
  same documents as CKAN's ``search-index rebuild``;
* editing the user dictionary takes effect on queries analysed before (no stale cached tsqueries).
"""
from __future__ import annotations

import collections
import os
import pathlib
import re

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

import ckan.lib.search as search
import ckan.model as model
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.publicdata.search import backend, chinese, index_model
from ckanext.publicdata.search import query as query_language
from ckanext.publicdata.search.backend import PostgresSearchConnection
from ckanext.publicdata.search.index_model import SUMMARY_TABLE_NAME, TABLE_NAME

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "publicdata_search"),
    pytest.mark.ckan_config("ckanext.publicdata.search.backend", "postgres"),
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

FACETS = ["organization", "tags", "res_format", "license_id", "owner_org"]


def package_search(**params) -> dict:
    return helpers.call_action("package_search", **params)


def expected_facets(datasets: list[dict]) -> dict[str, collections.Counter]:
    """Facet counts recomputed from package_show, independent of the index."""
    counts: dict[str, collections.Counter] = {field: collections.Counter() for field in FACETS}
    for dataset in datasets:
        shown = helpers.call_action("package_show", id=dataset["id"])
        if shown.get("organization"):
            counts["organization"][shown["organization"]["name"]] += 1
        if shown.get("owner_org"):
            counts["owner_org"][shown["owner_org"]] += 1
        if shown.get("license_id"):
            counts["license_id"][shown["license_id"]] += 1
        for tag in {t["name"] for t in shown.get("tags", [])}:
            counts["tags"][tag] += 1
        for fmt in {r["format"] for r in shown.get("resources", []) if r.get("format")}:
            counts["res_format"][fmt] += 1
    return counts


@pytest.fixture
def catalogue():
    organizations = [factories.Organization(name=f"bureau-{n}") for n in range(3)]
    datasets = []
    for number in range(14):
        formats = ["CSV", "JSON", "XLSX"][: 1 + number % 3]
        datasets.append(factories.Dataset(
            name=f"speed-{number:02d}", title=f"滨州市空气质量监测数据{number}",
            owner_org=organizations[number % 3]["id"],
            license_id=["cc-by", "odc-odbl"][number % 2],
            tags=[{"name": "空气质量"}] + ([{"name": f"区县{number % 4}"}] if number % 5 else []),
            resources=[{"url": f"http://example.com/{number}/{fmt}", "format": fmt} for fmt in formats],
        ))
    return datasets


def facet_dict(result: dict, field: str) -> dict[str, int]:
    return dict(result["facets"].get(field, {}))


class TestFacetTerms:
    def test_facet_counts_equal_counts_recomputed_from_the_datasets(self, catalogue):
        result = package_search(q="", rows=1, **{"facet.field": str(FACETS).replace("'", '"'), "facet.limit": -1})
        expected = expected_facets(catalogue)
        assert result["count"] == len(catalogue)
        for field in FACETS:
            assert facet_dict(result, field) == dict(expected[field]), field

    def test_with_free_text_and_a_filter(self, catalogue):
        result = package_search(q="空气质量", fq='res_format:"JSON"', rows=2,
                                **{"facet.field": '["res_format", "tags"]', "facet.limit": -1})
        matching = [d for d in catalogue
                    if "JSON" in {r["format"] for r in helpers.call_action("package_show", id=d["id"])["resources"]}]
        assert result["count"] == len(matching) > 0
        expected = expected_facets(matching)
        assert facet_dict(result, "res_format") == dict(expected["res_format"])
        assert facet_dict(result, "tags") == dict(expected["tags"])

    def test_a_field_left_out_of_facet_terms_is_still_counted(self, catalogue):
        assert not backend.is_facet_term_field("name")
        result = package_search(q="", **{"facet.field": '["name"]', "facet.limit": -1})
        assert facet_dict(result, "name") == {d["name"]: 1 for d in catalogue}

    def test_every_row_carries_the_keyword_terms_of_its_document(self, catalogue):
        with model.meta.engine.connect() as connection:
            rows = connection.execute(sa.text(
                f"SELECT name, facet_terms FROM {TABLE_NAME} WHERE name = 'speed-04'")).fetchall()
        assert len(rows) == 1
        terms = set(rows[0][1])
        sep = index_model.FACET_TERM_SEPARATOR
        assert f"tags{sep}空气质量" in terms and f"res_format{sep}JSON" in terms
        assert f"organization{sep}bureau-1" in terms
        assert not any(t.startswith(f"title{sep}") or t.startswith(f"notes{sep}") for t in terms)


def _summary_rows() -> list[tuple]:
    with model.meta.engine.connect() as connection:
        return connection.execute(sa.text(
            f"SELECT key, generation, total FROM {SUMMARY_TABLE_NAME} ORDER BY generation")).fetchall()


class TestSharedSummary:
    params = {"q": "", "rows": 3, "facet.field": '["tags", "res_format"]', "facet.limit": -1}

    def test_summary_is_stored_and_reused_by_a_process_without_the_result(self, catalogue):
        first = package_search(**self.params)
        assert len(catalogue) in [row[2] for row in _summary_rows()]
        # another process (no local result cache) with a different page of the same search
        backend.result_cache.clear()
        with model.meta.engine.begin() as connection:  # mark the stored entry so its use is visible
            connection.execute(sa.text(f"UPDATE {SUMMARY_TABLE_NAME} SET total = total + 1000"))
        second = package_search(**dict(self.params, rows=5))
        assert second["count"] == len(catalogue) + 1000
        assert len(second["results"]) == 5
        assert second["facets"] == first["facets"]

    def test_a_write_invalidates_the_summary(self, catalogue):
        before = package_search(**self.params)
        assert "新标签" not in before["facets"]["tags"]
        with model.meta.engine.begin() as connection:
            connection.execute(sa.text(f"UPDATE {SUMMARY_TABLE_NAME} SET total = total + 1000"))
        factories.Dataset(name="speed-new", title="新数据集", tags=[{"name": "新标签"}],
                          owner_org=catalogue[0]["owner_org"])
        after = package_search(**self.params)
        assert after["count"] == len(catalogue) + 1
        assert after["facets"]["tags"]["新标签"] == 1
        assert after["facets"]["tags"]["空气质量"] == before["facets"]["tags"]["空气质量"]

    def test_free_text_searches_do_not_use_summaries(self, catalogue):
        before = _summary_rows()
        result = package_search(q="空气质量", **{"facet.field": '["tags"]'})
        assert result["count"] == len(catalogue)
        assert _summary_rows() == before


class TestUpgrade:
    def test_a_table_without_facet_terms_is_upgraded_and_back_filled(self, catalogue):
        expected = package_search(q="", **{"facet.field": '["tags", "res_format", "organization"]',
                                            "facet.limit": -1})["facets"]
        model.Session.commit()
        model.Session.remove()  # the DDL below must not wait for this session's own table lock
        with model.meta.engine.begin() as connection:
            connection.execute(sa.text(f"ALTER TABLE {TABLE_NAME} DROP COLUMN facet_terms"))
            connection.execute(sa.text(f"DROP TABLE {SUMMARY_TABLE_NAME}"))
        index_model.forget_ensured()
        backend.result_cache.clear()
        index_model.ensure_table()
        upgraded = package_search(q="", **{"facet.field": '["tags", "res_format", "organization"]',
                                            "facet.limit": -1})["facets"]
        assert upgraded == expected
        with model.meta.engine.connect() as connection:
            terms = connection.execute(sa.text(
                f"SELECT facet_terms FROM {TABLE_NAME} WHERE name = 'speed-01'")).scalar()
        sep = index_model.FACET_TERM_SEPARATOR
        # the SQL back-fill follows the same rule as indexing in Python
        row = backend.document_row(_index_document("speed-01"))
        assert sorted(terms) == sorted(row["facet_terms"])
        assert f"tags{sep}空气质量" in terms


def _index_document(name: str) -> dict:
    """The document CKAN sends for a dataset (captured from PackageSearchIndex without writing)."""
    captured: list[dict] = []

    class Capture(PostgresSearchConnection):
        def add(self, docs, **kwargs):
            captured.extend(docs)
            return ""

    original = search.index.make_connection
    search.index.make_connection = lambda *args, **kwargs: Capture()
    try:
        search.index_for(model.Package).update_dict(
            helpers.call_action("package_show", id=name), defer_commit=True)
    finally:
        search.index.make_connection = original
    return captured[0]


class TestRebuildCommand:
    def _empty_index(self) -> None:
        with model.meta.engine.begin() as connection:
            connection.execute(sa.text(f"DELETE FROM {TABLE_NAME}"))
        backend.result_cache.clear()

    def test_rebuild_indexes_every_dataset_like_ckans_rebuild(self, catalogue):
        from ckanext.publicdata.search.cli import search as search_group

        reference = package_search(q="空气质量", rows=100, **{"facet.field": '["tags", "res_format"]',
                                                           "facet.limit": -1})
        self._empty_index()
        assert package_search(q="")["count"] == 0
        result = CliRunner().invoke(search_group, ["rebuild", "--batch-size", "3", "--commit-every", "5"])
        assert result.exit_code == 0, result.output
        assert f"{len(catalogue)} datasets indexed, 0 failed" in result.output
        rebuilt = package_search(q="空气质量", rows=100, **{"facet.field": '["tags", "res_format"]',
                                                         "facet.limit": -1})
        assert rebuilt["count"] == reference["count"] == len(catalogue)
        assert sorted(r["name"] for r in rebuilt["results"]) == sorted(r["name"] for r in reference["results"])
        assert rebuilt["facets"] == reference["facets"]

    def test_buffered_rows_are_visible_to_a_search_in_the_same_transaction(self, catalogue):
        self._empty_index()
        with backend.buffered_writes(size=100):
            search.index_for(model.Package).update_dict(
                helpers.call_action("package_show", id="speed-03"), defer_commit=True)
            with model.meta.engine.connect() as connection:  # not written yet: still in the buffer
                assert connection.execute(sa.text(f"SELECT count(*) FROM {TABLE_NAME}")).scalar() == 0
            found = PostgresSearchConnection().search(q="name:speed-03", fl="name")
            assert found.hits == 1
        model.Session.commit()
        assert package_search(q="name:speed-03")["count"] == 1

    def test_workers_split_the_datasets_over_processes(self, catalogue, ckan_config, monkeypatch, tmp_path):
        ini = pathlib.Path(ckan_config.get("__file__") or "")
        assert ini.is_file(), "the test configuration file is needed to start worker processes"
        # the workers load the configuration file: give them this test's plugins (the file's full plugin
        # list would expect tables that this test's database does not have)
        text = ini.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^use\s*=\s*config:(\S+)$",
                      lambda match: f"use = config:{(ini.parent / match.group(1)).resolve()}", text)
        text = text.replace("[app:main]\n", "[app:main]\nckan.plugins = publicdata_search\n"
                            "ckanext.publicdata.search.backend = postgres\n", 1)
        worker_ini = tmp_path / "workers.ini"
        worker_ini.write_text(text, encoding="utf-8")
        monkeypatch.setitem(ckan_config, "__file__", str(worker_ini))
        from ckanext.publicdata.search.cli import search as search_group

        self._empty_index()
        model.Session.commit()
        result = CliRunner().invoke(search_group, ["rebuild", "--workers", "2", "--commit-every", "2", "-q"])
        assert result.exit_code == 0, result.output
        assert f"{len(catalogue)} datasets indexed, 0 failed" in result.output
        model.Session.remove()
        assert package_search(q="", rows=0)["count"] == len(catalogue)


class TestDictionaryVersion:
    def test_editing_the_user_dictionary_changes_cached_query_analysis(self, tmp_path):
        word = "鹊华秋色乐园"
        dictionary = tmp_path / "userdict.txt"
        dictionary.write_text("滨州\n", encoding="utf-8")
        chinese.use_user_dictionary(str(dictionary))
        try:
            before = query_language.text_tsquery(word)
            assert before == chinese.query_tsquery(word)
            dictionary.write_text(f"{word} 100000\n", encoding="utf-8")
            os.utime(dictionary, (1, 1))  # a different mtime even within the file system's resolution
            chinese.reload_dictionaries()
            after = query_language.text_tsquery(word)
            assert after == chinese.query_tsquery(word)
            assert after != before
            assert f"'{word}'" in after
        finally:
            chinese.use_user_dictionary(None)
