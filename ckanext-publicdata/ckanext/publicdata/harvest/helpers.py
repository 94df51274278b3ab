"""All template helpers of the ``publicdata_harvest`` plugin, gathered from its parts (listed in each part's ``__all__``)."""
from __future__ import annotations

from ckanext.publicdata.harvest.sources_helpers import *  # noqa: F401,F403
from ckanext.publicdata.harvest.operations_helpers import *  # noqa: F401,F403
from ckanext.publicdata.harvest import sources_helpers as _sources
from ckanext.publicdata.harvest import operations_helpers as _operations

__all__ = [*_sources.__all__, *_operations.__all__]
