"""The Solr/Lucene query language on the embedded PostgreSQL backend (issue 3, item 2).

Everything goes through CKAN's own ``package_search`` (or the API) so the tests check what a client gets.
"""
from __future__ import annotations

import datetime

import pytest

import ckan.model as model
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
from ckan.lib.search.common import SearchQueryError

from ckanext.publicdata.search import query as query_language

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "publicdata_search"),
    pytest.mark.ckan_config("ckanext.publicdata.search.backend", "postgres"),
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def names(result: dict) -> set[str]:
    return {r["name"] for r in result["results"]}


def search(**params) -> dict:
    return helpers.call_action("package_search", **params)


@pytest.fixture
def catalogue():
    """Five datasets with distinct titles, tags, formats, extras and dates."""
    org = factories.Organization(name="eco-bureau", title="生态环境局")
    air = factories.Dataset(
        name="air-quality", title="滨州市2023年空气质量监测数据", owner_org=org["id"],
        notes="每日空气质量指数 AQI", tags=[{"name": "空气"}, {"name": "环境"}],
        extras=[{"key": "population", "value": "120"}],
        resources=[{"url": "http://example.com/a.csv", "format": "CSV", "name": "监测点位"}],
    )
    rivers = factories.Dataset(
        name="rivers", title="Rivers of the city", owner_org=org["id"], notes="Water quality of rivers",
        tags=[{"name": "water"}, {"name": "环境"}], extras=[{"key": "population", "value": "450"}],
        resources=[{"url": "http://example.com/r.json", "format": "JSON"}],
    )
    parking = factories.Dataset(
        name="parking-lots", title="公共停车场充电桩分布", owner_org=org["id"],
        tags=[{"name": "交通"}], extras=[{"key": "population", "value": "9000"}],
    )
    government = factories.Dataset(name="gov-expenditure", title="Government Expenditure", owner_org=org["id"])
    government_extra = factories.Dataset(
        name="gov-extra-expenditure", title="Government Extra Expenditure", owner_org=org["id"]
    )
    # an old dataset: metadata_modified set in the database, then re-indexed
    model.Session.query(model.Package).filter_by(id=government_extra["id"]).update(
        {"metadata_modified": datetime.datetime(2015, 6, 1, 12, 0, 0)}
    )
    model.Session.commit()
    from ckan.lib.search import rebuild

    rebuild(government_extra["id"])
    return {"org": org, "air": air, "rivers": rivers, "parking": parking, "government": government,
            "government_extra": government_extra}


class TestFreeText:
    def test_chinese_word_inside_a_longer_title(self, catalogue):
        assert names(search(q="空气质量")) == {"air-quality"}

    def test_chinese_compound_not_contiguous_in_the_document(self, catalogue):
        # 空气监测 is not a substring of 空气质量监测, but both of its words are there
        assert names(search(q="空气监测")) == {"air-quality"}

    def test_fragment_of_a_word(self, catalogue):
        assert names(search(q="电桩")) == {"parking-lots"}

    def test_traditional_and_full_width_input(self, catalogue):
        assert names(search(q="空氣質量")) == {"air-quality"}
        assert names(search(q="ＲＩＶＥＲＳ")) == {"rivers"}

    def test_several_words_must_all_match(self, catalogue):
        assert names(search(q="rivers water")) == {"rivers"}
        assert names(search(q="rivers 空气")) == set()

    def test_excluded_word(self, catalogue):
        assert names(search(q="government -extra")) == {"gov-expenditure"}

    def test_quoted_phrase_keeps_word_order(self, catalogue):
        assert names(search(q='"Government Expenditure"')) == {"gov-expenditure"}
        assert names(search(q='"Expenditure Government"')) == set()

    def test_title_match_ranks_before_notes_match(self, catalogue):
        factories.Dataset(name="mentions-rivers", title="City budget", notes="mentions rivers once")
        result = search(q="rivers", sort="score desc")
        assert [r["name"] for r in result["results"]][:2] == ["rivers", "mentions-rivers"]

    def test_resource_and_tag_text_is_searchable(self, catalogue):
        assert names(search(q="监测点位")) == {"air-quality"}
        assert names(search(q="交通")) == {"parking-lots"}


