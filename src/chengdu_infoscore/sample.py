"""A whole year's event log, generated: every unit's reporting work as a real export shows it.

:func:`sample_year` builds a valid, realistic log of the year of the target table (2007 by
default) for all of its units, with no input but a seed: submissions (上报) in proportion to
targets and spread over the year (quiet around the Spring Festival), adoptions (采用) in every
channel with and without pictures, commissions (约稿) answered on time, late and never,
instructions (批示), higher-office adoptions, missed (漏报) and late (迟报) reports, errors (差错),
false reports (虚假信息) and excellent items (优秀信息). Every unit has its own diligence, so in
every group some units complete their target and some fall short, and some reach the yearly
submission cap while others do not. Names are written as a real export writes them: sometimes
an alias (``能源办``), a ``成都市`` form or a Chinese label (``政务要闻``).

The same seed always gives the same events, in the same order; :func:`write_jsonl` writes them
in the event-log form (events.md).

>>> events = sample_year()
>>> events == sample_year(), events[0].id
(True, '2007-0000001')
>>> from chengdu_infoscore import score
>>> score(events).rejections
()
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final, TextIO

import attrs

from ._arguments import need_int
from .events import (
    Adopted,
    Commissioned,
    Contact,
    ErrorFound,
    Event,
    FoundFalse,
    HigherAdopted,
    Instructed,
    Missed,
    ReportedLate,
    SelectedExcellent,
    Submitted,
    event_record,
)
from .exceptions import ArgumentError
from .quotas import QuotaTable, Unit, load_quotas
from .rules import Category, Channel, Level, RuleSet, load_rules

__all__ = ["event_record", "sample_events", "sample_year", "write_jsonl"]

#: The most events :func:`sample_events` writes: a log of about 10 GB.
MOST_EVENTS: Final = 100_000_000

# -- the shape of a year ------------------------------------------------------------------------

#: Relative activity by month: busy before the half-year and year-end summaries, quiet in the
#: Spring-Festival February and the summer.
_MONTH_WEIGHTS: Final = (9, 4, 10, 9, 9, 11, 8, 7, 9, 8, 10, 11)
_WEEKEND: Final = 0.12
_HOLIDAY: Final = 0.05
#: The first day of the Spring Festival (春节) by year; the holiday week around it is quiet.
_SPRING_FESTIVAL: Final = {
    2006: dt.date(2006, 1, 29),
    2007: dt.date(2007, 2, 18),
    2008: dt.date(2008, 2, 7),
    2009: dt.date(2009, 1, 26),
    2010: dt.date(2010, 2, 14),
}

#: How the office spreads adoptions that count toward the target over its channels.
_CHANNEL_WEIGHTS: Final = {"zwxx": 40, "zwxx_brief": 28, "zwxx_special": 4, "zwyw": 28}
#: Days from submission to adoption.
_ADOPTION_LAGS: Final = (0, 1, 2, 3, 4, 5, 7, 10, 14)
_ADOPTION_LAG_WEIGHTS: Final = (5, 30, 22, 14, 10, 7, 6, 4, 2)
_SECOND_CHANNEL: Final = 0.05
_OTHER_CHANNEL_ADOPTED: Final = 0.15
_OTHER_CHANNEL_NOT_ADOPTED: Final = 0.04
_PICTURE: Final = 0.35
#: Chance of an instruction, by the first 《政务信息》 channel that adopted the item.
_INSTRUCTION: Final = {"zwxx_special": 0.3, "zwxx": 0.03, "zwxx_brief": 0.01}
_LEADERS: Final = ("市长", "常务副市长", "副市长")
_LEADER_WEIGHTS: Final = (2, 3, 10)
#: Chance that a higher office adopts an adopted item, by level; items in 专刊 are likelier.
_HIGHER: Final = {"province": 0.025, "state_council": 0.004}
_HIGHER_SPECIAL: Final = 4.0
_ERROR: Final = 0.008
_EXCELLENT: Final = 0.02
_EXCELLENT_SPECIAL: Final = 0.3
_TOPIC: Final = 0.85
_FAVOURITE_TOPIC: Final = 0.65

#: Chance that a name is written another way than its key or canonical name.
_UNIT_SPELLING: Final = 0.12
_ITEM_UNIT: Final = 0.05
_CHANNEL_LABEL: Final = 0.25
_LEVEL_LABEL: Final = 0.4
_CATEGORY_LABEL: Final = 0.3

_ERROR_NOTES: Final = (
    "数据与统计部门公布数不符",
    "单位名称书写错误",
    "时间表述有误",
    "文字差错",
    "引用文件文号有误",
)
_FALSE_NOTES: Final = ("经核实与事实不符", "夸大工作成效", "所报数据无依据")
_WORK_SUBJECTS: Final = (
    "防汛工作会议",
    "安全生产大检查",
    "春运工作部署",
    "重点项目推进会",
    "招商引资签约活动",
    "城乡环境综合治理",
    "森林防火工作",
    "节日市场供应",
    "禽流感防控",
    "农村新型社区建设现场会",
    "食品安全专项整治",
    "高温天气应对",
)
_IMPORTANT_SUBJECTS: Final = (
    "暴雨洪涝灾情",
    "群体性事件处置",
    "重点工程安全事故",
    "道路交通重大事故",
    "突发公共卫生事件",
    "重大项目开工",
)

# The engine's order on one day: commissions, then submissions, then adoptions, then the rest.
# Ids are given in that order, so the log sorted by (date, id) is the order it is scored in.
_PHASE: Final[dict[type[Event], int]] = {Commissioned: 0, Submitted: 1, Adopted: 2}


# -- the generator ------------------------------------------------------------------------------


def sample_year(
    seed: int = 2007,
    *,
    quotas: QuotaTable | None = None,
    rules: RuleSet | None = None,
    contacts: bool = True,
) -> tuple[Event, ...]:
    """A realistic, valid event log of a whole year for every unit of a target table.

    Only ``random.Random(seed)`` is drawn from (no global random state, no clock), so the same
    seed always gives the same events. Ids are ``YEAR-NNNNNNN`` in the order the engine scores
    the events; items are ``UNNN-NNNN`` (the unit's place in the table, then its own count).

    Args:
        seed: the seed of the generator.
        quotas: the target table (default: the one shipped for 2007); the log is of its year.
        rules: the rule set whose vocabulary (channels, levels, categories, key points) the log
            uses (default: the one shipped for the table's year).
        contacts: with the units' contacts (附件3 三(三)): most units' leader in charge and
            officers, on record from the year's first weeks, with changes over the year and a few
            units missing one. Contacts score nothing: the scored events are the same without them.

    Returns:
        the events, sorted by ``(date, id)``.
    """
    quotas = load_quotas(2007) if quotas is None else quotas
    rules = load_rules(quotas.year) if rules is None else rules
    events = _Sampler(random.Random(seed), quotas, rules).run()
    if not events or not contacts:
        return events
    # Contacts are drawn from a generator of their own and have ids of their own (YEAR-Cnnnn), so
    # that the scored events, and every figure, are the same with them or without.
    people = _contacts(random.Random(f"contacts-{seed}"), quotas, events[0].date, events[-1].date)
    return tuple(sorted((*events, *people), key=lambda e: (e.date, e.id)))


def sample_events(
    events: int, seed: int = 2007, *, quotas: QuotaTable | None = None, rules: RuleSet | None = None
) -> Iterator[Event]:
    """A realistic, valid event log of any size: ``events`` events of the sample year, made as they
    are needed (a large log is never held whole).

    The log is the sample year of ``seed`` (:func:`sample_year`), then as many more copies of the
    year as it takes, each drawn from its own seed and with its ids, items and commissions
    prefixed ``c1-``, ``c2-``, … so that every id, item and commission is distinct; the last copy
    is cut after its first events by date, which leaves it valid (a record never refers to one
    dated after it). So a log of at most one year's events is the beginning of the sample year's
    log, and the same ``events`` and ``seed`` always give the same log.

    Args:
        events: how many events, from 0 to :data:`MOST_EVENTS`.
        seed: the seed of the first year; the other copies' seeds are drawn from it.
        quotas: the target table (default: the one shipped for 2007), as for :func:`sample_year`.
        rules: the rule set whose vocabulary the log uses, as for :func:`sample_year`.

    Raises:
        ArgumentError: ``events`` is below 0 or above :data:`MOST_EVENTS` (a ``ValueError``).
    """
    need_int("events", events, 0, MOST_EVENTS)
    need_int("seed", seed)
    return _copies(events, seed, quotas, rules)


def _copies(events: int, seed: int, quotas: QuotaTable | None, rules: RuleSet | None) -> Iterator[Event]:
    seeds = random.Random(seed)
    left, copy = events, 0
    while left > 0:
        year = sample_year(seed if copy == 0 else seeds.getrandbits(64), quotas=quotas, rules=rules)
        if not year:  # a table whose year holds no day of the rules: no copy would ever give one
            raise ArgumentError(
                f"the sample year of this table and rule set has no events: {events} asked for"
            )
        if copy == 0:
            yield from year[:left]
        else:
            prefix = f"c{copy}-"
            for e in year[:left]:
                changes: dict[str, Any] = {"id": prefix + e.id}
                for field in ("item", "commission"):
                    value = getattr(e, field, None)
                    if value is not None:
                        changes[field] = prefix + value
                yield attrs.evolve(e, **changes)
        left -= min(left, len(year))
        copy += 1


@attrs.define
class _Plan:
    """What one unit does in the year: how many items it submits, how many are adopted."""

    number: int
    unit: Unit
    submissions: int
    adoptions: int
    diligence: float
    answers: list[tuple[dt.date, str]] = attrs.Factory(list)


@attrs.define
class _Item:
    """A submitted item and what has happened to it so far."""

    id: str
    plan: _Plan
    submitted: dt.date
    channels: dict[str, dt.date] = attrs.Factory(dict)
    eligible: dt.date | None = None


class _Calendar:
    """The days of a year with their relative activity, to draw dates from."""

    def __init__(self, days: Sequence[dt.date], weights: Sequence[float]) -> None:
        self.days = list(days)
        self.cumulative: list[float] = []
        total = 0.0
        for w in weights:
            total += w
            self.cumulative.append(total)
        self.first, self.last = self.days[0], self.days[-1]

    @classmethod
    def of_year(cls, year: int, rules: RuleSet) -> _Calendar:
        day, days, weights = dt.date(year, 1, 1), [], []
        festival = _SPRING_FESTIVAL.get(year)
        while day.year == year:
            if rules.covers(day):
                w = float(_MONTH_WEIGHTS[day.month - 1])
                if day.weekday() >= 5:
                    w *= _WEEKEND
                quiet = festival is not None and -1 <= (day - festival).days <= 6
                if quiet or (day.month in (5, 10) and day.day <= 7) or (day.month, day.day) == (1, 1):
                    w *= _HOLIDAY
                days.append(day)
                weights.append(w)
            day += dt.timedelta(days=1)
        return cls(days, weights)

    def until(self, last: dt.date) -> _Calendar:
        """The same calendar, ending on ``last``."""
        n = sum(1 for d in self.days if d <= last)
        weights = [b - a for a, b in zip([0.0, *self.cumulative], self.cumulative[:n], strict=False)]
        return _Calendar(self.days[:n], weights)

    def draw(self, rng: random.Random, k: int) -> list[dt.date]:
        return rng.choices(self.days, cum_weights=self.cumulative, k=k)

    def after(self, day: dt.date, days: int) -> dt.date:
        """``days`` after ``day``, but no later than the last day."""
        return min(day + dt.timedelta(days=days), self.last)

    def within(self, day: dt.date, days: int) -> dt.date | None:
        """``days`` after ``day``, or ``None`` when that falls after the last day."""
        later = day + dt.timedelta(days=days)
        return later if later <= self.last else None


class _Sampler:
    """One run of the generator: the random state, the vocabulary and the log being built."""

    def __init__(self, rng: random.Random, quotas: QuotaTable, rules: RuleSet) -> None:
        self.rng = rng
        self.quotas = quotas
        self.rules = rules
        self.year = quotas.year
        self.calendar = _Calendar.of_year(self.year, rules)
        self.drafts: list[tuple[dt.date, int, int, type[Event], dict[str, Any]]] = []
        self.counting = [c for c in rules.channels if c.counts_toward_target]
        self.others = [c for c in rules.channels if not c.counts_toward_target]
        self.counting_weights = [_CHANNEL_WEIGHTS.get(c.key, 10) for c in self.counting]
        self.counting_keys = {c.key for c in self.counting}
        self.eligible_keys = {c.key for c in rules.channels if c.instruction_eligible}
        self.topics = [t.key for t in rules.topics]
        self.items: list[_Item] = []
        self.commissions = 0

    # -- helpers ------------------------------------------------------------------------------

    def add(self, cls: type[Event], day: dt.date, **fields: Any) -> None:
        self.drafts.append((day, _PHASE.get(cls, 3), len(self.drafts), cls, fields))

    def unit_name(self, unit: Unit, chance: float = _UNIT_SPELLING) -> str:
        """The unit's canonical name, or now and then another spelling the table accepts."""
        if self.rng.random() < chance:
            # A sub-unit (能源办) writes its own name more often than anyone writes a label.
            others = [*unit.aliases, *unit.aliases, *(n for n in self.quotas.names(unit) if n != unit.name)]
            if others:
                return self.rng.choice(others)
        return unit.name

    def item_unit(self, item: _Item) -> str | None:
        """Most records about an item leave its unit out; a few name it."""
        return self.unit_name(item.plan.unit, 0.3) if self.rng.random() < _ITEM_UNIT else None

    def spelled(self, value: Channel | Level | Category, chance: float) -> str:
        return value.label if self.rng.random() < chance else value.key

    def lag(self, day: dt.date) -> dt.date:
        (days,) = self.rng.choices(_ADOPTION_LAGS, weights=_ADOPTION_LAG_WEIGHTS)
        return self.calendar.after(day, days)

    def subject(self, day: dt.date, texts: Sequence[str]) -> str:
        about = max(day - dt.timedelta(days=self.rng.randint(1, 4)), self.calendar.first)
        return f"{about.month}月{about.day}日{self.rng.choice(texts)}"

    # -- the year -------------------------------------------------------------------------------

    def run(self) -> tuple[Event, ...]:
        plans = self.plan()
        self.commission(plans)
        for plan in plans:
            self.report(plan)
        self.repeat_instruction()
        self.ensure_levels()
        self.false_reports()
        self.missed_and_late(plans)
        self.drafts.sort(key=lambda d: d[:3])
        return tuple(
            cls(id=f"{self.year}-{n:07d}", date=day, **fields)
            for n, (day, _, _, cls, fields) in enumerate(self.drafts, 1)
        )

    def plan(self) -> list[_Plan]:
        """Each unit's year, drawn from its own diligence and adoption rate.

        In every group one unit surely completes its target and one surely falls short; in
        every group whose target counts adoptions one unit (a small one where there is one)
        submits past the A3.1.4 cap. The others are drawn.
        """
        rng = self.rng
        ratios: dict[str, float] = {}
        prolific: set[str] = set()
        for group in self.quotas.groups:
            members = [u for u in self.quotas.units if u.group == group.key]
            rng.shuffle(members)
            for place, unit in enumerate(members):
                if place == 0:
                    ratios[unit.name] = rng.uniform(1.05, 1.35)
                elif place == 1:
                    ratios[unit.name] = rng.uniform(0.55, 0.9)
                else:
                    ratios[unit.name] = min(max(rng.gauss(1.0, 0.2), 0.45), 1.45)
            if group.basis == "adopted":
                small = [u for u in members if _size(u) <= 10] or members
                prolific.add(small[-1].name)
        plans: list[_Plan] = []
        for number, unit in enumerate(self.quotas.units, 1):
            ratio = ratios[unit.name]
            target = _size(unit)
            counted = round(ratio * target)
            counted = max(counted, target) if ratio >= 1 else min(counted, target - 1)
            if unit.basis == "submitted":
                submissions = counted
                adoptions = round(submissions * rng.uniform(0.03, 0.08))
            else:
                adoptions = counted
                submissions = max(adoptions, math.ceil(adoptions / rng.uniform(0.3, 0.6)))
                chance = 0.45 if target <= 10 else 0.1 if target <= 30 else 0.03
                if unit.name in prolific or rng.random() < chance:
                    submissions = max(submissions, math.ceil(rng.uniform(5.05, 7.0) * target))
            diligence = min(max(ratio + rng.gauss(0, 0.15), 0.3), 1.5)
            plans.append(_Plan(number, unit, submissions, adoptions, diligence))
        return plans

    def commission(self, plans: list[_Plan]) -> None:
        """Commissions (约稿) through the year, mostly to districts and large departments, with
        a few fixed ones: pending at mid-year, due on the last day, and never answered."""
        rng = self.rng
        issuing = self.calendar.until(dt.date(self.year, 12, 15))
        by_group: dict[str, list[_Plan]] = {}
        for plan in plans:
            by_group.setdefault(plan.unit.group, []).append(plan)
            unit = plan.unit
            if unit.group == "district":
                n = rng.randint(3, 8)
            elif unit.basis == "submitted":
                n = rng.randint(0, 2)
            elif _size(unit) >= 40:
                n = rng.randint(1, 4)
            elif _size(unit) >= 20:
                n = rng.randint(0, 2)
            else:
                n = int(rng.random() < 0.15)
            for issued in sorted(issuing.draw(rng, n)):
                due = self.calendar.after(issued, rng.randint(4, 14))
                outcome = rng.random()
                if outcome < 0.74 or due >= self.calendar.last:
                    answered: dt.date | None = issued + dt.timedelta(days=rng.randint(0, (due - issued).days))
                elif outcome < 0.87:
                    answered = self.calendar.after(due, rng.randint(1, 12))
                else:
                    answered = None
                self.commissioned(plan, issued, due, answered)
        groups = list(by_group.values())
        first, last = self.calendar.first, self.calendar.last
        fixed = (
            (dt.date(self.year, 6, 25), dt.date(self.year, 7, 6), dt.date(self.year, 7, 10)),
            (dt.date(self.year, 9, 3), dt.date(self.year, 9, 12), None),
            (last - dt.timedelta(days=7), last, None),
        )
        for issued, due, answered in fixed:
            if first <= issued and due <= last:
                self.commissioned(rng.choice(groups[0]), issued, due, answered)

    def commissioned(self, plan: _Plan, issued: dt.date, due: dt.date, answered: dt.date | None) -> None:
        self.commissions += 1
        cid = f"YG-{self.year}-{self.commissions:03d}"
        self.add(Commissioned, issued, unit=self.unit_name(plan.unit), commission=cid, due=due)
        if answered is not None:
            plan.answers.append((answered, cid))

    def report(self, plan: _Plan) -> None:
        """One unit's submissions and everything that happens to them."""
        rng = self.rng
        dates: list[tuple[dt.date, str]] = [
            (d, "") for d in self.calendar.draw(rng, max(0, plan.submissions - len(plan.answers)))
        ]
        dates = sorted(dates + plan.answers)
        favourites = rng.sample(self.topics, min(6, len(self.topics)))
        items: list[_Item] = []
        for n, (day, cid) in enumerate(dates, 1):
            item = _Item(f"U{plan.number:03d}-{n:04d}", plan, day)
            topic = None
            if self.topics and rng.random() < _TOPIC:
                topic = rng.choice(favourites if rng.random() < _FAVOURITE_TOPIC else self.topics)
            self.add(
                Submitted,
                day,
                unit=self.unit_name(plan.unit),
                item=item.id,
                topic=topic,
                commission=cid or None,
            )
            items.append(item)
        # The office asked for commissioned items, so it adopts them more often than others.
        answered = [i for i, (_, cid) in enumerate(dates) if cid]
        chosen = {i for i in answered if rng.random() < 0.6}
        chosen = set(sorted(chosen)[: plan.adoptions])
        rest = [i for i in range(len(items)) if i not in chosen]
        chosen.update(rng.sample(rest, min(len(rest), plan.adoptions - len(chosen))))
        for i, item in enumerate(items):
            if i in chosen:
                self.adopt(item, rng.choices(self.counting, weights=self.counting_weights)[0])
                if rng.random() < _SECOND_CHANNEL:
                    second = [c for c in self.counting if c.key not in item.channels]
                    if second:
                        self.adopt(item, rng.choice(second))
            chance = _OTHER_CHANNEL_ADOPTED if i in chosen else _OTHER_CHANNEL_NOT_ADOPTED
            for channel in self.others:
                if rng.random() < chance:
                    self.adopt(item, channel)
            self.follow_up(item)
        self.items.extend(items)

    def adopt(self, item: _Item, channel: Channel) -> None:
        day = self.lag(item.submitted)
        picture = channel.picture_points is not None and self.rng.random() < _PICTURE
        self.add(
            Adopted,
            day,
            item=item.id,
            channel=self.spelled(channel, _CHANNEL_LABEL),
            picture=picture,
            unit=self.item_unit(item),
        )
        item.channels[channel.key] = day
        if channel.instruction_eligible and (item.eligible is None or day < item.eligible):
            item.eligible = day

    def follow_up(self, item: _Item) -> None:
        """Instructions, higher-office adoptions, errors and excellence for one item."""
        rng = self.rng
        special = "zwxx_special" in item.channels
        if item.eligible is not None:
            first = min((d, k) for k, d in item.channels.items() if k in self.eligible_keys)[1]
            if rng.random() < _INSTRUCTION.get(first, 0.02):
                day = self.calendar.within(item.eligible, rng.randint(0, 12))
                if day is not None:
                    self.instruct(item, day)
        if self.counting_keys & item.channels.keys():
            adopted = min(item.channels.values())
            for level in self.rules.levels:
                chance = _HIGHER.get(level.key, 0.01) * (_HIGHER_SPECIAL if special else 1.0)
                day = self.calendar.within(adopted, rng.randint(3, 30))
                if rng.random() < chance and day is not None:
                    self.higher(item, level, day)
            if rng.random() < (_EXCELLENT_SPECIAL if special else _EXCELLENT):
                # Selected for the monthly bulletin: dated the last day of the adoption's month.
                following = dt.date(adopted.year + adopted.month // 12, adopted.month % 12 + 1, 1)
                month_end = min(following - dt.timedelta(days=1), self.calendar.last)
                self.add(SelectedExcellent, month_end, item=item.id, unit=self.item_unit(item))
        day = self.calendar.within(item.submitted, rng.randint(0, 10))
        if rng.random() < _ERROR and day is not None:
            self.add(
                ErrorFound,
                day,
                item=item.id,
                note=rng.choice(_ERROR_NOTES),
                unit=self.item_unit(item),
            )

    def instruct(self, item: _Item, day: dt.date) -> None:
        (leader,) = self.rng.choices(_LEADERS, weights=_LEADER_WEIGHTS)
        self.add(Instructed, day, item=item.id, leader=leader, unit=self.item_unit(item))

    def higher(self, item: _Item, level: Level, day: dt.date) -> None:
        self.add(HigherAdopted, day, item=item.id, level=self.spelled(level, _LEVEL_LABEL))

    # -- a few of each rare thing, whatever the draws gave ----------------------------------------

    def eligible_items(self) -> list[_Item]:
        return [i for i in self.items if i.eligible is not None]

    def repeat_instruction(self) -> None:
        """A second leader's instruction on one already instructed item (it scores once)."""
        instructed = {f["item"] for _, _, _, cls, f in self.drafts if cls is Instructed}
        pool = [i for i in self.eligible_items() if i.id in instructed] or self.eligible_items()[:1]
        if pool:
            item = self.rng.choice(pool)
            assert item.eligible is not None
            if item.id not in instructed:
                self.instruct(item, item.eligible)
            self.instruct(item, self.calendar.after(item.eligible, self.rng.randint(13, 20)))

    def ensure_levels(self) -> None:
        """Every higher-office level adopts at least one item."""
        seen = {self.rules.level(f["level"]) for _, _, _, cls, f in self.drafts if cls is HigherAdopted}
        adopted = [i for i in self.eligible_items() if "zwxx_special" in i.channels] or self.eligible_items()
        for level in self.rules.levels:
            if level not in seen and adopted:
                item = self.rng.choice(adopted)
                self.higher(item, level, self.calendar.after(max(item.channels.values()), 10))

    def false_reports(self) -> None:
        """A few items found false (虚假、不实), weeks after they were submitted."""
        pool = [i for i in self.items if i.submitted <= self.calendar.last - dt.timedelta(days=40)]
        for item in self.rng.sample(pool, min(len(pool), self.rng.randint(3, 6))):
            self.add(
                FoundFalse,
                self.calendar.after(item.submitted, self.rng.randint(7, 40)),
                item=item.id,
                note=self.rng.choice(_FALSE_NOTES),
                unit=self.item_unit(item),
            )

    def missed_and_late(self, plans: list[_Plan]) -> None:
        """Missed (漏报) and late (迟报) reports: work dynamics often, important information rarely."""
        rng = self.rng
        categories = self.rules.categories
        if not categories:
            return
        frequent = self.rules.category("work_dynamic") or categories[0]
        rare = self.rules.category("important") or categories[-1]
        for plan in plans:
            slack = max(0.0, 1.6 - plan.diligence)
            for cls, chance in ((Missed, 0.06 * slack), (ReportedLate, 0.12 * slack)):
                count = sum(rng.random() < chance for _ in range(10))
                for day in sorted(self.calendar.draw(rng, count)):
                    self.add(
                        cls,
                        day,
                        unit=self.unit_name(plan.unit),
                        category=self.spelled(frequent, _CATEGORY_LABEL),
                        subject=self.subject(day, _WORK_SUBJECTS),
                    )
        districts = [p for p in plans if p.unit.group == "district"] or plans
        for cls, low, high in ((Missed, 3, 6), (ReportedLate, 4, 8)):
            for day in sorted(self.calendar.draw(rng, rng.randint(low, high))):
                plan = rng.choice(districts if rng.random() < 0.7 else plans)
                self.add(
                    cls,
                    day,
                    unit=self.unit_name(plan.unit),
                    category=self.spelled(rare, _CATEGORY_LABEL),
                    subject=self.subject(day, _IMPORTANT_SUBJECTS),
                )


# -- the event-log form -------------------------------------------------------------------------


_SURNAMES: Final = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
_GIVEN: Final = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红海波斌辉鹏飞宇晨颖琳婷雪梅"


def _leader_titles(unit: Unit) -> tuple[str, str]:
    """The posts a unit's leader in charge of information work holds, by the kind of unit: a
    district's deputy head (副区长) or its government office's director, a bureau's deputy
    director (副局长), a commission's or office's deputy director (副主任)…"""
    name = unit.name
    if unit.group == "district":
        head = {"区": "区长", "县": "县长", "市": "市长"}.get(name[-1], "区长")
        return f"副{head}", f"{name[-1]}政府办公室主任"
    if name.endswith("局") or "局(" in name:
        return "副局长", "办公室主任"
    return "副主任", "办公室主任"


_OFFICER_TITLES: Final = ("科长", "副科长", "科员", "办公室副主任", "信息科科长", "秘书")


def _contacts(rng: random.Random, quotas: QuotaTable, first: dt.date, last: dt.date) -> list[Event]:
    """The units' contacts over the year: most units give a leader and one or two officers in the
    year's first weeks; some change them during the year (the old one leaves, a new one comes on
    record), a few change a telephone number, and a few units never give one or lose one."""
    made: list[tuple[dt.date, int, dict[str, Any]]] = []
    start = max(first, dt.date(first.year, 1, 4))
    span = max((last - start).days, 1)

    def person() -> str:
        return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))

    def phone(mobile: bool) -> str:
        if mobile:
            return f"1{rng.choice('358')}{rng.randrange(10**9):09d}"
        number = f"028-8{rng.randrange(10**6, 10**7):07d}"
        return f"{number[:8]} {number[8:]}" if rng.random() < 0.3 else number

    def add(day: dt.date, unit: Unit, role: str, name: str, **fields: Any) -> None:
        written = ("主管领导" if role == "leader" else "信息员") if rng.random() < 0.2 else role
        made.append((day, len(made), {"unit": unit.name, "role": written, "name": name, **fields}))

    def on_record(unit: Unit, role: str, day: dt.date, before: str = "") -> tuple[str, str]:
        name = person()
        while name == before:  # a successor of the same name would be taken off by the one leaving
            name = person()
        if role == "leader":  # a draw among seven, as when one list served every unit: the rest of
            title = _leader_titles(unit)[rng.randrange(7) % 2]  # the sample year stays as it was
        else:
            title = rng.choice(_OFFICER_TITLES)
        add(day, unit, role, name, title=title, phone=phone(role == "officer" and rng.random() < 0.5))
        return name, title

    for unit in quotas.units:
        for role, chance in (("leader", 0.97), ("officer", 0.97)):
            if rng.random() >= chance:
                continue
            for _ in range(1 if role == "leader" or rng.random() < 0.6 else 2):
                day = start + dt.timedelta(days=rng.randrange(min(21, span)))
                name, title = on_record(unit, role, day)
                change = rng.random()
                later = day + dt.timedelta(days=rng.randrange(30, max(span, 31)))
                if later > last:
                    continue
                if change < 0.15:  # replaced, the same day or a little later
                    add(later, unit, role, name, left=True)
                    successor = min(later + dt.timedelta(days=rng.choice((0, 0, 3, 10))), last)
                    on_record(unit, role, successor, name)
                elif change < 0.17:  # gone, not replaced (the bulletin names the unit)
                    add(later, unit, role, name, left=True)
                elif change < 0.27:  # a new telephone number
                    add(later, unit, role, name, title=title, phone=phone(True))
    made.sort(key=lambda m: (m[0], m[1]))
    return [
        Contact(id=f"{first.year}-C{n:04d}", date=day, **fields) for n, (day, _, fields) in enumerate(made, 1)
    ]


def write_jsonl(events: Iterable[Event], out: TextIO) -> int:
    """Write events as JSON Lines, one record a line, Chinese unescaped.

    Args:
        events: the events, written in the order given.
        out: a text stream (open it with ``encoding="utf-8"``).

    Returns:
        the number of events written.
    """
    n = 0
    for event in events:
        out.write(json.dumps(event_record(event), ensure_ascii=False) + "\n")
        n += 1
    return n


def _size(unit: Unit) -> int:
    """How much a unit reports in the sample: its target, or 20 for a unit without target."""
    return 20 if unit.target is None else unit.target
