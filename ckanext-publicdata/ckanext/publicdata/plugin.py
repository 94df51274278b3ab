"""Plugin manifest: which capabilities the extension provides.

One plugin per capability; each plugin is a list of blankets plus the few interfaces that need code.
The logic lives in the capability packages (``catalog``, ``search``, ...), never here.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.publicdata.search import backend_install


@tk.blanket.config_declarations
@tk.blanket.cli
@tk.blanket.helpers
class PublicdataPlugin(p.SingletonPlugin, DefaultTranslation):
    """The portal itself: templates, branding, helpers, the ``ckan publicdata`` commands."""

    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "publicdata")


@tk.blanket.config_declarations("search/config_declaration.yaml")
class PublicdataSearchPlugin(p.SingletonPlugin):
    """Embedded PostgreSQL search backend behind CKAN's ``make_connection`` seam (or real Solr)."""

    p.implements(p.IConfigurer, inherit=True)
    p.implements(p.IPluginObserver, inherit=True)

    def update_config(self, config: Any) -> None:
        backend_install.configure(config)

    def before_unload(self, plugin: p.SingletonPlugin) -> None:
        if plugin is self:
            backend_install.uninstall()
