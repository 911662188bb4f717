"""docs/service.md as written: its console examples run, in order, against a real server started
as the page starts it (on a free port), and each output line the page shows is in what they print.

Needs curl: skipped without it, unless CHENGDU_INFOSCORE_BROWSER_REQUIRED=1 (CI, which installs it).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytestmark = pytest.mark.slow

DOC = Path(__file__).resolve().parent.parent / "docs" / "service.md"
BASE = "http://127.0.0.1:8000"


def examples(text: str) -> list[tuple[str, list[str]]]:
    """Each ``$ command`` of the page's console blocks, with the output lines shown under it."""
    found: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                found.append((line[2:], []))
            else:
                found[-1][1].append(line)
    return found


def shown_in(shown: list[str], printed: str) -> bool:
    """Whether the lines shown (``...`` standing for any lines) are among those printed, in order."""
    lines = iter(printed.splitlines())
    return all(want == "..." or any(want == got for got in lines) for want in shown)


def test_the_pages_examples_run_as_shown(tmp_path: Path) -> None:
    """Every console example of docs/service.md runs against a real server and prints what it shows."""
    if shutil.which("curl") is None:
        if os.environ.get("CHENGDU_INFOSCORE_BROWSER_REQUIRED") == "1":
            pytest.fail("curl is missing")
        pytest.skip("curl is missing")
    steps = examples(DOC.read_text(encoding="utf-8"))
    assert 12 < len(steps)
    python = shlex.quote(sys.executable)
    command = f"{python} -m chengdu_infoscore"
    server: subprocess.Popen[bytes] | None = None
    base = BASE
    try:
        for line, shown in steps:
            for program, replaced in (("chengdu-infoscore ", command + " "), ("python ", python + " ")):
                if line.startswith(program):
                    line = replaced + line[len(program) :]
            if " serve " in line:
                server = subprocess.Popen(
                    [*shlex.split(line), "--port", "0"], cwd=tmp_path, stderr=subprocess.PIPE
                )
                assert server.stderr is not None
                said = server.stderr.readline().decode("utf-8").rstrip("\n")
                port = re.search(r"http://127\.0\.0\.1:([0-9]+)/", said)
                assert port is not None, said
                base = f"http://127.0.0.1:{port.group(1)}"
                assert [said.replace(base, BASE)] == shown
                continue
            done = subprocess.run(
                ["bash", "-c", line.replace(BASE, base)], cwd=tmp_path, capture_output=True, timeout=300
            )
            printed = done.stdout.decode("utf-8")
            assert 0 == done.returncode, (line, done.stderr.decode("utf-8", "replace"))
            assert shown_in(shown, printed), (line, printed[:3000])
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)
            assert 130 == server.wait(30)  # stopped as Ctrl-C stops it
