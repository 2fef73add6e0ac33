"""A server session: one SMARS server's router, venue link and books for one trading day.

    session = ServerSession("smars-03", seed=1)
    session.load_orders(feed.orders_for("smars-03", seed=1, until=...))
    session.advance_to(clock.hms(10, 15))
    session.snapshot()

The session owns the clock. advance_to() delivers the parent orders due before the open at
once (nothing trades before 09:30), then steps the router second by second.
"""

import random
from dataclasses import dataclass

from smars.config import symbols
from smars.exchange.quotes import QuoteBook
from smars.exchange.sim_exchange import SimExchange
from smars.flags import client as flags
from smars.ops.mailer import Mailer
from smars.orders.book import ParentBook
from smars.orders.child import ChildIds
from smars.risk.limits import DEFAULT_LIMITS
from smars.risk.position import PositionKeeper
from smars.routing.router import Router
from smars.util.clock import MARKET_OPEN, PRE_OPEN, fmt_hms


@dataclass(frozen=True)
class Snapshot:
    server: str
    build: str
    clock: int
    parent_orders: int
    child_orders: int
    executions: int
    shares: int
    net_position: float
    long_value: float
    short_value: float
    pegs_active: int
    ops_emails: int


class ServerSession:
    def __init__(self, server: str, seed: int = 0, deploy_dir=None, link=None) -> None:
        """Start a session for `server`.

        `link` wraps the venue connection: a callable taking the exchange and returning
        what the router sends through (the simulator passes one). Default: the exchange.
        """
        self.manifest = flags.configure(server, deploy_dir)
        self.server = server
        self.build = self.manifest.build
        rng = random.Random(f"{seed}/{server}/market")
        self.quotes = QuoteBook(rng, symbols.UNIVERSE)
        self.book = ParentBook()
        self.positions = PositionKeeper(self.book)
        self.exchange = SimExchange(self.quotes, rng, drop_copy=self.positions.on_fill)
        self.link = link(self.exchange) if link is not None else self.exchange
        self.limits = DEFAULT_LIMITS
        self.child_ids = ChildIds(server)
        self.mailer = Mailer(server)
        self.router = Router(self)
        self.clock = PRE_OPEN
        self.halted = False
        self.halted_reason = ""
        self._pending = []          # parent orders not yet delivered, latest first
        self.mailer.send("session start", f"{server} build {self.build}", self.clock)

    # --- order intake -------------------------------------------------------------------

    def load_orders(self, parents) -> None:
        """Queue parent orders for delivery at their `received` time."""
        self._pending.extend(parents)
        self._pending.sort(key=lambda p: p.received, reverse=True)

    def submit(self, parent, now: int) -> bool:
        """A parent order arrives. False if the session refused it."""
        self.book.add(parent)
        if self.halted:
            self.book.reject(parent, f"session halted: {self.halted_reason}")
            return False
        self.router.route(parent, now)
        return True

    # --- the clock ----------------------------------------------------------------------

    def advance_to(self, until: int) -> None:
        """Run the session up to (not including) session second `until`."""
        pending = self._pending
        now = self.clock
        if now < MARKET_OPEN:
            while pending and pending[-1].received < min(until, MARKET_OPEN):
                parent = pending.pop()
                self.submit(parent, parent.received)
            now = max(now, min(until, MARKET_OPEN))
        router_tick = self.router.tick
        while now < until:
            while pending and pending[-1].received <= now:
                self.submit(pending.pop(), now)
            router_tick(now)
            now += 1
        self.clock = now

    def halt(self, reason: str) -> int:
        """Stop taking parent orders and cancel the ones being worked."""
        self.halted = True
        self.halted_reason = reason
        canceled = self.router.cancel_all(reason)
        self.mailer.send("session halted", f"{reason} at {fmt_hms(self.clock)}", self.clock)
        return canceled

    # --- reporting ----------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        pos = self.positions
        return Snapshot(
            server=self.server,
            build=self.build,
            clock=self.clock,
            parent_orders=len(self.book),
            child_orders=self.exchange.orders_received,
            executions=pos.executions,
            shares=pos.shares,
            net_position=pos.net_value(),
            long_value=pos.long_value(),
            short_value=pos.short_value(),
            pegs_active=self.router.pegs_active,
            ops_emails=self.mailer.count("Power Peg disabled"),
        )
