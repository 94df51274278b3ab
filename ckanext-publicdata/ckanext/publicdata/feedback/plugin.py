"""The ``publicdata_feedback`` plugin: Feedback: error reports, objections, rights complaints with suspension, data demands, use results.

Blankets resolve to this package (``logic/action.py``, ``logic/auth.py``, ``helpers.py``, ``views.py``, ``cli.py``,
``config_declaration.yaml``); templates live in this package's ``templates/`` and extend the core ones with
``{% ckan_extends %}``; migrations live in ``ckanext/publicdata/migration/publicdata_feedback/``.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.publicdata.feedback import suspension_hooks

try:  # the resource gate interface of the access enforcement (ckanext/publicdata/interfaces.py)
    from ckanext.publicdata.interfaces import IResourceGate
except ImportError:  # pragma: no cover - only while that module does not exist yet
    IResourceGate = None  # type: ignore[assignment,misc]


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
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IResourceController, inherit=True)
    if IResourceGate is not None:
        p.implements(IResourceGate, inherit=True)

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")

    # suspension (FB-2, FB-3): resources refused on every channel while suspended
    def resource_access_denial(self, package: dict[str, Any], user_name: Optional[str]) -> Optional[str]:
        return suspension_hooks.resource_access_denial(package, user_name)

    # suspension: ``suspended`` in the index, ``suspension`` on package_show and in package_search results
    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return suspension_hooks.index_dataset(pkg_dict)

    def after_dataset_show(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        suspension_hooks.show_dataset(context, pkg_dict)

    def after_dataset_search(self, search_results: dict[str, Any], search_params: dict[str, Any]) -> dict[str, Any]:
        return suspension_hooks.label_search_results(search_results)

    # suspension: resources replaced while suspended are the evidence of reprocessing (FB-3)
    def after_resource_create(self, context: Any, resource: dict[str, Any]) -> None:
        suspension_hooks.resource_changed(context, resource, "created")

    def after_resource_update(self, context: Any, resource: dict[str, Any]) -> None:
        suspension_hooks.resource_changed(context, resource, "updated")

    def before_resource_delete(self, context: Any, resource: dict[str, Any], resources: list[dict[str, Any]]) -> None:
        suspension_hooks.resource_deleting(context, resource)
