"""The headings of the CSV columns for people: Chinese under ``--lang zh``, the JSON contract's
English keys otherwise.

A key that is not listed here (a clause id such as ``A3.1.1``) is its own heading in every
language. The Chinese words are those of the bulletins' headings and of the notice
(成办发〔2007〕30号): 上报, 采用, 漏报, 迟报, 差错, 优秀信息, 任务数.
"""

from __future__ import annotations

from collections.abc import Sequence

from .messages import catalogue, text, words

__all__ = ["csv_headings", "csv_value"]

#: Chinese heading of each CSV key (the catalogue's ``heading.csv.*`` codes).
ZH: dict[str, str] = words("heading.csv", "zh")
#: Chinese prefix of a key ``PREFIX_KEY``: the month's figures, the year's so far, missed and late
#: reports of a category (``missed_important`` → ``漏报_important``); ``heading.csv_prefix.*``.
ZH_PREFIX: dict[str, str] = words("heading.csv_prefix", "zh")


def _zh(key: str) -> str:
    if key in ZH:
        return ZH[key]
    prefix, _, rest = key.partition("_")
    if rest and prefix in ZH_PREFIX:
        if prefix in ("month", "cumulative"):
            return ZH_PREFIX[prefix] + _zh(rest)
        return f"{ZH_PREFIX[prefix]}_{rest}"  # a category's key, as the rule set names it
    return key


def csv_headings(keys: Sequence[str], lang: str | None) -> list[str]:
    """The header row of a CSV: the keys themselves (``lang`` ``None`` or ``"en"``), or their
    Chinese headings (``"zh"``).

    >>> csv_headings(["unit", "A3.1.1", "missed_important", "month_adoption_rate"], "zh")
    ['单位', 'A3.1.1', '漏报_important', '本月采用率']
    """
    if lang != "zh":
        return list(keys)
    return [_zh(k) for k in keys]


def csv_value(code: str, lang: str | None, machine: str) -> str:
    """A CSV cell that holds a word (a basis, a group, ``true``…): under ``lang`` ``"zh"`` the
    catalogue's Chinese text of ``code``; otherwise (``None``, ``"en"``: the keys for scripts) the
    ``machine`` value, as the JSON contract has it. A code the catalogue lacks (a group key of a
    target file of one's own) keeps the machine value.

    >>> csv_value("value.basis.adopted", "zh", "adopted"), csv_value("value.basis.adopted", None, "adopted")
    ('采用', 'adopted')
    """
    if lang != "zh" or code not in catalogue("zh"):
        return machine
    return text(code, "zh")
