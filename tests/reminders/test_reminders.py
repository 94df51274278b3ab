"""Update reminders (TAX-11; BZ-R 12, SU 16): overdue computation, reminders sent once, the authority's page."""
from __future__ import annotations

import datetime
import itertools

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import factories, helpers

from ckanext.publicdata.notifications.model import Notification
from ckanext.publicdata.reminders import service
from ckanext.publicdata.reminders.model import UpdateReminder

# These tests are about published datasets; publication review (TAX-13, tested in
# tests/catalog/test_publication_review.py) is off so provider staff's datasets publish at once.
pytestmark = pytest.mark.ckan_config("ckanext.publicdata.publication_review.enabled", "false")

AUTHORITY = "city-big-data-bureau"  # ckanext.publicdata.authority_organization in config/ckan.ini
TODAY = datetime.date(2026, 6, 15)
NOON_IN_CHINA = "2026-06-15 04:00:00"  # UTC; 12:00 in Asia/Shanghai, the same date
_numbers = itertools.count(1)


def _dataset(user: str, org: str, title: str, **fields):
    data = {
        "title": title,
        "identifier": f"37160000-0002-2026-{next(_numbers):06d}",
        "owner_org": org,
        "open_attribute": "unconditional",
        "notes": f"{title}摘要",
        "theme": "economy",
        "update_frequency": "monthly",
    }
    data.update(fields)
    return tk.get_action("package_create")({"user": user}, data)


def _set_metadata_modified(package_id: str, when: datetime.datetime) -> None:
    """Back-date a dataset's last modification (CKAN's column default is bound before freezegun can patch it)."""
    model.Session.execute(sa.text("update package set metadata_modified = :when where id = :id"),
                          {"when": when, "id": package_id})
    model.Session.commit()


def _bilingual(message: str) -> bool:
    return " / " in message and any("\u4e00" <= char <= "\u9fff" for char in message)


# (update_frequency, data_updated of a dataset just overdue by one day, of one due today) as of TODAY
FREQUENCY_CASES = [
    ("realtime", "2026-06-13", "2026-06-14"),
    ("daily", "2026-06-13", "2026-06-14"),
    ("weekly", "2026-06-07", "2026-06-08"),
    ("monthly", "2026-05-14", "2026-05-15"),
    ("quarterly", "2026-03-14", "2026-03-15"),
    ("semiannual", "2025-12-14", "2025-12-15"),
    ("annual", "2025-06-14", "2025-06-15"),
]


@pytest.fixture
def people():
    authority_admin = factories.User(name="authority_admin")
    provider_editor = factories.User(name="provider_editor")
    provider_admin = factories.User(name="provider_admin")
    provider_member = factories.User(name="provider_member")
    other_editor = factories.User(name="other_editor")
    factories.Organization(name=AUTHORITY, title="滨州市大数据局",
                           users=[{"name": "authority_admin", "capacity": "admin"}])
    market = factories.Organization(name="city-market", title="滨州市市场监督管理局", users=[
        {"name": "provider_editor", "capacity": "editor"}, {"name": "provider_admin", "capacity": "admin"},
        {"name": "provider_member", "capacity": "member"}])
    transport = factories.Organization(name="city-transport", title="滨州市交通运输局",
                                       users=[{"name": "other_editor", "capacity": "editor"}])
    return {"authority": authority_admin, "editor": provider_editor, "admin": provider_admin,
            "member": provider_member, "other": other_editor, "market": market, "transport": transport}


