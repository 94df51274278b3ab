"""pytest plugin for the conformance run: the embedded search backend for the whole session.

CKAN's own test suites load and unload plugins per test (``with_plugins``,
``@pytest.mark.ckan_config("ckan.plugins", …)``), so the ``publicdata_search`` plugin cannot be what keeps
the backend in place there. Loaded with ``-p ckanext.publicdata.search.pytest_plugin`` this installs the
backend before CKAN's own pytest plugin builds the app (``pytest_sessionstart``) and pins it, so nothing
unloads it until the run ends.
"""
from __future__ import annotations

import re
from typing import Any

import pytest

_DESELECT_LINE = re.compile(r"^- `(ckan/tests/[^`]+)`")


def pytest_addoption(parser: Any) -> None:
    parser.addoption(
        "--publicdata-deselect-list", action="store", default=None,
        help="Markdown file whose lines '- `ckan/tests/...::test` — reason' name tests to deselect "
             "(exact node ids, unlike --deselect which matches prefixes).",
    )


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    path = config.getoption("--publicdata-deselect-list")
    if not path:
        return
    with open(path, encoding="utf-8") as listing:
        wanted = {m.group(1) for m in map(_DESELECT_LINE.match, listing) if m}
    deselected = [item for item in items if item.nodeid in wanted]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item.nodeid not in wanted]


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: Any) -> None:
    from ckanext.publicdata.search import backend_install

    backend_install.pin()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: Any) -> None:
    from ckanext.publicdata.search import backend_install

    backend_install.pin()  # idempotent; also catches modules imported since pytest_configure


def pytest_report_header(config: Any) -> str:
    return "search backend: embedded PostgreSQL (ckanext.publicdata.search, pinned for the whole run)"
