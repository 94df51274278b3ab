"""All click commands of the ``publicdata_access`` plugin, gathered from its parts (listed in each part's ``__all__``)."""
from __future__ import annotations

from ckanext.publicdata.access.workflow_cli import *  # noqa: F401,F403
from ckanext.publicdata.access.enforcement_cli import *  # noqa: F401,F403
from ckanext.publicdata.access import workflow_cli as _workflow
from ckanext.publicdata.access import enforcement_cli as _enforcement

__all__ = [*_workflow.__all__, *_enforcement.__all__]
