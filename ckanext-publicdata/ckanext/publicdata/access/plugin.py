"""The ``publicdata_access`` plugin: Conditional access (有条件开放): applications, use agreements, grants, enforcement and the audit log.

Blankets resolve to this package (``logic/action.py``, ``logic/auth.py``, ``helpers.py``, ``views.py``, ``cli.py``,
``config_declaration.yaml``); templates live in this package's ``templates/`` and extend the core ones with
``{% ckan_extends %}``; migrations live in ``ckanext/publicdata/migration/publicdata_access/``.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk


@tk.blanket.config_declarations
@tk.blanket.cli
@tk.blanket.helpers
@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.blueprints
@tk.blanket.validators
class PublicdataAccessPlugin(p.SingletonPlugin):
    """Conditional access (有条件开放): applications, use agreements, grants, enforcement and the audit log."""

    p.implements(p.IConfigurer)

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
