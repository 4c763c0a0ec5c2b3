"""Dutch number formatting for text that policy staff read (1.234,5).

The published CSV keeps `.` as decimal point; only what people read (report, charts) uses
Dutch separators. Rounding is half to even, as in the tables, so a figure in the text never
differs from the same figure in a table.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

Number = float | int | Decimal | str | None

# Shown where a figure is empty (its whole is 0 or an input was not delivered).
EMPTY = "–"


def decimals_of(column: str) -> int:
    """Decimals of a figure by its name, as rekenregels.md rounds it (`_pct` 1, per fte 2)."""
    if column.endswith("_pct"):
        return 1
    return 2 if column.endswith("_per_fte") else 0


def _decimal(value: Number) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def nl_number(value: Number, decimals: int = 0) -> str:
    """`1234.5` -> `1.234,5`; empty for a missing value. Rounds half to even, like the tables."""
    exact = _decimal(value)
    if exact is None:
        return ""
    exact = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    text = f"{exact:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def nl_plain(value: Number) -> str:
    """A delivered number with the decimals it has and no trailing zeros (`12.500000` -> `12,5`).

    Used for staged values such as outcome indicators, whose precision is the partner's.
    """
    exact = _decimal(value)
    if exact is None:
        return ""
    digits = max(0, -exact.normalize().as_tuple().exponent)
    return nl_number(exact, min(digits, 6))


def nl_figure(value: Number, figure: str) -> str:
    """A figure of rekenregels.md in Dutch notation, with the decimals its name implies."""
    return nl_number(value, decimals_of(figure))


def nl_signed(value: Number, decimals: int) -> str:
    """A change with its sign (`+1,8`, `-3`, `0`); empty when missing."""
    exact = _decimal(value)
    if exact is None:
        return ""
    text = nl_number(exact, decimals)
    return f"+{text}" if exact > 0 and text.strip("0,.") else text


def nl_list(items: list[str]) -> str:
    """`a, b en c`: an enumeration in Dutch."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} en {items[-1]}"
