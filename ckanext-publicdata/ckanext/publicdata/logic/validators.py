"""All validators of the ``publicdata`` plugin, re-exported from the capability packages."""
from __future__ import annotations

from ckanext.publicdata.catalog.logic import validators as _catalog
from ckanext.publicdata.catalog.logic.validators import *  # noqa: F401,F403

__all__ = [name for name in _catalog.__all__ if name.startswith("publicdata_")]
