"""Session summaries: a server's counters over the session, and a fleet summary table."""

from smars.util.clock import fmt_hm
from smars.util.prices import fmt_dollars

_TIMELINE_HEAD = f"  {'time':<6}{'parents':>9}{'children':>12}{'shares':>14}{'net position':>17}{'Power Peg mail':>16}"


def timeline(title: str, snapshots) -> list:
    """Lines for one server: a title, then one row per snapshot."""
    lines = [title, _TIMELINE_HEAD]
    for s in snapshots:
        lines.append(
            f"  {fmt_hm(s.clock):<6}{s.parent_orders:>9,}{s.child_orders:>12,}"
            f"{s.shares:>14,}{fmt_dollars(s.net_position, signed=True):>17}{s.ops_emails:>16,}"
        )
    return lines


def fleet_summary(results) -> list:
    """One row per server. `results` are dicts as produced by smars.simulate.result_dict."""
    head = (f"{'server':<10}{'build':<18}{'parents':>8}{'children':>11}{'shares':>13}"
            f"{'net position':>16}{'long':>15}{'short':>15}  stopped")
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{r['server']:<10}{r['build']:<18}{r['parent_orders']:>8,}{r['child_orders']:>11,}"
            f"{r['shares']:>13,}{fmt_dollars(r['net_position'], signed=True):>16}"
            f"{fmt_dollars(r['long_value']):>15}{fmt_dollars(r['short_value']):>15}"
            f"  {r['stopped_at'] or '-'}"
        )
    return lines


def runaway_line(results, stale: str) -> str:
    """How the named server compares with the median of the others, in child orders."""
    others = sorted(r["child_orders"] for r in results if r["server"] != stale)
    mine = next((r["child_orders"] for r in results if r["server"] == stale), None)
    if mine is None or not others:
        return ""
    median = others[len(others) // 2] or 1
    return (f"{stale} sent {mine:,} child orders: {mine / median:,.0f} times the median of the "
            f"other {len(others)} servers ({median:,}).")
