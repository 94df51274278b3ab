"""Working-day calendar and deadline presets (TAX-7, ACC-4/5, DEM-1, FB-1..4).

Calendar facts asserted below for 2026 are the chinesecalendar 1.11.0 package's data, taken as fact (they
match the State Council General Office's notice on the 2026 holiday arrangement of November 2025 as far as
we know it):
  元旦 01-01..01-03 off, 01-04 (Sun) worked; 春节 02-15..02-23 off, 02-14 (Sat) and 02-28 (Sat) worked;
  劳动节 05-01..05-05 off, 05-09 (Sat) worked; 中秋 09-25..09-27 off; 国庆 10-01..10-07 off,
  09-20 (Sun) and 10-10 (Sat) worked.
Every deadline is hand-counted in the comments (start day not counted; a start on a non-working day is
deemed to be the next working day).
"""
from __future__ import annotations

import datetime
import os
import tempfile
from pathlib import Path

import pytest

from ckanext.publicdata import deadlines, workdays
from ckanext.publicdata.workdays import Deadline, WorkdayCalendar, WorkdayCalendarError

D = datetime.date
PACKAGE_ONLY = WorkdayCalendar()
OPTION = "ckanext.publicdata.workdays.override_file"
REPO = Path(__file__).resolve().parents[2]

# An override file at a fixed path, so that a ckan_config mark can name it (written by a fixture).
OVERRIDE_2027 = os.path.join(tempfile.gettempdir(), f"publicdata-test-workdays-{os.getpid()}.yaml")
OVERRIDE_2027_TEXT = """\
# test data, not the official 2027 arrangement: New Year's Day off, and a made-up 调休 Saturday
years:
  2027:
    holidays: [2027-01-01]
    workdays: [2027-01-09]
"""


@pytest.fixture
def override_2027():
    Path(OVERRIDE_2027).write_text(OVERRIDE_2027_TEXT, encoding="utf-8")
    yield OVERRIDE_2027
    os.unlink(OVERRIDE_2027)


