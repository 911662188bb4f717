"""Shared helpers for the test suite (the tiers and hypothesis profiles: the root conftest.py)."""

from __future__ import annotations

import datetime as dt


def d(text: str) -> dt.date:
    """A date from ``YYYY-MM-DD``."""
    return dt.date.fromisoformat(text)
