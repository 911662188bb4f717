"""The page in a real browser: headless Chromium renders it to a PNG, read back with the stdlib.

Skipped where /usr/bin/chromium is missing, unless CHENGDU_INFOSCORE_BROWSER_REQUIRED=1 (CI sets
it after installing Debian's chromium): then a missing browser fails the test.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from collections import Counter
from pathlib import Path

import attrs
import pytest

from chengdu_infoscore import load_quotas, monthly_bulletin, sample_year, score
from chengdu_infoscore.page import DONE, NEGATIVE, POSITIVE, SHORT, bulletin_html, results_html
from chengdu_infoscore.periods import month_end
from chengdu_infoscore.spreadsheet import clause_totals

CHROMIUM = Path("/usr/bin/chromium")
REQUIRED = os.environ.get("CHENGDU_INFOSCORE_BROWSER_REQUIRED") == "1"
#: The flags that let Chromium run headless here: as root, with no GPU and no network to reach.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)

pytestmark = pytest.mark.slow


# -- reading a PNG ------------------------------------------------------------------------------------


@attrs.frozen
class Image:
    """A decoded PNG: its size and its pixels as (r, g, b) rows."""

    width: int
    height: int
    rows: tuple[bytes, ...]  # each row r, g, b, r, g, b, …

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        """The colour at ``(x, y)``."""
        row = self.rows[y]
        return row[3 * x], row[3 * x + 1], row[3 * x + 2]

    def colours(self) -> Counter[tuple[int, int, int]]:
        """How many pixels have each colour."""
        found: Counter[tuple[int, int, int]] = Counter()
        for row in self.rows:
            found.update(zip(row[0::3], row[1::3], row[2::3], strict=True))
        return found


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read_png(data: bytes) -> Image:
    """Decode a PNG as Chromium writes it: 8-bit RGB or RGBA, not interlaced (alpha dropped)."""
    assert b"\x89PNG\r\n\x1a\n" == data[:8]
    pos, chunks, idat = 8, {}, bytearray()
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        if kind == b"IDAT":
            idat += body
        else:
            chunks[kind] = body
        pos += 12 + length
        if kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (8, 0) == (depth, interlace), "an 8-bit, non-interlaced PNG"
    channels = {2: 3, 6: 4}[colour]
    raw = zlib.decompress(bytes(idat))
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + (left + previous[i]) // 2) & 0xFF
        elif kind == 4:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                up_left = previous[i - channels] if i >= channels else 0
                line[i] = (line[i] + _paeth(left, previous[i], up_left)) & 0xFF
        else:
            assert 0 == kind, f"filter {kind}"
        previous = line
        if channels == 4:
            rows.append(bytes(b for i, b in enumerate(line) if i % 4 != 3))
        else:
            rows.append(bytes(line))
    return Image(width, height, tuple(rows))


def write_png(image: Image) -> bytes:
    """An 8-bit RGB PNG of ``image`` (each row filtered by its left neighbour: small for pages)."""
    raw = bytearray()
    for row in image.rows:
        raw.append(1)
        raw += bytes([*row[:3], *((row[i] - row[i - 3]) & 0xFF for i in range(3, len(row)))])

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", image.width, image.height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + chunk(b"IEND", b"")
    )


def test_the_png_reader_reads_back_what_it_wrote() -> None:
    """Round trip of a small image with every filter's worth of structure (a gradient and a bar)."""
    rows = tuple(bytes((x * 40 + y) % 256 for x in range(5) for _ in range(3)) for y in range(4))
    image = Image(5, 4, rows)
    assert image == read_png(write_png(image))


# -- the browser --------------------------------------------------------------------------------------


def shoot(url: str, width: int, height: int, keep_as: str | None = None) -> Image:
    """Chromium's screenshot of the page at ``url``, ``width`` × ``height`` CSS pixels; kept in
    CHENGDU_INFOSCORE_SCREENSHOTS as ``keep_as`` when that is set."""
    if not CHROMIUM.exists():
        if REQUIRED:
            pytest.fail(f"{CHROMIUM} is missing and CHENGDU_INFOSCORE_BROWSER_REQUIRED=1")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    folder = Path(tempfile.mkdtemp(prefix="infoscore-shot-"))
    try:
        shot = folder / "shot.png"
        done = subprocess.run(
            [
                str(CHROMIUM),
                *FLAGS,
                f"--user-data-dir={folder / 'profile'}",
                f"--screenshot={shot}",
                f"--window-size={width},{height}",
                url,
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert shot.exists(), done.stderr.decode("utf-8", "replace")[-2000:]
        kept = os.environ.get("CHENGDU_INFOSCORE_SCREENSHOTS")
        if kept and keep_as:
            shutil.copyfile(shot, Path(kept) / keep_as)
        return read_png(shot.read_bytes())
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def screenshot(html: str, width: int, height: int) -> Image:
    """Chromium's screenshot of the page, ``width`` × ``height`` CSS pixels."""
    folder = Path(tempfile.mkdtemp(prefix="infoscore-page-"))
    try:
        page = folder / "page.html"
        page.write_text(html, encoding="utf-8")
        return shoot(page.as_uri(), width, height)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


@pytest.fixture(scope="module")
def year() -> tuple[object, object]:
    events = sample_year()
    quotas = load_quotas(2007)
    return events, quotas


def test_the_score_page_renders_with_its_bars_in_a_real_browser(year: tuple[object, object]) -> None:
    """Chromium draws the score page: white background, the charts' bars in their colours."""
    events, quotas = year
    results = score(events, quotas=quotas, year=2007, as_of=month_end(2007, 12))  # type: ignore[arg-type]
    image = screenshot(results_html(results, quotas), 1000, 1400)  # type: ignore[arg-type]
    assert (1000, 1400) == (image.width, image.height)
    colours = image.colours()
    total = image.width * image.height
    assert (255, 255, 255) == colours.most_common(1)[0][0]
    assert colours[(255, 255, 255)] > total // 2
    # The district chart's 19 bars (13 px high, up to 620 px long) and the start of the departments'.
    bars = colours[_rgb(DONE)] + colours[_rgb(SHORT)]
    assert 19 * 13 * 100 < bars < total // 3
    assert colours[_rgb(DONE)] > 0 < colours[_rgb(SHORT)]
    # The title's dark text is there (drawn by a font, not as empty boxes of one colour).
    dark = sum(n for (r, g, b), n in colours.items() if r + g + b < 150)
    assert dark > 2000


def test_the_monthly_page_in_english_shows_the_clause_chart(year: tuple[object, object]) -> None:
    """At its foot the clause chart has bars each side of zero (points granted and taken)."""
    events, quotas = year
    results = score(events, quotas=quotas, year=2007, as_of=month_end(2007, 6))  # type: ignore[arg-type]
    bulletin = monthly_bulletin(results, quotas, 6)  # type: ignore[arg-type]
    html = bulletin_html(bulletin, "en", clause_totals(results))
    # Only the clause chart, the last before the tables: the group charts and the tables dropped.
    charts = html[: html.index('<h2 id="tables">')]
    clause = charts[charts.rindex('<figure class="chart">') :]
    head = html[: html.index('<h2 id="charts">')]
    image = screenshot(f"{head}{clause}</body></html>", 900, 600)
    colours = image.colours()
    assert colours[_rgb(POSITIVE)] > 12 * 100
    assert colours[_rgb(NEGATIVE)] > 13 * 10
