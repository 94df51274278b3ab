"""All auth functions of the ``publicdata_access`` plugin, gathered from its parts (listed in each part's ``__all__``)."""
from __future__ import annotations

from ckanext.publicdata.access.logic.workflow_auth import *  # noqa: F401,F403
from ckanext.publicdata.access.logic.enforcement_auth import *  # noqa: F401,F403
from ckanext.publicdata.access.logic import workflow_auth as _workflow
from ckanext.publicdata.access.logic import enforcement_auth as _enforcement

__all__ = [*_workflow.__all__, *_enforcement.__all__]