def write_override(path: Path, text: str, mtime: float | None = None) -> str:
    path.write_text(text, encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return str(path)


# ---------------------------------------------------------------------------------------------
# the package's 2026 calendar


class TestPackage2026:
    @pytest.mark.parametrize("day", [
        D(2026, 10, 1), D(2026, 10, 2), D(2026, 10, 5), D(2026, 10, 6), D(2026, 10, 7),  # 国庆, weekdays
        D(2026, 10, 3), D(2026, 10, 4),                                                   # 国庆, weekend
        D(2026, 9, 25), D(2026, 9, 27),                                                   # 中秋 Fri, Sun
        D(2026, 2, 16), D(2026, 2, 20), D(2026, 2, 23),                                   # 春节 Mon, Fri, Mon
        D(2026, 1, 1), D(2026, 1, 2),                                                     # 元旦
    ])
    def test_holidays_are_not_workdays(self, day):
        assert not PACKAGE_ONLY.is_workday(day)

    @pytest.mark.parametrize("day", [
        D(2026, 9, 20),   # Sunday, worked for 国庆
        D(2026, 10, 10),  # Saturday, worked for 国庆
        D(2026, 2, 14),   # Saturday, worked for 春节
        D(2026, 2, 28),   # Saturday, worked for 春节
        D(2026, 1, 4),    # Sunday, worked for 元旦
        D(2026, 10, 8), D(2026, 10, 9), D(2026, 2, 24),  # first weekdays after the breaks
    ])
    def test_adjusted_and_ordinary_workdays(self, day):
        assert PACKAGE_ONLY.is_workday(day)

    def test_ordinary_weekend_is_off(self):
        assert not PACKAGE_ONLY.is_workday(D(2026, 11, 21))  # Saturday
        assert not PACKAGE_ONLY.is_workday(D(2026, 10, 11))  # Sunday right after the 调休 Saturday

    def test_spring_festival_has_nine_days_off_between_two_worked_saturdays(self):
        off = [D(2026, 2, 15) + datetime.timedelta(days=i) for i in range(9)]  # 02-15 .. 02-23
        assert [PACKAGE_ONLY.is_workday(d) for d in off] == [False] * 9
        assert PACKAGE_ONLY.workdays_between(D(2026, 2, 14), D(2026, 2, 23)) == 0


# ---------------------------------------------------------------------------------------------
# add_workdays


class TestAddWorkdays:
    def test_five_working_days_plain_week(self):
        # received Mon 11-23: Tue 24 (1), Wed 25 (2), Thu 26 (3), Fri 27 (4), [Sat, Sun], Mon 30 (5)
        assert PACKAGE_ONLY.add_workdays(D(2026, 11, 23), 5) == D(2026, 11, 30)

    def test_ten_working_days_across_national_day(self):
        # received Wed 09-30: 10-01..10-07 off; Thu 10-08 (1), Fri 10-09 (2), Sat 10-10 调休 (3),
        # [Sun 11], Mon 12 (4), 13 (5), 14 (6), 15 (7), Fri 16 (8), [17, 18], Mon 19 (9), Tue 20 (10)
        assert PACKAGE_ONLY.add_workdays(D(2026, 9, 30), 10) == D(2026, 10, 20)

    def test_five_working_days_over_the_worked_sunday_before_mid_autumn(self):
        # received Fri 09-18: [Sat 19], Sun 09-20 调休 (1), Mon 21 (2), 22 (3), 23 (4), Thu 24 (5)
        assert PACKAGE_ONLY.add_workdays(D(2026, 9, 18), 5) == D(2026, 9, 24)

    def test_fifteen_working_days_across_mid_autumn_and_national_day(self):
        # received Fri 09-18: 20 (1), 21 (2), 22 (3), 23 (4), 24 (5), [25..27 中秋], 28 (6), 29 (7),
        # 30 (8), [10-01..07], 10-08 (9), 09 (10), 10 (11), 12 (12), 13 (13), 14 (14), Thu 15 (15)
        assert PACKAGE_ONLY.add_workdays(D(2026, 9, 18), 15) == D(2026, 10, 15)

    def test_ten_and_twenty_working_days_across_spring_festival(self):
        # received Fri 02-13: Sat 02-14 调休 (1), [02-15..02-23], Tue 24 (2), 25 (3), 26 (4), Fri 27 (5),
        # Sat 28 调休 (6), [Sun 03-01], Mon 03-02 (7), 03 (8), 04 (9), Thu 05 (10), Fri 06 (11),
        # 09 (12), 10 (13), 11 (14), 12 (15), 13 (16), 16 (17), 17 (18), 18 (19), Thu 19 (20)
        assert PACKAGE_ONLY.add_workdays(D(2026, 2, 13), 10) == D(2026, 3, 5)
        assert PACKAGE_ONLY.add_workdays(D(2026, 2, 13), 20) == D(2026, 3, 19)

    def test_start_on_a_holiday_counts_from_the_next_working_day(self):
        # received Tue 02-17 (初一, off) → deemed received Tue 02-24; 25 (1), 26 (2), 27 (3),
        # Sat 28 调休 (4), [Sun], Mon 03-02 (5)
        assert PACKAGE_ONLY.add_workdays(D(2026, 2, 17), 5) == D(2026, 3, 2)
        assert PACKAGE_ONLY.add_workdays(D(2026, 2, 17), 0) == D(2026, 2, 24)

    def test_start_on_a_weekend_equals_start_on_the_following_monday(self):
        # received Sat 11-21 → deemed Mon 11-23 → 5 working days → Mon 11-30
        assert PACKAGE_ONLY.add_workdays(D(2026, 11, 21), 5) == D(2026, 11, 30)
        assert PACKAGE_ONLY.add_workdays(D(2026, 11, 22), 5) == PACKAGE_ONLY.add_workdays(D(2026, 11, 23), 5)
        # ... and differs from a start on the Friday before: Mon 23 (1) .. Fri 27 (5)
        assert PACKAGE_ONLY.add_workdays(D(2026, 11, 20), 5) == D(2026, 11, 27)

    def test_start_on_a_worked_saturday_is_a_working_start(self):
        # Sat 10-10 is worked: n=0 is the day itself; 1 working day later is Mon 10-12
        assert PACKAGE_ONLY.add_workdays(D(2026, 10, 10), 0) == D(2026, 10, 10)
        assert PACKAGE_ONLY.add_workdays(D(2026, 10, 10), 1) == D(2026, 10, 12)

    def test_zero_days_on_a_working_day_is_that_day(self):
        assert PACKAGE_ONLY.add_workdays(D(2026, 11, 24), 0) == D(2026, 11, 24)

    def test_negative_days_rejected_bilingually(self):
        with pytest.raises(ValueError) as error:
            PACKAGE_ONLY.add_workdays(D(2026, 11, 24), -1)
        assert "不能为负数" in str(error.value) and "cannot be negative" in str(error.value)

    @pytest.mark.parametrize("bad", [True, 2.0, "5"])
    def test_non_integer_days_rejected(self, bad):
        with pytest.raises(TypeError):
            PACKAGE_ONLY.add_workdays(D(2026, 11, 24), bad)

    def test_aware_datetime_uses_the_shanghai_day(self):
        # 2026-10-09 17:00 UTC is 2026-10-10 01:00 in Shanghai (the worked Saturday): n=1 → Mon 10-12.
        # Taken as the UTC day (Fri 10-09) it would be Sat 10-10 instead.
        received = datetime.datetime(2026, 10, 9, 17, 0, tzinfo=datetime.timezone.utc)
        assert PACKAGE_ONLY.add_workdays(received, 1) == D(2026, 10, 12)
        tokyo = datetime.timezone(datetime.timedelta(hours=9))
        # 2026-10-10 00:30 in Tokyo is 2026-10-09 23:30 in Shanghai (Fri): n=1 → Sat 10-10
        assert PACKAGE_ONLY.add_workdays(datetime.datetime(2026, 10, 10, 0, 30, tzinfo=tokyo), 1) == D(2026, 10, 10)

    def test_naive_datetime_is_utc_like_ckan_timestamps(self):
        # naive 2026-10-09 20:00 (UTC) = 10-10 04:00 Shanghai
        assert workdays.local_date(datetime.datetime(2026, 10, 9, 20, 0)) == D(2026, 10, 10)
        assert workdays.local_date(datetime.datetime(2026, 10, 9, 15, 59)) == D(2026, 10, 9)

    def test_non_date_rejected(self):
        with pytest.raises(TypeError):
            PACKAGE_ONLY.add_workdays("2026-11-24", 1)


class TestWorkdaysBetween:
    def test_inverse_of_add_workdays_from_working_days(self):
        for start in (D(2026, 9, 18), D(2026, 9, 30), D(2026, 2, 13), D(2026, 10, 10), D(2026, 12, 1)):
            for n in (0, 1, 5, 10, 15, 20):
                if start.month == 12 and n > 15:
                    continue  # would run into 2027, not covered by the package alone
                assert PACKAGE_ONLY.workdays_between(start, PACKAGE_ONLY.add_workdays(start, n)) == n

    def test_national_day_week_has_one_working_day(self):
        # (09-30, 10-10]: only Sat 10-10 is worked; (09-30, 10-09]: 10-08, 10-09
        assert PACKAGE_ONLY.workdays_between(D(2026, 9, 30), D(2026, 10, 7)) == 0
        assert PACKAGE_ONLY.workdays_between(D(2026, 9, 30), D(2026, 10, 9)) == 2
        assert PACKAGE_ONLY.workdays_between(D(2026, 9, 30), D(2026, 10, 10)) == 3

    def test_reversed_and_equal(self):
        assert PACKAGE_ONLY.workdays_between(D(2026, 10, 10), D(2026, 9, 30)) == -3
        assert PACKAGE_ONLY.workdays_between(D(2026, 11, 24), D(2026, 11, 24)) == 0


# ---------------------------------------------------------------------------------------------
# years not covered, the override file and the configured calendar


class TestCoverage:
    @pytest.mark.ckan_config(OPTION, "")
    @pytest.mark.usefixtures("ckan_config")
    def test_uncovered_year_raises_a_bilingual_error(self):
        with pytest.raises(WorkdayCalendarError) as error:
            workdays.is_workday(D(2028, 3, 1))
        message = str(error.value)
        assert "2028年的节假日安排尚未配置" in message
        assert "The holiday arrangement for 2028 is not configured yet" in message
        assert OPTION in message  # no file configured: the message names the option
        assert error.value.year == 2028

    @pytest.mark.ckan_config(OPTION, "")
    @pytest.mark.usefixtures("ckan_config")
    def test_deadline_running_into_an_uncovered_year_raises(self):
        # 2026-12-31 + 1 working day needs 2027, which the package (1.11.0) does not cover
        with pytest.raises(WorkdayCalendarError) as error:
            workdays.add_workdays(D(2026, 12, 31), 1)
        assert error.value.year == 2027

    def test_error_names_the_override_file(self, tmp_path):
        path = write_override(tmp_path / "wd.yaml", "years: {2027: {holidays: [2027-01-01]}}\n")
        calendar = workdays.calendar_for_file(path)
        with pytest.raises(WorkdayCalendarError) as error:
            calendar.is_workday(D(2028, 1, 3))
        assert path in str(error.value)

    def test_package_starts_in_2004(self):
        assert workdays.package_covers_year(2004) and workdays.package_covers_year(2026)
        assert not workdays.package_covers_year(2003) and not workdays.package_covers_year(2027)


class TestOverrideFile:
    @pytest.mark.ckan_config(OPTION, OVERRIDE_2027)
    @pytest.mark.usefixtures("ckan_config")
    def test_new_year_2027_from_the_configured_override(self, override_2027):
        assert not workdays.is_workday(D(2027, 1, 1))      # listed holiday (Fri)
        assert workdays.is_workday(D(2027, 1, 9))          # listed 调休 Saturday
        assert not workdays.is_workday(D(2027, 1, 10))     # unlisted Sunday: weekend rule
        assert workdays.is_workday(D(2027, 1, 5))          # unlisted Tuesday: weekday rule
        # received Thu 2026-12-31: [Fri 01-01 holiday, Sat 02, Sun 03], Mon 04 (1), 05 (2), 06 (3),
        # 07 (4), Fri 08 (5), Sat 09 listed workday (6), [Sun 10], Mon 11 (7)
        assert workdays.add_workdays(D(2026, 12, 31), 5) == D(2027, 1, 8)
        assert workdays.add_workdays(D(2026, 12, 31), 7) == D(2027, 1, 11)
        with pytest.raises(WorkdayCalendarError):
            workdays.is_workday(D(2028, 1, 3))

    def test_override_wins_over_the_package(self, tmp_path):
        path = write_override(tmp_path / "wd.yaml", (
            "years:\n"
            "  2026:\n"
            "    holidays: [2026-11-24]\n"      # a package working day made a day off
            "    workdays: ['2026-10-11']\n"    # a package Sunday made a working day (string form)
        ))
        calendar = workdays.calendar_for_file(path)
        assert PACKAGE_ONLY.is_workday(D(2026, 11, 24)) and not calendar.is_workday(D(2026, 11, 24))
        assert not PACKAGE_ONLY.is_workday(D(2026, 10, 11)) and calendar.is_workday(D(2026, 10, 11))
        # unlisted days of a covered year still follow the package (the 国庆 break and 调休 Saturday)
        assert not calendar.is_workday(D(2026, 10, 5)) and calendar.is_workday(D(2026, 10, 10))

    def test_reloaded_when_the_file_changes(self, tmp_path):
        path = tmp_path / "wd.yaml"
        write_override(path, "years: {2027: {holidays: [2027-01-01]}}\n", mtime=1_700_000_000)
        first = workdays.calendar_for_file(str(path))
        assert first.is_workday(D(2027, 1, 4))
        assert workdays.calendar_for_file(str(path)) is first  # unchanged file: cached
        write_override(path, "years: {2027: {holidays: [2027-01-01, 2027-01-04]}}\n", mtime=1_700_000_100)
        second = workdays.calendar_for_file(str(path))
        assert second is not first
        assert not second.is_workday(D(2027, 1, 4))

    def test_missing_file_means_package_only(self, tmp_path):
        calendar = workdays.calendar_for_file(str(tmp_path / "absent.yaml"))
        assert not calendar.is_workday(D(2026, 10, 1))
        with pytest.raises(WorkdayCalendarError):
            calendar.is_workday(D(2027, 1, 4))

    @pytest.mark.parametrize("text, fragment", [
        ("years: {2027: {holidays: ['2027-02-30']}}\n", "YYYY-MM-DD"),     # impossible date (string)
        ("years: {2027: {holidays: [2027-02-30]}}\n", "YAML"),             # impossible date (YAML date)
        ("years: {2027: {holidays: [2027-01-01 09:00:00]}}\n", "not a date and time"),
        ("years: {2027: {holidays: [2026-12-31]}}\n", "2026-12-31"),       # listed under the wrong year
        ("years: {2027: {holidays: [2027-01-01], workdays: [2027-01-01]}}\n", "2027-01-01"),
        ("years: {2027: {holiday: [2027-01-01]}}\n", "holiday"),            # typo in a key
        ("years: {2027: {holidays: 2027-01-01}}\n", "holidays"),            # not a list
        ("years: [2027]\n", "years"),
        ("years: {2027: {holidays: [2027-01-01\n", "YAML"),                # broken YAML
    ])
    def test_invalid_file_gives_a_bilingual_error(self, tmp_path, text, fragment):
        path = write_override(tmp_path / "bad.yaml", text)
        with pytest.raises(WorkdayCalendarError) as error:
            workdays.calendar_for_file(path)
        message = str(error.value)
        assert "工作日配置文件" in message and "working-day override file" in message
        assert fragment in message

    def test_shipped_template_has_the_provisional_2027_statutory_holidays(self):
        calendar = workdays.calendar_for_file(str(REPO / "config" / "workdays.yaml.in"))
        override = calendar.overrides[2027]
        # 《全国年节及纪念日放假办法》 (2025): 元旦 1 + 春节 4 + 清明 1 + 劳动节 2 + 端午 1 + 中秋 1 + 国庆 3 = 13
        assert len(override.holidays) == 13
        assert override.workdays == frozenset()  # no 调休 invented
        spring_festival = {D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)}  # 除夕..初三
        assert spring_festival <= override.holidays
        assert {D(2027, 5, 1), D(2027, 5, 2), D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)} <= override.holidays
        assert not calendar.is_workday(D(2027, 4, 5)) and not calendar.is_workday(D(2027, 6, 9))
        assert not calendar.is_workday(D(2027, 9, 15))
        text = (REPO / "config" / "workdays.yaml.in").read_text(encoding="utf-8")
        assert "PROVISIONAL" in text
        # received Thu 2026-12-31: [01-01 元旦, 02, 03] Mon 01-04 (1) .. Fri 01-08 (5)
        assert calendar.add_workdays(D(2026, 12, 31), 5) == D(2027, 1, 8)


