"""Mainland-China working-day calendar (工作日) for the portal's deadlines.

Sources, in order of precedence:

1. the override file named by ``ckanext.publicdata.workdays.override_file`` (YAML, see
   ``config/workdays.yaml.in``): ``years: {2027: {holidays: [...], workdays: [...]}}``. A date listed
   under ``holidays`` is a day off, a date under ``workdays`` is a working day (调休上班); these win over
   the package. Any other day of an overridden year follows the package when the package covers the
   year, and the plain Monday–Friday rule when it does not;
2. the ``chinesecalendar`` package (module ``chinese_calendar``), which carries the State Council's
   arrangements (public holidays and 调休 working weekends) for 2004–2026 in version 1.11.0.

A year covered by neither raises :class:`WorkdayCalendarError` with a bilingual message: the portal
never guesses a calendar, because a wrong calendar silently shifts every legal deadline.

How a period is counted (:func:`add_workdays`), following the usual administrative convention
(《中华人民共和国民法典》第二百零一条 and the 期间 practice under 《行政许可法》: 开始的当日不计入，自下一日开始计算):

* the start day is the day the matter is received (收到/受理之日). It is **not** counted;
* a matter received on a non-working day is deemed received on the next working day (顺延), and that
  day is not counted either;
* the deadline is the n-th working day after that; it runs to the end of that day (Asia/Shanghai);
* ``n == 0`` gives the (deemed) receipt day itself.

Example: received Monday 2026-11-23 → 5 working days → due Monday 2026-11-30. Received Saturday
2026-11-21 → deemed received Monday 2026-11-23 → due 2026-11-30 as well.

Dates and times: a ``datetime.date`` is taken as the local (Asia/Shanghai) calendar day. An aware
``datetime`` is converted to Asia/Shanghai first. A naive ``datetime`` is taken as **UTC**, the
convention of CKAN's model (``datetime.utcnow()``) — so 2026-10-09 20:00 naive is 2026-10-10 in
Shanghai.
"""
from __future__ import annotations

import dataclasses
import datetime
import functools
import logging
import os
import threading
from typing import Any, Mapping, Optional, Union

import chinese_calendar
import yaml
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
OVERRIDE_OPTION = "ckanext.publicdata.workdays.override_file"

DateLike = Union[datetime.date, datetime.datetime]

_ONE_DAY = datetime.timedelta(days=1)


class WorkdayCalendarError(Exception):
    """The calendar cannot answer: a year is not configured, or the override file is invalid.

    The message is bilingual (Chinese / English); ``year`` is set when a year is missing.
    """

    def __init__(self, message: str, year: Optional[int] = None) -> None:
        super().__init__(message)
        self.year = year


@dataclasses.dataclass(frozen=True)
class YearOverride:
    """One year's arrangement from the override file."""

    holidays: frozenset[datetime.date] = frozenset()
    workdays: frozenset[datetime.date] = frozenset()


# --------------------------------------------------------------------------------------------------
# dates and times


