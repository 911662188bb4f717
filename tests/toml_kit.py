"""TOML for tests: every form of number TOML allows, and a writer to put one anywhere in a data file.

``toml_numbers()`` draws a number as written (``1_000``, ``0x1F``, ``-0.5e2``, ``nan``, ``1e999999``,
an integer of 5000 digits…) with the exact value it stands for (``None`` for nan and inf), so a
test can say what loading it must give. ``dump_toml`` writes parsed TOML back, with :class:`Raw`
values written as they are.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st


@attrs.frozen
class Raw:
    """A value written into TOML text exactly as ``text`` (a number in one of its forms)."""

    text: str


@attrs.frozen
class Number:
    """A number as TOML text, the exact value it stands for (``None``: nan or inf), and whether it
    is a TOML integer (``True``) or a TOML float."""

    text: str
    value: Decimal | None
    integer: bool


def _grouped(digits: str, draw: st.DrawFn) -> str:
    """Digits with underscores between some of them, as TOML allows (``1_000``)."""
    if len(digits) < 2 or not draw(st.booleans()):
        return digits
    cut = draw(st.integers(1, len(digits) - 1))
    return f"{digits[:cut]}_{digits[cut:]}"


@st.composite
def toml_numbers(draw: st.DrawFn) -> Number:
    """One number in one of the forms TOML allows, with what it stands for."""
    form = draw(st.sampled_from(["int", "int", "float", "float", "radix", "special", "huge", "tiny", "long"]))
    sign = draw(st.sampled_from(["", "+", "-"]))
    if form == "int":
        n = draw(st.integers(0, 10**7))
        text = sign + _grouped(str(n), draw)
        return Number(text, Decimal(-n if sign == "-" else n), True)
    if form == "radix":  # no sign allowed on these
        n = draw(st.integers(0, 10**6))
        prefix, digits = draw(st.sampled_from([("0x", f"{n:x}"), ("0o", f"{n:o}"), ("0b", f"{n:b}")]))
        return Number(prefix + digits, Decimal(n), True)
    if form == "float":
        whole = str(draw(st.integers(0, 10**6)))
        places = draw(st.integers(0, 8))
        fraction = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=places, max_size=places)))
        exponent = draw(st.one_of(st.just(""), st.integers(-12, 12).map(lambda e: f"e{e}")))
        if not fraction and not exponent:
            fraction = "0"
        text = sign + _grouped(whole, draw) + (f".{fraction}" if fraction else "") + exponent
        return Number(text, Decimal(text.replace("_", "")), False)
    if form == "special":
        text = sign + draw(st.sampled_from(["nan", "inf"]))
        return Number(text, None, False)
    if form == "huge":
        text = sign + draw(st.sampled_from(["1e999999", "9.99e400", "1E+30", "12345678901234567890.5"]))
        return Number(text, Decimal(text), False)
    if form == "tiny":
        text = sign + draw(st.sampled_from(["1e-999999", "0.00001", "1.23456e-3", "5e-5"]))
        return Number(text, Decimal(text), False)
    text = sign + "9" * draw(st.sampled_from([19, 40, 4299, 5000]))  # integers of many digits
    return Number(text, Decimal(text), True)


def numeric_paths(data: Any, path: str = "") -> list[str]:
    """The key path (as loaders name it) of every number in parsed TOML."""
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in numeric_paths(v, f"{path}.{k}" if path else k)]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in numeric_paths(v, f"{path}[{i}]")]
    if isinstance(data, int | Decimal) and not isinstance(data, bool):
        return [path]
    return []


_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def replaced(data: Any, path: str, value: Any) -> Any:
    """A copy of ``data`` with ``value`` at ``path``."""
    steps: list[str | int] = [m[1] if m[1] is not None else int(m[2]) for m in _STEP.finditer(path)]

    def put(node: Any, rest: list[str | int]) -> Any:
        if not rest:
            return value
        head, tail = rest[0], rest[1:]
        if isinstance(node, dict):
            return {k: put(v, tail) if k == head else v for k, v in node.items()}
        return [put(v, tail) if i == head else v for i, v in enumerate(node)]

    return put(data, steps)


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _value(v: Any) -> str:
    if isinstance(v, Raw):
        return v.text
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | Decimal):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(map(_value, v)) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v).__name__)


def _is_tables(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)


def dump_toml(data: dict[str, Any]) -> str:
    """TOML text that parses back to ``data`` (tables as ``[sections]``, lists of tables as ``[[…]]``)."""
    out: list[str] = []

    def table(prefix: str, node: dict[str, Any]) -> None:
        for k, v in node.items():
            if not isinstance(v, dict) and not _is_tables(v):
                out.append(f"{_key(k)} = {_value(v)}")
        for k, v in node.items():
            name = f"{prefix}.{_key(k)}" if prefix else _key(k)
            if isinstance(v, dict):
                out.append(f"\n[{name}]")
                table(name, v)
            elif _is_tables(v):
                for element in v:
                    out.append(f"\n[[{name}]]")
                    table(name, element)

    table("", data)
    return "\n".join(out) + "\n"
