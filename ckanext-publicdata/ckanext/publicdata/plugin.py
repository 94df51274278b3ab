"""Plugin manifest: which capabilities the extension provides.

One plugin per capability; each plugin is a list of blankets plus the few interfaces that need code.
The logic lives in the capability packages (``catalog``, ``search``, ...), never here.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.publicdata.catalog import hooks as catalog_hooks
from ckanext.publicdata.search import backend_install

_permission_labels = catalog_hooks.CatalogPermissionLabels()


@tk.blanket.config_declarations
@tk.blanket.cli
@tk.blanket.helpers
@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.blueprints
@tk.blanket.validators
class PublicdataPlugin(p.SingletonPlugin, DefaultTranslation):
    """The portal itself: templates, branding, helpers, the ``ckan publicdata`` commands, the catalog rules."""

    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IPermissionLabels)
    p.implements(p.IResourceController, inherit=True)

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "publicdata")

    # catalog: facets on the taxonomy (TAX-9) with translated labels
    def dataset_facets(self, facets_dict: Any, package_type: str) -> Any:
        return catalog_hooks.dataset_facets(facets_dict)

    def organization_facets(self, facets_dict: Any, organization_type: str, package_type: Any) -> Any:
        return catalog_hooks.dataset_facets(facets_dict)

    def after_dataset_search(self, search_results: dict[str, Any], search_params: dict[str, Any]) -> dict[str, Any]:
        return catalog_hooks.label_facet_items(search_results)

    # catalog: multi-value fields indexed as lists; pending downgrade and citation on read; downgrade requests
    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return catalog_hooks.index_dataset(pkg_dict)

    def after_dataset_show(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        catalog_hooks.show_dataset(context, pkg_dict)

    def after_dataset_create(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        catalog_hooks.dataset_created(context, pkg_dict)

    def after_dataset_update(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        catalog_hooks.dataset_updated(context, pkg_dict)

    # catalog: a changed upload of a published open dataset is scanned for personal information (SEC-2)
    def after_resource_create(self, context: Any, resource: dict[str, Any]) -> None:
        catalog_hooks.resource_changed(context, resource)

    def after_resource_update(self, context: Any, resource: dict[str, Any]) -> None:
        catalog_hooks.resource_changed(context, resource)

    # catalog: the open-data authority reads its agencies' private (不予开放) datasets
    def get_dataset_labels(self, dataset_obj: Any) -> list[str]:
        return _permission_labels.get_dataset_labels(dataset_obj)

    def get_user_dataset_labels(self, user_obj: Any) -> list[str]:
        return _permission_labels.get_user_dataset_labels(user_obj)


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
