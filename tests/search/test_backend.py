"""The embedded search backend behind CKAN's make_connection seam (issue 3, items 1 and 6).

Facets, paging, fl, visibility (private, drafts, deleted, permission labels), the index table's life
cycle, install/uninstall, and the doctor's health line.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.lib.search as search
import ckan.lib.search.common as search_common
import ckan.lib.search.index as search_index
import ckan.lib.search.query as search_query
import ckan.model as model
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.publicdata.search import backend_install
from ckanext.publicdata.search.backend import PostgresSearchConnection
from ckanext.publicdata.search.index_model import TABLE_NAME

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "publicdata_search"),
    pytest.mark.ckan_config("ckanext.publicdata.search.backend", "postgres"),
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def package_search(context: dict | None = None, **params) -> dict:
    return helpers.call_action("package_search", context=context, **params)


def names(result: dict) -> list[str]:
    return [r["name"] for r in result["results"]]


@pytest.fixture
def formats_catalogue():
    """12 datasets: 6 CSV, 4 JSON, 2 XLSX (one of them also CSV); two organizations; tags."""
    first = factories.Organization(name="org-one")
    second = factories.Organization(name="org-two")
    datasets = []
    for index in range(12):
        fmt = "CSV" if index < 6 else ("JSON" if index < 10 else "XLSX")
        resources = [{"url": f"http://example.com/{index}", "format": fmt}]
        if index == 11:
            resources.append({"url": "http://example.com/11b", "format": "CSV"})
        datasets.append(factories.Dataset(
            name=f"dataset-{index:02d}", title=f"Dataset {index:02d}",
            owner_org=(first if index % 3 else second)["id"],
            tags=[{"name": "common"}] + ([{"name": "even"}] if index % 2 == 0 else []),
            resources=resources,
        ))
    return datasets


class TestFacets:
    def test_counts_cover_the_whole_filtered_set_not_the_page(self, formats_catalogue):
        result = package_search(rows=2, **{"facet.field": '["res_format", "tags", "organization"]'})
        assert result["count"] == 12
        assert len(result["results"]) == 2
        assert result["facets"]["res_format"] == {"CSV": 7, "JSON": 4, "XLSX": 2}
        assert result["facets"]["tags"] == {"common": 12, "even": 6}
        assert result["facets"]["organization"] == {"org-one": 8, "org-two": 4}

    def test_counts_follow_the_filter(self, formats_catalogue):
        result = package_search(fq='tags:"even"', **{"facet.field": '["res_format"]'})
        assert result["count"] == 6
        assert sum(result["facets"]["res_format"].values()) == 6

    def test_facet_limit_and_minus_one(self, formats_catalogue):
        limited = package_search(**{"facet.field": '["res_format"]', "facet.limit": 2})
        assert limited["facets"]["res_format"] == {"CSV": 7, "JSON": 4}  # highest counts first
        unlimited = package_search(**{"facet.field": '["res_format"]', "facet.limit": -1})
        assert len(unlimited["facets"]["res_format"]) == 3

    def test_facet_mincount(self, formats_catalogue):
        result = package_search(**{"facet.field": '["res_format"]', "facet.mincount": 3})
        assert result["facets"]["res_format"] == {"CSV": 7, "JSON": 4}

    def test_search_facets_carry_display_names(self):
        org = factories.Organization(name="water-bureau", title="水务局")
        factories.Dataset(owner_org=org["id"])
        result = package_search(**{"facet.field": '["organization"]'})
        items = result["search_facets"]["organization"]["items"]
        assert items == [{"name": "water-bureau", "display_name": "水务局", "count": 1}]

    def test_facet_on_a_field_without_a_column(self):
        factories.Dataset(extras=[{"key": "update_frequency", "value": "daily"}])
        factories.Dataset(extras=[{"key": "update_frequency", "value": "daily"}])
        factories.Dataset(extras=[{"key": "update_frequency", "value": "yearly"}])
        result = package_search(**{"facet.field": '["update_frequency"]'})
        assert result["facets"]["update_frequency"] == {"daily": 2, "yearly": 1}

    def test_organization_and_group_pages_count_datasets(self, app):
        org = factories.Organization(name="org-counted")
        group = factories.Group(name="group-counted")
        for _ in range(3):
            factories.Dataset(owner_org=org["id"], groups=[{"name": group["name"]}])
        organizations = helpers.call_action("organization_list", all_fields=True)
        assert organizations[0]["package_count"] == 3
        groups = helpers.call_action("group_list", all_fields=True)
        assert groups[0]["package_count"] == 3
        assert app.get("/organization/org-counted").status_code == 200


class TestPagingAndFields:
    def test_rows_and_start_page_through_everything_once(self, formats_catalogue):
        seen: list[str] = []
        for start in range(0, 12, 5):
            seen += names(package_search(rows=5, start=start, sort="name asc"))
        assert seen == [f"dataset-{i:02d}" for i in range(12)]

    def test_fl_returns_only_the_requested_fields(self, formats_catalogue):
        result = package_search(fl="name,title", rows=1, sort="name asc")
        assert result["results"] == [{"name": "dataset-00", "title": "Dataset 00"}]
        result = package_search(fl="id", rows=3)
        assert all(set(r) == {"id"} for r in result["results"])

    def test_results_are_the_validated_dataset_dicts(self, formats_catalogue):
        result = package_search(q="name:dataset-11")
        dataset = result["results"][0]
        assert dataset["name"] == "dataset-11"
        assert {r["format"] for r in dataset["resources"]} == {"XLSX", "CSV"}
        assert dataset["organization"]["name"] == "org-one"

    def test_package_show_is_served_from_the_index_when_current(self, formats_catalogue):
        indexed = search.show("dataset-03")
        assert indexed["name"] == "dataset-03"
        assert indexed["metadata_modified"].endswith("Z")
        shown = helpers.call_action("package_show", id="dataset-03")
        assert shown["name"] == "dataset-03"


class TestVisibility:
    @pytest.fixture
    def private_setup(self):
        member = factories.User()
        outsider = factories.User()
        org = factories.Organization(users=[{"name": member["name"], "capacity": "member"}])
        public = factories.Dataset(name="open-data", owner_org=org["id"])
        private = factories.Dataset(name="closed-data", owner_org=org["id"], private=True)
        draft = factories.Dataset(name="draft-data", owner_org=org["id"], state="draft")
        deleted = factories.Dataset(name="gone-data", owner_org=org["id"])
        helpers.call_action("package_delete", id=deleted["id"])
        return {"member": member, "outsider": outsider, "org": org, "public": public, "private": private,
                "draft": draft}

    def test_anonymous_sees_only_public_active(self, private_setup):
        result = package_search(context={"user": "", "ignore_auth": False}, include_private=True)
        assert names(result) == ["open-data"]

    def test_permission_labels_let_members_see_private_datasets(self, private_setup):
        member = {"user": private_setup["member"]["name"], "ignore_auth": False}
        outsider = {"user": private_setup["outsider"]["name"], "ignore_auth": False}
        assert set(names(package_search(context=member, include_private=True))) == {"open-data", "closed-data"}
        assert set(names(package_search(context=outsider, include_private=True))) == {"open-data"}
        assert set(names(package_search(context=member, include_private=False))) == {"open-data"}

    def test_drafts_only_with_include_drafts(self, private_setup):
        sysadmin = {"user": factories.Sysadmin()["name"], "ignore_auth": False}
        assert "draft-data" not in names(package_search(context=sysadmin))
        assert "draft-data" in names(package_search(context=sysadmin, include_drafts=True))

    @pytest.mark.ckan_config("ckan.search.remove_deleted_packages", False)
    def test_deleted_only_with_include_deleted(self):
        dataset = factories.Dataset(name="to-delete")
        helpers.call_action("package_delete", id=dataset["id"])
        assert package_search(q="name:to-delete")["count"] == 0
        assert package_search(q="name:to-delete", include_deleted=True)["count"] == 1

    def test_dataset_page_lists_and_counts(self, app, private_setup):
        response = app.get("/dataset/")
        assert response.status_code == 200
        assert "open-data" in response.body
        assert "closed-data" not in response.body


class TestIndexTable:
    def test_index_row_holds_hot_columns_and_weighted_vector(self):
        org = factories.Organization(name="eco")
        dataset = factories.Dataset(title="空气质量", owner_org=org["id"], tags=[{"name": "环境"}], private=True)
        row = model.Session.execute(sa.text(
            f"SELECT name, capacity, owner_org, organization, tags, permission_labels, "
            f"tsv::text AS vector FROM {TABLE_NAME} WHERE id = :id"), {"id": dataset["id"]}).mappings().one()
        assert row["capacity"] == "private"
        assert row["owner_org"] == org["id"] and row["organization"] == "eco"
        assert row["tags"] == ["环境"]
        assert row["permission_labels"] == [f"member-{org['id']}"]
        assert "'空气':" in row["vector"] and "A" in row["vector"].split("'空气':")[1].split(" ")[0]

    def test_table_survives_clean_db(self, reset_db):
        factories.Dataset(name="before-reset")
        reset_db()  # drops every table the first time in a process, deletes rows afterwards
        factories.Dataset(name="after-reset")
        assert names(package_search()) == ["after-reset"]

    def test_connection_surface(self):
        dataset = factories.Dataset(name="direct")
        connection = search_common.make_connection()
        assert isinstance(connection, PostgresSearchConnection)
        result = connection.search(q="*:*", fq=f'+id:"{dataset["id"]}"', fl="id name", rows=5)
        assert result.hits == 1 and result.docs == [{"id": dataset["id"], "name": "direct"}]
        connection.delete(q=f'+name:"direct"', commit=True)
        assert connection.search(q="name:direct").hits == 0


class TestInstall:
    def test_make_connection_replaced_everywhere_it_was_bound(self):
        for module in (search, search_common, search_index, search_query):
            assert isinstance(module.make_connection(), PostgresSearchConnection), module.__name__
        harvest_update = pytest.importorskip("ckanext.harvest.logic.action.update")
        assert isinstance(harvest_update.make_connection(), PostgresSearchConnection)

    def test_uninstall_restores_solr_and_configure_reinstalls(self):
        from ckan.common import config

        assert backend_install.is_installed()
        backend_install.uninstall()
        try:
            connection = search_common.make_connection()
            assert type(connection).__name__ == "Solr"
            assert search.check_solr_schema_version.__module__ == "ckan.lib.search"
        finally:
            backend_install.configure(config)
        assert isinstance(search_common.make_connection(), PostgresSearchConnection)
        assert config["solr_url"] == backend_install.SOLR_URL_PLACEHOLDER

    def test_solr_backend_changes_nothing(self):
        from ckan.common import config

        backend_install.uninstall()
        try:
            settings = {"ckanext.publicdata.search.backend": "solr", "solr_url": "http://solr.example:8983/solr/c"}
            backend_install.configure(settings)
            assert settings["solr_url"] == "http://solr.example:8983/solr/c"
            assert not backend_install.is_installed()
            assert type(search_common.make_connection()).__name__ == "Solr"
        finally:
            backend_install.configure(config)


class TestHealth:
    def test_doctor_reports_backend_and_agreement(self):
        dataset = factories.Dataset(name="healthy")
        ok, detail = backend_install.health("postgres")
        assert ok, detail
        assert "backend postgres" in detail and "0 unindexed" in detail

        search.clear(dataset["id"])
        model.Session.commit()
        ok, detail = backend_install.health("postgres")
        assert not ok
        assert "1 unindexed" in detail and "rebuild" in detail

        search.rebuild(dataset["id"])
        assert backend_install.health("postgres")[0]

    def test_doctor_reports_stale_entries(self):
        dataset = factories.Dataset(name="stale-one")
        model.Session.query(model.Package).filter_by(id=dataset["id"]).update({"title": "changed behind CKAN's back"})
        model.Session.execute(sa.text(
            "UPDATE package SET metadata_modified = metadata_modified + interval '1 minute' WHERE id = :id"),
            {"id": dataset["id"]})
        model.Session.commit()
        ok, detail = backend_install.health("postgres")
        assert not ok and "1 stale" in detail
