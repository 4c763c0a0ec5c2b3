"""Dutch number formatting for text that policy staff read (1.234,5)."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal


def nl_number(value: float | int | Decimal | str | None, decimals: int = 0) -> str:
    """`1234.5` -> `1.234,5`; empty for a missing value. Rounds half to even, like the tables."""
    if value is None or value == "":
        return ""
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    text = f"{exact:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def nl_change(current, previous, decimals: int = 1) -> str:
    """Change in percent, signed, or empty when it cannot be computed."""
    if current in (None, "") or previous in (None, "") or Decimal(str(previous)) == 0:
        return ""
    change = (Decimal(str(current)) - Decimal(str(previous))) * 100 / Decimal(str(previous))
    sign = "+" if change > 0 else ""
    return f"{sign}{nl_number(change, decimals)}%"
