"""The exit status tells the truth whatever happens to the pipes, and files are written whole or not at all.

Real processes, real pipes: a reader that stops early, standard output on a full device or closed.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from chengdu_infoscore import cli

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "example-2007.jsonl"
COMMAND = [sys.executable, "-m", "chengdu_infoscore"]


@pytest.fixture(scope="module")
def bad_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """5000 events of a unit the table does not know: half a megabyte of rejections, more than pipes hold."""
    path = tmp_path_factory.mktemp("logs") / "bad.jsonl"
    record = {"type": "submitted", "date": "2007-03-01", "unit": "市不存在局"}
    lines = [json.dumps({**record, "id": f"e{i}", "item": f"X{i}"}, ensure_ascii=False) for i in range(5000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def first_line_then_close(
    args: list[str], *, merge: bool, stderr_file: Path | None = None
) -> tuple[int, bytes]:
    """Run the command with a reader that takes one line of its output and goes away (``| head -1``)."""
    with contextlib.ExitStack() as stack:
        err: object = (
            subprocess.STDOUT if merge else stack.enter_context(open(stderr_file or os.devnull, "wb"))
        )
        process = subprocess.Popen([*COMMAND, *args], stdout=subprocess.PIPE, stderr=err)  # type: ignore[call-overload]
        assert process.stdout is not None
        line = process.stdout.readline()
        process.stdout.close()
        return process.wait(timeout=120), line


@pytest.mark.slow
def test_bad_log_exits_2_when_the_reader_of_its_messages_stops_early(bad_log: Path) -> None:
    """`score bad.jsonl 2>&1 | head -1`: the reader saw one rejection and left; the status is still 2."""
    status, line = first_line_then_close(["score", str(bad_log)], merge=True)
    head = f"{bad_log}:1:事件 e0:未知单位 '市不存在局'".encode()
    assert (2, head) == (status, line[: len(head)])


@pytest.mark.slow
def test_bad_log_exits_2_when_the_reader_of_its_output_stops_early(bad_log: Path, tmp_path: Path) -> None:
    """`score bad.jsonl --keep-going --format json | head -1`: the rejections are all told, the status is 0
    as --keep-going promises, and the early reader leaves no complaint behind."""
    err = tmp_path / "err.txt"
    args = ["score", str(bad_log), "--keep-going", "--format", "json"]
    status, line = first_line_then_close(args, merge=False, stderr_file=err)
    lines = err.read_bytes().decode("utf-8").splitlines()
    summary = "读入5000条:计入0条,重复0条(计一次),晚于2007-03-01的0条,拒收5000条。"
    assert (0, b"{\n", 5001, summary) == (status, line, len(lines), lines[-1])


@pytest.mark.slow
def test_validate_of_a_bad_log_exits_2_when_both_streams_go_to_a_reader_that_stops(bad_log: Path) -> None:
    """`validate bad.jsonl 2>&1 | head -1` exits 2: a run that found problems never exits 0."""
    status, _ = first_line_then_close(["validate", str(bad_log)], merge=True)
    assert 2 == status


@pytest.mark.slow
def test_output_cut_short_by_its_reader_is_a_success_without_a_word(tmp_path: Path) -> None:
    """`sample --out - | head -1`: the reader chose to stop; exit 0 and nothing on standard error, not even
    Python's "Exception ignored … BrokenPipeError" when it flushes standard output on the way out."""
    err = tmp_path / "err.txt"
    status, line = first_line_then_close(["sample", "--out", "-"], merge=False, stderr_file=err)
    assert (0, b"", True) == (
        status,
        err.read_bytes(),
        line.startswith(b'{"id": "2007-0000001", "type": "submitted"'),
    )


