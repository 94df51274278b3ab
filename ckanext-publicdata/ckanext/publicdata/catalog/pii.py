"""Personal-information scan of resource files before opening (SEC-1) and for monitoring (SEC-2).

Finds, in CSV (utf-8, utf-8-sig, gb18030), JSON (any nesting) and XLSX files:

* ``id_number`` — 18-character mainland resident ID numbers (GB 11643-1999): a known province code
  (also the 9xx codes of the 2023 foreigners' permanent residence ID card), a real birth date between
  1900-01-01 and today, and a valid ISO 7064 MOD 11-2 check character;
* ``mobile`` — mainland mobile numbers ``1[3-9]`` + 9 digits as a whole token (optionally written
  ``138 1234 5678`` / ``138-1234-5678``, with a ``+86``/``86`` prefix, or as ``13812345678.0`` from a float
  export), never a piece of a longer digit run or of an ASCII code such as ``SN13812345678``;
* ``bank_card`` — 16–19 digit card numbers (optionally in groups of four) whose first digit is an
  ISO/IEC 7812 banking/payment industry (3–6, or Mastercard's 2221–2720), passing the Luhn check, and
  that are neither shaped like an ID number (region + birth date) nor an all-digit 统一社会信用代码
  (GB 32100-2015).

Masked values (``138****1234``, ``3716**********1234``) are not hits. Samples in the report are
always masked; raw values never leave this module.

The scan streams and is bounded (``max_rows``, ``max_bytes``); when a limit stops it, the report says
``complete: False``. ``clean`` means: no error and nothing found in what was scanned — a caller that
needs a guarantee for the whole file checks ``complete`` as well. A file that cannot be read or parsed
gives a report with a bilingual ``error`` (and ``clean: False``); no exception escapes
:func:`scan_resource`.
"""
from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime
import io
import json
import logging
import os
import re
import shutil
import tempfile
import zipfile
from typing import IO, Any, Iterable, Optional, Union

log = logging.getLogger(__name__)

ID_NUMBER = "id_number"
MOBILE = "mobile"
BANK_CARD = "bank_card"
KINDS = (ID_NUMBER, MOBILE, BANK_CARD)
KIND_LABELS = {ID_NUMBER: "身份证号 / ID number", MOBILE: "手机号 / mobile number",
               BANK_CARD: "银行卡号 / bank card number"}

DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_SAMPLES = 3
MAX_FIRST_ROWS = 5
SNIFF_BYTES = 1024 * 1024

Source = Union[str, "os.PathLike[str]", IO[bytes], IO[str]]

# --------------------------------------------------------------------------------------------------
# recognising the values

_BEFORE = r"(?<![0-9A-Za-z])(?<!\d\.)"   # not glued to a longer run, a code or a decimal point
_AFTER = r"(?![0-9A-Za-z])(?!\.\d)"

