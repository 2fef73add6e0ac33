"""Admin console: operator commands against one running session.

    status                 the session's counters
    flags                  flag states on this server (manifest plus console overrides)
    set KEY on|off         override a flag for this process until `reload`
    reload                 re-read the deploy manifest
    run MINUTES            advance the session clock (stand-alone and test sessions)
    killswitch             poll smars_kill_switch: if it is on, halt the session
    mail [N]               the last N ops messages
    quit

The kill switch is a flag, so it can be thrown from the manifest by the release script
or here with `set smars_kill_switch on`; it takes effect when an operator runs
`killswitch`. The order path does not look at it.
"""

import shlex
import sys

from smars.flags import client as flags
from smars.flags import names
from smars.util.clock import fmt_hms


class AdminConsole:
    prompt = "smars> "

    def __init__(self, session, out=None) -> None:
        self.session = session
        self.out = out or sys.stdout
        self._commands = {
            "status": self.cmd_status,
            "flags": self.cmd_flags,
            "set": self.cmd_set,
            "reload": self.cmd_reload,
            "run": self.cmd_run,
            "killswitch": self.cmd_killswitch,
            "mail": self.cmd_mail,
            "help": self.cmd_help,
        }

    def say(self, text: str) -> None:
        print(text, file=self.out)

    def loop(self, lines) -> None:
        """Run commands from an iterable of lines (stdin, or a script in tests)."""
        for line in lines:
            if not self.execute(line):
                break

    def execute(self, line: str) -> bool:
        """Run one command line. False when the console should exit."""
        try:
            words = shlex.split(line)
        except ValueError as exc:
            self.say(f"error: {exc}")
            return True
        if not words:
            return True
        name, args = words[0].lower(), words[1:]
        if name in ("quit", "exit"):
            return False
        command = self._commands.get(name)
        if command is None:
            self.say(f"unknown command {name!r}; try 'help'")
            return True
        command(args)
        return True

    def cmd_help(self, args) -> None:
        self.say(__doc__.split("\n\n")[1])

    def cmd_status(self, args) -> None:
        s = self.session.snapshot()
        self.say(f"{s.server} build {s.build} at {fmt_hms(s.clock)}"
                 f"{'  HALTED: ' + self.session.halted_reason if self.session.halted else ''}")
        self.say(f"  parents {s.parent_orders:,}  children {s.child_orders:,}  "
                 f"shares {s.shares:,}  pegs {s.pegs_active}  mail {s.ops_emails}")

    def cmd_flags(self, args) -> None:
        for key, state in flags.states().items():
            self.say(f"  {key:<28} {'on' if state else 'off'}")

    def cmd_set(self, args) -> None:
        if len(args) != 2 or args[1] not in ("on", "off"):
            self.say("usage: set KEY on|off")
            return
        flags.override(args[0], args[1] == "on")
        self.say(f"{args[0]} {args[1]} (until reload)")

    def cmd_reload(self, args) -> None:
        manifest = flags.reload()
        self.say(f"reloaded {manifest.path}")

    def cmd_run(self, args) -> None:
        try:
            minutes = int(args[0]) if args else 1
        except ValueError:
            self.say("usage: run MINUTES")
            return
        self.session.advance_to(self.session.clock + 60 * minutes)
        self.cmd_status([])

    def cmd_killswitch(self, args) -> None:
        if flags.enabled(names.SMARS_KILL_SWITCH):
            canceled = self.session.halt("smars_kill_switch")
            self.say(f"kill switch is on: session halted, {canceled} parent orders canceled")
        else:
            self.say("kill switch is off")

    def cmd_mail(self, args) -> None:
        n = int(args[0]) if args and args[0].isdigit() else 5
        for line in self.session.mailer.tail(n):
            self.say("  " + line)
