"""All blueprints of the ``publicdata_harvest`` plugin, gathered from its parts (listed in each part's ``__all__``)."""
from __future__ import annotations

from ckanext.publicdata.harvest.sources_views import *  # noqa: F401,F403
from ckanext.publicdata.harvest.operations_views import *  # noqa: F401,F403
from ckanext.publicdata.harvest import sources_views as _sources
from ckanext.publicdata.harvest import operations_views as _operations

__all__ = [*_sources.__all__, *_operations.__all__]