@pytest.mark.slow
@pytest.mark.parametrize(("log", "status"), [(EXAMPLE, 0), (None, 2)])
def test_a_reader_gone_before_the_first_line_leaves_the_status_of_the_run(
    bad_log: Path, log: Path | None, status: int, tmp_path: Path
) -> None:
    """`score LOG | true`: the reader left before anything was written; the status is the run's
    own (0 for a good log, 2 for a bad one under --keep-going's absence), and nothing is said."""
    err = tmp_path / "err.txt"
    with open(err, "wb") as errors:
        args = [*COMMAND, "validate" if log is None else "score", str(log or bad_log)]
        process = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT if log is None else errors
        )
        assert process.stdout is not None
        process.stdout.close()
        done = process.wait(timeout=120)
    assert (status, b"") == (done, err.read_bytes())


def run_with(args: list[str], **streams: object) -> tuple[int, str]:
    done = subprocess.run([*COMMAND, *args], check=False, stderr=subprocess.PIPE, **streams)  # type: ignore[call-overload]
    return done.returncode, done.stderr.decode("utf-8")


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["score", str(EXAMPLE), "--format", "json"],
        ["validate", str(EXAMPLE)],
        ["sample", "--out", "-"],
        ["quotas"],
        ["--help"],
        ["--version"],
    ],
)
def test_full_standard_output_is_an_error(args: list[str]) -> None:
    """`… > /dev/full`: the output was lost, so the status is 2 with one clear line, not 0, no traceback."""
    with open("/dev/full", "wb") as full:
        status, err = run_with(args, stdout=full)
    expected = (
        "chengdu-infoscore: error: cannot write standard output: no space left on device;"
        " the output is incomplete\n"
    )
    assert (2, expected) == (status, err)


def closed_stdout() -> None:
    os.close(1)


@pytest.mark.slow
@pytest.mark.parametrize(
    "args", [["score", str(EXAMPLE)], ["validate", str(EXAMPLE)], ["demo", "--month", "2007-01"]]
)
def test_closed_standard_output_is_an_error(args: list[str]) -> None:
    """`… >&-`: there is nowhere to put the output; exit 2 and say so."""
    status, err = run_with(args, preexec_fn=closed_stdout)
    assert (2, "chengdu-infoscore: error: cannot write standard output: it is closed\n") == (status, err)


@pytest.mark.slow
def test_closed_standard_error_leaves_the_status_of_a_bad_log(bad_log: Path) -> None:
    """`validate bad.jsonl 2>&-`: the rejections cannot be told, but the status still says 2."""
    done = subprocess.run([*COMMAND, "validate", str(bad_log)], check=False, capture_output=True,
                          preexec_fn=lambda: os.close(2))  # fmt: skip
    assert (2, b"") == (done.returncode, done.stdout)


@pytest.mark.slow
def test_closed_standard_input_is_a_usage_error() -> None:
    """`score - <&-`: nothing to read is an error, not an internal one."""
    status, err = run_with(["score", "-"], preexec_fn=lambda: os.close(0))
    assert (2, "chengdu-infoscore: error: standard input is closed: there is nothing to read for -\n") == (
        status,
        err,
    )


# -- files written: whole or not at all -----------------------------------------------------------

LEFT = "it is left as it was"


