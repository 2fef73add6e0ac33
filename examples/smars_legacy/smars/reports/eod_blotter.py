"""End-of-day blotter.

Reads the day's drop-copy file and writes the fixed-width blotter the back office loaded
into the clearing system at 17:30: one line per account and symbol with bought, sold, net
and average prices, then totals per account.

    python eod_blotter.py /var/smars/dropcopy/20090306.dc > blotter.txt

Drop-copy lines are pipe separated:

    time|child id|parent id|account|symbol|side|qty|px4|venue

Replaced by the clearing firm's own drop-copy feed in March 2009 (SMR-5528); the nightly
job that ran this was switched off then.
"""

import sys
from collections import defaultdict

from smars.util.prices import PX4, fmt_px4

_WIDTHS = (10, 8, 10, 10, 11, 12, 12)
_HEADER = ("ACCOUNT", "SYMBOL", "BOUGHT", "SOLD", "NET", "AVG BUY", "AVG SELL")


class BlotterError(Exception):
    pass


def parse_drop_copy(lines):
    """Yield (account, symbol, side, qty, px4) from drop-copy lines."""
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split("|")
        if len(parts) != 9:
            raise BlotterError(f"line {n}: expected 9 fields, got {len(parts)}")
        _, _, _, account, symbol, side, qty, px4, _ = parts
        if side not in ("B", "S", "SS"):
            raise BlotterError(f"line {n}: bad side {side!r}")
        yield account, symbol, side, int(qty), int(px4)


def aggregate(rows):
    """{(account, symbol): [bought, bought px4 notional, sold, sold px4 notional]}"""
    table = defaultdict(lambda: [0, 0, 0, 0])
    for account, symbol, side, qty, px4 in rows:
        row = table[(account, symbol)]
        if side == "B":
            row[0] += qty
            row[1] += qty * px4
        else:
            row[2] += qty
            row[3] += qty * px4
    return table


def _line(values) -> str:
    return "".join(str(v).rjust(w) if i else str(v).ljust(w)
                   for i, (v, w) in enumerate(zip(values, _WIDTHS)))


def render(table, trade_date: str) -> list:
    out = [f"SMARS END OF DAY BLOTTER  {trade_date}", "", _line(_HEADER), "=" * sum(_WIDTHS)]
    per_account = defaultdict(lambda: [0, 0, 0])
    for (account, symbol), (bought, bnot, sold, snot) in sorted(table.items()):
        avg_b = fmt_px4(bnot // bought) if bought else ""
        avg_s = fmt_px4(snot // sold) if sold else ""
        out.append(_line((account, symbol, bought, sold, bought - sold, avg_b, avg_s)))
        acct = per_account[account]
        acct[0] += bought
        acct[1] += sold
        acct[2] += (snot - bnot)
    out += ["", "ACCOUNT TOTALS", "=" * sum(_WIDTHS)]
    for account, (bought, sold, cash) in sorted(per_account.items()):
        out.append(_line((account, "", bought, sold, bought - sold, "", f"{cash / PX4:,.2f}")))
    return out


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: eod_blotter.py DROPCOPY_FILE", file=sys.stderr)
        return 2
    path = argv[0]
    trade_date = path.rsplit("/", 1)[-1].split(".", 1)[0]
    try:
        with open(path, encoding="ascii") as fh:
            table = aggregate(parse_drop_copy(fh))
    except (OSError, BlotterError) as exc:
        print(f"eod_blotter: {path}: {exc}", file=sys.stderr)
        return 1
    print("\n".join(render(table, trade_date)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
