"""pytest plugin for the conformance run: the embedded search backend for the whole session.

CKAN's own test suites load and unload plugins per test (``with_plugins``,
``@pytest.mark.ckan_config("ckan.plugins", …)``), so the ``publicdata_search`` plugin cannot be what keeps
the backend in place there. Loaded with ``-p ckanext.publicdata.search.pytest_plugin`` this installs the
backend before CKAN's own pytest plugin builds the app (``pytest_sessionstart``) and pins it, so nothing
unloads it until the run ends.
"""
from __future__ import annotations

from typing import Any

import pytest


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