_MOBILE_RE = re.compile(_BEFORE + r"(?:(?:\+|00)?86[-\s]?)?(1[3-9]\d)([-\s]?)(\d{4})\2(\d{4})(?:\.0+(?!\d))?" + _AFTER)
_ID_RE = re.compile(_BEFORE + r"(\d{17}[\dXx])" + _AFTER)
_CARD_RE = re.compile(_BEFORE + r"(\d{4}([-\s]?)\d{4}\2\d{4}\2\d{4}(?:\2?\d{1,3})?)" + _AFTER)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82", "83",
})
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id_check_character(first17: str) -> str:
    """GB 11643-1999 check character of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def looks_like_id_number(value: str, today: Optional[datetime.date] = None) -> bool:
    """18 characters with a known region and a real birth date (the check character not verified)."""
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] in "Xx"):
        return False
    region = value[1:3] if value[0] == "9" else value[0:2]  # 9xx: foreigners' permanent residence card
    if region not in _PROVINCES:
        return False
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return datetime.date(1900, 1, 1) <= birth <= (today or datetime.date.today())


def is_valid_id_number(value: str, today: Optional[datetime.date] = None) -> bool:
    """An 18-character mainland ID number with a known region, a real birth date and a valid check."""
    return looks_like_id_number(value, today) and id_check_character(value[:17]) == value[17].upper()


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def is_valid_uscc(value: str) -> bool:
    """统一社会信用代码 (GB 32100-2015) check character."""
    if len(value) != 18 or any(char not in _USCC_CHARS for char in value):
        return False
    total = sum(_USCC_CHARS.index(char) * weight for char, weight in zip(value, _USCC_WEIGHTS))
    return _USCC_CHARS[(31 - total % 31) % 31] == value[17]


def is_bank_card_number(digits: str) -> bool:
    """16–19 digits, a payment-card industry prefix (ISO/IEC 7812 MII 3–6, or Mastercard 2221–2720),
    Luhn-valid, and not shaped like an ID number (see ``_id_shaped``: a mistyped or made-up ID is far
    likelier than an 18-digit card) nor a numeric 统一社会信用代码."""
    if not (16 <= len(digits) <= 19 and digits.isdigit()):
        return False
    if not (digits[0] in "3456" or 2221 <= int(digits[:4]) <= 2720):
        return False
    return luhn_valid(digits) and not _id_shaped(digits) and not is_valid_uscc(digits)


def _id_shaped(value: str) -> bool:
    """Region + birth date, or region + a correct GB 11643 check character: an ID number, possibly
    mistyped or made up — not counted as a bank card."""
    if looks_like_id_number(value):
        return True
    return (len(value) == 18 and value[:2] in _PROVINCES and value.isdigit()
            and id_check_character(value[:17]) == value[17])


def mask(kind: str, value: str) -> str:
    """The masked form shown in reports: 138****5678, 3716**********1234, 6222***********0128."""
    keep_head = 3 if kind == MOBILE else 4
    return value[:keep_head] + "*" * (len(value) - keep_head - 4) + value[-4:]


def find_personal_information(text: str) -> list[tuple[str, str]]:
    """``(kind, normalised value)`` for every hit in ``text``."""
    hits: list[tuple[str, str]] = []
    if len(text) < 11:
        return hits
    for match in _MOBILE_RE.finditer(text):
        hits.append((MOBILE, match.group(1) + match.group(3) + match.group(4)))
    if len(text) >= 16:
        for match in _ID_RE.finditer(text):
            if is_valid_id_number(match.group(1)):
                hits.append((ID_NUMBER, match.group(1).upper()))
        for match in _CARD_RE.finditer(text):
            digits = re.sub(r"[-\s]", "", match.group(1))
            if is_bank_card_number(digits):
                hits.append((BANK_CARD, digits))
    return hits


def cell_text(value: Any) -> Optional[str]:
    """The text to scan for a cell or JSON scalar (integral floats as integers: 13812345678.0)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e19:
            return str(int(value))
        return repr(value)
    try:  # decimal.Decimal from ijson
        if value == value.to_integral_value():
            return str(int(value))
    except (AttributeError, ValueError, ArithmeticError):
        pass
    return str(value)


# --------------------------------------------------------------------------------------------------
# the report


@dataclasses.dataclass
class Finding:
    """Hits of one kind in one column (CSV: header; XLSX: ``sheet!header``; JSON: ``$.path[*].key``)."""

    location: str
    kind: str
    rows: int = 0           # rows (JSON: records) with at least one hit
    hits: int = 0           # values found
    samples: list[str] = dataclasses.field(default_factory=list)     # masked, distinct, at most 3
    first_rows: list[int] = dataclasses.field(default_factory=list)  # at most 5

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class PiiReport:
    format: str
    clean: bool = True
    complete: bool = True
    findings: list[Finding] = dataclasses.field(default_factory=list)
    totals: dict[str, int] = dataclasses.field(default_factory=lambda: {kind: 0 for kind in KINDS})
    rows_scanned: int = 0
    bytes_scanned: int = 0
    limit_reached: Optional[str] = None   # "rows" or "bytes"
    encoding: Optional[str] = None        # CSV only
    error: Optional[str] = None

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["findings"] = [finding.as_dict() for finding in self.findings]
        return data


