"""The headings of the CSV columns for people: Chinese under ``--lang zh``, the JSON contract's
English keys otherwise.

A key that is not listed here (a clause id such as ``A3.1.1``) is its own heading in every
language. The Chinese words are those of the bulletins' headings and of the notice
(成办发〔2007〕30号): 上报, 采用, 漏报, 迟报, 差错, 优秀信息, 任务数.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["csv_headings"]

#: Chinese heading of each CSV key.
ZH: dict[str, str] = {
    "unit": "单位",
    "label": "任务表名称",
    "group": "组别",
    "basis": "任务口径",
    "target": "任务数",
    "rank": "排名",
    "submitted": "上报",
    "adopted": "采用",
    "counted": "计入任务数",
    "completion": "完成率",
    "completed": "完成情况",
    "shortfall": "差额",
    "score": "综合得分",
    "errors": "差错",
    "false_reports": "虚假",
    "excellent": "优秀信息",
    "adoption_rate": "采用率",
    "points": "得分",
    "missed": "漏报",
    "late": "迟报",
}
#: Chinese prefix of a key ``PREFIX_KEY``: the month's figures, the year's so far, missed and late
#: reports of a category (``missed_important`` → ``漏报_important``).
ZH_PREFIX: dict[str, str] = {"month": "本月", "cumulative": "累计", "missed": "漏报", "late": "迟报"}


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
