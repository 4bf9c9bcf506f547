"""`streamlit run app.py`: the app as a Streamlit ASGI `App` whose start-up warms what every session needs.

Each browser session runs `app_session.py` (page config, navigation, the shared sidebar). Without the
warm-up the first session paid for importing the engine, pandas and Plotly, reading the catalogues and
fitting the example's profiles (~2 s on a 2-core machine) before its first verdict. The lifespan imports the
pages' modules first, in the server's thread, before any session can (two threads importing the engine's
packages in different orders can deadlock, and Python then hands one a partially initialised module); then it
starts the rest in a thread, so the server answers at once and the catalogues and the example's fit overlap the
browser loading the page; a session that arrives first waits on the same caches
(bench/app.py measures both). The warm-up logs nothing: it runs as one cached function without a spinner, so the
caches it fills draw no spinner either and never look for a session (`ui.state.warm_up`).
"""

import contextlib
import logging
import threading
from collections.abc import AsyncIterator

import streamlit as st


def _warm_up() -> None:
    try:
        from ui import state

        state.warm_up()
    except Exception:  # a warm-up is an optimisation: a failure only costs the first session its head start
        logging.getLogger(__name__).exception("warm-up failed")


@contextlib.asynccontextmanager
async def _lifespan(_app: st.App) -> AsyncIterator[None]:
    from ui import state

    state.import_page_modules()  # here, before any session: a session importing alongside could deadlock on them
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
    yield


app = st.App("app_session.py", lifespan=_lifespan)
