"""The pair of options compared across pages: Compare's picker chooses it, Break-even, Risk and the exports follow
it, and the share link carries it (`pair=a,b`). One pair for the whole session, kept in `st.session_state[PAIR]`
(None: the default pair, the headline's).
"""

from __future__ import annotations

import streamlit as st

from tco import ScenarioResult
from tco.decision.verdict import decide

PAIR = "compared_pair"
"""The two option ids the reader compares at the top of Compare (None: the default pair); `pair` in the link."""


def pair_from_link(text: str | None) -> tuple[str, str] | None:
    """'a,b' from the link's `pair` parameter; anything else is no choice (a pair naming an option the scenario
    lacks is forgotten, `forget_if_missing`)."""
    parts = (text or "").split(",")
    return (parts[0], parts[1]) if len(parts) == 2 and all(parts) and parts[0] != parts[1] else None


def chosen_pair() -> tuple[str, str] | None:
    return st.session_state.get(PAIR)


def compared_ids(result: ScenarioResult) -> tuple[str, str] | None:
    """(self-hosted id, API id) of the pair compared on Compare (the reader's choice, else the headline pair), when
    one side is self-hosted and the other an API; None otherwise."""
    pair = decide(result, chosen_pair()).pair
    return (pair.self_hosted, pair.api) if pair is not None else None


def choose_pair(pair: tuple[str, str] | None) -> None:
    st.session_state[PAIR] = pair


def forget_if_missing(option_ids: set[str]) -> None:
    """Forget the compared pair where the scenario has no option of one of its ids."""
    pair = chosen_pair()
    if pair is not None and not set(pair) <= option_ids:
        choose_pair(None)


def picked_pair(first_key: str, second_key: str, default: tuple[str, str] | None) -> None:
    """Compare's pair picker's callback: keep the two options its boxes hold, forgotten when they are the default
    pair. The same option in both boxes swaps them: the other box takes the one it left."""
    first, second = st.session_state[first_key], st.session_state[second_key]
    if first == second:
        kept = chosen_pair() or default
        other = next((i for i in kept or () if i != first), None)
        if other is None:
            return
        first, second = (first, other) if kept and kept[0] != first else (other, second)
    pair = (first, second)
    choose_pair(None if pair == default else pair)


def picked_sides(keys: tuple[str, ...], headline: tuple[str, str] | None) -> None:
    """Break-even's and Risk's pickers' callback: keep (self-hosted, API) — one box holding the pair, or two boxes
    holding a side each — as the pair compared everywhere (Compare's verdict, the exports), forgotten when it is the
    headline pair."""
    values = [st.session_state[k] for k in keys]
    pair = tuple(values[0]) if len(values) == 1 else (values[0], values[1])
    choose_pair(None if headline is not None and set(pair) == set(headline) else (pair[0], pair[1]))


def other_pair_note(result: ScenarioResult, shown: tuple[str, str]) -> str | None:
    """Where Compare's pair is not the (self-hosted, API) pair a page shows, why: a payback and a risk need one of
    each, so two APIs (or two fleets) compared on Compare left Break-even and Risk on the headline pair with nothing
    saying so (a reviewer)."""
    chosen = chosen_pair()
    if chosen is None or set(chosen) == set(shown):
        return None
    kinds = {o.id: o.kind for o in result.options}
    if {kinds.get(chosen[0]), kinds.get(chosen[1])} == {"api", "self_hosted"}:
        return None  # a pair of one each that this page cannot show (a fleet that misses the SLO): the box says which
    both = "both APIs" if kinds.get(chosen[0]) == "api" else "both self-hosted"
    return (f"Compare's pair, {chosen[0]} and {chosen[1]}, are {both}: a payback and its risk need a self-hosted "
            f"option and an API, so this page shows {shown[0]} against {shown[1]}.")  # fmt: skip