class _Collector:
    """Accumulates hits per (location, kind) while a file is read."""

    def __init__(self) -> None:
        self._findings: dict[tuple[str, str], Finding] = {}
        self._last_row: dict[tuple[str, str], int] = {}

    def scan(self, location: str, row: int, value: Any) -> None:
        text = cell_text(value)
        if not text:
            return
        for kind, found in find_personal_information(text):
            key = (location, kind)
            finding = self._findings.get(key)
            if finding is None:
                finding = self._findings[key] = Finding(location=location, kind=kind)
            finding.hits += 1
            if self._last_row.get(key) != row:
                self._last_row[key] = row
                finding.rows += 1
                if len(finding.first_rows) < MAX_FIRST_ROWS:
                    finding.first_rows.append(row)
            masked = mask(kind, found)
            if len(finding.samples) < MAX_SAMPLES and masked not in finding.samples:
                finding.samples.append(masked)

    def finish(self, report: PiiReport) -> PiiReport:
        report.findings = list(self._findings.values())
        for finding in report.findings:
            report.totals[finding.kind] += finding.rows
        if report.error is not None:
            report.complete = False
        report.clean = report.error is None and not report.findings
        return report


class _ScanError(Exception):
    """A bilingual, user-facing reason the file cannot be scanned."""


class _LimitedReader(io.RawIOBase):
    """Reads a binary stream up to ``max_bytes``; then reports EOF and sets ``truncated``."""

    def __init__(self, stream: IO[bytes], max_bytes: int) -> None:
        self._stream = stream
        self._remaining = max_bytes
        self.bytes_read = 0
        self.truncated = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._remaining <= 0:
            if not self.truncated and self._stream.read(1):
                self.truncated = True
            return 0
        view = memoryview(buffer)[: min(len(buffer), self._remaining)]
        data = self._stream.read(len(view))
        if isinstance(data, str):  # a text stream given by the caller
            data = data.encode("utf-8")
            data, rest = data[: len(view)], data[len(view):]
            if rest:  # rare: the encoded text is longer than asked; keep it for the next read
                self._stream = _Prefixed(rest, self._stream)
        count = len(data)
        view[:count] = data
        self._remaining -= count
        self.bytes_read += count
        return count

    def read(self, size: int = -1) -> bytes:  # ijson calls read(n) directly
        if size is None or size < 0:
            size = 64 * 1024
        buffer = bytearray(size)
        count = self.readinto(buffer)
        return bytes(buffer[:count])


class _Prefixed:
    def __init__(self, prefix: bytes, stream: IO[Any]) -> None:
        self._prefix = prefix
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if self._prefix:
            data, self._prefix = self._prefix[:size], self._prefix[size:]
            return data
        data = self._stream.read(size)
        return data.encode("utf-8") if isinstance(data, str) else data


# --------------------------------------------------------------------------------------------------
# CSV


def _detect_encoding(sample: bytes, at_eof: bool) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=at_eof)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=at_eof)
        return "gb18030"
    except UnicodeDecodeError:
        raise _ScanError("无法识别 CSV 文件的编码（支持 UTF-8、GB18030） / "
                         "Cannot determine the CSV file's encoding (UTF-8 and GB18030 are supported)") from None


def _column_names(first_row: list[str]) -> tuple[list[str], bool]:
    """Header names, and whether the first row is a header (a row holding personal data is not)."""
    if any(find_personal_information(cell) for cell in first_row):
        return [], False
    return [cell.strip() for cell in first_row], True


def _column_label(names: list[str], index: int, letter: Optional[str] = None) -> str:
    if index < len(names) and names[index]:
        return names[index]
    return f"列 {letter or index + 1} / column {letter or index + 1}"


