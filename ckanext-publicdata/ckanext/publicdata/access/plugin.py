"""The ``publicdata_access`` plugin: Conditional access (有条件开放): applications, use agreements, grants, enforcement and the audit log.

Blankets resolve to this package (``logic/action.py``, ``logic/auth.py``, ``helpers.py``, ``views.py``, ``cli.py``,
``config_declaration.yaml``); templates live in this package's ``templates/`` and extend the core ones with
``{% ckan_extends %}``; migrations live in ``ckanext/publicdata/migration/publicdata_access/``.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.publicdata.interfaces import IResourceGate


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
    p.implements(IResourceGate)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IResourceController, inherit=True)

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")

    # IResourceGate: 有条件开放 without an active grant (ACC-1, ACC-11)
    def resource_access_denial(self, package: dict[str, Any], user_name: Optional[str]) -> Optional[str]:
        from ckanext.publicdata.access import enforcement

        return enforcement.conditional_denial(package, user_name)

    # IPackageController: hide the resource URLs of denied datasets in package_show and package_search
    def after_dataset_show(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        from ckanext.publicdata.access import enforcement

        if _is_internal_read(context):
            return
        enforcement.apply_to_package(pkg_dict, context.get("user") or enforcement.current_user_name())

    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        # with ``fl`` the results hold only the asked fields: keep ``id`` so every row can be judged
        fields = search_params.get("fl")
        if fields:
            names = fields.replace(",", " ").split() if isinstance(fields, str) else list(fields)
            if "id" not in names:
                names.append("id")
            search_params["fl"] = names if not isinstance(fields, str) else " ".join(names)
        return search_params

    def after_dataset_search(self, search_results: dict[str, Any], search_params: dict[str, Any]) -> dict[str, Any]:
        from ckanext.publicdata.access import enforcement

        user_name = enforcement.search_user()
        for result in search_results.get("results") or []:
            if isinstance(result, dict):
                enforcement.apply_to_search_result(result, user_name)
        return search_results

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        from ckanext.publicdata.access import enforcement

        return enforcement.strip_index_fields(pkg_dict)

    # IResourceController: a client that sends back a hidden resource must not blank the stored address
    def before_resource_update(self, context: Any, current: dict[str, Any], resource: dict[str, Any]) -> None:
        if resource.get("url_hidden") or resource.get("access_via"):
            resource["url"] = current.get("url")
            for field in ("url_hidden", "access_denial", "access_via", "access_grant_expires_on"):
                resource.pop(field, None)


def _is_internal_read(context: Any) -> bool:
    """package_show calls whose result is stored, not shown, keep the addresses: the search indexer (no auth,
    no validation, no cache), the activity plugin's snapshot (no auth, ``for_view`` False) and, outside any
    web request, unauthenticated internal reads (CLI, background jobs). What they store is judged per user when
    read back (package_search, package_show's cache, the chained activity actions)."""
    if not context.get("ignore_auth"):
        return False
    if context.get("validate") is False and context.get("use_cache") is False:
        return True
    if context.get("for_view") is False:
        return True
    if not context.get("user"):
        from flask import has_request_context

        return not has_request_context()
    return False