class TestLuceneSyntax:
    def test_field_value_on_string_fields_is_exact(self, catalogue):
        assert names(search(fq='tags:"环境"')) == {"air-quality", "rivers"}
        assert names(search(fq="res_format:CSV")) == {"air-quality"}
        assert names(search(fq="res_format:csv")) == set()  # string fields are case-sensitive, as in Solr
        assert names(search(q="name:rivers")) == {"rivers"}

    def test_field_value_on_text_fields_is_analysed(self, catalogue):
        assert names(search(q="title:空气质量")) == {"air-quality"}
        assert names(search(q="title:RIVERS")) == {"rivers"}
        assert names(search(q="notes:AQI")) == {"air-quality"}
        # notes mention water, the title does not: a title query must not see notes
        assert names(search(q="title:water")) == set()

    def test_boolean_operators_and_grouping(self, catalogue):
        assert names(search(q="tags:water OR tags:交通")) == {"rivers", "parking-lots"}
        assert names(search(q='tags:"环境" AND NOT tags:water')) == {"air-quality"}
        assert names(search(q='+tags:"环境" -res_format:JSON')) == {"air-quality"}
        assert names(search(q="(tags:water OR tags:交通) AND name:rivers")) == {"rivers"}
        assert names(search(fq="tags:(water OR 交通)")) == {"rivers", "parking-lots"}

    def test_implicit_operator_is_and(self, catalogue):
        assert names(search(fq='tags:"环境" res_format:JSON')) == {"rivers"}

    def test_match_all_exists_and_prefix(self, catalogue):
        assert search(q="*:*")["count"] == 5
        assert names(search(q="res_format:*")) == {"air-quality", "rivers"}
        assert names(search(q="name:gov*")) == {"gov-expenditure", "gov-extra-expenditure"}
        assert names(search(q="title:gov*")) == {"gov-expenditure", "gov-extra-expenditure"}

    def test_numeric_range(self, catalogue):
        assert names(search(q="population:[100 TO 500]")) == {"air-quality", "rivers"}
        assert names(search(q="population:{120 TO *]")) == {"rivers", "parking-lots"}

    def test_date_range_with_now_arithmetic(self, catalogue):
        recent = names(search(q="metadata_modified:[NOW-1YEAR TO *]"))
        assert "gov-extra-expenditure" not in recent and "rivers" in recent
        assert names(search(q="metadata_modified:[* TO NOW-1YEAR/DAY]")) == {"gov-extra-expenditure"}
        assert names(search(fq="metadata_modified:[2015-01-01T00:00:00Z TO 2015-12-31T23:59:59Z]")) == {
            "gov-extra-expenditure"
        }

    def test_autocomplete_uses_ngram_fields(self, catalogue):
        completions = helpers.call_action("package_autocomplete", q="expend")
        assert {c["name"] for c in completions} == {"gov-expenditure", "gov-extra-expenditure"}
        assert {c["name"] for c in helpers.call_action("package_autocomplete", q="停车")} == {"parking-lots"}


class TestSort:
    def test_title_sort_is_pinyin_order(self):
        for name, title in [("bj", "北京市数据"), ("cq", "重庆市数据"), ("ah", "安徽省数据")]:
            factories.Dataset(name=name, title=title)
        ascending = [r["name"] for r in search(sort="title_string asc")["results"]]
        assert ascending == ["ah", "bj", "cq"]  # ān, běi, chóng
        descending = [r["name"] for r in search(sort="title_string desc")["results"]]
        assert descending == ["cq", "bj", "ah"]

    def test_sort_by_name_and_metadata_modified(self, catalogue):
        by_name = [r["name"] for r in search(sort="name asc")["results"]]
        assert by_name == sorted(by_name)
        newest_last = [r["name"] for r in search(sort="metadata_modified asc")["results"]]
        assert newest_last[0] == "gov-extra-expenditure"

    @pytest.mark.parametrize("sort", ["metadata_modified", "name sideways", "tags asc", "name asc,,,x"])
    def test_invalid_sort_is_a_search_query_error(self, catalogue, sort):
        with pytest.raises(SearchQueryError):
            search(sort=sort)


