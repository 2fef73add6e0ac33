"""Replay the morning of 1 August 2012 across the eight SMARS servers.

    python -m smars.simulate                       45 minutes from 09:30, text
    python -m smars.simulate --json                one summary object per server
    python -m smars.simulate --kill-switch-at 5    every server stops sending at 09:35

Every server gets its own deterministic flow of retail and institutional parent orders
(smars.feed) and its own simulated venues, and runs the same router code with the flags and
build of its own deploy manifest (deploy/servers/). peg_enabled is on everywhere, as it was
that morning. Seven servers carry the RLP build; smars-08 was missed by the hand deploy and
still carries the build before it.

--kill-switch-at is the control the story lacked: from that minute the simulator refuses
every child order at the send path of every server. It is applied here, in the harness,
around the venue link; SMARS's own order path has no such check.
"""

import argparse
import json
import sys

from smars.config import settings
from smars.config.build import UnknownBuild
from smars.config.manifest import ManifestError
from smars.exchange.sim_exchange import REJECTED, ExecReport
from smars.feed import orders_for
from smars.flags import client as flags
from smars.reports import session_summary
from smars.session import ServerSession
from smars.util.clock import MARKET_OPEN, fmt_hms

DEFAULT_SEED = 20120801
DEFAULT_MINUTES = 45
STALE_SERVER = "smars-08"


class KillSwitchGate:
    """Wraps one server's venue link. From session second `at` on, refuses every order."""

    def __init__(self, link, at: int | None) -> None:
        self._link = link
        self.at = at
        self.refused = 0

    def submit(self, child, now: int):
        if self.at is not None and now >= self.at:
            self.refused += 1
            return ExecReport(child, REJECTED, reason="kill switch")
        return self._link.submit(child, now)


def run_server(server: str, seed: int, minutes: int, kill_at: int | None = None,
               every: int = 5, deploy_dir=None):
    """Run one server's session. Returns (result dict, snapshots every `every` minutes)."""
    end = MARKET_OPEN + 60 * minutes
    gates = []

    def gated(exchange):
        gates.append(KillSwitchGate(exchange, kill_at))
        return gates[-1]

    flags.reset()
    session = ServerSession(server, seed=seed, deploy_dir=deploy_dir, link=gated)
    session.load_orders(orders_for(server, seed, until=end))
    snapshots = []
    checkpoints = sorted({min(end, MARKET_OPEN + 60 * m) for m in range(every, minutes + every, every)})
    for checkpoint in checkpoints:
        session.advance_to(checkpoint)
        snapshots.append(session.snapshot())
    gate = gates[0]
    stopped = gate.at if gate.at is not None and gate.at < end else None
    return result_dict(session, snapshots[-1], stopped, gate.refused), snapshots


def result_dict(session, snap, stopped_at: int | None, refused: int) -> dict:
    return {
        "server": snap.server,
        "build": snap.build,
        "rlp_installed": session.router.rlp_installed,
        "parent_orders": snap.parent_orders,
        "child_orders": snap.child_orders,
        "executions": snap.executions,
        "shares": snap.shares,
        "net_position": round(snap.net_position),
        "long_value": round(snap.long_value),
        "short_value": round(snap.short_value),
        "power_peg_emails_before_open": session.mailer.count("Power Peg disabled",
                                                             before=MARKET_OPEN),
        "refused_by_kill_switch": refused,
        "stopped_at": fmt_hms(stopped_at) if stopped_at is not None else None,
    }


def simulate(seed: int = DEFAULT_SEED, minutes: int = DEFAULT_MINUTES,
             kill_switch_at: int | None = None, every: int = 5, deploy_dir=None):
    """All eight servers. Returns (results, {server: snapshots})."""
    kill_at = MARKET_OPEN + 60 * kill_switch_at if kill_switch_at is not None else None
    results, timelines = [], {}
    try:
        for server in settings.SERVERS:
            result, snaps = run_server(server, seed, minutes, kill_at, every, deploy_dir)
            results.append(result)
            timelines[server] = snaps
    finally:
        flags.reset()
    return results, timelines


def render_text(results, timelines, seed: int, minutes: int, kill_switch_at) -> str:
    end = MARKET_OPEN + 60 * minutes
    lines = [
        f"SMARS fleet replay, 1 August 2012, {fmt_hms(MARKET_OPEN)[:5]} to "
        f"{fmt_hms(end)[:5]} ({minutes} simulated minutes, seed {seed})",
        "peg_enabled is on on all eight servers.",
    ]
    if kill_switch_at is not None:
        lines.append(f"Kill switch: every server's send path refuses child orders from "
                     f"{fmt_hms(MARKET_OPEN + 60 * kill_switch_at)} (applied by the simulator).")
    mails = {r["server"]: r["power_peg_emails_before_open"] for r in results}
    noisy = ", ".join(f"{s}: {n}" for s, n in mails.items() if n) or "none"
    lines += ["", f"Before the open, 'BNET reject: SMARS Power Peg disabled' e-mails: {noisy}."]
    for r in results:
        note = ("RLP component installed" if r["rlp_installed"]
                else "no RLP component: peg_enabled means Power Peg here")
        title = f"{r['server']}  build {r['build']}  ({note})"
        lines += [""] + session_summary.timeline(title, timelines[r["server"]])
    lines += ["", "Summary"] + session_summary.fleet_summary(results)
    runaway = session_summary.runaway_line(results, STALE_SERVER)
    if runaway:
        lines += ["", runaway]
    return "\n".join(lines)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m smars.simulate",
        description="Replay the morning of 1 August 2012 across the eight SMARS servers.",
    )
    parser.add_argument("--minutes", type=int, default=DEFAULT_MINUTES,
                        help=f"simulated minutes from 09:30 (default {DEFAULT_MINUTES})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--kill-switch-at", type=int, metavar="MINUTE",
                        help="from this simulated minute, refuse every child order")
    parser.add_argument("--every", type=int, default=5, metavar="MINUTES",
                        help="timeline rows every N minutes (default 5)")
    parser.add_argument("--deploy-dir", help="deploy manifests (default deploy/servers)")
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    args = parser.parse_args(argv)
    if not 1 <= args.minutes <= 390:
        parser.error("--minutes must be between 1 and 390")
    if args.kill_switch_at is not None and not 0 <= args.kill_switch_at <= args.minutes:
        parser.error("--kill-switch-at must be between 0 and --minutes")
    if args.every < 1:
        parser.error("--every must be at least 1")
    return args


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        results, timelines = simulate(args.seed, args.minutes, args.kill_switch_at,
                                      args.every, args.deploy_dir)
    except (ManifestError, UnknownBuild, flags.NotConfigured) as exc:
        print(f"smars.simulate: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({
            "trade_date": "2012-08-01",
            "seed": args.seed,
            "minutes": args.minutes,
            "kill_switch_at": args.kill_switch_at,
            "servers": results,
        }, indent=2))
    else:
        print(render_text(results, timelines, args.seed, args.minutes, args.kill_switch_at))
    return 0


if __name__ == "__main__":
    sys.exit(main())