def _scan_csv(stream: IO[bytes], report: PiiReport, collector: _Collector, max_rows: int, max_bytes: int,
              encoding: Optional[str]) -> None:
    limited = _LimitedReader(stream, max_bytes)
    buffered = io.BufferedReader(limited, buffer_size=SNIFF_BYTES)
    sample = buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    if encoding is None:
        encoding = _detect_encoding(sample, at_eof=len(sample) < SNIFF_BYTES)
    report.encoding = encoding
    text = io.TextIOWrapper(buffered, encoding=encoding, newline="")
    head = sample[:64 * 1024].decode(encoding, errors="ignore")
    try:
        dialect: Any = csv.Sniffer().sniff(head, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(text, dialect)
    names: list[str] = []
    row_number = 0
    pending: Optional[list[str]] = None
    try:
        for record in reader:
            row_number += 1
            if row_number == 1:
                names, is_header = _column_names(record)
                if is_header:
                    continue
            if pending is not None:
                _scan_csv_row(collector, names, *pending)
                report.rows_scanned += 1
                if report.rows_scanned >= max_rows:
                    report.complete, report.limit_reached = False, "rows"
                    pending = None
                    break
            pending = [row_number, record]  # scanned once the next row is read: see below
        if pending is not None:
            if limited.truncated:
                pass  # the last row may be cut in the middle of a number: not scanned
            else:
                _scan_csv_row(collector, names, *pending)
                report.rows_scanned += 1
    except UnicodeDecodeError:
        raise _ScanError(f"CSV 文件不是有效的 {encoding} 编码 / The CSV file is not valid {encoding}") from None
    except csv.Error as error:
        raise _ScanError(f"无法解析 CSV 文件（第 {row_number} 行：{error}） / "
                         f"Cannot parse the CSV file (row {row_number}: {error})") from None
    finally:
        report.bytes_scanned = limited.bytes_read
    if limited.truncated and report.limit_reached is None:
        report.complete, report.limit_reached = False, "bytes"


def _scan_csv_row(collector: _Collector, names: list[str], row_number: int, record: list[str]) -> None:
    for index, value in enumerate(record):
        collector.scan(_column_label(names, index), row_number, value)


# --------------------------------------------------------------------------------------------------
# JSON


def _json_key(key: str) -> str:
    if find_personal_information(key):
        return ".*"  # a key that is itself personal data (a dict keyed by phone number) is not shown
    return f".{key}" if key.isidentifier() else f"[{json.dumps(key, ensure_ascii=False)}]"


class _RowLimit(Exception):
    pass


def _scan_json(stream: IO[bytes], report: PiiReport, collector: _Collector, max_rows: int,
               max_bytes: int) -> None:
    import ijson

    limited = _LimitedReader(stream, max_bytes)
    buffered = io.BufferedReader(limited)
    if buffered.peek(3)[:3] == codecs.BOM_UTF8:
        buffered.read(3)
    # a stack of containers: ["map", key] or ["array", index]; the path uses [*] for array items
    stack: list[list[Any]] = []
    record = 0          # 1-based index in the outermost array: the "row" of a JSON file
    pending: Optional[tuple[str, int, Any]] = None  # scanned once the next event shows it was complete
    seen_value = False

    def path() -> str:
        parts = ["$"]
        for kind, key in stack:
            if kind == "array":
                parts.append("[*]")
            elif key is not None:
                parts.append(_json_key(key))
        return "".join(parts)

    def begin_value() -> None:
        nonlocal record
        if stack and stack[-1][0] == "array":
            stack[-1][1] += 1
            if sum(1 for kind, _ in stack if kind == "array") == 1:
                if stack[-1][1] > max_rows:
                    raise _RowLimit
                record = stack[-1][1]
                report.rows_scanned = record

    def flush(next_value: Any = None, key: bool = False) -> None:
        """Scan the pending value, and make ``next_value`` pending (its path is built only if it holds
        something: most values hold nothing)."""
        nonlocal pending
        if pending is not None:
            collector.scan(*pending)
        pending = None
        text = cell_text(next_value)
        if text and find_personal_information(text):
            pending = (path() + (" (键 / key)" if key else ""), max(record, 1), next_value)

    try:
        for _prefix, event, value in ijson.parse(buffered, use_float=True):
            seen_value = True
            if event == "map_key":
                stack[-1][1] = None
                flush(value, key=True)
                stack[-1][1] = value
            elif event in ("start_map", "start_array"):
                begin_value()
                stack.append(["map", None] if event == "start_map" else ["array", 0])
            elif event in ("end_map", "end_array"):
                stack.pop()
            else:
                begin_value()
                flush(value)
        flush()
        if not report.rows_scanned and seen_value:
            report.rows_scanned = 1
    except _RowLimit:
        flush()  # the previous value was complete: the row limit is not a cut in the bytes
        report.complete, report.limit_reached = False, "rows"
    except ijson.JSONError as error:
        if not limited.truncated:
            detail = " ".join(str(error).split())
            raise _ScanError(f"无法解析 JSON 文件（{detail}） / Cannot parse the JSON file ({detail})") from None
        # the byte limit cut the document: what came before the cut was scanned; the pending value,
        # possibly cut in the middle of a number, is dropped
    finally:
        report.bytes_scanned = limited.bytes_read
    if limited.truncated and report.limit_reached is None:
        report.complete, report.limit_reached = False, "bytes"
    if not seen_value and not limited.truncated:
        raise _ScanError("JSON 文件为空 / The JSON file is empty")


# --------------------------------------------------------------------------------------------------
# XLSX


def _scan_xlsx(stream: IO[bytes], report: PiiReport, collector: _Collector, max_rows: int,
               max_bytes: int) -> None:
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors …
        raise _ScanError(f"无法解析 XLSX 文件（{type(error).__name__}） / "
                         f"Cannot parse the XLSX file ({type(error).__name__}: {error})") from None
    scanned_bytes = 0
    try:
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "iter_rows"):
                continue  # chart sheets
            sheet.reset_dimensions()  # some producers write a wrong <dimension>: read every row
            names: Optional[list[str]] = None
            for cells in sheet.iter_rows():
                row_number = next((cell.row for cell in cells if getattr(cell, "row", None)), None)
                if row_number is None:
                    continue  # an empty row
                values = [cell.value for cell in cells]
                if names is None:
                    texts = [cell_text(value) or "" for value in values]
                    names, is_header = _column_names(texts)
                    if is_header:
                        continue
                for cell in cells:
                    column = getattr(cell, "column", None)
                    if column is None or cell.value is None:
                        continue
                    text = cell_text(cell.value)
                    if text is None:
                        continue
                    scanned_bytes += len(text.encode("utf-8"))
                    label = _column_label(names, column - 1, get_column_letter(column))
                    collector.scan(f"{sheet.title}!{label}", row_number, cell.value)
                report.rows_scanned += 1
                report.bytes_scanned = scanned_bytes
                if report.rows_scanned >= max_rows:
                    report.complete, report.limit_reached = False, "rows"
                    return
                if scanned_bytes >= max_bytes:
                    report.complete, report.limit_reached = False, "bytes"
                    return
    except _ScanError:
        raise
    except Exception as error:  # a sheet's XML broken half-way
        raise _ScanError(f"无法解析 XLSX 文件（{type(error).__name__}） / "
                         f"Cannot parse the XLSX file ({type(error).__name__}: {error})") from None
    finally:
        workbook.close()


