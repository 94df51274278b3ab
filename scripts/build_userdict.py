#!/usr/bin/env python3
"""(Re)build the city's jieba user dictionary for the embedded search.

    .venv/bin/python scripts/build_userdict.py                      # config/ckan.ini → config/dictionaries/publicdata_userdict.txt
    .venv/bin/python scripts/build_userdict.py -c config/test.ini -o /tmp/userdict.txt
    .venv/bin/python scripts/build_userdict.py --no-database         # only the city's district/town/topic lists

What goes into the file (one ``word [freq] [tag]`` a line, the format jieba reads):
  * every active organization in the CKAN database: its full title (滨州市市场监督管理局), the title without the
    city/county prefix (市场监督管理局), the short "市…" form (市市场监督管理局) and, for county bodies, the county;
  * the city's districts, counties, streets and towns, and city-specific topics (listed below in this script);
  * everything between the line ``# --- local additions`` and the end of the existing file, kept verbatim: that is
    where the city writes its own words by hand.
The package's built-in dictionary (search/dictionaries/builtin_userdict.txt) is loaded next to this file anyway;
words may appear in both. ``--organizations-yaml`` adds organization titles from a YAML file with an
``organizations: [{title: …}]`` list (e.g. the demo catalogue's ckanext/publicdata/demo/data/organizations.yaml).

The script reads only ``sqlalchemy.url`` from the ini (following ``use = config:…``); it does not start CKAN and needs
no ``ckan`` command. The search option ``ckanext.publicdata.search.user_dictionary`` names the output file; after
rebuilding it, re-index (``ckan -c config/ckan.ini search-index rebuild``) so documents and queries segment alike.
"""
from __future__ import annotations

import argparse
import configparser
import os
import pathlib
import re
import sys
from typing import Iterable, Optional

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "config" / "dictionaries" / "publicdata_userdict.txt"
LOCAL_MARKER = "# --- local additions"

CITY = "滨州市"
# County-level divisions and their streets (街道) and towns (镇/乡).
DIVISIONS: dict[str, list[str]] = {
    "滨城区": ["市中街道", "市东街道", "市西街道", "北镇街道", "彭李街道", "小营街道", "滨北街道", "梁才街道",
            "杜店街道", "沙河街道", "里则街道", "三河湖镇", "杨柳雪镇", "秦皇台乡"],
    "沾化区": ["富源街道", "富国街道", "下洼镇", "古城镇", "冯家镇", "泊头镇", "大高镇", "黄升镇", "滨海镇",
            "下河乡", "利国乡"],
    "惠民县": ["孙武街道", "武定府街道", "何坊街道", "石庙镇", "桑落墅镇", "淄角镇", "胡集镇", "李庄镇", "麻店镇",
            "魏集镇", "清河镇", "姜楼镇", "辛店镇", "大年陈镇", "皂户李镇"],
    "阳信县": ["信城街道", "金阳街道", "商店镇", "温店镇", "河流镇", "翟王镇", "流坡坞镇", "水落坡镇", "劳店镇",
            "洋湖乡"],
    "无棣县": ["棣丰街道", "海丰街道", "水湾镇", "碣石山镇", "小泊头镇", "埕口镇", "马山子镇", "车王镇", "柳堡镇",
            "佘家镇", "信阳镇", "西小王镇"],
    "博兴县": ["博昌街道", "城东街道", "锦秋街道", "曹王镇", "兴福镇", "陈户镇", "湖滨镇", "店子镇", "吕艺镇",
            "纯化镇", "庞家镇", "乔庄镇"],
    "邹平市": ["黛溪街道", "黄山街道", "高新街道", "好生街道", "西董街道", "长山镇", "魏桥镇", "临池镇", "焦桥镇",
            "韩店镇", "孙镇", "九户镇", "青阳镇", "明集镇", "台子镇", "码头镇"],
    "北海新区": ["马山子镇"],
    "滨州经济技术开发区": ["杜店街道", "沙河街道", "里则街道"],
    "滨州高新技术产业开发区": ["小营街道", "青田街道"],
}
TOPICS = [
    "黄河三角洲", "黄河三角洲高效生态经济区", "渤海革命老区", "孙子故里", "沾化冬枣", "阳信鸭梨", "博兴草柳编",
    "胡集书会", "滨州港", "秦皇河", "中海", "新立河", "徒骇河", "黄河大堤", "滨州医学院", "滨州学院",
    "滨州职业学院", "魏桥创业", "鲁北", "冬枣", "鸭梨", "沾化区冬枣", "市民卡", "爱山东", "山东通",
    "泉城办", "无证明城市", "掌上办", "秒批秒办", "全市通办", "跨省通办", "帮办代办",
]


