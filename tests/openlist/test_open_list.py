"""The annual open list (TAX-8; BZ-R 8, SU 13): published by the authority, public page, exports, adjustments."""
from __future__ import annotations

import csv
import io
import itertools

import openpyxl
import pytest
from freezegun import freeze_time

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.publicdata.openlist.views import EXPORT_HEADERS

# These tests are about published datasets; publication review (TAX-13, tested in
# tests/catalog/test_publication_review.py) is off so provider staff's datasets publish at once.
pytestmark = pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false")

AUTHORITY = "city-big-data-bureau"  # ckanext.publicdata.authority_organization in config/ckan.ini
YEAR = 2026
_numbers = itertools.count(1)


def _bilingual(message: str) -> bool:
    return " / " in message and any("\u4e00" <= char <= "\u9fff" for char in message)


def _dataset(user: str, org: str, title: str, **fields):
    data = {
        "title": title,
        "identifier": f"37160000-0001-2026-{next(_numbers):06d}",
        "owner_org": org,
        "open_attribute": "unconditional",
        "notes": f"{title}摘要",
        "theme": "economy",
        "update_frequency": "monthly",
        "open_method": ["download"],
    }
    data.update(fields)
    return tk.get_action("package_create")({"user": user}, data)


def _headers(user_name: str) -> dict[str, str]:
    return {"Authorization": factories.APIToken(user=user_name)["token"]}


@pytest.fixture
def catalog():
    """An authority, two providers and datasets of every kind (public, conditional, not open, private)."""
    authority_admin = factories.User(name="authority_admin")
    provider = factories.User(name="provider_editor")
    factories.Organization(name=AUTHORITY, title="滨州市大数据局",
                           users=[{"name": authority_admin["name"], "capacity": "admin"}])
    market = factories.Organization(name="city-market", title="滨州市市场监督管理局",
                                    users=[{"name": provider["name"], "capacity": "editor"}])
    health = factories.Organization(name="city-health", title="滨州市卫生健康委员会",
                                    users=[{"name": provider["name"], "capacity": "editor"}])
    user = provider["name"]
    datasets = {
        "open": _dataset(user, market["id"], "企业登记信息", open_method=["download", "api"]),
        "conditional": _dataset(user, health["id"], "医疗机构执业信息", open_attribute="conditional",
                                open_conditions=["application_scenario"],
                                open_conditions_text="申请人须说明应用场景。", update_frequency="quarterly"),
        "not_open": _dataset(user, market["id"], "个人信用评分", open_attribute="not_open",
                             not_open_basis="《中华人民共和国个人信息保护法》第二十八条"),
        "private": _dataset(user, market["id"], "内部草稿目录", private=True),
    }
    return {"authority": authority_admin["name"], "provider": user, "market": market, "health": health,
            "datasets": datasets}


def _publish(catalog, **extra):
    return helpers.call_action("publicdata_open_list_publish", context={"user": catalog["authority"]},
                               year=YEAR, **extra)


def _public_show(**params):
    return helpers.call_action("publicdata_open_list_show", context={"user": ""}, **params)