# --------------------------------------------------------------------------------------------------
# entry point

_FORMAT_ALIASES = {
    "csv": "csv", "text/csv": "csv", "tsv": "csv",
    "json": "json", "application/json": "json", "geojson": "json",
    "xlsx": "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


def _normalise_format(resource_format: Optional[str], name: Optional[str]) -> Optional[str]:
    if resource_format:
        return _FORMAT_ALIASES.get(resource_format.strip().lower().lstrip("."))
    if name:
        return _FORMAT_ALIASES.get(os.path.splitext(str(name))[1].lower().lstrip("."))
    return None


def _sniff_format(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    stripped = head.lstrip(codecs.BOM_UTF8).lstrip()
    if stripped[:1] in (b"{", b"["):
        return "json"
    return "csv"


def scan_resource(source: Source, resource_format: Optional[str] = None, *, name: Optional[str] = None,
                  max_rows: int = DEFAULT_MAX_ROWS, max_bytes: int = DEFAULT_MAX_BYTES,
                  encoding: Optional[str] = None) -> PiiReport:
    """Scan one resource file for personal information.

    :param source: a path, or a binary (or text) file object positioned at the start
    :param resource_format: CKAN resource format (``CSV``, ``JSON``, ``XLSX``); else taken from the
        file name's extension, else sniffed from the first bytes
    :param name: the file name when ``source`` is a file object (for the extension)
    :param max_rows: stop after this many data rows (JSON: records of the outermost array)
    :param max_bytes: stop after this many bytes read (XLSX: bytes of cell text)
    :param encoding: force a CSV encoding instead of detecting utf-8-sig / utf-8 / gb18030
    :returns: a :class:`PiiReport`; ``error`` is set (bilingual) when the file cannot be scanned
    """
    if isinstance(source, (str, os.PathLike)):
        name = name or os.fspath(source)
    fmt = _normalise_format(resource_format, name)
    report = PiiReport(format=fmt or "unknown")
    if resource_format and fmt is None:
        report.error = (f"不支持扫描 {resource_format} 格式（支持 CSV、JSON、XLSX） / "
                        f"Scanning {resource_format} is not supported (CSV, JSON and XLSX are)")
        report.clean = False
        return report
    collector = _Collector()
    stream: Any = None
    opened_here = False
    try:
        if isinstance(source, (str, os.PathLike)):
            try:
                stream = open(source, "rb")
            except OSError as error:
                raise _ScanError(f"无法读取文件 {name}（{error.strerror}） / "
                                 f"Cannot read the file {name} ({error.strerror})") from None
            opened_here = True
        else:
            stream = source
        if fmt is None or fmt == "xlsx":
            stream, spooled = _seekable(stream)
            opened_here = opened_here or spooled
            head = stream.read(8)
            stream.seek(0)
            if isinstance(head, str):
                head = head.encode("utf-8")
            if fmt is None:
                fmt = _sniff_format(head)
                report.format = fmt
        if fmt == "csv":
            _scan_csv(stream, report, collector, max_rows, max_bytes, encoding)
        elif fmt == "json":
            _scan_json(stream, report, collector, max_rows, max_bytes)
        else:
            if not zipfile.is_zipfile(stream):
                raise _ScanError("无法解析 XLSX 文件（不是有效的 XLSX/ZIP 文件） / "
                                 "Cannot parse the XLSX file (not a valid XLSX/ZIP file)")
            stream.seek(0)
            _scan_xlsx(stream, report, collector, max_rows, max_bytes)
    except _ScanError as error:
        report.error = str(error)
    except MemoryError:
        report.error = "文件过大，无法扫描 / The file is too large to scan"
    except Exception as error:  # never let a resource file break the caller
        log.exception("personal-information scan of %s failed", name or "<stream>")
        report.error = (f"扫描文件时出错（{type(error).__name__}） / "
                        f"The file could not be scanned ({type(error).__name__}: {error})")
    finally:
        if opened_here and stream is not None:
            try:
                stream.close()
            except Exception:  # pragma: no cover - closing a broken stream
                pass
    return collector.finish(report)


def _seekable(stream: Any) -> tuple[Any, bool]:
    """``stream`` itself when it can seek, else a spooled copy (returned as opened here)."""
    try:
        if stream.seekable():
            return stream, False
    except (AttributeError, ValueError):
        pass
    copy = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    shutil.copyfileobj(_Prefixed(b"", stream), copy)
    copy.seek(0)
    return copy, True


def scan_text_values(values: Iterable[tuple[str, int, Any]]) -> PiiReport:
    """Scan ``(location, row, value)`` triples already in memory (e.g. a DataStore page)."""
    report = PiiReport(format="values")
    collector = _Collector()
    rows: set[int] = set()
    for location, row, value in values:
        collector.scan(location, row, value)
        rows.add(row)
    report.rows_scanned = len(rows)
    return collector.finish(report)


__all__ = [
    "BANK_CARD", "ID_NUMBER", "KINDS", "KIND_LABELS", "MOBILE", "Finding", "PiiReport",
    "find_personal_information", "id_check_character", "is_bank_card_number", "is_valid_id_number",
    "looks_like_id_number",
    "is_valid_uscc", "luhn_valid", "mask", "scan_resource", "scan_text_values",
]

