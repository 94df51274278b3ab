"""Write-time consistency of the embedded index and the `ckan search-index` commands (issue 3, items 4-6).

Every change to a dataset is visible to search when the action returns; the index row commits in the
same transaction as the dataset, so a failed index write fails the write; `search-index check` finds
any disagreement and `rebuild` / `clear-orphans` repair it.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.lib.search as search
import ckan.model as model
import ckan.plugins as plugins
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
from ckan.cli.search_index import search_index as search_index_command
from ckan.lib.search.common import SearchIndexError

from ckanext.publicdata.search.index_model import TABLE_NAME

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "publicdata_search"),
    pytest.mark.ckan_config("ckanext.publicdata.search.backend", "postgres"),
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def found(**params) -> list[str]:
    return [r["name"] for r in helpers.call_action("package_search", **params)["results"]]


def index_rows(dataset_id: str) -> list[dict]:
    return [dict(r) for r in model.Session.execute(
        sa.text(f"SELECT name, title, state, capacity FROM {TABLE_NAME} WHERE id = :id"), {"id": dataset_id}
    ).mappings()]


class TestChangesAreSearchableWhenTheActionReturns:
    def test_create(self):
        factories.Dataset(name="fresh", title="新建数据集")
        assert found(q="新建") == ["fresh"]

    def test_update(self):
        dataset = factories.Dataset(name="renamed", title="旧标题")
        helpers.call_action("package_patch", id=dataset["id"], title="新标题")
        assert found(q="新标题") == ["renamed"]
        assert found(q="旧标题") == []

    def test_resource_change_reindexes_the_dataset(self):
        dataset = factories.Dataset(name="with-resource")
        helpers.call_action("resource_create", package_id=dataset["id"], url="http://example.com/x", format="GeoJSON")
        assert found(fq="res_format:GeoJSON") == ["with-resource"]

    def test_made_private(self):
        org = factories.Organization()
        dataset = factories.Dataset(name="soon-private", owner_org=org["id"])
        helpers.call_action("package_patch", id=dataset["id"], private=True)
        anonymous = {"user": "", "ignore_auth": False}
        assert helpers.call_action("package_search", context=anonymous, include_private=True)["count"] == 0
        assert index_rows(dataset["id"])[0]["capacity"] == "private"

    def test_deleted_then_purged(self, migrate_db_for):
        dataset = factories.Dataset(name="short-lived")
        helpers.call_action("package_delete", id=dataset["id"])
        assert found(q="name:short-lived") == []
        # the portal's session imported ckanext-harvest, whose model cascades a purge to harvest_object
        with plugins.use_plugin("harvest"):
            migrate_db_for("harvest")
        helpers.call_action("dataset_purge", id=dataset["id"])
        assert index_rows(dataset["id"]) == []


class TestSameTransaction:
    def test_index_row_commits_or_rolls_back_with_the_session(self):
        dataset = factories.Dataset(name="coupled")
        search.clear(dataset["id"])
        model.Session.commit()
        package_dict = helpers.call_action("package_show", id=dataset["id"])
        search.index_for(model.Package).index_package(package_dict, defer_commit=True)
        # visible inside the session's transaction, invisible to any other connection
        assert len(index_rows(dataset["id"])) == 1
        with model.meta.engine.connect() as other:
            assert other.execute(sa.text(f"SELECT count(*) FROM {TABLE_NAME} WHERE id = :id"),
                                 {"id": dataset["id"]}).scalar() == 0
        model.Session.rollback()
        assert index_rows(dataset["id"]) == []

    def test_failed_index_write_fails_the_dataset_write(self):
        """A real database failure on the index (a trigger) → package_create fails, nothing stored."""
        model.Session.execute(sa.text(
            "CREATE OR REPLACE FUNCTION publicdata_test_refuse() RETURNS trigger AS $$ BEGIN "
            "IF NEW.name = 'refused' THEN RAISE EXCEPTION 'index refused'; END IF; RETURN NEW; END $$ "
            "LANGUAGE plpgsql"))
        model.Session.execute(sa.text(
            f"CREATE TRIGGER publicdata_test_refuse BEFORE INSERT OR UPDATE ON {TABLE_NAME} "
            "FOR EACH ROW EXECUTE FUNCTION publicdata_test_refuse()"))
        model.Session.commit()
        try:
            with pytest.raises(SearchIndexError):
                helpers.call_action("package_create", name="refused", title="never stored")
            model.Session.rollback()
            assert model.Session.query(model.Package).filter_by(name="refused").count() == 0
            assert found(q="name:refused") == []
            # the session is usable and other writes still work
            factories.Dataset(name="accepted")
            assert found(q="name:accepted") == ["accepted"]
        finally:
            model.Session.rollback()
            model.Session.execute(sa.text(f"DROP TRIGGER IF EXISTS publicdata_test_refuse ON {TABLE_NAME}"))
            model.Session.execute(sa.text("DROP FUNCTION IF EXISTS publicdata_test_refuse()"))
            model.Session.commit()

    def test_failed_index_write_through_the_api_is_an_error_not_a_silent_success(self, app):
        sysadmin = factories.SysadminWithToken()
        model.Session.execute(sa.text(
            "CREATE OR REPLACE FUNCTION publicdata_test_refuse() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'index refused'; END $$ LANGUAGE plpgsql"))
        model.Session.execute(sa.text(
            f"CREATE TRIGGER publicdata_test_refuse BEFORE INSERT ON {TABLE_NAME} "
            "FOR EACH ROW EXECUTE FUNCTION publicdata_test_refuse()"))
        model.Session.commit()
        try:
            response = app.post("/api/3/action/package_create", json={"name": "api-refused"},
                                headers={"Authorization": sysadmin["token"]}, status=500)
            assert response.json["error"]["__type"] == "Search Index Error"
        finally:
            model.Session.rollback()
            model.Session.execute(sa.text(f"DROP TRIGGER IF EXISTS publicdata_test_refuse ON {TABLE_NAME}"))
            model.Session.execute(sa.text("DROP FUNCTION IF EXISTS publicdata_test_refuse()"))
            model.Session.commit()
        assert model.Session.query(model.Package).filter_by(name="api-refused").count() == 0


@pytest.fixture
def cli():
    """CKAN's own ``search-index`` click group, run in this process with this test's configuration.

    (CKAN's ``cli`` fixture re-reads the ini file and would load the portal's full plugin list.)
    """
    from click.testing import CliRunner

    class Runner:
        def invoke(self, args):
            assert args[0] == "search-index"
            return CliRunner().invoke(search_index_command, args[1:], catch_exceptions=False)

    return Runner()


class TestSearchIndexCommands:
    def test_check_reports_unindexed_and_rebuild_only_missing_fixes_it(self, cli):
        factories.Dataset(name="kept")
        factories.Dataset(name="dropped")
        result = cli.invoke(["search-index", "clear", "dropped"])
        assert not result.exit_code, result.output
        result = cli.invoke(["search-index", "check"])
        assert "Packages not indexed = 1 out of 2" in result.output
        assert "dropped" in result.output
        result = cli.invoke(["search-index", "rebuild", "--only-missing"])
        assert not result.exit_code, result.output
        result = cli.invoke(["search-index", "check"])
        assert "Packages not indexed = 0 out of 2" in result.output

    def test_check_reports_stale_entries_and_rebuild_fixes_them(self, cli):
        dataset = factories.Dataset(name="edited-behind", title="Before")
        model.Session.execute(sa.text(
            "UPDATE package SET title = 'After', metadata_modified = metadata_modified + interval '1 second' "
            "WHERE id = :id"), {"id": dataset["id"]})
        model.Session.commit()
        result = cli.invoke(["search-index", "check"])
        assert "Stale index entries = 1" in result.output and "edited-behind" in result.output
        assert found(q="After") == []
        cli.invoke(["search-index", "rebuild"])
        result = cli.invoke(["search-index", "check"])
        assert "Stale index entries = 0" in result.output
        assert found(q="After") == ["edited-behind"]

    def test_orphans_are_listed_and_cleared(self, cli):
        dataset = factories.Dataset(name="orphan-to-be")
        model.Session.execute(sa.text("DELETE FROM package WHERE id = :id"), {"id": dataset["id"]})
        model.Session.commit()
        result = cli.invoke(["search-index", "check"])
        assert "Orphaned index entries = 1" in result.output
        result = cli.invoke(["search-index", "list-orphans"])
        assert "Found 1 orphaned package(s)." in result.output
        cli.invoke(["search-index", "clear-orphans"])
        result = cli.invoke(["search-index", "check"])
        assert "Orphaned index entries = 0" in result.output

    def test_show_and_clear_all(self, cli):
        factories.Dataset(name="shown", title="展示")
        result = cli.invoke(["search-index", "show", "shown"])
        assert not result.exit_code, result.output
        assert "'name': 'shown'" in result.output
        cli.invoke(["search-index", "clear"])
        assert helpers.call_action("package_search")["count"] == 0
        result = cli.invoke(["search-index", "rebuild", "--clear"])
        assert not result.exit_code, result.output
        assert found() == ["shown"]

    def test_list_unindexed(self, cli):
        dataset = factories.Dataset(name="not-listed")
        search.clear(dataset["id"])
        model.Session.commit()
        result = cli.invoke(["search-index", "list-unindexed"])
        assert "Found 1 unindexed package(s)." in result.output
