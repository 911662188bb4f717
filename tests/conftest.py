"""Shared helpers for the test suite."""

from __future__ import annotations

import datetime as dt
import os

from hypothesis import HealthCheck, settings

# CI runs the same examples every time (derandomize), so that a landing is never decided by luck;
# developers' runs explore new examples each time.
settings.register_profile(
    "ci", max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# For a long search before a release or after a change to the readers: HYPOTHESIS_PROFILE=thorough.
settings.register_profile(
    "thorough", max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def d(text: str) -> dt.date:
    """A date from ``YYYY-MM-DD``."""
    return dt.date.fromisoformat(text)
