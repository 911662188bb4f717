"""An independent reference implementation of the 2007 scoring rules, for differential tests.

Written from the shared specification (``scoring-2007.md``, ``events.md``) and the library's
documented decisions (``docs/rules-2007.md``, ``docs/events.md``) only — never from the
library's engine. It reads the target table and the topic list from the shipped data files
with :mod:`tomllib`, but every point figure below is copied by hand from the notice's text.

It is meant to be obviously right rather than fast: parse every record, throw out conflicting
ids, sort by (date, phase, id) and walk the events once with a plain ``if``/``elif`` on the type.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from decimal import Decimal
from importlib.resources import files
from typing import Any

__all__ = ["reference_score"]

YEAR = 2007
SHANGHAI = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has had no summer time since 1991

# --- The 2007 point figures (附件3), copied from the notice ------------------------------------
# 一(一) 《政务信息》采用:4分/条(其中简明信息2分/条); 一(二) 专刊 8分/篇;
# 一(三) 《政务要闻》4分/条(配有图片6分/条);《成都动态》1分/条(配有图片3分/条)
# channel key -> (Chinese label, clause, plain points, points with a picture, counts toward target,
#                 makes an item eligible for a leader's instruction)
CHANNELS: dict[str, tuple[str, str, Decimal, Decimal, bool, bool]] = {
    "zwxx": ("政务信息", "A3.1.1", Decimal(4), Decimal(4), True, True),
    "zwxx_brief": ("简明信息", "A3.1.1", Decimal(2), Decimal(2), True, True),
    "zwxx_special": ("专刊", "A3.1.2", Decimal(8), Decimal(8), True, True),
    "zwyw": ("政务要闻", "A3.1.3", Decimal(4), Decimal(6), True, False),
    "cddt": ("成都动态", "A3.1.3", Decimal(1), Decimal(3), False, False),
}
# 一(七) 国务院办公厅信息刊物采用的:每条加16分。省政府办公厅信息刊物采用的信息:每条加6分
LEVELS: dict[str, tuple[str, Decimal]] = {
    "state_council": ("国务院办公厅", Decimal(16)),
    "province": ("省政府办公厅", Decimal(6)),
}
CATEGORIES: dict[str, str] = {"work_dynamic": "工作动态", "important": "重要信息"}
SUBMISSION_POINTS = Decimal("0.1")  # 一(四) 上报信息按每条0.1分计算
SUBMISSION_CAP_PER_TARGET = Decimal("0.5")  # 全年累计分数不超过单位任务数0.5
COMMISSION_ON_TIME = Decimal(4)  # 一(五) 约稿信息每条加4分
COMMISSION_FAILED = Decimal(-10)  # 二(三) 约稿不报或迟报的每次扣10分
INSTRUCTION = Decimal(8)  # 一(六) 市级领导批示 8分/条
WORK_DYNAMIC_MISSED = (Decimal(-2), Decimal(-4))  # 二(一) 第一次漏报的扣2分,以后每次扣4分
WORK_DYNAMIC_LATE = (Decimal(-1), Decimal(-2))  # 第一次迟报的扣1分,以后每次扣2分
ERROR = Decimal(-2)  # 出现差错的每次扣2分
IMPORTANT = Decimal(-10)  # 二(二) 重要信息漏报、迟报每条扣10分
FALSE_REPORT = Decimal(-30)  # 二(四) 上报虚假、不实信息的每条扣30分

# --- The event-log form (events.md) ------------------------------------------------------------
COMMON = ("id", "type", "date")
REQUIRED: dict[str, tuple[str, ...]] = {
    "submitted": ("unit", "item"),
    "adopted": ("item", "channel"),
    "commissioned": ("unit", "commission", "due"),
    "instructed": ("item",),
    "higher_adopted": ("item", "level"),
    "missed": ("unit", "category"),
    "late": ("unit", "category"),
    "error": ("item",),
    "false_report": ("item",),
    "excellent": ("item",),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    "submitted": ("topic", "commission"),
    "adopted": ("picture", "unit"),
    "commissioned": (),
    "instructed": ("leader", "unit"),
    "higher_adopted": ("unit",),
    "missed": ("subject",),
    "late": ("subject",),
    "error": ("note", "unit"),
    "false_report": ("note", "unit"),
    "excellent": ("unit",),
}
# On one date: commissions first, then submissions, then adoptions, then everything else.
PHASE = {"commissioned": 0, "submitted": 1, "adopted": 2}


def _load_units() -> tuple[dict[str, str], dict[str, int], dict[str, str]]:
    """name/label/alias -> canonical name; canonical name -> target; canonical name -> basis."""
    data = tomllib.loads(files("chengdu_infoscore.quotas").joinpath("quotas-2007.toml").read_text("utf-8"))
    spelling: dict[str, str] = {}
    target: dict[str, int] = {}
    basis: dict[str, str] = {}
    for group in data["groups"]:
        for unit in group["units"]:
            name = unit["name"]
            target[name] = unit["target"]
            basis[name] = group["basis"]
            spelling[name] = name
            spelling[unit["label"]] = name
            for alias in unit.get("aliases", []):
                spelling[alias] = name
    return spelling, target, basis


def _load_topics() -> set[str]:
    data = tomllib.loads(files("chengdu_infoscore.rules").joinpath("topics-2007.toml").read_text("utf-8"))
    return {f"{s['number']}.{t['number']}" for s in data["sections"] for t in s["topics"]}


UNIT_SPELLINGS, TARGETS, BASIS = _load_units()
TOPICS = _load_topics()


class Reject(Exception):
    """This event is not counted."""


def resolve_unit(text: str) -> str:
    """The canonical name of a unit written as name, printed label, alias or 成都市… form."""
    if text in UNIT_SPELLINGS:
        return UNIT_SPELLINGS[text]
    if text.startswith("成都市") and "市" + text[3:] in UNIT_SPELLINGS:
        return UNIT_SPELLINGS["市" + text[3:]]
    raise Reject(f"unknown unit {text!r}")


def _resolve_key(text: str, vocabulary: dict[str, Any], what: str) -> str:
    for key, value in vocabulary.items():
        label = value[0] if isinstance(value, tuple) else value
        if text in (key, label):
            return key
    raise Reject(f"unknown {what} {text!r}")


def to_date(value: Any) -> dt.date:
    """``YYYY-MM-DD``, or an ISO 8601 datetime with a UTC offset turned into the Shanghai date."""
    if not isinstance(value, str):
        raise Reject(f"not a date: {value!r}")
    text = value.strip()
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise Reject(f"not a calendar date: {text!r}") from None
    if "T" not in text:
        raise Reject(f"not a date: {text!r}")
    day, _, time = text.partition("T")
    if re.fullmatch(r"\d{4}-?\d{3}", day):  # an ordinal date, 2007-063
        day = (dt.date(int(day[:4]), 1, 1) + dt.timedelta(days=int(day[-3:]) - 1)).isoformat()
    if re.search(r"[+-]\d{2}:?\d{2}:?\d{2}", time):
        raise Reject(f"an ISO 8601 UTC offset has no seconds: {text!r}")
    end_of_day = re.match(r"24(:?00(:?00([.,]0+)?)?)?(?=[Z+-])", time)  # 24:00 is the next midnight
    if end_of_day:
        time = "00" + time[2:]
    try:
        moment = dt.datetime.fromisoformat(f"{day}T{time}")
    except ValueError:
        raise Reject(f"not a datetime: {text!r}") from None
    if moment.tzinfo is None:
        raise Reject(f"datetime without offset: {text!r}")
    if end_of_day:
        moment += dt.timedelta(days=1)
    return moment.astimezone(SHANGHAI).date()


def parse(record: dict[str, Any]) -> dict[str, Any]:
    """Check one record's form and return it normalised: stripped text, local dates, no nulls."""
    kind = record.get("type")
    if kind not in REQUIRED:
        raise Reject(f"unknown type {kind!r}")
    allowed = set(COMMON) | set(REQUIRED[kind]) | set(OPTIONAL[kind])
    event: dict[str, Any] = {}
    for field, value in record.items():
        if value is None:
            continue
        if field not in allowed:
            raise Reject(f"field {field!r} is not a field of {kind}")
        if field in ("date", "due"):
            event[field] = to_date(value)
        elif field == "picture":
            if not isinstance(value, bool):
                raise Reject("picture must be true or false")
            event[field] = value
        else:
            if not isinstance(value, str):
                raise Reject(f"field {field!r} must be text")
            value = value.strip()
            if value:
                event[field] = value
            elif field in COMMON or field in REQUIRED[kind]:
                raise Reject(f"field {field!r} is empty")
    for field in (*COMMON, *REQUIRED[kind]):
        if field not in event:
            raise Reject(f"missing field {field!r}")
    if kind == "adopted":
        event.setdefault("picture", False)
    return event


