"""The catalogues of texts: one per language, the same codes and parameters in each."""

from __future__ import annotations

import string

import pytest

from chengdu_infoscore.exceptions import ArgumentError
from chengdu_infoscore.messages import LANGS, Message, catalogue, check_lang, text


def _places(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_every_catalogue_holds_the_same_codes() -> None:
    """A code missing from one language would print nothing there."""
    zh, en = (set(catalogue(lang)) for lang in LANGS)
    assert (set(), set()) == (zh - en, en - zh)


def test_a_code_names_the_same_parameters_in_every_language() -> None:
    """A text that needs a parameter the other language does not would fail only in that language."""
    zh, en = (catalogue(lang) for lang in LANGS)
    differing = {
        code: (_places(zh[code]), _places(en[code])) for code in zh if _places(zh[code]) != _places(en[code])
    }
    assert {} == differing


def test_every_text_is_text() -> None:
    """A number or a list in a catalogue is a slip in the TOML."""
    assert [] == [
        (lang, code) for lang in LANGS for code, value in catalogue(lang).items() if type(value) is not str
    ]


def test_a_message_renders_in_each_language() -> None:
    """The same code and parameters give each language's text."""
    m = Message.of("heading.unit")
    assert ("单位", "unit") == (m.text(), m.text("en"))
    assert "单位" == text("heading.unit")


def test_messages_of_the_same_parameters_are_equal_whatever_their_order() -> None:
    """Parameters are kept sorted, so equal messages compare and hash equal."""
    a, b = Message.of("x", b=1, a="2"), Message.of("x", a="2", b=1)
    assert (a, hash(a)) == (b, hash(b))
    assert {"code": "x", "params": {"a": "2", "b": 1}} == a.as_json()


def test_an_unknown_language_is_an_argument_error() -> None:
    """Only the languages with a catalogue are accepted."""
    with pytest.raises(ArgumentError, match=r"'zh', 'en'.*'fr'"):
        check_lang("fr")