def _identifiers(*datasets) -> set[str]:
    return {dataset["identifier"] for dataset in datasets}


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestPublish:
    def test_the_authority_publishes_a_snapshot_of_the_public_catalog(self, catalog):
        published = _publish(catalog)
        assert published["status"] == "published" and published["count"] == 2
        shown = _public_show(year=YEAR)
        data = catalog["datasets"]
        assert {entry["identifier"] for entry in shown["entries"]} == _identifiers(data["open"], data["conditional"])
        line = next(entry for entry in shown["entries"] if entry["package_id"] == data["open"]["id"])
        assert line["open_method"] == ["download", "api"]
        assert line["organization_title"] == "滨州市市场监督管理局"
        assert line["change"] == "published" and line["removed_at"] is None
        assert shown["years"] == [YEAR] and shown["adjustments"] == []

    def test_a_sysadmin_may_publish(self, catalog):
        sysadmin = factories.Sysadmin()
        result = helpers.call_action("publicdata_open_list_publish", context={"user": sysadmin["name"]}, year=YEAR)
        assert result["status"] == "published"

    def test_a_provider_may_not_publish(self, catalog):
        with pytest.raises(tk.NotAuthorized) as error:
            tk.get_action("publicdata_open_list_publish")({"user": catalog["provider"]}, {"year": YEAR})
        assert _bilingual(str(error.value)) and "开放清单" in str(error.value)

    def test_anonymous_and_provider_get_403_through_the_api(self, app, catalog):
        url = "/api/3/action/publicdata_open_list_publish"
        anonymous = app.post(url, json={"year": YEAR}, status=403)
        assert anonymous.json["success"] is False
        provider = app.post(url, json={"year": YEAR}, headers=_headers(catalog["provider"]), status=403)
        assert _bilingual(provider.json["error"]["message"])
        with pytest.raises(tk.ObjectNotFound):
            _public_show(year=YEAR)  # nothing was published

    def test_a_published_year_is_not_re_taken(self, catalog):
        _publish(catalog)
        with pytest.raises(tk.ValidationError) as error:
            _publish(catalog)
        assert _bilingual(error.value.error_dict["year"][0])

    @pytest.mark.parametrize("year", ["abc", 1999, 2101])
    def test_a_bad_year_is_refused_with_409(self, app, catalog, year):
        response = app.post("/api/3/action/publicdata_open_list_publish", json={"year": year},
                            headers=_headers(catalog["authority"]), status=409)
        assert _bilingual(response.json["error"]["year"][0])

    def test_a_draft_is_seen_by_the_authority_only_until_published(self, app, catalog):
        draft = _publish(catalog, draft=True)
        assert draft["status"] == "draft" and draft["published_at"] is None
        with pytest.raises(tk.ObjectNotFound):
            _public_show(year=YEAR)
        app.get(tk.url_for("publicdata_open_list.read", year=YEAR), status=404)
        seen = helpers.call_action("publicdata_open_list_show", context={"user": catalog["authority"]}, year=YEAR)
        assert seen["status"] == "draft" and seen["count"] == 2

        # a dataset created meanwhile is in the list once it is published
        later = _dataset(catalog["provider"], catalog["market"]["id"], "食品经营许可信息")
        assert _publish(catalog)["count"] == 3
        shown = _public_show()  # no year: the latest published
        assert shown["year"] == YEAR and later["identifier"] in {entry["identifier"] for entry in shown["entries"]}


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestPublicPageAndExports:
    def test_the_page_lists_exactly_the_public_entries(self, app, catalog):
        _publish(catalog)
        data = catalog["datasets"]
        page = app.get(tk.url_for("publicdata_open_list.read", year=YEAR)).body
        for key in ("open", "conditional"):
            assert data[key]["identifier"] in page and data[key]["title"] in page
        for key in ("not_open", "private"):
            assert data[key]["identifier"] not in page and data[key]["title"] not in page
        # /open-list goes to the latest year
        assert app.get("/open-list", follow_redirects=False).headers["Location"].endswith(f"/open-list/{YEAR}")

    def test_filters_by_organization_and_open_attribute(self, app, catalog):
        _publish(catalog)
        data = catalog["datasets"]
        by_org = _public_show(year=YEAR, organization="city-health")
        assert _identifiers(*[{"identifier": e["identifier"]} for e in by_org["entries"]]) == _identifiers(
            data["conditional"])
        by_attribute = _public_show(year=YEAR, open_attribute="unconditional")
        assert [entry["identifier"] for entry in by_attribute["entries"]] == [data["open"]["identifier"]]
        with pytest.raises(tk.ValidationError) as error:
            _public_show(year=YEAR, open_attribute="not_open")  # never listed, not even on request
        assert _bilingual(error.value.error_dict["open_attribute"][0])

        page = app.get(tk.url_for("publicdata_open_list.read", year=YEAR, organization="city-market")).body
        assert data["open"]["identifier"] in page and data["conditional"]["identifier"] not in page

    def test_csv_export_has_a_bom_chinese_headers_and_the_public_entries(self, app, catalog):
        _publish(catalog)
        data = catalog["datasets"]
        response = app.get(tk.url_for("publicdata_open_list.export_csv", year=YEAR))
        assert response.headers["Content-Type"].startswith("text/csv")
        assert "attachment" in response.headers["Content-Disposition"]
        raw = response.data
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert tuple(rows[0]) == EXPORT_HEADERS
        by_identifier = {row[0]: row for row in rows[1:]}
        assert set(by_identifier) == _identifiers(data["open"], data["conditional"])
        open_row = by_identifier[data["open"]["identifier"]]
        assert open_row[1] == "企业登记信息" and open_row[2] == "滨州市市场监督管理局"
        assert open_row[3] == "无条件开放" and open_row[4] == "每月"
        assert "数据下载" in open_row[5] and "接口调用" in open_row[5]
        assert by_identifier[data["conditional"]["identifier"]][3] == "有条件开放"

    def test_xlsx_export_parses_and_matches_the_csv(self, app, catalog):
        _publish(catalog)
        data = catalog["datasets"]
        response = app.get(tk.url_for("publicdata_open_list.export_xlsx", year=YEAR, open_attribute="conditional"))
        assert "spreadsheetml" in response.headers["Content-Type"]
        workbook = openpyxl.load_workbook(io.BytesIO(response.data))
        rows = [[cell if cell is not None else "" for cell in row] for row in workbook.active.iter_rows(values_only=True)]
        assert tuple(rows[0]) == EXPORT_HEADERS
        assert [row[0] for row in rows[1:]] == [data["conditional"]["identifier"]]
        csv_rows = list(csv.reader(io.StringIO(app.get(tk.url_for(
            "publicdata_open_list.export_csv", year=YEAR, open_attribute="conditional")).data.decode("utf-8-sig"))))
        assert [list(map(str, row)) for row in rows] == csv_rows

    def test_the_listing_date_is_the_city_date(self, app, catalog):
        with freeze_time("2026-06-29 20:00:00"):  # 2026-06-30 04:00 in Asia/Shanghai: still by the end of June
            published = _publish(catalog)
        assert published["published_at"].startswith("2026-06-29T20:00")
        rows = list(csv.reader(io.StringIO(app.get(tk.url_for(
            "publicdata_open_list.export_csv", year=YEAR)).data.decode("utf-8-sig"))))
        assert {row[6] for row in rows[1:]} == {"2026-06-30"}

    def test_an_unpublished_year_is_404(self, app, catalog):
        app.get(tk.url_for("publicdata_open_list.export_csv", year=YEAR), status=404)
        app.get(tk.url_for("publicdata_open_list.read", year=YEAR), status=404)
        assert app.get("/open-list").status_code == 200  # says nothing is published yet


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestAdjustments:
    def test_changes_after_publication_are_recorded_and_shown(self, app, catalog):
        _publish(catalog)
        data = catalog["datasets"]
        provider = {"user": catalog["provider"]}
        added = _dataset(catalog["provider"], catalog["health"]["id"], "传染病防治机构名录", update_frequency="annual")
        # an upgrade (有条件 → 无条件) is free; the frequency changes too
        tk.get_action("package_patch")(provider, {"id": data["conditional"]["id"], "open_attribute": "unconditional",
                                                  "update_frequency": "monthly"})
        tk.get_action("package_delete")(provider, {"id": data["open"]["id"]})
        # a private dataset made public joins the list as well
        tk.get_action("package_patch")(provider, {"id": data["private"]["id"], "private": False})

        counts = helpers.call_action("publicdata_open_list_sync", context={"user": catalog["authority"]}, year=YEAR)
        assert (counts["added"], counts["changed"], counts["removed"]) == (2, 1, 1)

        shown = _public_show(year=YEAR)
        in_force = {entry["identifier"]: entry for entry in shown["entries"]}
        assert set(in_force) == _identifiers(added, data["conditional"], data["private"])
        changed = in_force[data["conditional"]["identifier"]]
        assert changed["change"] == "changed" and changed["open_attribute"] == "unconditional"
        assert "有条件开放 → 无条件开放" in changed["change_reason"] and "每季度 → 每月" in changed["change_reason"]
        kinds = {(item["kind"], item["identifier"]) for item in shown["adjustments"]}
        assert kinds == {("added", added["identifier"]), ("added", data["private"]["identifier"]),
                         ("changed", data["conditional"]["identifier"]), ("removed", data["open"]["identifier"])}
        removed = next(item for item in shown["adjustments"] if item["kind"] == "removed")
        assert "删除" in removed["reason"]

        # the list as published is still there, with the removed and replaced lines closed
        history = _public_show(year=YEAR, include_removed=True)
        closed = [entry for entry in history["entries"] if entry["removed_at"]]
        assert len(history["entries"]) == 5  # 2 published + 2 added + 1 replacing a changed line
        assert sorted(entry["identifier"] for entry in closed) == sorted(_identifiers(data["open"],
                                                                                    data["conditional"]))

        page = app.get(tk.url_for("publicdata_open_list.read", year=YEAR)).body
        assert 'data-kind="removed"' in page and data["open"]["identifier"] in page
        assert "新列入开放清单" in page
        rows = list(csv.reader(io.StringIO(app.get(tk.url_for(
            "publicdata_open_list.export_csv", year=YEAR)).data.decode("utf-8-sig"))))
        notes = {row[0]: row[7] for row in rows[1:]}
        assert set(notes) == set(in_force)
        assert "新列入" in notes[added["identifier"]] and "开放属性" in notes[data["conditional"]["identifier"]]

        # a second sync with no change records nothing new
        again = helpers.call_action("publicdata_open_list_sync", context={"user": catalog["authority"]}, year=YEAR)
        assert (again["added"], again["changed"], again["removed"]) == (0, 0, 0)

    def test_a_not_open_downgrade_never_reaches_the_public_list(self, catalog):
        _publish(catalog)
        data = catalog["datasets"]
        sysadmin = factories.Sysadmin()
        # the authority approves the downgrade: the dataset becomes 不予开放 (and private)
        tk.get_action("package_patch")({"user": catalog["provider"]}, {
            "id": data["open"]["id"], "open_attribute": "not_open",
            "not_open_basis": "《中华人民共和国数据安全法》第二十一条"})
        pending = helpers.call_action("publicdata_open_attribute_change_list", context={"user": sysadmin["name"]})
        for change in pending:
            helpers.call_action("publicdata_open_attribute_change_approve", context={"user": sysadmin["name"]},
                                id=change["id"])
        assert tk.get_action("package_show")({"user": sysadmin["name"]},
                                             {"id": data["open"]["id"]})["open_attribute"] == "not_open"
        helpers.call_action("publicdata_open_list_sync", context={"user": catalog["authority"]}, year=YEAR)
        shown = _public_show(year=YEAR)
        assert data["open"]["identifier"] not in {entry["identifier"] for entry in shown["entries"]}
        removed = [item for item in shown["adjustments"] if item["kind"] == "removed"]
        assert [item["identifier"] for item in removed] == [data["open"]["identifier"]]
        assert "不予开放" in removed[0]["reason"]

    def test_sync_needs_a_published_list_and_the_authority(self, catalog):
        with pytest.raises(tk.ValidationError) as error:
            helpers.call_action("publicdata_open_list_sync", context={"user": catalog["authority"]}, year=YEAR)
        assert _bilingual(error.value.error_dict["year"][0])
        _publish(catalog)
        with pytest.raises(tk.NotAuthorized) as denied:
            tk.get_action("publicdata_open_list_sync")({"user": catalog["provider"]}, {"year": YEAR})
        assert _bilingual(str(denied.value))

    def test_the_authority_sees_the_draft_and_the_management_box(self, app, catalog):
        headers = _headers(catalog["authority"])
        empty = app.get("/open-list", headers=headers).body
        assert 'action="/open-list/publish"' in empty
        assert 'action="/open-list/publish"' not in app.get("/open-list").body  # not for the public
        _publish(catalog, draft=True)
        draft = app.get(tk.url_for("publicdata_open_list.read", year=YEAR), headers=headers).body
        assert 'class="alert alert-warning"' in draft and catalog["datasets"]["open"]["identifier"] in draft
        assert 'action="/open-list/sync"' not in draft  # nothing to adjust before publication
        _publish(catalog)
        published = app.get(tk.url_for("publicdata_open_list.read", year=YEAR), headers=headers).body
        assert 'action="/open-list/sync"' in published and 'class="alert alert-warning"' not in published

    def test_the_sync_command(self, cli, catalog):
        from ckan.cli.cli import ckan as ckan_command

        before = cli.invoke(ckan_command, ["publicdata", "open-list", "sync", "--year", str(YEAR)])
        assert before.exit_code == 1 and "尚未发布" in before.output
        _publish(catalog)
        _dataset(catalog["provider"], catalog["market"]["id"], "个体工商户登记信息")
        result = cli.invoke(ckan_command, ["publicdata", "open-list", "sync", "--year", str(YEAR)])
        assert result.exit_code == 0, result.output
        assert f"{YEAR}: 1 added, 0 changed, 0 removed" in result.output

    def test_the_authority_buttons_publish_and_sync(self, app, catalog):
        headers = _headers(catalog["authority"])
        app.post(tk.url_for("publicdata_open_list.manage", operation="publish"), data={"year": YEAR},
                 headers=headers)
        assert _public_show(year=YEAR)["count"] == 2
        added = _dataset(catalog["provider"], catalog["market"]["id"], "个体工商户登记信息")
        app.post(tk.url_for("publicdata_open_list.manage", operation="sync"), data={"year": YEAR}, headers=headers)
        assert added["identifier"] in {entry["identifier"] for entry in _public_show(year=YEAR)["entries"]}
        app.post(tk.url_for("publicdata_open_list.manage", operation="sync"), data={"year": YEAR},
                 headers=_headers(catalog["provider"]), status=403)
