"""Template helpers of the portal."""
from __future__ import annotations

from ckanext.publicdata import config


def publicdata_portal_name() -> str:
    """The portal's display name (公共数据开放网 unless configured)."""
    return config.portal_name()
