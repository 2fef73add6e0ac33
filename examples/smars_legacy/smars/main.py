"""smars: start a SMARS server session.

    smars --server smars-03                      run the morning's order flow for 45 minutes
    smars --server smars-03 --orders day.csv     replay parent orders from a file
    smars --server smars-03 --console            operator console on stdin

The server's deploy manifest (deploy/servers/<server>.toml, or --deploy-dir) supplies its
build and its flag states. The venues are simulated (smars.exchange).
"""

import argparse
import sys

from smars import TRADE_DATE, __version__
from smars.admin.console import AdminConsole
from smars.config.build import UnknownBuild
from smars.config.manifest import ManifestError
from smars.feed import orders_for, read_orders
from smars.flags import client as flags
from smars.reports import session_summary
from smars.session import ServerSession
from smars.util.clock import MARKET_OPEN, fmt_hms


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smars",
        description="Start a SMARS server session against the simulated venues.",
        epilog="The server defaults to $SMARS_SERVER; manifests to $SMARS_DEPLOY_DIR.",
    )
    parser.add_argument("--server", help="server name, e.g. smars-03 (default $SMARS_SERVER)")
    parser.add_argument("--deploy-dir", help="directory of deploy manifests")
    parser.add_argument("--minutes", type=int, default=45,
                        help="minutes to run from 09:30 (default 45)")
    parser.add_argument("--seed", type=int, default=20120801, help="order-flow seed")
    parser.add_argument("--orders", metavar="FILE", help="replay parent orders from FILE")
    parser.add_argument("--every", type=int, default=5, metavar="MINUTES",
                        help="print the session's counters every N minutes (default 5)")
    parser.add_argument("--console", action="store_true",
                        help="read admin console commands from stdin instead of running")
    parser.add_argument("--version", action="version", version=f"smars {__version__}")
    return parser


def start_session(args) -> ServerSession:
    session = ServerSession(args.server, seed=args.seed, deploy_dir=args.deploy_dir)
    end = MARKET_OPEN + 60 * args.minutes
    if args.orders:
        session.load_orders(read_orders(args.orders))
    else:
        session.load_orders(orders_for(session.server, args.seed, until=end))
    return session


def run(session, minutes: int, every: int) -> list:
    end = MARKET_OPEN + 60 * minutes
    snapshots = []
    checkpoint = MARKET_OPEN
    while checkpoint < end:
        checkpoint = min(end, checkpoint + 60 * every)
        session.advance_to(checkpoint)
        snapshots.append(session.snapshot())
    return snapshots


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.minutes < 1 or args.every < 1:
        parser.error("--minutes and --every must be at least 1")
    try:
        session = start_session(args)
    except (ManifestError, UnknownBuild, flags.NotConfigured, ValueError, KeyError, OSError) as exc:
        print(f"smars: {exc}", file=sys.stderr)
        return 2
    manifest = session.manifest
    print(f"smars {__version__}: {session.server} build {manifest.build}, "
          f"deployed {manifest.deployed}, trade date {TRADE_DATE}")
    print(f"flags on: {', '.join(sorted(manifest.enabled)) or 'none'}")
    if args.console:
        console = AdminConsole(session)
        session.advance_to(MARKET_OPEN)
        console.say(f"console ready at {fmt_hms(session.clock)}; 'help' lists commands")
        console.loop(sys.stdin)
        return 0
    snapshots = run(session, args.minutes, args.every)
    title = f"{session.server}  build {session.build}  ({session.router.describe()})"
    print("\n".join(session_summary.timeline(title, snapshots)))
    mails = session.mailer.count("Power Peg disabled")
    if mails:
        print(f"ops mail: {mails} 'Power Peg disabled' messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