# ---------------------------------------------------------------------------------------------
# Deadline


class TestDeadline:
    def test_due_overdue_and_remaining(self):
        # received Wed 09-30, 10 working days → Tue 10-20 (see TestAddWorkdays)
        deadline = Deadline.starting(D(2026, 9, 30), 10, PACKAGE_ONLY)
        assert deadline.due == D(2026, 10, 20)
        shanghai = workdays.SHANGHAI
        assert not deadline.is_overdue(datetime.datetime(2026, 10, 20, 23, 59, tzinfo=shanghai))
        assert deadline.is_overdue(datetime.datetime(2026, 10, 21, 0, 0, tzinfo=shanghai))
        # 2026-10-20 16:30 UTC is 10-21 00:30 in Shanghai: already overdue
        assert deadline.is_overdue(datetime.datetime(2026, 10, 20, 16, 30, tzinfo=datetime.timezone.utc))
        assert deadline.due_at == datetime.datetime(2026, 10, 21, 0, 0, tzinfo=shanghai)
        # on 10-01 (holiday): working days in (10-01, 10-20] = 10 — the whole period is still ahead
        assert deadline.remaining_workdays(D(2026, 10, 1)) == 10
        assert deadline.remaining_workdays(D(2026, 10, 16)) == 2   # Mon 19, Tue 20
        assert deadline.remaining_workdays(D(2026, 10, 20)) == 0   # the due day itself
        assert deadline.remaining_workdays(D(2026, 10, 22)) == -2  # Wed 21, Thu 22 past due

    def test_extension_counts_from_the_same_start(self):
        # SU 10: 5 working days, extendable to 30. Received Fri 02-13: 5 → Fri 02-27 (see above);
        # 30 → continue from 02-27 (5): 28 (6), 03-02..06 (7..11), 09..13 (12..16), 16..20 (17..21),
        # 23..27 (22..26), 30 (27), 31 (28), 04-01 (29), 04-02 (30)
        deadline = Deadline.starting(D(2026, 2, 13), 5, PACKAGE_ONLY)
        assert deadline.due == D(2026, 2, 27)
        extended = deadline.extended(30)
        assert extended.start == D(2026, 2, 13) and extended.due == D(2026, 4, 2)
        with pytest.raises(ValueError):
            deadline.extended(4)

    @pytest.mark.ckan_config(OPTION, OVERRIDE_2027)
    @pytest.mark.usefixtures("ckan_config")
    def test_uses_the_configured_calendar_by_default(self, override_2027):
        assert Deadline.starting(D(2026, 12, 31), 5).due == D(2027, 1, 8)


