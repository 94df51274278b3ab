"""All template helpers of the ``publicdata_access`` plugin, gathered from its parts (listed in each part's ``__all__``)."""
from __future__ import annotations

from ckanext.publicdata.access.workflow_helpers import *  # noqa: F401,F403
from ckanext.publicdata.access.enforcement_helpers import *  # noqa: F401,F403
from ckanext.publicdata.access import workflow_helpers as _workflow
from ckanext.publicdata.access import enforcement_helpers as _enforcement

__all__ = [*_workflow.__all__, *_enforcement.__all__]
