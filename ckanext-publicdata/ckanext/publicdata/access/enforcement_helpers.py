"""Template helpers of the ``publicdata_access`` plugin: enforcement."""
from __future__ import annotations

__all__: list[str] = []
