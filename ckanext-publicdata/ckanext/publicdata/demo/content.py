"""Fake but plausible table content for the demo datasets, generated from their data items.

Each data item carries a small generator spec (see ``demo/data/defaults.yaml`` for the vocabularies):

=====================================  ===============================================================
``const:X``                            always X
``seq:FMT``                            FMT.format(row number), e.g. ``seq:GD{:06d}``
``choice:a|b*3|c``                     random pick; ``*n`` weights a value
``cycle:a|b|c`` / ``cycle:@list``      a, b, c, a, … by row; ``/k`` suffix repeats each value k rows
``@list``                              random pick from a vocabulary list
``$template`` / ``tpl:…{spec}…``       text with embedded specs (templates live in the vocabulary file)
``int:a-b`` / ``float:a-b:digits``     random number
``frac:field:0.80-0.99``               another numeric field of the row times a random ratio
``date:A~B`` / ``datetime:A~B``        random date (time) between A and B
``day:START`` / ``month:YYYY-MM``      START + row (``/k``: a new day or month every k rows)
``index:k``                            1, 2, … k, 1, 2, … (position within a group of k rows)
``offset:field:a-b:digits``            another numeric field of the row plus a random amount
``band:field:50=优|100=良|*=…``         the label of the first upper limit the other field's value is within
``rest:total:part``                    field total minus field part of the same row
``ref:field``                          the value of another field of the same row
``map:field:key=value|…|*=value``      the value of the first key found in another field's value
``credit``                             an enterprise 统一社会信用代码 with valid check characters
``masked_name``                        a surname followed by ** (no real personal data in open files)
``bool`` / ``bool:0.9``                true or false (true with the given probability)
=====================================  ===============================================================
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
from typing import Any

from ckanext.publicdata.catalog import credit_code

ORGANIZATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_EMBEDDED_SPEC = re.compile(r"\{([^{}]+)\}")
_RANGE = re.compile(r"(-?[0-9.]+)-(-?[0-9.]+)")


def _bounds(argument: str) -> tuple[float, float]:
    match = _RANGE.fullmatch(argument)
    if not match:
        raise ValueError(f"not a range: {argument!r}")
    return float(match.group(1)), float(match.group(2))


def organization_code_check(body: str) -> str:
    """GB 11714 check character of an 8-character organization code body."""
    total = sum(int(char, 36) * weight for char, weight in zip(body, ORGANIZATION_CODE_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


class RowGenerator:
    """Generates the rows of one table, deterministically from a seed (the dataset identifier)."""

    def __init__(self, seed: str, vocabulary: dict[str, list[str]], templates: dict[str, str]):
        self.random = random.Random(seed)
        self.vocabulary = vocabulary
        self.templates = templates
        self._specs: dict[str, str] = {}

    def rows(self, items: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
        self._specs = {item["field_name"]: item["gen"] for item in items}
        table = []
        for index in range(count):
            row: dict[str, Any] = {}
            for item in items:
                self._field(item["field_name"], index, count, row)
            table.append(row)
        return table

    def _field(self, name: str, index: int, count: int, row: dict[str, Any]) -> Any:
        """The row's value of a field, generated first when another field refers to it (ref:, map:)."""
        if name not in row:
            row[name] = self.value(self._specs[name], index, count, row)
        return row[name]

    def value(self, spec: str, index: int, count: int, row: dict[str, Any]) -> Any:
        kind, _, argument = spec.partition(":")
        if spec.startswith("@"):
            return self.random.choice(self._list(spec))
        if spec.startswith("$"):
            return self._expand(self.templates[spec[1:]], index, count, row)
        if kind == "ref":
            return self._field(argument, index, count, row)
        if kind == "map":
            field, _, mapping = argument.partition(":")
            source = str(self._field(field, index, count, row))
            for pair in mapping.split("|"):
                key, _, mapped = pair.partition("=")
                if key == "*" or key in source:
                    return mapped
            return ""
        if kind == "const":
            return argument
        if kind == "tpl":
            return self._expand(argument, index, count, row)
        if kind == "seq":
            return argument.format(index + 1)
        if kind == "choice":
            options, weights = zip(*(self._weighted(option) for option in self._options(argument)))
            return self.random.choices(options, weights)[0]
        if kind == "cycle":
            argument, every = self._every(argument)
            values = self._options(argument)
            return values[(index // every) % len(values)]
        if kind == "int":
            low, high = _bounds(argument)
            return self.random.randint(int(low), int(high))
        if kind == "float":
            bounds, _, digits = argument.partition(":")
            low, high = _bounds(bounds)
            return round(self.random.uniform(low, high), int(digits or 2))
        if kind == "frac":
            field, ratios = argument.split(":")
            low, high = _bounds(ratios)
            return int(round(float(row[field]) * self.random.uniform(low, high)))
        if kind == "offset":
            field, _, spec_range = argument.partition(":")
            bounds, _, digits = spec_range.partition(":")
            low, high = _bounds(bounds)
            return round(float(self._field(field, index, count, row)) + self.random.uniform(low, high), int(digits or 1))
        if kind == "band":
            field, _, bands = argument.partition(":")
            number = float(self._field(field, index, count, row))
            for band in bands.split("|"):
                limit, _, label = band.partition("=")
                if limit == "*" or number <= float(limit):
                    return label
            return ""
        if kind == "rest":
            total, part = argument.split(":")
            return self._field(total, index, count, row) - self._field(part, index, count, row)
        if kind == "index":
            return index % int(argument) + 1
        if kind in ("date", "datetime"):
            start, end = (dt.date.fromisoformat(bound) for bound in argument.split("~"))
            day = start + dt.timedelta(days=self.random.randint(0, (end - start).days))
            if kind == "date":
                return day.isoformat()
            moment = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=self.random.randint(28800, 64800))
            return moment.strftime("%Y-%m-%d %H:%M:%S")
        if kind == "day":
            argument, every = self._every(argument)
            return (dt.date.fromisoformat(argument) + dt.timedelta(days=index // every)).isoformat()
        if kind == "month":
            argument, every = self._every(argument)
            year, month = (int(part) for part in argument.split("-"))
            months = year * 12 + month - 1 + index // every
            return f"{months // 12:04d}-{months % 12 + 1:02d}"
        if kind == "credit":
            return self._credit_code()
        if kind == "masked_name":
            return self.random.choice(self.vocabulary["surnames"]) + "**"
        if kind == "bool":
            return self.random.random() < float(argument or 0.5)
        raise ValueError(f"unknown generator spec {spec!r}")

    def _options(self, argument: str) -> list[str]:
        return self._list(argument) if argument.startswith("@") else argument.split("|")

    def _list(self, reference: str) -> list[str]:
        return self.vocabulary[reference[1:]]

    @staticmethod
    def _weighted(option: str) -> tuple[str, int]:
        value, star, weight = option.rpartition("*")
        return (value, int(weight)) if star and weight.isdigit() else (option, 1)

    @staticmethod
    def _every(argument: str) -> tuple[str, int]:
        head, slash, every = argument.rpartition("/")
        return (head, int(every)) if slash and every.isdigit() else (argument, 1)

    def _expand(self, template: str, index: int, count: int, row: dict[str, Any]) -> str:
        expanded = None
        while expanded != template:  # innermost specs first, so specs may nest
            expanded, template = template, _EMBEDDED_SPEC.sub(
                lambda match: str(self.value(match.group(1), index, count, row)), template)
        return template

    def _credit_code(self) -> str:
        division = self.random.choice(("371600", "371602", "371603", "371621", "371622", "371623", "371625", "371626"))
        # "MA…": the organization-code part newly registered enterprises get (never mistakable for an ID number)
        organization = "MA" + "".join(self.random.choice(credit_code.CHARSET) for _ in range(6))
        body = "91" + division + organization + organization_code_check(organization)
        return body + credit_code.check_character(body)


def to_csv(items: list[dict[str, Any]], rows: list[dict[str, Any]]) -> bytes:
    """UTF-8 CSV with the English field names as header (as the data items list them)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = [item["field_name"] for item in items]
    writer.writerow(names)
    for row in rows:
        writer.writerow(["true" if row[name] is True else "false" if row[name] is False else row[name] for name in names])
    return buffer.getvalue().encode("utf-8")


def to_json(items: list[dict[str, Any]], rows: list[dict[str, Any]]) -> bytes:
    """A JSON array of records, keys in data-item order, numbers and booleans typed as the items say."""
    records = [{item["field_name"]: _typed(row[item["field_name"]], item["field_type"]) for item in items}
               for row in rows]
    return json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")


def _typed(value: Any, field_type: str) -> Any:
    if field_type == "number" and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() and "." not in value else number
    if field_type == "boolean" and isinstance(value, str):
        return value == "true"
    return value