def _notifications(user_id: str, kind: str = service.NOTIFICATION_KIND) -> list[Notification]:
    return model.Session.query(Notification).filter_by(user_id=user_id, kind=kind).all()


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestOverdueComputation:
    @pytest.mark.parametrize("frequency,overdue_date,due_today_date", FREQUENCY_CASES)
    def test_each_frequency_is_due_after_its_interval(self, people, frequency, overdue_date, due_today_date):
        user, org = people["editor"]["name"], people["market"]["id"]
        late = _dataset(user, org, "逾期数据集", update_frequency=frequency, data_updated=overdue_date)
        on_time = _dataset(user, org, "按时数据集", update_frequency=frequency, data_updated=due_today_date)

        with freeze_time(NOON_IN_CHINA):
            assert service.today() == TODAY
            overdue = {dataset["id"]: dataset for dataset in service.overdue_datasets()}
        assert set(overdue) == {late["id"]}
        assert overdue[late["id"]]["days_overdue"] == 1
        assert overdue[late["id"]]["last_update"] == datetime.date.fromisoformat(overdue_date)
        assert overdue[late["id"]]["due_date"] == TODAY - datetime.timedelta(days=1)
        assert on_time["id"] not in overdue

    def test_irregular_is_never_overdue(self, people):
        _dataset(people["editor"]["name"], people["market"]["id"], "不定期数据", update_frequency="irregular",
                 data_updated="2019-01-01")
        assert service.overdue_datasets(TODAY) == []

    def test_without_data_updated_the_metadata_modification_counts(self, people):
        dataset = _dataset(people["editor"]["name"], people["market"]["id"], "未填更新时间")
        _set_metadata_modified(dataset["id"], datetime.datetime(2026, 5, 1, 2, 0))
        assert "data_updated" not in dataset or not dataset["data_updated"]
        [overdue] = service.overdue_datasets(TODAY)
        assert overdue["id"] == dataset["id"]
        assert overdue["last_update"] == datetime.date(2026, 5, 1)
        assert overdue["days_overdue"] == (TODAY - datetime.date(2026, 6, 1)).days

    def test_the_day_is_taken_in_the_portal_time_zone(self, people):
        # 2026-05-31 17:00 UTC is already 2026-06-01 in China: due 2026-07-01, not overdue on 2026-07-01
        dataset = _dataset(people["editor"]["name"], people["market"]["id"], "深夜修改")
        _set_metadata_modified(dataset["id"], datetime.datetime(2026, 5, 31, 17, 0))
        assert service.overdue_datasets(datetime.date(2026, 7, 1)) == []
        assert [row["id"] for row in service.overdue_datasets(datetime.date(2026, 7, 2))] == [dataset["id"]]

    @pytest.mark.ckan_config("ckanext.publicdata.reminders.grace_days", "3")
    def test_grace_days_delay_the_overdue_state(self, people):
        user, org = people["editor"]["name"], people["market"]["id"]
        three_days = _dataset(user, org, "逾期三天", update_frequency="daily", data_updated="2026-06-11")
        four_days = _dataset(user, org, "逾期四天", update_frequency="daily", data_updated="2026-06-10")
        overdue = service.overdue_datasets(TODAY)
        assert [row["id"] for row in overdue] == [four_days["id"]]
        assert overdue[0]["days_overdue"] == 4  # days past the due date, grace included
        assert three_days["id"] not in {row["id"] for row in overdue}

    def test_not_open_private_and_deleted_datasets_are_not_held_to_a_frequency(self, people):
        user, org = people["editor"]["name"], people["market"]["id"]
        stale = {"update_frequency": "daily", "data_updated": "2025-01-01"}
        _dataset(user, org, "不予开放", open_attribute="not_open",
                 not_open_basis="《中华人民共和国个人信息保护法》第二十八条", **stale)
        _dataset(user, org, "草稿", private=True, **stale)
        deleted = _dataset(user, org, "已删除", **stale)
        tk.get_action("package_delete")({"user": user}, {"id": deleted["id"]})
        conditional = _dataset(user, org, "有条件", open_attribute="conditional",
                               open_conditions=["data_security"], open_conditions_text="签署安全承诺。", **stale)
        assert [row["id"] for row in service.overdue_datasets(TODAY)] == [conditional["id"]]


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestReminders:
    def test_providers_are_reminded_once_per_overdue_period(self, people, mail_server):
        user, org = people["editor"]["name"], people["market"]["id"]
        late = _dataset(user, org, "企业登记信息", update_frequency="monthly", data_updated="2026-05-01")
        _dataset(people["other"]["name"], people["transport"]["id"], "公交线路", update_frequency="annual",
                 data_updated="2026-01-01")  # not due before 2027

        first = service.send_reminders(TODAY)
        assert first["overdue"] == 1 and first["reminded"] == 1
        for key in ("editor", "admin"):
            [notification] = _notifications(people[key]["id"])
            assert notification.object_id == late["id"] and late["name"] in notification.link
            assert "企业登记信息" in notification.title and _bilingual(notification.title)
            assert "2026-06-01" in notification.body and "14" in notification.body
        for key in ("member", "other", "authority"):
            assert _notifications(people[key]["id"]) == []
        [summary] = _notifications(people["authority"]["id"], service.SUMMARY_KIND)
        assert summary.link.endswith("/dashboard/overdue-updates")
        # e-mail is configured in the test config (smtp.test_server): the providers got one each
        recipients = sorted(message[2][0] for message in mail_server.get_smtp_messages())
        assert people["editor"]["email"] in recipients and people["admin"]["email"] in recipients
        assert people["member"]["email"] not in recipients

        # a re-run (even days later) notifies nobody again for the same overdue period
        again = service.send_reminders(TODAY + datetime.timedelta(days=5))
        assert again == {"overdue": 1, "reminded": 0, "notified": 0}
        assert len(_notifications(people["editor"]["id"])) == 1
        assert model.Session.query(UpdateReminder).count() == 1

        # the provider updates; when the dataset is late again, that is a new period and a new reminder
        tk.get_action("package_patch")({"user": user}, {"id": late["id"], "data_updated": "2026-06-16"})
        assert service.send_reminders(datetime.date(2026, 7, 16))["reminded"] == 0
        later = service.send_reminders(datetime.date(2026, 7, 17))
        assert later["reminded"] == 1
        assert len(_notifications(people["editor"]["id"])) == 2

    def test_the_cli_command_sends_and_reports(self, people, cli):
        _dataset(people["editor"]["name"], people["market"]["id"], "企业登记信息", update_frequency="weekly",
                 data_updated="2026-06-01")
        result = cli.invoke(ckan_command, ["publicdata", "reminders", "send", "--date", TODAY.isoformat()])
        assert result.exit_code == 0, result.output
        assert "1 overdue dataset(s), 1 reminded now" in result.output
        model.Session.remove()
        assert len(_notifications(people["editor"]["id"])) == 1
        rerun = cli.invoke(ckan_command, ["publicdata", "reminders", "send", "--date", TODAY.isoformat()])
        assert "0 reminded now, 0 notification(s)" in rerun.output


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestOverdueListAndPage:
    @pytest.fixture
    def overdue_catalog(self, people):
        user = people["editor"]["name"]
        market = _dataset(user, people["market"]["id"], "企业登记信息", update_frequency="daily",
                          data_updated="2026-01-01")
        transport = _dataset(people["other"]["name"], people["transport"]["id"], "公交线路",
                             update_frequency="weekly", data_updated="2026-01-01")
        return {"market": market, "transport": transport}

    def _list(self, user_name: str, **params):
        return tk.get_action("publicdata_overdue_dataset_list")({"user": user_name}, params)

    def test_the_authority_sees_all_providers_their_own(self, people, overdue_catalog):
        everything = self._list(people["authority"]["name"])
        assert {row["id"] for row in everything["results"]} == {overdue_catalog["market"]["id"],
                                                                 overdue_catalog["transport"]["id"]}
        assert all(row["days_overdue"] > 0 and row["reminded_at"] is None for row in everything["results"])
        filtered = self._list(people["authority"]["name"], organization="city-transport")
        assert [row["id"] for row in filtered["results"]] == [overdue_catalog["transport"]["id"]]

        own = self._list(people["editor"]["name"])
        assert [row["id"] for row in own["results"]] == [overdue_catalog["market"]["id"]]
        # asking for another provider's shows nothing of theirs
        assert self._list(people["editor"]["name"], organization="city-transport")["results"] == []

        service.send_reminders()
        model.Session.remove()
        assert self._list(people["editor"]["name"])["results"][0]["reminded_at"] is not None

    def test_users_without_a_provider_role_get_403(self, app, people, overdue_catalog):
        with pytest.raises(tk.NotAuthorized) as error:
            self._list(people["member"]["name"])
        assert _bilingual(str(error.value))
        app.get("/api/3/action/publicdata_overdue_dataset_list", status=403)

    def test_the_authority_page_lists_them_by_organization(self, app, people, overdue_catalog):
        headers = {"Authorization": factories.APIToken(user=people["authority"]["name"])["token"]}
        page = app.get(tk.url_for("publicdata_reminders.overdue_updates"), headers=headers).body
        assert page.index("滨州市交通运输局") > -1 and page.index("滨州市市场监督管理局") > -1
        for dataset in overdue_catalog.values():
            assert dataset["identifier"] in page and dataset["title"] in page
        expected_days = (service.today() - datetime.date(2026, 1, 2)).days
        assert f'<td class="publicdata-days-overdue">{expected_days}</td>' in page

    @pytest.mark.parametrize("who", ["editor", "member", "anonymous"])
    def test_the_page_is_403_for_others(self, app, people, overdue_catalog, who):
        headers = {}
        if who != "anonymous":
            headers = {"Authorization": factories.APIToken(user=people[who]["name"])["token"]}
        app.get(tk.url_for("publicdata_reminders.overdue_updates"), headers=headers, status=403)

    def test_a_sysadmin_sees_the_page(self, app, people, overdue_catalog):
        sysadmin = factories.Sysadmin()
        headers = {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]}
        page = app.get(tk.url_for("publicdata_reminders.overdue_updates"), headers=headers).body
        assert overdue_catalog["market"]["identifier"] in page
