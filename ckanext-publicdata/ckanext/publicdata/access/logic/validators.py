"""All validators of the ``publicdata_access`` plugin, gathered from its parts (listed in each part's ``__all__``)."""
from __future__ import annotations

from ckanext.publicdata.access.logic.workflow_validators import *  # noqa: F401,F403
from ckanext.publicdata.access.logic.enforcement_validators import *  # noqa: F401,F403
from ckanext.publicdata.access.logic import workflow_validators as _workflow
from ckanext.publicdata.access.logic import enforcement_validators as _enforcement

__all__ = [*_workflow.__all__, *_enforcement.__all__]
