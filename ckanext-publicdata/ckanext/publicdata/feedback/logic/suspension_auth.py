"""Auth functions of the ``publicdata_feedback`` plugin: suspension."""
from __future__ import annotations

__all__: list[str] = []