class TestErrorsAreClientErrors:
    @pytest.mark.parametrize("q", ["title:(foo", 'name:"unterminated', "metadata_modified:[NOW-1FORTNIGHT TO *]",
                                   "title:[a TO", "name:/regex.*/", "--included"])
    def test_malformed_query_is_400_in_the_api(self, app, q):
        response = app.get("/api/3/action/package_search", query_string={"q": q}, status=400)
        assert response.json["success"] is False
        assert response.json["error"]["__type"] == "Search Query Error"

    def test_malformed_fq_and_sort_are_400_in_the_api(self, app):
        response = app.get("/api/3/action/package_search", query_string={"fq": "tags:(a"}, status=400)
        assert response.json["error"]["__type"] == "Search Query Error"
        response = app.get("/api/3/action/package_search", query_string={"sort": "name up"}, status=400)
        assert response.json["error"]["__type"] == "Search Query Error"

    @pytest.mark.parametrize("q", ["title:(foo", "--included"])
    def test_malformed_query_on_the_dataset_page_shows_ckans_search_error(self, app, q):
        response = app.get("/dataset/", query_string={"q": q})
        assert response.status_code == 200
        assert 'id="search-error"' in response.body

    def test_bad_sort_on_the_dataset_page_is_400(self, app):
        app.get("/dataset/", query_string={"sort": "name up"}, status=400)

    def test_an_invalid_date_is_a_query_error_and_the_session_stays_usable(self, catalogue):
        with pytest.raises(SearchQueryError):
            search(q="metadata_modified:[2015-13-45 TO *]")
        assert search(q="name:rivers")["count"] == 1
        assert model.Session.query(model.Package).count() == 5


class TestTranslation:
    """Pure translation checks (no database)."""

    def test_solr_date_math(self, monkeypatch):
        fixed = datetime.datetime(2024, 3, 15, 10, 30, 45, 123000)
        monkeypatch.setattr(query_language, "_utcnow", lambda: fixed)
        assert query_language.parse_solr_date("NOW") == fixed
        assert query_language.parse_solr_date("NOW-1YEAR") == datetime.datetime(2023, 3, 15, 10, 30, 45, 123000)
        assert query_language.parse_solr_date("NOW/DAY") == datetime.datetime(2024, 3, 15)
        assert query_language.parse_solr_date("NOW-1MONTH/MONTH") == datetime.datetime(2024, 2, 1)
        assert query_language.parse_solr_date("NOW+2DAYS/HOUR") == datetime.datetime(2024, 3, 17, 10)
        assert query_language.parse_solr_date("2024-01-31T00:00:00Z+1MONTH") == datetime.datetime(2024, 2, 29)
        assert query_language.parse_solr_date("2024-01-01T08:00:00+08:00") == datetime.datetime(2024, 1, 1)
        with pytest.raises(SearchQueryError):
            query_language.parse_solr_date("yesterday")

    def test_permission_labels_become_one_array_overlap(self):
        fragment = query_language.lucene_where('+permission_labels:("public" OR "creator-u1" OR "member-o1")')
        assert fragment.sql == "permission_labels && %s::text[]"
        assert fragment.params == (["public", "creator-u1", "member-o1"],)

    def test_sort_translation(self):
        order = query_language.sort_order("score desc, metadata_modified desc")
        assert order.uses_score
        assert order.sql.startswith("score DESC, metadata_modified DESC")
        assert 'COLLATE "zh-Hans-CN-x-icu"' in query_language.sort_order("title_string asc").sql
