"""Validators of the ``publicdata_harvest`` plugin: sources."""
from __future__ import annotations

__all__: list[str] = []
