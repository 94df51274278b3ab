"""Validators of the ``publicdata_feedback`` plugin: ticket."""
from __future__ import annotations

__all__: list[str] = []
