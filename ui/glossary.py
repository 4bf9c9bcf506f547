"""The words of the verdict a product manager may not know, each in one plain sentence: Compare lists the ones its
verdict and figures use in a popover ("Glossary") beside the pair picker (a reviewer met "NPV", "SLO: TTFT p99",
"GPQA Diamond", "$/Mtok" and "transferred ±66%" before any was explained)."""

from __future__ import annotations

import re

GLOSSARY = {
    "NPV": "Net present value: every month's cost over the horizon added up in today's money (later dollars count "
    'a little less, at the scenario\'s discount rate). "NPV of cost": lower is better; "saves (NPV)": the '
    "difference of two of them.",
    "SLO": "Service-level objective: the response times every self-hosted option must meet at its busiest hour.",
    "TTFT": "Time to first token: how long a user waits before the answer starts to appear.",
    "ITL": "Inter-token latency: the gap between words as the answer streams, i.e. its reading speed.",
    "p99": "The 99th percentile: 99 requests in 100 are at least this fast (p50: half of them, the typical one).",
    "GPQA Diamond": "A benchmark of 198 hard science questions (graduate level); the quality gate asks for a score "
    "of at least the figure given, out of 100.",
    "$/Mtok": "US dollars per million tokens (a token is about three quarters of an English word).",
    "replica": "One copy of the model on its own set of GPUs (e.g. 8); the fleet runs as many as the busiest hour "
    "needs, plus a spare.",
    "planning utilisation": "How full a replica is planned to run at the busiest hour (e.g. 85 %, leaving headroom "
    "for bursts).",
    "payback": "The first month from which the savings added up since the start stay above zero.",
    "provider": "An API option's capacity: the provider runs the model, so there are no GPUs to size (the table's "
    '"capacity" column).',
    "measured": "Capacity read from a load test of this model on this GPU (yours or a published one).",
    "modelled": "Capacity predicted by a model fitted to load tests of other request lengths; ± is its measured error.",
    "transferred": "No load test of this model on this GPU: capacity carried over from the nearest one (the same "
    "model on another GPU, or a similar model) by the hardware ratio; ± is its measured error.",
    "estimated": "No load test at all: capacity from the GPU's and the model's specifications; the least certain.",
    "quality gate": "The least benchmark score (or your own eval's success rate) an option needs to be recommended.",
}
"""Each term in one sentence a product manager reads without help."""


def used_terms(*texts: str) -> dict[str, str]:
    """The glossary's terms that occur in `texts` (whole words, any case but acronyms), in the glossary's order.

    >>> list(used_terms("NPV of savings −$1.1M; SLO: TTFT p99 ≤ 2 s; modelled ±48%"))
    ['NPV', 'SLO', 'TTFT', 'p99', 'modelled']
    """
    text = " ".join(texts)
    found = {}
    for term, words in GLOSSARY.items():
        flags = 0 if term.isupper() else re.IGNORECASE
        if re.search(rf"(?<![\w$]){re.escape(term)}s?(?!\w)", text, flags):
            found[term] = words
    return found


def glossary_markdown(terms: dict[str, str]) -> str:
    """One line a term: the term in bold, its sentence after it."""
    return "\n".join(f"- **{term}**: {words}" for term, words in terms.items())
