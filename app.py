"""`streamlit run app.py`: the app as a Streamlit ASGI `App` whose start-up warms what every session needs.

Each browser session runs `app_session.py` (page config, navigation, the shared sidebar). Without the
warm-up the first session paid for importing the engine, pandas and Plotly, reading the catalogues and
fitting the example's profiles (~2 s on a 2-core machine) before its first verdict. The lifespan starts one
thread and the server answers at once: the thread imports the pages' modules, then fills the catalogue caches
and evaluates the example, all while the browser loads Streamlit's page. A session that arrives meanwhile waits
for the imports (`ui.startup_gate`: two threads importing the engine's packages in different orders can deadlock,
and Python then hands one a partially initialised module), then for the same caches. Imported in the lifespan
itself, before the server answered, they held the browser back ~0.7 s (bench/app.py measures the first screen).
The warm-up logs nothing: it runs as one cached function without a spinner, so the caches it fills draw no
spinner either and never look for a session (`ui.state.warm_up`).
"""

import contextlib
import logging
import threading
from collections.abc import AsyncIterator

import streamlit as st

from ui import startup_gate


def _warm_up() -> None:
    try:
        try:  # the lifespan took the lock: sessions wait until these are loaded
            from ui import state

            state.import_page_modules()
        finally:
            startup_gate.IMPORTS.release()
        state.warm_up()
    except Exception:  # a warm-up is an optimisation: a failure only costs the first session its head start
        logging.getLogger(__name__).exception("warm-up failed")


@contextlib.asynccontextmanager
async def _lifespan(_app: st.App) -> AsyncIterator[None]:
    startup_gate.IMPORTS.acquire()  # before the thread starts: no session can slip in between
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
    yield


app = st.App("app_session.py", lifespan=_lifespan)
