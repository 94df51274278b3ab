"""Validators of the ``publicdata_access`` plugin: workflow."""
from __future__ import annotations

__all__: list[str] = []
