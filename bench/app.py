"""Benchmark: how live the app feels.

1. Server-side time of one rerun of every page for the example scenario, through Streamlit's AppTest: (a) a
   rerun with nothing changed (cached evaluation) and (b) a rerun after a change of the monthly volume (a new
   scenario: validation, resolution, engine, Monte Carlo on Risk).
2. In a real browser (headless Chromium): the time from `streamlit run` to the complete first screen — the
   verdict, its four figures, the ranked table drawn and the report buttons, with no grey skeleton left — against
   a one-line app timed the same way in the same run (the ratio is issue 27's figure), a timeline of when each part
   of the first screen appears (and the same page opened again on the warm server), and from typing a new volume to
   the new verdict on screen.

3. In fresh processes, what the first run pays for: importing the app's libraries, loading the catalogues, the
   first evaluation of the default scenario.

Run on demand: `python bench/app.py [--rounds 15] [--starts 3]`. Targets (issue 27): the complete first screen within
1.4× the one-line app, reruns p90 ≤ 120 ms on every page.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from tests.app.test_browser import CHROMIUM, CHROMIUM_ARGS, free_port, start_app, stop, wait_healthy  # noqa: E402

PAGES = {
    "Compare": "app_pages/compare.py",
    "Usage": "app_pages/usage.py",
    "Break-even": "app_pages/breakeven.py",
    "Throughput": "app_pages/throughput.py",
    "Risk": "app_pages/risk.py",
    "Quality": "app_pages/quality.py",
    "Prices": "app_pages/prices.py",
}


def _summary(times_s: list[float]) -> str:
    ordered = sorted(times_s)
    p90 = ordered[max(0, round(0.9 * len(ordered)) - 1)]
    return f"median {statistics.median(ordered) * 1000:6.1f} ms, p90 {p90 * 1000:6.1f} ms, n={len(ordered)}"


def rerun_times(rounds: int) -> None:
    for name, page in PAGES.items():
        at = AppTest.from_file(str(ROOT / "app_session.py"), default_timeout=120)
        at.switch_page(page).run()
        at.run()  # warm: catalogues and first evaluation cached
        unchanged, changed = [], []
        for i in range(rounds):
            start = time.perf_counter()
            at.run()
            unchanged.append(time.perf_counter() - start)
            volume = 3_000_000 + 10_000 * (i + 1)
            if name == "Compare":  # its volume widget would write its own value back over a direct change
                at.text_input(key="f.volume").set_value(f"{volume:,}")
            else:
                at.session_state["scenario"]["workload"]["requests_per_month"] = volume
            start = time.perf_counter()
            at.run()
            changed.append(time.perf_counter() - start)
            assert not at.exception, at.exception
            assert at.session_state["scenario"]["workload"]["requests_per_month"] == volume
        print(f"{name:10s} rerun, nothing changed:  {_summary(unchanged)}")
        print(f"{name:10s} rerun, volume changed:   {_summary(changed)}")


BARE_APP = 'import streamlit as st\nst.container(key="verdict-text").markdown("**Recommended: nothing**")\n'
"""The floor on this machine: a one-line app, timed the same way (server start + the browser loading Streamlit)."""

COMPLETE = """(bare) => {
  const q = (s) => document.querySelectorAll(s).length;
  if (!q('.st-key-verdict-text p')) return false;
  if (bare) return true;
  return q('.st-key-verdict [data-testid=stMetric]') >= 4 && q('[data-testid=stDataFrame] canvas') > 0
    && q('[data-testid=stDownloadButton] button') >= 2 && q('[data-testid=stSkeleton]') === 0;
}"""
"""The first screen is complete: the verdict, its four figures, the table drawn, the report buttons, no skeleton."""


MILESTONES = """() => {
  const q = (s) => document.querySelectorAll(s).length;
  return {verdict: q('.st-key-verdict-text p') > 0, figures: q('.st-key-verdict [data-testid=stMetric]') >= 4,
          table: q('[data-testid=stDataFrame] canvas') > 0, buttons: q('[data-testid=stDownloadButton] button') >= 2,
          skeletons: q('[data-testid=stSkeleton]')};
}"""
"""What of the first screen is on the page: each part of `COMPLETE` apart, and the grey skeletons left."""


def milestones(page: Page, start: float, timeout_s: float = 60) -> dict[str, float]:
    """Seconds from `start` at which each part of the first screen was first seen (polled every 20 ms)."""
    seen: dict[str, float] = {}
    while time.perf_counter() - start < timeout_s:
        state = page.evaluate(MILESTONES)
        for name, shown in state.items():
            if name != "skeletons" and shown and name not in seen:
                seen[name] = time.perf_counter() - start
        if len(seen) == 4 and not state["skeletons"]:
            seen["complete"] = time.perf_counter() - start
            return seen
        time.sleep(0.02)
    raise TimeoutError(f"first screen not complete after {timeout_s} s: {seen}")


def timeline(page: Page, cache: Path) -> None:
    """Where the first screen's seconds go: from `streamlit run`, the server healthy, then each part seen; then the
    same page opened again on the warm server (its caches filled, the browser's cache holding Streamlit's JavaScript),
    which leaves what the browser needs to draw the page."""
    port = free_port()
    start = time.perf_counter()
    process = start_app(port, cache)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        healthy = time.perf_counter() - start
        page.goto(url, wait_until="commit")
        first = milestones(page, start)
        print(
            f"timeline from streamlit run: healthy {healthy:.2f} s; "
            + ", ".join(f"{k} {v:.2f} s" for k, v in first.items())
        )
        for n in range(2):
            again = time.perf_counter()
            page.goto(url, wait_until="commit")
            shown = milestones(page, again)
            print(f"opened again ({n + 1}), from the request: " + ", ".join(f"{k} {v:.2f} s" for k, v in shown.items()))
    finally:
        stop(process)


def first_verdict_s(page: Page, cache: Path, bare: bool = False) -> tuple[float, float, subprocess.Popen[bytes], str]:
    """Seconds from `streamlit run` to a healthy server and to the complete first screen (a fresh server)."""
    port = free_port()
    start = time.perf_counter()
    if bare:
        (cache / "bare.py").write_text(BARE_APP)
        command = [sys.executable, "-m", "streamlit", "run", str(cache / "bare.py"), "--server.headless", "true",
                   "--server.port", str(port), "--server.fileWatcherType", "none"]  # fmt: skip
        process = subprocess.Popen(command, cwd=cache, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        process = start_app(port, cache)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process)
    healthy = time.perf_counter() - start
    page.goto(url)
    page.wait_for_function(COMPLETE, arg=bare, timeout=60_000, polling=50)
    return healthy, time.perf_counter() - start, process, url


def browser_times(starts: int) -> None:
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as cache:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        firsts, healthies = [], []
        for n in range(starts):
            healthy, first, process, url = first_verdict_s(page, Path(cache))
            healthies.append(healthy)
            firsts.append(first)
            if n < starts - 1:
                stop(process)
        floors = []
        for _ in range(starts):
            _, first_bare, bare_process, _ = first_verdict_s(page, Path(cache), bare=True)
            floors.append(first_bare)
            stop(bare_process)
        print(f"streamlit run -> server healthy:            {_summary(healthies)}")
        print(f"streamlit run -> complete first screen:     {_summary(firsts)}")
        print(f"the same for a one-line app (the floor):    {_summary(floors)}")
        print(f"first screen / floor: {statistics.median(firsts) / statistics.median(floors):.2f} (target <= 1.4)")
        timeline(page, Path(cache))
        try:
            page.goto(url)  # back to the app (the last fresh server) for the edits
            headline = page.locator(".st-key-verdict-text p").first
            headline.wait_for(timeout=60_000)
            volume = page.get_by_role("textbox", name="First-month volume (requests/month)")
            changes = []
            for amount in (30_000_000, 3_500_000, 12_000_000, 4_000_000, 50_000_000):
                before = headline.inner_text()
                volume.fill(f"{amount:,}")
                start = time.perf_counter()
                volume.press("Enter")
                page.wait_for_function(
                    "([text]) => { const h = document.querySelector('.st-key-verdict-text p');"
                    " return h && h.innerText !== text; }",
                    arg=[before],
                    timeout=60_000,
                )
                changes.append(time.perf_counter() - start)
            print(f"browser: volume typed -> new verdict shown: {_summary(changes)}")
        finally:
            stop(process)
            browser.close()


COLD_STEPS = {
    "import streamlit, plotly, pandas": "import streamlit, plotly.graph_objects, pandas",
    "import the engine and loaders": "import tco.decision.evaluate, scenario_io",
    "load the catalogues": "from scenario_io import load_catalogues; load_catalogues()",
    "first evaluation (default scenario)": (
        "from scenario_io import load_catalogues, load_inputs; from tco import evaluate; "
        "c = load_catalogues(); import time; t = time.perf_counter(); "
        "evaluate(load_inputs('scenarios/glm5-vs-frontier.yaml', c)); print(time.perf_counter() - t)"
    ),
}


def cold_times(rounds: int = 3) -> None:
    """Each step in a fresh interpreter (what a new `streamlit run` pays), minus the interpreter's own start."""

    def run(code: str) -> tuple[float, str]:
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
        return time.perf_counter() - start, out.stdout.strip()

    bare = statistics.median(run("pass")[0] for _ in range(rounds))
    for label, code in COLD_STEPS.items():
        runs = [run(code) for _ in range(rounds)]
        timed_inside = bool(runs[0][1])  # the step printed its own time
        times = [float(out) if timed_inside else max(0.0, t - bare) for t, out in runs]
        print(f"cold: {label:38s} {_summary(times)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="reruns per page")
    parser.add_argument("--starts", type=int, default=3, help="fresh servers for the first-verdict time")
    args = parser.parse_args()
    cold_times()
    rerun_times(args.rounds)
    browser_times(args.starts)


if __name__ == "__main__":
    main()