def _ini_value(path: pathlib.Path, key: str, seen: Optional[set] = None) -> Optional[str]:
    """``key`` of [app:main], following ``use = config:other.ini`` like PasteDeploy does."""
    seen = seen or set()
    path = path.resolve()
    if path in seen:
        return None
    seen.add(path)
    parser = configparser.RawConfigParser(strict=False)
    parser.read(path, encoding="utf-8")
    if parser.has_option("app:main", key):
        return parser.get("app:main", key)
    use = parser.get("app:main", "use", fallback="")
    if use.startswith("config:"):
        return _ini_value(path.parent / use[len("config:"):], key, seen)
    return None


def organization_titles(ini: pathlib.Path) -> list[str]:
    import sqlalchemy as sa

    url = _ini_value(ini, "sqlalchemy.url")
    if not url:
        raise SystemExit(f"no sqlalchemy.url in {ini}")
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                'select title from "group" where is_organization and state = \'active\' '
                "and coalesce(title, '') <> '' order by title"
            )
        ).fetchall()
    engine.dispose()
    return [row[0] for row in rows]


_DIVISION_PREFIX = re.compile(r"^(滨州市|滨州)?(" + "|".join(map(re.escape, DIVISIONS)) + r")?")


def organization_words(title: str) -> list[str]:
    """滨州市市场监督管理局 → itself, 市场监督管理局, 市市场监督管理局; 惠民县大数据中心 → …, 惠民县, 大数据中心."""
    title = re.sub(r"\s+", "", title)
    words = [title]
    match = _DIVISION_PREFIX.match(title)
    city, division = (match.group(1), match.group(2)) if match else (None, None)
    rest = title[match.end():] if match else title
    if len(rest) >= 2 and rest != title:
        words.append(rest)
        if division:
            words.append(division)
        elif city:
            words.append("市" + rest)
    return words


def _local_additions(path: pathlib.Path) -> list[str]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if line.startswith(LOCAL_MARKER):
            return lines[index + 1:]
    return []


def build(organizations: Iterable[str], output: pathlib.Path) -> tuple[int, str]:
    local = _local_additions(output)
    local_words = {line.split()[0] for line in local if line.strip() and not line.startswith("#")}
    written: set[str] = set()
    sections: list[tuple[str, list[tuple[str, str]]]] = []

    def section(title: str, entries: Iterable[tuple[str, str]]) -> None:
        kept = []
        for word, tag in entries:
            if len(word) < 2 or word in written or word in local_words:
                continue
            written.add(word)
            kept.append((word, tag))
        sections.append((title, kept))

    section(
        "organizations in the database (开放主体)",
        ((w, "ns" if w in DIVISIONS else "nt") for t in organizations for w in organization_words(t)),
    )
    section(
        f"{CITY}: districts, counties, streets and towns",
        [(division, "ns") for division in DIVISIONS]
        + [(place, "ns") for places in DIVISIONS.values() for place in places]
        + [(place[:-1], "ns") for places in DIVISIONS.values() for place in places
           if place[-1] in "镇乡" and len(place) >= 4],
    )
    section("city topics", ((topic, "n") for topic in TOPICS))

    lines = [
        "# City user dictionary for the embedded search (ckanext.publicdata.search.user_dictionary).",
        "# Generated by scripts/build_userdict.py from the organizations in the database and the city's lists;",
        "# the package's built-in dictionary (districts, agencies, domain terms) is loaded as well.",
        "# Format: word [frequency] [tag]. Edit only below the 'local additions' line: the rest is rebuilt.",
        "# After changing this file, rebuild the search index.",
    ]
    for title, entries in sections:
        lines.append("")
        lines.append(f"# --- {title}")
        lines.extend(f"{word} {tag}" for word, tag in entries)
    lines.append("")
    lines.append(f"{LOCAL_MARKER} (kept verbatim by build_userdict.py) ---")
    lines.extend(local)
    text = "\n".join(lines).rstrip("\n") + "\n"
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, output)
    return len(written), text


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", default=str(ROOT / "config" / "ckan.ini"))
    parser.add_argument("-o", "--output", default=str(DEFAULT_OUTPUT))
    parser.add_argument("--no-database", action="store_true", help="skip the organizations in the database")
    parser.add_argument("--organizations-yaml", action="append", default=[], help="also take titles from this file")
    arguments = parser.parse_args(argv)
    titles: list[str] = [] if arguments.no_database else organization_titles(pathlib.Path(arguments.config))
    for path in arguments.organizations_yaml:
        import yaml

        with open(path, encoding="utf-8") as organizations_file:
            data = yaml.safe_load(organizations_file) or {}
        titles.extend(o["title"] for o in data.get("organizations", []) if o.get("title"))
    titles = sorted(set(titles))
    count, _ = build(titles, pathlib.Path(arguments.output))
    print(f"{arguments.output}: {count} words ({len(titles)} organizations)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
