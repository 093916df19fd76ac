"""The national reporting calendar (DOMAIN §1.4, Bộ Nội vụ's regime for CCHC reports).

Data windows end on the 14th: Quý I 15/12 of the previous year → 14/3, 6 tháng → 14/6, Quý III
15/6 → 14/9, 9 tháng → 14/9, Năm → 14/12. Reports reach the Bộ Nội vụ by the 20th of the period's
last month. The province's own units report earlier (by default five days before), which the
coordinator may change when opening the period.
"""

from __future__ import annotations

import datetime

from cchc.reports.models import PeriodKind

# kind → (window starts: (months back from the period's last month, day), last month of the period)
_LAST_MONTH = {PeriodKind.Q1: 3, PeriodKind.HALF: 6, PeriodKind.Q3: 9, PeriodKind.NINE: 9, PeriodKind.YEAR: 12}
UNIT_LEAD_DAYS = 5
DEFAULT_REPORTING_KINDS = ["department", "commune", "ward"]


def window(kind: str, year: int) -> tuple[datetime.date, datetime.date]:
    """(first, last) day of the period's data."""
    last_month = _LAST_MONTH[PeriodKind(kind)]
    end = datetime.date(year, last_month, 14)
    if kind == PeriodKind.Q3:
        return datetime.date(year, 6, 15), end
    return datetime.date(year - 1, 12, 15), end


def national_due(kind: str, year: int) -> datetime.date:
    return datetime.date(year, _LAST_MONTH[PeriodKind(kind)], 20)


def unit_due(kind: str, year: int) -> datetime.date:
    return national_due(kind, year) - datetime.timedelta(days=UNIT_LEAD_DAYS)


def period_for(day: datetime.date) -> tuple[str, int]:
    """The period whose report is being prepared on `day` (the next window to close)."""
    for kind, month in ((PeriodKind.Q1, 3), (PeriodKind.HALF, 6), (PeriodKind.Q3, 9), (PeriodKind.YEAR, 12)):
        if day <= datetime.date(day.year, month, 20):
            return kind, day.year
    return PeriodKind.Q1, day.year + 1
