"""Fuzz per-file analysis with generated programs: no input makes an exception escape.

Bounded for CI; a longer run: FLAGKEEPER_FUZZ_EXAMPLES=2000 python -m pytest tests/analysis/test_fuzz.py
(see docs/security-fuzzing.md).
"""

from __future__ import annotations

import os

import hypothesmith
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flagkeeper.analysis.analyse import analyse_file
from flagkeeper.analysis.cache import decode_facts, encode
from flagkeeper.analysis.packs import load_matcher
from flagkeeper.config import Config
from tests.conftest import REPO

MATCHER = load_matcher(Config(root=REPO))
EXAMPLES = int(os.environ.get("FLAGKEEPER_FUZZ_EXAMPLES", "60"))
# Flag reads of several packs, so that generated code meets the flag reader too.
READS = st.sampled_from([
    "",
    'if os.getenv("FEATURE_X"):\n    import legacy\n',
    'client.variation("flag" + PREFIX, ctx, False) and go()\n',
    "\f# flagkeeper: ignore[FK001]\nx = flags.is_enabled(f'{A}_b')\n",
])  # fmt: skip
PROGRAMS = st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node())


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(program=PROGRAMS, read=READS, at_start=st.booleans())
def test_analysis_of_any_program_returns_facts_that_survive_the_cache(program: str, read: str, at_start: bool) -> None:
    source = read + program if at_start else program + "\n" + read
    facts = analyse_file("fuzz.py", source, "fuzz", False, MATCHER)
    assert decode_facts(encode(facts)) == facts
