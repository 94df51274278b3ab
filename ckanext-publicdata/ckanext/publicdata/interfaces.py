"""Plugin interfaces of ckanext-publicdata that other plugins (of this project or not) may implement."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins as p

__all__ = ["IResourceGate"]


class IResourceGate(p.Interface):
    """Decides whether a user may see the resource URLs and bytes of a dataset.

    ``ckanext.publicdata.access.enforcement.resource_access_denial`` asks every implementation and applies the
    first denial on every channel (package_show, package_search, resource_show, download routes, resource views,
    datastore, activity streams, DCAT, feeds). Implementations must be cheap: they run for every dataset shown.
    The access plugin implements ``'conditional'`` (有条件开放 without an active grant); the feedback plugin
    implements ``'suspended'``.
    """

    def resource_access_denial(self, package: dict[str, Any], user_name: Optional[str]) -> Optional[str]:
        """None if this gate lets ``user_name`` (None: anonymous) see the resource URLs/bytes of ``package``
        (a package dict as package_show returns it); otherwise a short reason code, e.g. 'conditional' or
        'suspended'."""
        return None