# ---------------------------------------------------------------------------------------------
# deadline presets


REGULATIONS = REPO.parent / "shared" / "regulations"
REGULATION_FILES = {
    "BZ-R": "binzhou-open-data-rules-2024.txt",
    "SU": "suzhou-open-data-rules-2023.txt",
    "ZB": "zibo-public-data-measures-2024.txt",
}


class TestDeadlinePresets:
    def test_every_preset_answers_every_key(self):
        keys = set(deadlines.PRESETS["bz-r"])
        assert {"feedback_handle", "feedback_extension_cap", "complaint_forward", "demand_review",
                "demand_provider", "demand_open", "catalog_change_provider", "catalog_change_authority",
                "access_formal_review", "access_provider_review", "rectification"} <= keys
        for name, rules in deadlines.PRESETS.items():
            assert set(rules) == keys, name
            for key, rule in rules.items():
                assert isinstance(rule.workdays, int) and rule.workdays > 0, (name, key)
                assert rule.clause, (name, key)
            assert rules["feedback_extension_cap"].workdays >= rules["feedback_handle"].workdays

    def test_requirement_figures(self):
        bz_r = deadlines.PRESETS["bz-r"]
        # REQUIREMENTS.md: TAX-7 15/2, ACC-4 5, ACC-5 10, DEM-1 10/15/20, FB-1 10, FB-4 10
        assert [bz_r[k].workdays for k in ("catalog_change_provider", "catalog_change_authority",
                                            "access_formal_review", "access_provider_review",
                                            "demand_review", "demand_provider", "demand_open",
                                            "feedback_handle", "rectification")] == [15, 2, 5, 10, 10, 15, 20, 10, 10]
        # FB-1 presets: SU 5 extendable to 30 with the authority; ZB 5 extendable to 10, forward in 2
        su, zb = deadlines.PRESETS["su"], deadlines.PRESETS["zb"]
        assert (su["feedback_handle"].workdays, su["feedback_extension_cap"].workdays) == (5, 30)
        assert su["feedback_extension_cap"].approved_by == "authority"
        assert (zb["feedback_handle"].workdays, zb["feedback_extension_cap"].workdays) == (5, 10)
        assert zb["complaint_forward"].workdays == 2
        assert bz_r["feedback_extension_cap"].workdays == bz_r["feedback_handle"].workdays  # no extension

    @pytest.mark.skipif(not REGULATIONS.is_dir(), reason="regulation texts (shared/regulations) not beside the repo")
    def test_cited_figures_appear_in_the_cited_regulation(self):
        texts = {short: (REGULATIONS / name).read_text(encoding="utf-8", errors="replace").replace(" ", "")
                 for short, name in REGULATION_FILES.items()}
        checked = 0
        for name, rules in deadlines.PRESETS.items():
            for key, rule in rules.items():
                short = rule.clause.split()[0]  # "SU 10", "BZ-R 16 (…)": the regulation the figure is from
                assert short in texts, (name, key, rule.clause)
                if key == "feedback_extension_cap" and rule.approved_by is None:
                    continue  # "no extension": the figure repeats feedback_handle's
                assert f"{rule.workdays}个工作日" in texts[short], (name, key, rule.clause)
                checked += 1
        assert checked >= 30

    @pytest.mark.ckan_config("ckanext.publicdata.deadline_preset", "su")
    @pytest.mark.usefixtures("ckan_config")
    def test_configured_preset_is_read(self):
        assert deadlines.workdays_for("feedback_handle") == 5
        assert deadlines.workdays_for("feedback_handle", "bz-r") == 10

    def test_unknown_preset_and_key(self):
        with pytest.raises(ValueError) as error:
            deadlines.preset_rules("sz")
        assert "未知的期限预设" in str(error.value) and "Unknown deadline preset" in str(error.value)
        with pytest.raises(KeyError):
            deadlines.workdays_for("nothing", "bz-r")
