"""Every text the library prints for people, in each language, from one catalogue per language.

The figures, bookings and rejections the engine makes carry a *code* and its *parameters*,
never a sentence; a sentence is made only at the edge, when a table, a bulletin, a ledger or a
message is rendered, by looking the code up in the catalogue of the language asked for
(``zh.toml`` or ``en.toml`` beside this module) and filling in its parameters::

    >>> text("heading.unit", "zh")
    '单位'
    >>> text("heading.unit", "en")
    'unit'

A catalogue is a TOML file whose keys are codes (``reason.submitted``, ``rejected.unknown_unit``,
``heading.unit``…) and whose values are texts with ``{name}`` places for the parameters
(:meth:`str.format` syntax). Both catalogues hold the same codes, and a code's text names the same
parameters in both; the tests check it. A text that shows none of a parameter the other language
shows names it with an empty form, ``{name:.0}`` (the Chinese group line names a group by its
label only, the English adds its key: ``{label}{key:.0}`` beside ``{label} ({key})``). Chinese
(``"zh"``) is the default everywhere.

A parameter may itself be a :class:`Message`: a part of the text whose words vary (a note that
only some lines carry), put in the same language as the text around it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Final

import attrs

from ..exceptions import ArgumentError

__all__ = ["DEFAULT_LANG", "LANGS", "Message", "catalogue", "check_lang", "text", "words"]

#: The languages there is a catalogue for; the first is the default.
LANGS: Final = ("zh", "en")
DEFAULT_LANG: Final = "zh"


def check_lang(lang: object) -> str:
    """``lang`` when it is a language there is a catalogue for; otherwise an :class:`ArgumentError`."""
    if lang not in LANGS:
        raise ArgumentError(f"lang: expected one of {', '.join(map(repr, LANGS))}, found {lang!r}")
    return lang


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """Every code of ``lang``'s catalogue, with its text (dotted TOML tables flattened)."""
    data = resources.files(__package__).joinpath(f"{check_lang(lang)}.toml").read_text(encoding="utf-8")
    return _flatten(tomllib.loads(data))


def text(code: str, lang: str = DEFAULT_LANG, /, **params: object) -> str:
    """The text of ``code`` in ``lang``, its ``{name}`` places filled from ``params``.

    A parameter that is itself a :class:`Message` (what a field was found to hold, a record's
    type…) is put in the same language. A code that is not in the catalogue is a mistake in the
    library, not in any input: it raises :class:`KeyError`.
    """
    if any(value.__class__ is Message for value in params.values()):
        params = {k: v.text(lang) if v.__class__ is Message else v for k, v in params.items()}
    return catalogue(lang)[code].format_map(params)


def words(namespace: str, lang: str = DEFAULT_LANG, /) -> dict[str, str]:
    """The texts of the codes under ``namespace`` in ``lang``, by the rest of their code, their
    ``{name}`` places left unfilled: ``words("bulletin", "zh")["rank"]`` is the text of
    ``bulletin.rank``. For renderers that look up many words of one namespace (a new dict each
    call: the caller may keep or change it).
    """
    prefix = namespace + "."
    return {code[len(prefix) :]: value for code, value in catalogue(lang).items() if code.startswith(prefix)}


@attrs.frozen
class Message:
    """A code and its parameters: what the engine says, before it is put in any language.

    Parameters are kept as sorted ``(name, value)`` pairs so that a message is hashable and two
    equal messages compare equal; values are texts or numbers already in the form they print in,
    or messages (put in the language of the text around them).
    """

    code: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, code: str, /, **params: object) -> Message:
        """The message ``code`` with ``params``."""
        return cls(code, tuple(sorted(params.items())))

    def text(self, lang: str = DEFAULT_LANG) -> str:
        """The message in ``lang`` (Chinese by default)."""
        return text(self.code, lang, **dict(self.params))

    def as_json(self) -> dict[str, Any]:
        """The code and parameters, as the JSON outputs carry them beside the text (a parameter that
        is a message, as its own code and parameters)."""
        return {
            "code": self.code,
            "params": {k: v.as_json() if isinstance(v, Message) else v for k, v in self.params},
        }
