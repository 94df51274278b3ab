"""The ``publicdata_feedback`` plugin: Feedback: error reports, objections, rights complaints with suspension, data demands, use results.

Blankets resolve to this package (``logic/action.py``, ``logic/auth.py``, ``helpers.py``, ``views.py``, ``cli.py``,
``config_declaration.yaml``); templates live in this package's ``templates/`` and extend the core ones with
``{% ckan_extends %}``; migrations live in ``ckanext/publicdata/migration/publicdata_feedback/``.
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
class PublicdataFeedbackPlugin(p.SingletonPlugin):
    """Feedback: error reports, objections, rights complaints with suspension, data demands, use results."""

    p.implements(p.IConfigurer)

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
