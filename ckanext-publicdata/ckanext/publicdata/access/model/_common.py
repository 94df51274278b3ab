"""Small helpers shared by the workflow tables of the publicdata_access plugin."""
from __future__ import annotations

import datetime
from typing import Optional


def utcnow() -> datetime.datetime:
    return datetime.datetime.utcnow()


def iso(value: Optional[datetime.date]) -> Optional[str]:
    return value.isoformat() if value else None
