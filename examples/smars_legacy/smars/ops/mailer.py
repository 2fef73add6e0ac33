"""Ops mail.

SMARS mails the ops list when something is bounced back to a desk ("BNET rejects") and when
a session starts or stops. These are informational messages, not alerts: nothing pages
anyone, and on a busy morning nobody reads them. Mail is kept in an outbox here and sent by
the host's mail relay; the simulator just counts it.
"""

from dataclasses import dataclass

from smars.config import settings
from smars.util.clock import fmt_hms


@dataclass(frozen=True)
class Message:
    sent_at: int
    to: str
    subject: str
    body: str


class Mailer:
    def __init__(self, server: str, to: str = settings.OPS_MAIL_TO, keep: int = 500) -> None:
        self.server = server
        self.to = to
        self.keep = keep
        self.outbox = []
        self.sent = 0
        self._by_subject = {}

    def send(self, subject: str, body: str, now: int) -> None:
        self.sent += 1
        self._by_subject[subject] = self._by_subject.get(subject, 0) + 1
        if len(self.outbox) < self.keep:
            self.outbox.append(Message(now, self.to, f"[{self.server}] {subject}", body))

    def count(self, contains: str = "", before: int | None = None) -> int:
        """Messages whose subject contains `contains`, sent before `before` if given."""
        if before is None:
            return sum(n for subject, n in self._by_subject.items() if contains in subject)
        return sum(
            1 for m in self.outbox
            if contains in m.subject and (before is None or m.sent_at < before)
        )

    def tail(self, n: int = 5) -> list:
        return [f"{fmt_hms(m.sent_at)} {m.subject}" for m in self.outbox[-n:]]
