"""All action functions of the ``publicdata_harvest`` plugin, gathered from its parts (listed in each part's ``__all__``)."""
from __future__ import annotations

from ckanext.publicdata.harvest.logic.sources_action import *  # noqa: F401,F403
from ckanext.publicdata.harvest.logic.operations_action import *  # noqa: F401,F403
from ckanext.publicdata.harvest.logic import sources_action as _sources
from ckanext.publicdata.harvest.logic import operations_action as _operations

__all__ = [*_sources.__all__, *_operations.__all__]