def check_names(event: dict[str, Any]) -> dict[str, Any]:
    """Resolve units, channels, levels and categories to their keys; check year and topic."""
    if event["date"].year != YEAR:
        raise Reject("outside the assessment year")
    resolved = dict(event)
    if "unit" in event:
        resolved["unit"] = resolve_unit(event["unit"])
    if "channel" in event:
        resolved["channel"] = _resolve_key(event["channel"], CHANNELS, "channel")
    if "level" in event:
        resolved["level"] = _resolve_key(event["level"], LEVELS, "level")
    if "category" in event:
        resolved["category"] = _resolve_key(event["category"], CATEGORIES, "category")
    if "topic" in event and event["topic"] not in TOPICS:
        raise Reject("unknown topic")
    return resolved


def _empty_unit() -> dict[str, Any]:
    return {
        "submitted": 0,
        "adopted": 0,
        "score": Decimal(0),
        "breakdown": {},
        "missed": dict.fromkeys(CATEGORIES, 0),
        "late": dict.fromkeys(CATEGORIES, 0),
        "errors": 0,
        "false_reports": 0,
        "excellent": 0,
    }


def reference_score(records: list[dict[str, Any]], as_of: str) -> dict[str, Any]:
    """Score an event log (records in the events.md JSON form) as of a date, the plain way.

    Returns ``{canonical unit name: figures}`` for every unit of the 2007 table, plus
    ``"__rejected__"``: the set of ids of the rejected events.
    """
    as_of_date = dt.date.fromisoformat(as_of)
    rejected: set[Any] = set()

    # 1. The form of each record; then the names and the year, which are checked whatever the date.
    #    A copy that cannot be resolved is kept as written, so that it differs from any good copy.
    resolved: list[dict[str, Any]] = []
    unreadable: set[Any] = set()  # ids of records that cannot be read: they spoil every copy (events.md)
    for record in records:
        try:
            event = parse(record)
        except Reject:
            event_id = record.get("id")
            event_id = (event_id.strip() or None) if isinstance(event_id, str) else None  # "(no id)"
            rejected.add(event_id)
            unreadable.add(event_id)
            continue
        try:
            resolved.append(check_names(event))
        except Reject:
            rejected.add(event["id"])
            resolved.append({"unresolved": event})

    # 2. One id, one content: a repeat of the same content (after resolving names and dates, so
    #    `zwxx` and `政务信息` are the same channel) counts once; different contents reject them all.
    by_id: dict[str, list[dict[str, Any]]] = {}
    for event in resolved:
        event_id = event["unresolved"]["id"] if "unresolved" in event else event["id"]
        by_id.setdefault(event_id, []).append(event)
    known: list[dict[str, Any]] = []
    for event_id, group in by_id.items():
        if all(e == group[0] for e in group) and "unresolved" not in group[0] and event_id not in unreadable:
            known.append(group[0])
        else:
            rejected.add(event_id)

    # 3. Only what happened on or before the as-of date counts; later events are left aside.
    counted = [e for e in known if e["date"] <= as_of_date]
    counted.sort(key=lambda e: (e["date"], PHASE.get(e["type"], 3), e["id"]))

    units = {name: _empty_unit() for name in TARGETS}
    items: dict[str, dict[str, Any]] = {}
    commissions: dict[str, dict[str, Any]] = {}
    work_dynamic_missed = dict.fromkeys(TARGETS, 0)
    work_dynamic_late = dict.fromkeys(TARGETS, 0)

    def book(unit: str, clause: str, amount: Decimal) -> None:
        units[unit]["breakdown"][clause] = units[unit]["breakdown"].get(clause, Decimal(0)) + amount

    def item_of(event: dict[str, Any]) -> dict[str, Any]:
        item = items.get(event["item"])
        if item is None:
            raise Reject("item not submitted on or before this date")
        if "unit" in event and event["unit"] != item["unit"]:
            raise Reject("unit is not the item's unit")
        return item

    for event in counted:
        kind = event["type"]
        try:
            if kind == "commissioned":
                if event["commission"] in commissions:
                    raise Reject("second commission with this id")
                commissions[event["commission"]] = {
                    "unit": event["unit"],
                    "due": event["due"],
                    "answer": None,
                }
            elif kind == "submitted":
                if event["item"] in items:
                    raise Reject("second submission of an item")
                commission = None
                if "commission" in event:
                    commission = commissions.get(event["commission"])
                    if commission is None:
                        raise Reject("unknown commission")
                    if commission["answer"] is not None:
                        raise Reject("second answer to a commission")
                    if commission["unit"] != event["unit"]:
                        raise Reject("answer from another unit")
                    commission["answer"] = event["date"]
                items[event["item"]] = {
                    "unit": event["unit"],
                    "channels": set(),
                    "levels": set(),
                    "instructed": False,
                    "false": False,
                }
                units[event["unit"]]["submitted"] += 1
            elif kind == "adopted":
                item = item_of(event)
                channel = event["channel"]
                if channel in item["channels"]:
                    raise Reject("second adoption by one channel")
                item["channels"].add(channel)
                _label, clause, plain, with_picture, _counts, _eligible = CHANNELS[channel]
                book(item["unit"], clause, with_picture if event["picture"] else plain)
            elif kind == "instructed":
                item = item_of(event)
                if not any(CHANNELS[c][5] for c in item["channels"]):
                    raise Reject("item not adopted by a 《政务信息》 publication")
                if not item["instructed"]:
                    item["instructed"] = True
                    book(item["unit"], "A3.1.6", INSTRUCTION)
            elif kind == "higher_adopted":
                item = item_of(event)
                if event["level"] not in item["levels"]:
                    item["levels"].add(event["level"])
                    book(item["unit"], "A3.1.7", LEVELS[event["level"]][1])
            elif kind in ("missed", "late"):
                unit, category = event["unit"], event["category"]
                units[unit][kind][category] += 1
                if category == "important":
                    book(unit, "A3.2.2", IMPORTANT)
                else:
                    counter = work_dynamic_missed if kind == "missed" else work_dynamic_late
                    figures = WORK_DYNAMIC_MISSED if kind == "missed" else WORK_DYNAMIC_LATE
                    book(unit, "A3.2.1", figures[0] if counter[unit] == 0 else figures[1])
                    counter[unit] += 1
            elif kind == "error":
                item = item_of(event)
                units[item["unit"]]["errors"] += 1
                book(item["unit"], "A3.2.1", ERROR)
            elif kind == "false_report":
                item = item_of(event)
                if not item["false"]:
                    item["false"] = True
                    units[item["unit"]]["false_reports"] += 1
                    book(item["unit"], "A3.2.4", FALSE_REPORT)
            elif kind == "excellent":
                item = item_of(event)
                units[item["unit"]]["excellent"] += 1
        except Reject:
            rejected.add(event["id"])

    # Target: distinct items adopted by a channel that counts toward it.
    for item in items.values():
        if any(CHANNELS[c][4] for c in item["channels"]):
            units[item["unit"]]["adopted"] += 1

    # A3.1.4: 0.1 a submission, capped at 0.5 × the target for the year.
    for name, figures in units.items():
        if figures["submitted"]:
            cap = SUBMISSION_CAP_PER_TARGET * TARGETS[name]
            book(name, "A3.1.4", min(SUBMISSION_POINTS * figures["submitted"], cap))

    # A3.1.5 / A3.2.3: answered on or before the due date +4; otherwise −10 once the due date
    # has passed (booked the day after it); unanswered and not yet due: pending, nothing.
    for commission in commissions.values():
        answer, due = commission["answer"], commission["due"]
        if answer is not None and answer <= due:
            book(commission["unit"], "A3.1.5", COMMISSION_ON_TIME)
        elif due + dt.timedelta(days=1) <= as_of_date:
            book(commission["unit"], "A3.2.3", COMMISSION_FAILED)

    result: dict[str, Any] = {}
    for name, figures in units.items():
        figures["breakdown"] = {c: p for c, p in figures["breakdown"].items() if p != 0}
        figures["score"] = sum(figures["breakdown"].values(), Decimal(0))
        result[name] = figures
    result["__rejected__"] = rejected
    return result