def run_here(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        status = cli.main(list(args))
    return status, err.getvalue()


@pytest.mark.slow
def test_sample_out_writes_the_file_and_leaves_nothing_else(tmp_path: Path) -> None:
    """sample --out writes the whole log under its name, and no temporary file stays beside it."""
    target = tmp_path / "year.jsonl"
    status, err = run_here("sample", "--out", str(target), "--lang", "en")
    assert (0, ["year.jsonl"], 21338) == (status, os.listdir(tmp_path), len(target.read_bytes().splitlines()))
    assert f"21338 events of the sample 2007 year written to {target}\n" == err


@pytest.mark.slow
def test_sample_out_keeps_the_permissions_of_the_file_it_replaces(tmp_path: Path) -> None:
    """Replacing a file keeps its permission bits (a private file stays private)."""
    target = tmp_path / "year.jsonl"
    target.write_text("old\n")
    target.chmod(0o600)
    run_here("sample", "--out", str(target))
    assert (0o600, False) == (stat.S_IMODE(target.stat().st_mode), target.read_bytes() == b"old\n")


@pytest.mark.slow
def test_sample_out_writes_through_a_symbolic_link(tmp_path: Path) -> None:
    """A link named by --out stays a link; the file it names gets the log."""
    real = tmp_path / "real.jsonl"
    real.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    status, _ = run_here("sample", "--out", str(link))
    assert (0, True, 21338) == (status, link.is_symlink(), len(real.read_bytes().splitlines()))


@pytest.mark.slow
def test_disk_full_leaves_the_target_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the disk fills while the log is written, the old file is untouched and no partial file stays."""
    target = tmp_path / "year.jsonl"
    target.write_text("the old log\n")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(cli.os, "fsync", full)
    status, err = run_here("sample", "--out", str(target))
    expected = f"chengdu-infoscore: error: cannot write {str(target)!r}: no space left on device; {LEFT}\n"
    assert (2, expected, "the old log\n", ["year.jsonl"]) == (
        status,
        err,
        target.read_text(),
        os.listdir(tmp_path),
    )


@pytest.mark.slow
def test_a_full_device_named_by_out_is_an_error(tmp_path: Path) -> None:
    """--out through a link to /dev/full: the device is written directly, fails, and the message names it."""
    link = tmp_path / "full.jsonl"
    link.symlink_to("/dev/full")
    status, err = run_here("sample", "--out", str(link))
    expected = f"chengdu-infoscore: error: cannot write {str(link)!r}: no space left on device; {LEFT}\n"
    assert (2, expected) == (status, err)


def test_missing_directory_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    """--out into a directory that does not exist: exit 2, the directory named, nothing created."""
    target = tmp_path / "missing" / "year.jsonl"
    status, err = run_here("sample", "--out", str(target))
    expected = (
        f"chengdu-infoscore: error: cannot write {str(target)!r}: the directory"
        f" {str(tmp_path / 'missing')!r} does not exist; nothing was written\n"
    )
    assert (2, expected, []) == (status, err, os.listdir(tmp_path))


def test_a_directory_as_target_is_left_alone(tmp_path: Path) -> None:
    """--out naming a directory: exit 2, the directory and its contents as they were."""
    (tmp_path / "inside.txt").write_text("kept")
    status, err = run_here("sample", "--out", str(tmp_path))
    expected = (
        f"chengdu-infoscore: error: cannot write {str(tmp_path)!r}: it is a directory; it is left as it was\n"
    )
    assert (2, expected, ["inside.txt"]) == (status, err, os.listdir(tmp_path))


def test_an_empty_out_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--out "" names no file: exit 2 saying so, not "cannot write '': it is a directory"; nothing written."""
    monkeypatch.chdir(tmp_path)
    status, err = run_here("sample", "--out", "")
    expected = "chengdu-infoscore: error: --out needs a file name (or - for standard output)\n"
    assert (2, expected, []) == (status, err, os.listdir(tmp_path))


def _no_new_file(*args: object, **kwargs: object) -> None:
    raise FileNotFoundError(errno.ENOENT, "No such file or directory")


@pytest.mark.slow
def test_a_directory_that_takes_no_new_file_is_not_called_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The directory exists, but creating a file in it fails with ENOENT (as in /proc): said so."""
    target = tmp_path / "year.jsonl"
    monkeypatch.setattr(cli.tempfile, "mkstemp", _no_new_file)
    status, err = run_here("sample", "--out", str(target))
    expected = (
        f"chengdu-infoscore: error: cannot write {str(target)!r}: no file can be created in the directory"
        f" {str(tmp_path)!r} (no such file or directory); nothing was written\n"
    )
    assert (2, expected, []) == (status, err, os.listdir(tmp_path))


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isfile("/proc/version"), reason="needs Linux's /proc")
def test_out_into_proc_names_what_failed() -> None:
    """sample --out /proc/version: the directory /proc exists, so the message must not say it does not."""
    status, err = run_here("sample", "--out", "/proc/version")
    expected = (
        "chengdu-infoscore: error: cannot write '/proc/version': no file can be created in the directory"
        " '/proc' (no such file or directory); it is left as it was\n"
    )
    assert (2, expected) == (status, err)
