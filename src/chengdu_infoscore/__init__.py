"""chengdu_infoscore — scores government-information reporting work as Chengdu's notice
成办发〔2007〕30号 prescribes, and keeps doing so when the rules change.

>>> from chengdu_infoscore import Submitted, Adopted, score
>>> results = score([
...     Submitted(id="e1", date="2007-03-05", unit="青羊区", item="QY-1"),
...     Adopted(id="e2", date="2007-03-07", item="QY-1", channel="政务信息"),
... ])
>>> results.unit("青羊区").score
Decimal('4.1')
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .bulletins import (
    BulletinRow,
    CommissionNotice,
    ExcellentItem,
    GroupTable,
    MonthlyBulletin,
    YearEndBulletin,
    monthly_bulletin,
    year_end_bulletin,
)
from .contacts import Registry, contacts_as_of
from .diff import CountChange, DiffSide, LineChange, RankChange, ResultsDiff, UnitDiff, diff_results
from .engine import score
from .events import (
    EVENT_TYPES,
    Adopted,
    Commissioned,
    Contact,
    ErrorFound,
    Event,
    FoundFalse,
    HigherAdopted,
    Instructed,
    Missed,
    Origin,
    ReportedLate,
    SelectedExcellent,
    Submitted,
    Withdrawn,
    event_record,
)
from .exceptions import (
    ArgumentError,
    ArgumentTypeError,
    DataFileError,
    EventFieldError,
    EventFileError,
    InfoscoreError,
    MissingExtraError,
    PluginError,
    StoreError,
    UnknownRuleSetError,
    UnknownUnitError,
    UnknownYearError,
)
from .live import Scorer
from .periods import Figures, PeriodResults, UnitPeriods, month_end, periods
from .quotas import Group, QuotaTable, Unit, load_quotas
from .readers import ReadResult, parse_csv, parse_jsonl, parse_record, read_events
from .reports import to_json
from .results import CommissionStatus, Ledger, LedgerLine, Rejection, Results, UnitResult, format_points
from .rules import RuleSet, Timeline, load_rules, load_topics
from .sample import sample_events, sample_year, write_jsonl
from .store import Batch, IngestReport, Store

try:
    __version__ = version("chengdu-infoscore")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "EVENT_TYPES",
    "Adopted",
    "ArgumentError",
    "ArgumentTypeError",
    "Batch",
    "BulletinRow",
    "CommissionNotice",
    "CommissionStatus",
    "Commissioned",
    "Contact",
    "CountChange",
    "DataFileError",
    "DiffSide",
    "ErrorFound",
    "Event",
    "EventFieldError",
    "EventFileError",
    "ExcellentItem",
    "Figures",
    "FoundFalse",
    "Group",
    "GroupTable",
    "HigherAdopted",
    "InfoscoreError",
    "IngestReport",
    "Instructed",
    "Ledger",
    "LedgerLine",
    "LineChange",
    "Missed",
    "MissingExtraError",
    "MonthlyBulletin",
    "Origin",
    "PeriodResults",
    "PluginError",
    "QuotaTable",
    "RankChange",
    "ReadResult",
    "Registry",
    "Rejection",
    "ReportedLate",
    "Results",
    "ResultsDiff",
    "RuleSet",
    "Scorer",
    "SelectedExcellent",
    "Store",
    "StoreError",
    "Submitted",
    "Timeline",
    "Unit",
    "UnitDiff",
    "UnitPeriods",
    "UnitResult",
    "UnknownRuleSetError",
    "UnknownUnitError",
    "UnknownYearError",
    "Withdrawn",
    "YearEndBulletin",
    "__version__",
    "contacts_as_of",
    "diff_results",
    "event_record",
    "format_points",
    "load_quotas",
    "load_rules",
    "load_topics",
    "month_end",
    "monthly_bulletin",
    "parse_csv",
    "parse_jsonl",
    "parse_record",
    "periods",
    "read_events",
    "sample_events",
    "sample_year",
    "score",
    "to_json",
    "write_jsonl",
    "year_end_bulletin",
]