def local_date(value: DateLike) -> datetime.date:
    """The Asia/Shanghai calendar day of ``value`` (naive datetimes are UTC, see module docstring)."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.astimezone(SHANGHAI).date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError(
        f"日期格式无效：{value!r} / Invalid date: expected a date or datetime, got {type(value).__name__}"
    )


def now_local() -> datetime.datetime:
    return datetime.datetime.now(SHANGHAI)


# --------------------------------------------------------------------------------------------------
# the package


@functools.lru_cache(maxsize=None)
def package_covers_year(year: int) -> bool:
    """Whether the installed chinesecalendar package has the arrangement for ``year``."""
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


# --------------------------------------------------------------------------------------------------
# the override file


def _invalid(path: str, zh: str, en: str) -> WorkdayCalendarError:
    return WorkdayCalendarError(
        f"工作日配置文件 {path} 无效：{zh} / The working-day override file {path} is invalid: {en}"
    )


def _parse_date(path: str, year: int, kind: str, raw: Any) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        raise _invalid(path, f"{year} 年 {kind} 中的 {raw} 应为日期而非时间",
                       f"{kind} of {year}: {raw} must be a date, not a date and time")
    if isinstance(raw, datetime.date):
        parsed = raw
    elif isinstance(raw, str):
        try:
            parsed = datetime.date.fromisoformat(raw.strip())
        except ValueError:
            raise _invalid(path, f"{year} 年 {kind} 中的 “{raw}” 不是 YYYY-MM-DD 格式的日期",
                           f"{kind} of {year}: '{raw}' is not a YYYY-MM-DD date") from None
    else:
        raise _invalid(path, f"{year} 年 {kind} 中的 {raw!r} 不是日期",
                       f"{kind} of {year}: {raw!r} is not a date")
    if parsed.year != year:
        raise _invalid(path, f"{parsed.isoformat()} 不属于 {year} 年",
                       f"{parsed.isoformat()} is listed under {year}")
    return parsed


def parse_override_data(data: Any, path: str = "<override>") -> dict[int, YearOverride]:
    """Validate the loaded YAML of an override file into ``{year: YearOverride}``."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise _invalid(path, "顶层应为包含 years 的映射", "the top level must be a mapping with 'years'")
    unknown = set(data) - {"years"}
    if unknown:
        names = ", ".join(sorted(map(str, unknown)))
        raise _invalid(path, f"未知的键 {names}", f"unknown keys {names}")
    years = data.get("years") or {}
    if not isinstance(years, Mapping):
        raise _invalid(path, "years 应为“年份: 安排”的映射", "'years' must map a year to its arrangement")
    overrides: dict[int, YearOverride] = {}
    for raw_year, arrangement in years.items():
        try:
            year = int(str(raw_year))
        except ValueError:
            raise _invalid(path, f"“{raw_year}” 不是年份", f"'{raw_year}' is not a year") from None
        if not 1900 <= year <= 2200:
            raise _invalid(path, f"年份 {year} 超出范围", f"year {year} is out of range")
        if arrangement is None:
            arrangement = {}
        if not isinstance(arrangement, Mapping):
            raise _invalid(path, f"{year} 年的安排应包含 holidays 和 workdays",
                           f"the arrangement of {year} must have 'holidays' and 'workdays'")
        unknown = set(arrangement) - {"holidays", "workdays"}
        if unknown:
            names = ", ".join(sorted(map(str, unknown)))
            raise _invalid(path, f"{year} 年中未知的键 {names}（只允许 holidays、workdays）",
                           f"unknown keys {names} in {year} (only 'holidays' and 'workdays')")
        lists: dict[str, frozenset[datetime.date]] = {}
        for kind in ("holidays", "workdays"):
            entries = arrangement.get(kind) or []
            if not isinstance(entries, (list, tuple)):
                raise _invalid(path, f"{year} 年的 {kind} 应为日期列表",
                               f"{kind} of {year} must be a list of dates")
            lists[kind] = frozenset(_parse_date(path, year, kind, entry) for entry in entries)
        both = lists["holidays"] & lists["workdays"]
        if both:
            days = ", ".join(sorted(d.isoformat() for d in both))
            raise _invalid(path, f"{days} 同时列为假日和工作日", f"{days} listed as both holiday and workday")
        if year in overrides:
            raise _invalid(path, f"{year} 年重复出现", f"{year} appears twice")
        overrides[year] = YearOverride(holidays=lists["holidays"], workdays=lists["workdays"])
    return overrides


def load_override_file(path: str) -> dict[int, YearOverride]:
    """Read and validate an override file; a missing file means no overrides (with a warning)."""
    try:
        with open(path, encoding="utf-8") as stream:
            data = yaml.safe_load(stream)
    except FileNotFoundError:
        log.warning("working-day override file %s does not exist; using the package only", path)
        return {}
    except (yaml.YAMLError, ValueError) as error:  # ValueError: an impossible unquoted date (2027-02-30)
        raise _invalid(path, f"YAML 语法错误（{error}）", f"YAML syntax error ({error})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise _invalid(path, f"无法读取（{error}）", f"cannot be read ({error})") from None
    return parse_override_data(data, path)


# --------------------------------------------------------------------------------------------------
# the calendar


class WorkdayCalendar:
    """Working days from the package plus an override mapping; see the module docstring."""

    def __init__(self, overrides: Optional[Mapping[int, YearOverride]] = None, source: str = "") -> None:
        self.overrides: dict[int, YearOverride] = dict(overrides or {})
        self.source = source

    def covers_year(self, year: int) -> bool:
        return year in self.overrides or package_covers_year(year)

    def _missing_year(self, year: int) -> WorkdayCalendarError:
        where = self.source or f"{OVERRIDE_OPTION} 指定的文件"
        where_en = self.source or f"the file named by {OVERRIDE_OPTION}"
        return WorkdayCalendarError(
            f"{year}年的节假日安排尚未配置，请在 {where} 中补充 / "
            f"The holiday arrangement for {year} is not configured yet; add it to {where_en}",
            year=year,
        )

    def is_workday(self, value: DateLike) -> bool:
        day = local_date(value)
        override = self.overrides.get(day.year)
        if override is not None:
            if day in override.holidays:
                return False
            if day in override.workdays:
                return True
            if not package_covers_year(day.year):
                return day.weekday() < 5
        elif not package_covers_year(day.year):
            raise self._missing_year(day.year)
        return bool(chinese_calendar.is_workday(day))

    def next_workday(self, value: DateLike) -> datetime.date:
        """The first working day strictly after ``value``."""
        day = local_date(value) + _ONE_DAY
        while not self.is_workday(day):
            day += _ONE_DAY
        return day

    def effective_start(self, value: DateLike) -> datetime.date:
        """The day the period is counted from: ``value`` itself, or the next working day (顺延)."""
        day = local_date(value)
        return day if self.is_workday(day) else self.next_workday(day)

    def add_workdays(self, start: DateLike, n: int) -> datetime.date:
        """The due day of a period of ``n`` working days received on ``start`` (module docstring)."""
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"工作日天数应为整数：{n!r} / The number of working days must be an integer: {n!r}")
        if n < 0:
            raise ValueError(f"工作日天数不能为负数：{n} / The number of working days cannot be negative: {n}")
        day = self.effective_start(start)
        for _ in range(n):
            day = self.next_workday(day)
        return day

    def workdays_between(self, a: DateLike, b: DateLike) -> int:
        """Working days d with a < d <= b (negative, mirrored, when b < a); 0 when a == b.

        For a working day ``a``: ``workdays_between(a, add_workdays(a, n)) == n``.
        """
        first, last = local_date(a), local_date(b)
        sign = 1
        if last < first:
            first, last, sign = last, first, -1
        count = 0
        day = first + _ONE_DAY
        while day <= last:
            if self.is_workday(day):
                count += 1
            day += _ONE_DAY
        return sign * count


