"""Shared helpers for the test suite."""

from __future__ import annotations

import datetime as dt
import os

import pytest
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
# The fast tier (`pytest --fast`, for the edit-test loop): few examples a property.
settings.register_profile("fast", max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fast",
        action="store_true",
        help=(
            "the fast tier: leave out the command line's end-to-end files (tests/test_cli*.py) and the"
            " tests marked slow, and try 8 examples a property"
        ),
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: runs the command line over every bad file or command (left out by --fast)"
    )
    if config.getoption("--fast"):
        settings.load_profile("fast")
    else:
        settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--fast"):
        return
    # Each test of the command line's own files starts a Python process: the full tier runs them.
    skip = pytest.mark.skip(reason="left out of the fast tier (run without --fast)")
    for item in items:
        if "slow" in item.keywords or item.path.name.startswith("test_cli"):
            item.add_marker(skip)


def d(text: str) -> dt.date:
    """A date from ``YYYY-MM-DD``."""
    return dt.date.fromisoformat(text)
