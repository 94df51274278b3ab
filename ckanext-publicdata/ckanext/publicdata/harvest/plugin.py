"""The ``publicdata_harvest`` plugin: Harvesting agency and county catalogs into the city portal: shared harvest machinery, operator pages, CLI.

Blankets resolve to this package (``logic/action.py``, ``logic/auth.py``, ``helpers.py``, ``views.py``, ``cli.py``,
``config_declaration.yaml``); templates live in this package's ``templates/`` and extend the core ones with
``{% ckan_extends %}``; migrations live in ``ckanext/publicdata/migration/publicdata_harvest/``.
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
class PublicdataHarvestPlugin(p.SingletonPlugin):
    """Harvesting agency and county catalogs into the city portal: shared harvest machinery, operator pages, CLI."""

    p.implements(p.IConfigurer)

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
