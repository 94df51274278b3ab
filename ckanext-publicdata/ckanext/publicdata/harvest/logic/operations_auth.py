"""Auth functions of the ``publicdata_harvest`` plugin: operations."""
from __future__ import annotations

__all__: list[str] = []
