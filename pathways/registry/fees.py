"""Recordation fees, computed before a rights owner submits and shown with how they were reached."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pathways.registry.models import Kind, RequestKind

NEW_PER_CLASS = Decimal("190.00")  # per international class of a trademark, per copyright, per trade name
RENEWAL_PER_CLASS = Decimal("80.00")
CHANGE_OF_OWNERSHIP = Decimal("80.00")


@dataclass(frozen=True)
class Fee:
    amount_usd: Decimal
    detail: str  # "2 classes × 190 USD"

    @property
    def label(self) -> str:
        return f"{self.amount_usd:,.0f} USD ({self.detail})"


def _units(kind: str, classes: int) -> tuple[int, str]:
    if kind == Kind.TRADEMARK:
        n = max(classes, 1)
        return n, f"{n} class" + ("" if n == 1 else "es")
    return 1, "1 copyright" if kind == Kind.COPYRIGHT else "1 trade name"


def fee_for(request_kind: str, recordation_kind: str, classes: int) -> Fee:
    """190 USD per class or copyright for a new recordation; 80 per class to renew; 80 to change owner."""
    if request_kind == RequestKind.CHANGE_OF_OWNERSHIP:
        return Fee(CHANGE_OF_OWNERSHIP, "change of ownership, flat 80 USD")
    units, what = _units(recordation_kind, classes)
    rate = NEW_PER_CLASS if request_kind == RequestKind.NEW else RENEWAL_PER_CLASS
    return Fee(rate * units, f"{what} × {rate:.0f} USD")
