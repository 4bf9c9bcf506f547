"""README's paragraph on the bundled best-mix example, held to the engine: its figures had drifted (4 % overflow,
09:00–18:00, $5,375,143, $13.6M–$37.8M where the app said 21 %, 07:00–20:00, $5,744,942, $13.4M–$37.1M: a
reviewer)."""

from __future__ import annotations

import re

from scenario_io.loader import load_inputs
from tco import evaluate
from tco.portfolio.mix import best_mix
from tco.portfolio.robustness import mix_tornado
from tests.conftest import ROOT, TODAY


def _paragraph() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("`scenarios/mix-faq-and-escalations.yaml` (100M requests a month")
    return " ".join(text[start : text.index("**Every input drawn together**", start)].split())


def _millions(usd: float) -> str:
    return f"${usd / 1e6:.2f}M" if usd >= 1e6 else f"${usd / 1e3:.0f}k"


def test_the_readme_mix_paragraph_says_what_the_engine_does(catalogues):
    inputs = load_inputs(ROOT / "scenarios" / "mix-faq-and-escalations.yaml", catalogues, today=TODAY)
    result = evaluate(inputs)
    mix = best_mix(inputs, result)
    said = _paragraph()
    overflow = next(a for a in mix.assignments if a.role == "overflow")
    hours = re.search(r"between (\d\d:\d\d) and (\d\d:\d\d) UTC", said)
    assert hours and f"{hours[1]}–{hours[2]} UTC" in " ".join(mix.words)
    assert f"overflows {100 * overflow.share:.0f} % of it to {overflow.option}" in said
    assert f"NPV of cost ${mix.npv_cost_usd:,.0f} against ${mix.best_single_npv_cost_usd:,.0f}" in said
    assert f"({mix.best_single_option}): {100 * mix.saving_share:.1f} % less" in said
    worth = mix.ingredient_savings_usd
    assert (f"Routing is worth {_millions(worth['routing'])} of it, the cascade {_millions(worth['cascade'])}, "
            f"overflow {_millions(worth['overflow'])}") in said  # fmt: skip
    cases = mix_tornado(inputs, result)
    savings = [c.saving_usd for c in cases]
    kept = sum(c.still_recommended for c in cases)
    assert (f"the mix stays recommended in {kept} of {len(cases)} cases, saving ${min(savings) / 1e6:.1f}M "
            "(growth 0 % a month)") in said  # fmt: skip
    assert f"to ${max(savings) / 1e6:.1f}M (8 % a month)" in said