# --------------------------------------------------------------------------------------------------
# the configured calendar (cached per override file, reloaded when the file changes)

_cache_lock = threading.Lock()
_file_cache: dict[str, tuple[Optional[tuple[int, int]], WorkdayCalendar]] = {}


def _file_signature(path: str) -> Optional[tuple[int, int]]:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size)


def calendar_for_file(path: str) -> WorkdayCalendar:
    """The calendar with the overrides of ``path`` (``""``: the package only), cached by mtime."""
    if not path:
        return WorkdayCalendar()
    signature = _file_signature(path)
    with _cache_lock:
        cached = _file_cache.get(path)
        if cached is not None and cached[0] == signature:
            return cached[1]
    calendar = WorkdayCalendar(load_override_file(path), source=path)
    with _cache_lock:
        _file_cache[path] = (signature, calendar)
    return calendar


def default_calendar() -> WorkdayCalendar:
    """The calendar configured by ``ckanext.publicdata.workdays.override_file``."""
    from ckanext.publicdata import config

    return calendar_for_file(config.workdays_override_file())


def is_workday(value: DateLike, calendar: Optional[WorkdayCalendar] = None) -> bool:
    return (calendar or default_calendar()).is_workday(value)


def add_workdays(start: DateLike, n: int, calendar: Optional[WorkdayCalendar] = None) -> datetime.date:
    """Due day of ``n`` working days after ``start`` (start day not counted; see module docstring)."""
    return (calendar or default_calendar()).add_workdays(start, n)


def workdays_between(a: DateLike, b: DateLike, calendar: Optional[WorkdayCalendar] = None) -> int:
    """Working days in (a, b]; negative when b < a."""
    return (calendar or default_calendar()).workdays_between(a, b)


@dataclasses.dataclass(frozen=True)
class Deadline:
    """A period of ``workdays`` working days received on ``start``, due at the end of ``due``."""

    start: datetime.date
    workdays: int
    due: datetime.date
    calendar: Optional[WorkdayCalendar] = dataclasses.field(default=None, compare=False, repr=False)

    @classmethod
    def starting(cls, start: DateLike, workdays: int,
                 calendar: Optional[WorkdayCalendar] = None) -> "Deadline":
        calendar = calendar or default_calendar()
        return cls(start=local_date(start), workdays=workdays,
                   due=calendar.add_workdays(start, workdays), calendar=calendar)

    def _calendar(self) -> WorkdayCalendar:
        return self.calendar or default_calendar()

    @property
    def due_at(self) -> datetime.datetime:
        """The first instant after the deadline: 00:00 Asia/Shanghai of the day after ``due``."""
        return datetime.datetime.combine(self.due + _ONE_DAY, datetime.time(0), tzinfo=SHANGHAI)

    def is_overdue(self, now: Optional[DateLike] = None) -> bool:
        """True once the Asia/Shanghai day of ``now`` is after the due day."""
        return local_date(now if now is not None else now_local()) > self.due

    def remaining_workdays(self, now: Optional[DateLike] = None) -> int:
        """Working days left: those in (today, due]. 0 on the due day; negative (working days
        since the due day) once overdue — a weekend right after the due day gives 0 but is overdue."""
        today = local_date(now if now is not None else now_local())
        return self._calendar().workdays_between(today, self.due)

    def extended(self, total_workdays: int) -> "Deadline":
        """The same period extended to ``total_workdays`` counted from the same start (SU 10, ZB 17)."""
        if total_workdays < self.workdays:
            raise ValueError(
                f"延长后的期限（{total_workdays} 个工作日）不能短于原期限（{self.workdays} 个工作日） / "
                f"An extension ({total_workdays} working days) cannot be shorter than the period "
                f"({self.workdays} working days)"
            )
        return Deadline.starting(self.start, total_workdays, self._calendar())
