"""Compile the extension's .po catalogues to .mo (run by `make setup`; idempotent)."""
from __future__ import annotations

import pathlib

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

I18N = pathlib.Path(__file__).resolve().parent.parent / "ckanext-publicdata/ckanext/publicdata/i18n"


def main() -> None:
    for po_path in sorted(I18N.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        print(f"    compiled {po_path.relative_to(I18N)}")


if __name__ == "__main__":
    main()
