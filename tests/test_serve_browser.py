"""The service's pages in a real browser: headless Chromium opens them on the real server.

Skipped where /usr/bin/chromium is missing, unless CHENGDU_INFOSCORE_BROWSER_REQUIRED=1 (CI sets
it). With CHENGDU_INFOSCORE_SCREENSHOTS=DIR the screenshots are kept there (docs/images holds the
ones looked at: serve-home.png and serve-unit.png).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator

import pytest

from chengdu_infoscore.page import DONE, SHORT, TARGET
from serve_kit import Running, fill
from test_page_browser import _rgb, shoot

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """The server over four months of the sample year."""
    with Running(str(fill(tmp_path_factory.mktemp("browser")))) as running:
        yield running


def test_home_renders_the_bulletin_with_its_charts(server: Running) -> None:
    """/ in Chromium: a white page, the completion bars in their colours, the title's dark text."""
    image = shoot(f"http://127.0.0.1:{server.port}/", 1000, 1400, "serve-home.png")
    colours = image.colours()
    total = image.width * image.height
    assert (255, 255, 255) == colours.most_common(1)[0][0]
    assert colours[_rgb(DONE)] + colours[_rgb(SHORT)] > 19 * 13 * 20
    assert sum(n for (r, g, b), n in colours.items() if r + g + b < 150) > 2000
    assert colours[(255, 255, 255)] > total // 2


def test_a_units_page_renders_its_chart_and_ledger(server: Running) -> None:
    """/units/锦江区 in Chromium: one completion bar and the target's line, then the ledger's text."""
    unit = urllib.parse.quote("锦江区")
    image = shoot(f"http://127.0.0.1:{server.port}/units/{unit}", 1000, 1100, "serve-unit.png")
    colours = image.colours()
    bar = colours[_rgb(DONE)] + colours[_rgb(SHORT)]
    assert 13 * 100 < bar < 13 * 800  # one bar, 13 px high
    assert colours[_rgb(TARGET)] > 20  # the target's dashed line
    assert sum(n for (r, g, b), n in colours.items() if r + g + b < 150) > 5000  # the tables' text
