"""One lock between the server's start-up imports and the first session's (`app.py`, `app_session.py`).

Two threads importing the engine's packages in different orders can each hold a module the other waits for, and
Python then hands one of them a partially initialised module ("cannot import name 'decide'"). `app.py` takes
`IMPORTS` before its start-up thread begins importing and the thread gives it back when done; a session's script
takes it (and gives it back) before its own imports, so it waits for them and then finds every module loaded.
Nothing holds it in tests or a bare `streamlit run app_session.py`: a session then goes straight on.

Kept apart and import-free (it is imported before anything heavy), so taking it costs nothing.
"""

import threading

IMPORTS = threading.Lock()
"""Held while the start-up thread imports the pages' modules."""


def wait_for_start_up_imports(timeout_s: float = 120.0) -> None:
    """Return once no start-up import is under way (at once when none was started); after `timeout_s` go on
    anyway: a stuck warm-up must not keep the app from answering."""
    if IMPORTS.acquire(timeout=timeout_s):
        IMPORTS.release()
