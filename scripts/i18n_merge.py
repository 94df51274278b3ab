"""Refresh the extension's translation catalogues from the source, then fill Chinese from TSV files.

    .venv/bin/python scripts/i18n_merge.py [pairs.tsv ...]

1. extracts every msgid (babel.cfg) into ``i18n/ckanext-publicdata.pot``;
2. updates ``zh_Hans_CN`` and ``en`` from it (new msgids added, vanished ones dropped);
3. fills empty (or fuzzy) Chinese msgstrs from the TSV files (``English msgid<TAB>中文``; ``\\n`` escapes allowed);
4. compiles the .mo files and prints what is still untranslated in Chinese.

Msgids are English, so the English catalogue needs no msgstrs.
"""
from __future__ import annotations

import pathlib
import subprocess
import sys

import polib

ROOT = pathlib.Path(__file__).resolve().parent.parent
I18N = ROOT / "ckanext-publicdata/ckanext/publicdata/i18n"
DOMAIN = "ckanext-publicdata"
PYBABEL = ROOT / ".venv/bin/pybabel"


def _unescape(text: str) -> str:
    return text.replace("\\n", "\n").replace("\\t", "\t")


def read_pairs(paths: list[pathlib.Path]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            if "\t" not in line:
                print(f"  {path.name}:{number}: no TAB, skipped")
                continue
            msgid, msgstr = line.split("\t", 1)
            pairs[_unescape(msgid)] = _unescape(msgstr.strip())
    return pairs


def main(argv: list[str]) -> int:
    pot = I18N / f"{DOMAIN}.pot"
    subprocess.run([str(PYBABEL), "extract", "-F", str(ROOT / "babel.cfg"), "-k", "N_", "-k", "_n", "-k", "_translate", "-k", "_translated", "--sort-output",
                    "-o", str(pot), str(ROOT / "ckanext-publicdata")], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    for locale in ("zh_Hans_CN", "en"):
        subprocess.run([str(PYBABEL), "update", "--no-fuzzy-matching", "--ignore-obsolete", "-i", str(pot),
                        "-d", str(I18N), "-D", DOMAIN, "-l", locale], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    pairs = read_pairs([pathlib.Path(p) for p in argv])
    zh_path = I18N / "zh_Hans_CN/LC_MESSAGES" / f"{DOMAIN}.po"
    zh = polib.pofile(str(zh_path), wrapwidth=0)
    filled = 0
    for entry in zh:
        if (not entry.msgstr or entry.fuzzy) and entry.msgid in pairs:
            entry.msgstr = pairs[entry.msgid]
            if entry.fuzzy:
                entry.flags.remove("fuzzy")
            filled += 1
    zh.save(str(zh_path))
    missing = [e.msgid for e in zh if not e.msgstr and not e.obsolete]
    unused = [m for m in pairs if zh.find(m) is None]
    print(f"filled {filled} Chinese msgstrs; {len(missing)} still untranslated; {len(unused)} TSV msgids not in the source")
    for msgid in missing:
        print("  untranslated:", msgid[:100].replace("\n", " "))
    subprocess.run([sys.executable, str(ROOT / "scripts/compile_translations.py")], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
