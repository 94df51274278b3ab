"""Personal-information scanner (SEC-1: no ID numbers, phone numbers or bank cards in open data; SEC-2).

Valid ID numbers are built here with the test's own GB 11643-1999 check-character function from real
region codes and dates; card numbers with the test's own Luhn function. Nothing needs the database.
"""
from __future__ import annotations

import datetime
import io
import json
import zipfile

import openpyxl
import pytest

from ckanext.publicdata.catalog import pii
from ckanext.publicdata.catalog.pii import BANK_CARD, ID_NUMBER, MOBILE, scan_resource

# region codes: 110105 北京市朝阳区, 371602 滨州市滨城区, 370303 淄博市张店区, 320505 苏州市虎丘区
REGIONS = ("110105", "371602", "370303", "320505")


def gb11643_check(first17: str) -> str:
    """ISO 7064 MOD 11-2 as GB 11643 writes it: sum(a_i * 2^(17-i) mod 11), check = (12 - sum) mod 11."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def make_id(region: str, birth: str, sequence: str) -> str:
    first17 = region + birth + sequence
    assert len(first17) == 17
    return first17 + gb11643_check(first17)


def wrong_check(id_number: str) -> str:
    right = id_number[-1]
    return id_number[:-1] + ("0" if right != "0" else "1")


def luhn_complete(prefix: str, length: int) -> str:
    """``prefix`` padded with zeros to ``length - 1`` digits plus the Luhn check digit."""
    body = prefix.ljust(length - 1, "0")
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char)
        if position % 2 == 0:  # doubled: these become odd positions once the check digit is appended
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return body + str((10 - total % 10) % 10)


ID_1 = make_id("371602", "19900101", "123")   # 37160219900101123X
ID_2 = make_id("110105", "19851231", "042")
ID_3 = make_id("370303", "20000229", "317")   # leap day
ID_4 = make_id("320505", "19700615", "888")
CARD_UNIONPAY = luhn_complete("622202123456789", 19)
CARD_UNIONPAY_16 = luhn_complete("62170012", 16)
VISA_TEST = "4111111111111111"
MASTERCARD_TEST = "5555555555554444"


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    import csv

    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def by_location_kind(report: pii.PiiReport) -> dict[tuple[str, str], pii.Finding]:
    return {(finding.location, finding.kind): finding for finding in report.findings}


# ---------------------------------------------------------------------------------------------
# recognising values


class TestValues:
    def test_own_check_function_agrees_on_a_published_example(self):
        # the example number of GB 11643-1999's annex: 11010519491231002X
        assert gb11643_check("11010519491231002") == "X"
        assert pii.find_personal_information("11010519491231002X") == [(ID_NUMBER, "11010519491231002X")]

    @pytest.mark.parametrize("region", REGIONS)
    @pytest.mark.parametrize("birth", ["19491001", "19800229", "19991231", "20100701"])
    def test_generated_id_numbers_are_found(self, region, birth):
        id_number = make_id(region, birth, "051")
        assert pii.find_personal_information(f"身份证号：{id_number}。") == [(ID_NUMBER, id_number)]
        assert pii.find_personal_information(id_number.lower()) == [(ID_NUMBER, id_number.upper())]

    @pytest.mark.parametrize("id_number", [ID_1, ID_2, ID_3, ID_4])
    def test_wrong_check_character_not_flagged(self, id_number):
        assert pii.find_personal_information(wrong_check(id_number)) == []

    @pytest.mark.parametrize("first17", [
        "37160219901301123",   # month 13
        "37160219900230123",   # 30 February
        "37160218991231123",   # born 1899
        "99160219900101123",   # region 99 does not exist
        "00160219900101123",   # region 00
    ])
    def test_implausible_id_numbers_with_a_valid_check_not_flagged(self, first17):
        assert pii.find_personal_information(first17 + gb11643_check(first17)) == []

    def test_future_birth_date_not_flagged(self):
        next_year = datetime.date.today().year + 1
        assert pii.find_personal_information(make_id("371602", f"{next_year}0101", "123")) == []

    def test_luhn_valid_id_number_counted_only_as_id_number(self):
        # find an 18-digit ID whose digits also pass Luhn: it is an ID, not a bank card
        for sequence in range(100, 1000):
            id_number = make_id("371602", "19900101", str(sequence))
            if id_number[-1] != "X" and pii.luhn_valid(id_number):
                break
        else:  # pragma: no cover
            pytest.fail("no Luhn-valid ID number generated")
        assert pii.find_personal_information(id_number) == [(ID_NUMBER, id_number)]

    @pytest.mark.parametrize("card", [VISA_TEST, MASTERCARD_TEST, CARD_UNIONPAY, CARD_UNIONPAY_16])
    def test_luhn_valid_cards_flagged(self, card):
        assert pii.find_personal_information(f"卡号 {card}") == [(BANK_CARD, card)]
        assert pii.find_personal_information(f"卡号:{card}。") == [(BANK_CARD, card)]

    @pytest.mark.parametrize("separator", [" ", "-"])
    def test_grouped_card_flagged(self, separator):
        grouped = separator.join(CARD_UNIONPAY_16[i:i + 4] for i in range(0, 16, 4))
        assert pii.find_personal_information(grouped) == [(BANK_CARD, CARD_UNIONPAY_16)]
        grouped_19 = separator.join(CARD_UNIONPAY[i:i + 4] for i in range(0, 19, 4))  # 4-4-4-4-3
        assert pii.find_personal_information(grouped_19) == [(BANK_CARD, CARD_UNIONPAY)]

    def test_luhn_invalid_cards_not_flagged(self):
        bad = VISA_TEST[:-1] + "2"
        assert pii.find_personal_information(bad) == []
        assert pii.find_personal_information(CARD_UNIONPAY[:-1] + str((int(CARD_UNIONPAY[-1]) + 1) % 10)) == []

    def test_id_shaped_numbers_with_a_wrong_check_never_flagged_even_when_luhn_valid(self):
        flagged = []
        for sequence in range(100, 400):
            wrong = wrong_check(make_id("371602", "19900101", str(sequence)))
            flagged += pii.find_personal_information(wrong)
        assert flagged == []

    def test_mastercard_two_series_flagged(self):
        card = luhn_complete("222100", 16)
        assert pii.find_personal_information(card) == [(BANK_CARD, card)]

    def test_luhn_valid_run_of_a_non_card_industry_not_flagged(self):
        # first digit 1/2/7/8/9 is not a banking/payment industry (ISO/IEC 7812), e.g. order numbers
        assert pii.find_personal_information(luhn_complete("912345", 18)) == []

    def test_numeric_credit_code_not_flagged_as_card(self):
        # an all-digit 统一社会信用代码 (GB 32100) starting with 5 (民政) that also passes Luhn
        chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        weights = [3 ** i % 31 for i in range(17)]
        for serial in range(10_000, 99_999):
            body = f"5137160{serial:05d}12345"[:17]
            check = (31 - sum(int(c) * w for c, w in zip(body, weights)) % 31) % 31
            code = body + chars[check]
            if code.isdigit() and pii.luhn_valid(code):
                break
        else:  # pragma: no cover
            pytest.fail("no numeric credit code generated")
        assert pii.is_valid_uscc(code)
        assert pii.find_personal_information(code) == []

    @pytest.mark.parametrize("text, phone", [
        ("13812345678", "13812345678"),
        ("联系电话：19912345678。", "19912345678"),
        ("+86 13912345678", "13912345678"),
        ("8615012345678", "15012345678"),
        ("138-1234-5678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("13812345678.0", "13812345678"),   # float export of a phone column
        ("tel.17712345678", "17712345678"),
    ])
    def test_mobile_numbers_flagged(self, text, phone):
        assert pii.find_personal_information(text) == [(MOBILE, phone)]

    @pytest.mark.parametrize("text", [
        "138****1234", "3716**********1234", "6222 **** **** 0128", "1381234****",  # masked
        "12345678901", "10012345678", "11012345678",    # 11 digits, not 1[3-9]
        "213812345678", "138123456789", "0013812345679",  # a phone inside a longer digit run
        "SN13812345678", "13812345678A",                 # part of an ASCII code
        "13812345678.5", "0.13812345678",                # decimals
        "1381234567",                                    # 10 digits
    ])
    def test_not_flagged(self, text):
        assert pii.find_personal_information(text) == []

    def test_masking_keeps_only_the_ends(self):
        assert pii.mask(MOBILE, "13812345678") == "138****5678"
        assert pii.mask(ID_NUMBER, ID_1) == "3716**********123X"
        assert pii.mask(BANK_CARD, VISA_TEST) == "4111********1111"


# ---------------------------------------------------------------------------------------------
# CSV


class TestCsv:
    ROWS = [
        ["姓名", "身份证号码", "联系电话", "银行卡号", "备注"],
        ["张三", ID_1, "13812345678", VISA_TEST, "无"],
        ["李四", "3716**********1234", "138****1234", "6222 **** **** 0128", "已脱敏"],
        ["王五", ID_2, "15912345678", CARD_UNIONPAY, f"备用电话 18612345678，另见 {ID_3}"],
        ["赵六", "", "", "", ""],
    ]

    @pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-8-sig"])
    def test_chinese_headers_in_each_encoding(self, encoding):
        report = scan_resource(io.BytesIO(csv_bytes(self.ROWS, encoding)), "CSV")
        assert report.error is None and report.encoding == encoding
        assert not report.clean and report.complete
        found = by_location_kind(report)
        assert set(found) == {("身份证号码", ID_NUMBER), ("联系电话", MOBILE), ("银行卡号", BANK_CARD),
                              ("备注", MOBILE), ("备注", ID_NUMBER)}
        # header is row 1: 张三 is row 2, 王五 row 4; the masked row 3 is not a hit
        assert found[("身份证号码", ID_NUMBER)].rows == 2
        assert found[("身份证号码", ID_NUMBER)].first_rows == [2, 4]
        assert found[("联系电话", MOBILE)].samples == ["138****5678", "159****5678"]
        assert found[("银行卡号", BANK_CARD)].first_rows == [2, 4]
        assert found[("备注", MOBILE)].first_rows == [4]
        assert report.totals == {ID_NUMBER: 3, MOBILE: 3, BANK_CARD: 2}
        assert report.rows_scanned == 4

    def test_report_never_holds_a_raw_value(self):
        report = scan_resource(io.BytesIO(csv_bytes(self.ROWS)), "CSV")
        dumped = json.dumps(report.as_dict(), ensure_ascii=False)
        for raw in (ID_1, ID_2, ID_3, "13812345678", "15912345678", "18612345678", VISA_TEST, CARD_UNIONPAY):
            assert raw not in dumped

    def test_clean_file(self):
        rows = [["企业名称", "统一编号", "电话"], ["滨州某公司", "10012345678", "0543-3161234"],
                ["淄博某公司", "11098765432", "12345"], ["苏州某公司", "12000000001", "138****8888"]]
        report = scan_resource(io.BytesIO(csv_bytes(rows, "gb18030")), "CSV")
        assert report.clean and report.findings == [] and report.error is None
        assert report.rows_scanned == 3

    def test_numeric_column_of_eleven_digit_non_phone_ids(self):
        rows = [["编号"]] + [[str(10_000_000_000 + 7919 * i)] for i in range(200)]   # 100…
        rows += [[str(11_000_000_000 + 13 * i)] for i in range(100)]                 # 110…
        rows += [[str(12_000_000_000 + 13 * i)] for i in range(100)]                 # 120…
        assert all(len(row[0]) == 11 for row in rows[1:])
        report = scan_resource(io.BytesIO(csv_bytes(rows)), "CSV")
        assert report.clean and report.rows_scanned == 400

    def test_file_without_header_scans_the_first_row(self, tmp_path):
        path = tmp_path / "no-header.csv"
        path.write_bytes(csv_bytes([["13812345678", "a"], ["x", "y"]]))
        report = scan_resource(str(path))   # format from the extension, path input
        assert report.format == "csv"
        [finding] = report.findings
        assert finding.kind == MOBILE and finding.first_rows == [1] and "column 1" in finding.location

    def test_semicolon_and_tab_delimiters(self):
        data = "姓名;手机\n张三;13812345678\n".encode("utf-8")
        [finding] = scan_resource(io.BytesIO(data), "CSV").findings
        assert finding.location == "手机"
        tsv = "姓名\t手机\n张三\t13812345678\n".encode("gb18030")
        [finding] = scan_resource(io.BytesIO(tsv), "TSV").findings
        assert finding.location == "手机"

    def test_text_stream_input(self):
        text = io.StringIO("姓名,手机\n张三,13812345678\n")
        [finding] = scan_resource(text, "CSV").findings
        assert finding.kind == MOBILE

    def test_undecodable_file_gives_bilingual_error(self):
        report = scan_resource(io.BytesIO(b"a,b\n\xff\xfe\xff,1\n"), "CSV")
        assert report.error and "编码" in report.error and "encoding" in report.error
        assert not report.clean and not report.complete

    def test_row_limit(self):
        rows = [["手机"]] + [["13812345678"]] * 5 + [["15912345678"]]
        report = scan_resource(io.BytesIO(csv_bytes(rows)), "CSV", max_rows=5)
        assert not report.complete and report.limit_reached == "rows"
        assert report.rows_scanned == 5
        [finding] = report.findings
        assert finding.rows == 5 and finding.samples == ["138****5678"]  # the 6th row was not read

    def test_byte_limit_drops_the_possibly_cut_last_row(self):
        rows = [["卡号"]] + [[VISA_TEST]] * 3 + [["13812345678901234567"]]
        data = csv_bytes(rows)
        # cut inside the last row, right after "13812345678": that fragment looks like a phone
        cut = data.index(b"13812345678901234567") + 11
        report = scan_resource(io.BytesIO(data), "CSV", max_bytes=cut)
        assert not report.complete and report.limit_reached == "bytes"
        assert [finding.kind for finding in report.findings] == [BANK_CARD]
        assert report.findings[0].rows == 3

    def test_byte_limit_larger_than_file_is_complete(self):
        data = csv_bytes([["a"], ["13812345678"]])
        report = scan_resource(io.BytesIO(data), "CSV", max_bytes=len(data))
        assert report.complete and report.bytes_scanned == len(data)


# ---------------------------------------------------------------------------------------------
# JSON


class TestJson:
    def test_nested_arrays_and_objects(self):
        document = {
            "meta": {"发布单位": "滨州市大数据局", "联系人电话": "0543-1234567"},
            "data": [
                {"名称": "甲", "联系人": {"电话": ["13812345678", 13912345678], "证件": ID_1}},
                {"名称": "乙", "联系人": {"电话": ["138****1234"], "证件": "3716**********1234"}},
                {"名称": "丙", "账户": [{"卡号": CARD_UNIONPAY}, {"卡号": "无"}],
                 "联系人": {"电话": [], "证件": ID_4}},
                {"13612345678": "以电话为键"},
            ],
        }
        report = scan_resource(io.BytesIO(json.dumps(document, ensure_ascii=False).encode("utf-8")), "JSON")
        assert report.error is None
        found = by_location_kind(report)
        assert set(found) == {("$.data[*].联系人.电话[*]", MOBILE), ("$.data[*].联系人.证件", ID_NUMBER),
                              ("$.data[*].账户[*].卡号", BANK_CARD), ("$.data[*] (键 / key)", MOBILE)}
        phones = found[("$.data[*].联系人.电话[*]", MOBILE)]
        assert (phones.rows, phones.hits, phones.first_rows) == (1, 2, [1])   # two numbers in record 1
        assert found[("$.data[*].联系人.证件", ID_NUMBER)].first_rows == [1, 3]
        assert found[("$.data[*].账户[*].卡号", BANK_CARD)].first_rows == [3]
        assert found[("$.data[*] (键 / key)", MOBILE)].samples == ["136****5678"]
        assert report.rows_scanned == 4
        assert "13612345678" not in json.dumps(report.as_dict(), ensure_ascii=False)

    def test_single_object_with_utf8_bom(self):
        document = json.dumps({"申请人": {"手机": "13812345678"}}, ensure_ascii=False)
        report = scan_resource(io.BytesIO(document.encode("utf-8-sig")), name="x.json")
        assert report.error is None, report.error
        assert [(f.location, f.first_rows) for f in report.findings] == [("$.申请人.手机", [1])]

    def test_key_that_is_personal_data_is_not_shown_in_paths(self):
        document = {"13812345678": {"证件": ID_2}}
        report = scan_resource(io.BytesIO(json.dumps(document).encode()), "JSON")
        assert {f.location for f in report.findings} == {"$ (键 / key)", "$.*.证件"}

    def test_sniffed_without_format_or_name(self):
        report = scan_resource(io.BytesIO(b'  [{"tel": "13812345678"}]'))
        assert report.format == "json" and report.findings[0].location == "$[*].tel"

    def test_malformed_json_gives_bilingual_error(self):
        report = scan_resource(io.BytesIO(b'{"data": [1, 2,'), "JSON")
        assert report.error.startswith("无法解析 JSON 文件") and "Cannot parse the JSON file" in report.error
        assert not report.clean

    def test_row_limit_counts_outer_records(self):
        document = [{"tel": "13812345678"}] * 3 + [{"tel": "15912345678"}]
        report = scan_resource(io.BytesIO(json.dumps(document).encode()), "JSON", max_rows=3)
        assert report.limit_reached == "rows" and report.rows_scanned == 3
        assert report.findings[0].samples == ["138****5678"] and report.findings[0].rows == 3

    def test_byte_limit_scans_what_came_before(self):
        document = [{"tel": "13812345678"}] * 50 + [{"card": VISA_TEST}]
        data = json.dumps(document).encode()
        report = scan_resource(io.BytesIO(data), "JSON", max_bytes=200)
        assert report.error is None and not report.complete and report.limit_reached == "bytes"
        assert [f.kind for f in report.findings] == [MOBILE] and 0 < report.findings[0].rows < 50


# ---------------------------------------------------------------------------------------------
# XLSX


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class NonSeekable(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer) -> int:
        chunk = self._inner.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


class TestXlsx:
    SHEETS = {
        "企业名录": [["企业名称", "登记编号", "联系电话"],
                    ["滨州某公司", 10012345678, "0543-3161234"],
                    ["淄博某公司", 11012345678, None],
                    ["苏州某公司", 12012345678, "—"]],
        "联系人": [["姓名", "手机", "证件号码", "卡号"],
                  ["张三", 13812345678, ID_1, VISA_TEST],
                  [],
                  ["李四", "138****1234", "3716**********1234", "6222 **** **** 0128"],
                  ["王五", 15912345678.0, ID_3, MASTERCARD_TEST]],
    }

    def test_sheets_columns_and_rows(self, tmp_path):
        path = tmp_path / "名录.xlsx"
        path.write_bytes(xlsx_bytes(self.SHEETS))
        report = scan_resource(str(path))
        assert report.format == "xlsx" and report.error is None
        found = by_location_kind(report)
        assert set(found) == {("联系人!手机", MOBILE), ("联系人!证件号码", ID_NUMBER), ("联系人!卡号", BANK_CARD)}
        # sheet rows: header 1, 张三 2, empty 3, 李四 4 (masked), 王五 5
        assert found[("联系人!手机", MOBILE)].first_rows == [2, 5]   # numbers stored as int and float
        assert found[("联系人!证件号码", ID_NUMBER)].samples == ["3716**********123X", pii.mask(ID_NUMBER, ID_3)]
        assert found[("联系人!卡号", BANK_CARD)].rows == 2
        assert report.rows_scanned == 3 + 3   # data rows with content in both sheets
        assert report.totals == {ID_NUMBER: 2, MOBILE: 2, BANK_CARD: 2}

    def test_numeric_non_phone_ids_clean(self):
        report = scan_resource(io.BytesIO(xlsx_bytes({"编号": self.SHEETS["企业名录"]})), "XLSX")
        assert report.clean and report.rows_scanned == 3

    def test_non_seekable_stream(self):
        report = scan_resource(NonSeekable(xlsx_bytes(self.SHEETS)), "xlsx")
        assert report.error is None and len(report.findings) == 3

    def test_row_limit(self):
        rows = [["手机"]] + [[13812345678]] * 10
        report = scan_resource(io.BytesIO(xlsx_bytes({"s": rows})), "XLSX", max_rows=4)
        assert report.limit_reached == "rows" and report.findings[0].rows == 4

    @pytest.mark.parametrize("damage", ["truncated", "not_zip", "zip_without_workbook", "empty"])
    def test_broken_xlsx_gives_bilingual_error(self, damage):
        good = xlsx_bytes(self.SHEETS)
        if damage == "truncated":
            data = good[: len(good) // 2]
        elif damage == "not_zip":
            data = "这不是一个表格文件".encode("utf-8") * 20
        elif damage == "zip_without_workbook":
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                archive.writestr("hello.txt", "13812345678")
            data = buffer.getvalue()
        else:
            data = b""
        report = scan_resource(io.BytesIO(data), "XLSX")
        assert report.error.startswith("无法解析 XLSX 文件") and "Cannot parse the XLSX file" in report.error
        assert not report.clean and report.findings == []

    def test_broken_sheet_xml_gives_error(self):
        good = xlsx_bytes({"s": [["手机"], [13812345678]]})
        source, target = io.BytesIO(good), io.BytesIO()
        with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as damaged:
            for item in original.infolist():
                content = original.read(item.filename)
                if item.filename.startswith("xl/worksheets/sheet"):
                    content = content[: len(content) // 2]
                damaged.writestr(item, content)
        report = scan_resource(io.BytesIO(target.getvalue()), "XLSX")
        assert report.error and "XLSX" in report.error and not report.clean


# ---------------------------------------------------------------------------------------------
# entry point


class TestEntryPoint:
    def test_missing_file(self, tmp_path):
        report = scan_resource(str(tmp_path / "absent.csv"))
        assert report.error.startswith("无法读取文件") and "Cannot read the file" in report.error

    def test_unsupported_format(self):
        report = scan_resource(io.BytesIO(b"\xd0\xcf\x11\xe0"), "XLS")
        assert "不支持" in report.error and "not supported" in report.error and not report.clean

    def test_report_is_json_serialisable(self):
        report = scan_resource(io.BytesIO(csv_bytes(TestCsv.ROWS)), "CSV")
        data = json.loads(json.dumps(report.as_dict(), ensure_ascii=False))
        assert data["clean"] is False and data["findings"][0]["samples"]

    def test_caller_stream_left_open(self):
        stream = io.BytesIO(csv_bytes([["a"], ["13812345678"]]))
        scan_resource(stream, "CSV")
        assert not stream.closed

    def test_values_already_in_memory(self):
        report = pii.scan_text_values([("电话", 1, 13812345678), ("电话", 2, "138****5678"), ("证件", 2, ID_2)])
        assert {(f.location, f.kind, tuple(f.first_rows)) for f in report.findings} == {
            ("电话", MOBILE, (1,)), ("证件", ID_NUMBER, (2,))}
        assert report.rows_scanned == 2 and not report.clean
