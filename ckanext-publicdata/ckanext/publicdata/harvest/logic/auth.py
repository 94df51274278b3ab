"""All auth functions of the ``publicdata_harvest`` plugin, gathered from its parts (listed in each part's ``__all__``)."""
from __future__ import annotations

from ckanext.publicdata.harvest.logic.sources_auth import *  # noqa: F401,F403
from ckanext.publicdata.harvest.logic.operations_auth import *  # noqa: F401,F403
from ckanext.publicdata.harvest.logic import sources_auth as _sources
from ckanext.publicdata.harvest.logic import operations_auth as _operations

__all__ = [*_sources.__all__, *_operations.__all__]
