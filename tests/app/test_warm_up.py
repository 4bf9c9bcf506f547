"""Item 10b in-process: the start-up warm-up, run as app.py runs it (a thread named "warm-up", no session), logs
nothing and leaves the sessions' caches filled: a session's first calls are cache hits, not the work again."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator

import pytest
import streamlit as st

from scenario_io.references import References
from ui import loaders, options_form, state

STREAMLIT_LOGGERS = ("streamlit.runtime.scriptrunner_utils.script_run_context", "streamlit.elements.lib.policies")
"""Where the warnings item 10 is about are logged (Streamlit's loggers do not propagate to the root)."""


class _Heard(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname} {record.getMessage()}")


@pytest.fixture
def heard() -> Iterator[list[str]]:
    handler = _Heard()
    loggers = [logging.getLogger(name) for name in STREAMLIT_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler.lines
    for logger in loggers:
        logger.removeHandler(handler)


def _not_again(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("a session redid work the warm-up had done")


def test_the_warm_up_is_silent_and_fills_the_sessions_caches(heard: list[str], monkeypatch: pytest.MonkeyPatch):
    st.cache_resource.clear()  # as at server start: nothing cached
    thread = threading.Thread(target=state.warm_up, name="warm-up", daemon=True)
    thread.start()
    thread.join(timeout=300)
    assert not thread.is_alive()
    assert heard == []  # was four times "Thread 'warm-up': missing ScriptRunContext!"
    monkeypatch.setattr(state, "_compute", _not_again)
    mapping = state.default_scenario()
    refs = References.allow_list(state.BUNDLED_FILES, loaders.bundled_profiles(), {})
    assert state._analyse(state.content_key(mapping, ()), mapping, refs).result.options
    # the API search list is left to whoever opens it: pricing it at start took the browser's CPU
    priced: list[bool] = []
    monkeypatch.setattr(options_form, "ranked_api_choices", lambda *_args: priced.append(True) or {"a / b": "a / b"})
    assert options_form.api_choices(loaders.catalogues().prices.version, dt.date.today().isoformat())
    assert priced == [True]


def test_the_check_hears_a_cache_miss_outside_a_session(heard: list[str]):
    """The same check on one cached function called bare from a thread (what the warm-up did): it is heard."""

    @st.cache_resource(show_spinner="Working…")
    def bare(n: int) -> int:
        return n

    thread = threading.Thread(target=bare, args=(7,), name="warm-up")
    thread.start()
    thread.join(timeout=60)
    assert any("missing ScriptRunContext" in line for line in heard), heard


def test_a_session_waits_for_the_start_up_imports_and_goes_on_when_none_runs():
    """app.py holds `startup_gate.IMPORTS` while its start-up thread imports the pages' modules: a session's script
    waits for it (two threads importing the engine at once can get a partially initialised module), goes straight on
    when nothing holds it (tests, `streamlit run app_session.py`), and after its timeout goes on anyway."""
    from ui import startup_gate

    startup_gate.wait_for_start_up_imports(timeout_s=5)  # nothing held: returns
    assert not startup_gate.IMPORTS.locked()
    startup_gate.IMPORTS.acquire()  # as app.py's lifespan does
    session = threading.Thread(target=startup_gate.wait_for_start_up_imports, daemon=True)
    session.start()
    session.join(timeout=0.5)
    assert session.is_alive()  # still waiting for the imports
    startup_gate.IMPORTS.release()  # as the start-up thread does once they are loaded
    session.join(timeout=30)
    assert not session.is_alive() and not startup_gate.IMPORTS.locked()
    startup_gate.IMPORTS.acquire()
    try:
        startup_gate.wait_for_start_up_imports(timeout_s=0.05)  # a stuck start-up does not hold a session forever
    finally:
        startup_gate.IMPORTS.release()
