"""Shared fixtures of the project's tests (CKAN's pytest plugin provides clean_db, with_plugins, app, …)."""
from __future__ import annotations
