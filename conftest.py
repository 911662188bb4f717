"""The test tiers, for every path pytest is given (tests/, docs/, README.md, src/): the hypothesis
profiles and ``--fast``, defined at the repository's root so that ``python -m pytest --fast
README.md docs`` works as well as ``python -m pytest --fast``."""

from __future__ import annotations

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
            "the fast tier: leave out the tests marked slow (each starts a Python process or a"
            " browser, or runs long) and try 8 examples a property, unless HYPOTHESIS_PROFILE says"
            " otherwise"
        ),
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "slow: starts a Python process or a browser, or runs for more than a few tenths of a second"
        " (left out by --fast)",
    )
    # An explicit HYPOTHESIS_PROFILE is taken as it is, with --fast or without.
    default = "fast" if config.getoption("--fast") else "ci" if os.environ.get("CI") else "dev"
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or default)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--fast"):
        return
    kept = [item for item in items if "slow" not in item.keywords]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if "slow" in item.keywords])
        items[:] = kept
