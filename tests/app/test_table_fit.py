"""`ui.table_fit`: tables laid out within the page's width, every text within its column (issue 27: no cut cell).

Hand-computed cases first, then Hypothesis properties, then every table the app draws for the bundled example
(AppTest, every page): each column's width is set, each cell's text and each header fit it, and a read-only table
fits TABLE_PX. tests/app/test_browser_tables.py checks in Chromium that the text widths used here are safe."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from scenario_io import codec
from tests.conftest import ROOT, SCENARIOS
from ui import table_fit
from ui.table_fit import CELL_PADDING_PX, EDITABLE_ICON_PX, HEADER_WEIGHT, fit, fitted_widths
from ui.text_fit import CHAR_PX, broken_ids, clipped, id_lines, line_count, text_px


def test_widths_by_hand():
    # "ab": a 7.06 + b 7.74 = 14.8 px; "…" 13.27 px
    assert text_px("ab") == pytest.approx(14.8)
    # 240 and 70 px in 200: the cap W solves max(79, min(240, W)) + 70 = 200, so W = 130
    assert fitted_widths({"text": (240.0, 79.0, True), "number": (70.0, 70.0, False)}, 200) == {
        "text": 130,
        "number": 70,
    }
    # both fit: each at its natural width, rounded up
    assert fitted_widths({"a": (50.2, 50.2, True), "b": (60.0, 48.0, True)}, 200) == {"a": 51, "b": 60}
    # the floats fit (100.4 + 100.4 + 99.2 = 300) but whole pixels rounded up do not (101 + 101 + 100): the text
    # column gives the 2 px, below its floor by that much (a ranked table was 877 px in 876)
    assert fitted_widths({"a": (100.4, 100.4, False), "b": (100.4, 100.4, False), "t": (300.0, 99.2, True)}, 300) == {
        "a": 101,
        "b": 101,
        "t": 98,
    }
    # the text column's floor (120) stops it: the table is 190 px and would scroll (the app's tables never do)
    assert fitted_widths({"text": (240.0, 120.0, True), "number": (70.0, 70.0, False)}, 180) == {
        "text": 120,
        "number": 70,
    }


def test_clipping_keeps_the_ends_of_an_id_and_the_head_of_a_sentence():
    assert clipped("glm5-h200", 100) == "glm5-h200"  # fits: unchanged
    assert clipped("llama-3.3-70b-instruct-h100-1yr", 120, middle=True) == "llama-3.3…h100-1yr"
    assert clipped("AWS EC2 Capacity Blocks pricing page", 120) == "AWS EC2 Capacity…"
    assert clipped("deploybase.ai RunPod table (2026-05)", 200) == "deploybase.ai RunPod table…"  # marked cut


def test_numbers_are_never_cut_and_texts_give_way():
    frame = pd.DataFrame({"source": ["x" * 200, "short"], "$/task": [0.0123456, 1.5]})
    shown, config = fit(frame, {"$/task": {"type_config": {"type": "number", "format": "$%.5f"}}}, budget_px=300)
    assert list(shown["$/task"]) == [0.0123456, 1.5]
    assert config["$/task"]["width"] >= text_px("$0.01235") + CELL_PADDING_PX
    assert config["source"]["width"] + config["$/task"]["width"] <= 300
    assert shown["source"][1] == "short" and shown["source"][0].endswith("…")


TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=60)


@settings(max_examples=150, deadline=None)
@given(
    columns=st.lists(st.lists(TEXT, min_size=1, max_size=6), min_size=1, max_size=8),
    numbers=st.lists(st.floats(-1e9, 1e9, allow_nan=False), min_size=1, max_size=6),
    budget=st.integers(200, 1200),
    lines=st.sampled_from([1, table_fit.WRAP_LINES]),
)
def test_every_text_fits_its_column_and_the_table_its_budget_unless_the_floors_cannot(columns, numbers, budget, lines):
    rows = max(len(c) for c in columns)
    data = {f"c{i}": (c * rows)[:rows] for i, c in enumerate(columns)}
    data["n"] = (numbers * rows)[:rows]
    frame = pd.DataFrame(data)
    naturals = table_fit.natural_widths(frame, {}, lines=lines)
    shown, config = fit(frame, {}, budget_px=budget, lines=lines)
    widths = {c: config[c]["width"] for c in frame.columns}
    floors = sum(f for _, f, _ in naturals.values())
    assert sum(widths.values()) <= budget + len(widths) or sum(widths.values()) <= floors + len(widths)
    for column in frame.columns:
        header = text_px(column) * HEADER_WEIGHT + CELL_PADDING_PX
        assert widths[column] >= header - 1e-9
        room = widths[column] - CELL_PADDING_PX
        for before, after in zip(frame[column], shown[column], strict=True):
            text = table_fit.shown(after, {})
            assert all(text_px(w) <= room + 1e-9 for w in text.split()), (column, text, widths[column])
            if lines > 1:
                assert line_count(text, room) <= lines, (column, text, widths[column])
            else:
                assert text_px(text) <= room + 1e-9
            if text_px(table_fit.shown(before, {})) <= room:
                assert after == before  # what fits on one line is left alone
    assert list(shown["n"]) == list(frame["n"])


PAGES = ("compare", "usage", "breakeven", "throughput", "risk", "quality", "prices")


@pytest.mark.parametrize(
    ("page", "scenario"),
    [(p, None) for p in PAGES] + [(p, s) for s in SCENARIOS for p in PAGES],
    ids=lambda v: v.stem if isinstance(v, Path) else v,
)
def test_every_table_of_every_page_fits_its_columns(page, scenario):
    """The default example on every page, and every bundled example on every page (million-dollar months, autoscaled
    fleets, a distillation project, owned servers: each its own columns)."""
    at = AppTest.from_file(str(ROOT / "app_session.py"), default_timeout=180)
    if scenario is not None:
        at.query_params["s"] = codec.to_url_token(yaml.safe_load(scenario.read_text()))
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    assert_tables_fit(at, page)


def test_the_usage_pages_tables_fit_once_an_export_is_read(tmp_path, catalogues):
    """After a per-request export is read: the reconciliation, the token shapes and the input percentiles (a table of
    their own: beside the means they ran past a 1280-px page), with a long deployment name."""
    from pricing import PriceBook, load_overrides
    from tests.support import usage_exports
    from usage.report import analyse

    reqs = usage_exports.requests(("gpt-4o", "claude-sonnet-4-5-20250929-with-a-long-deployment-name"))
    path = usage_exports.generic(tmp_path / "usage.csv", reqs)
    at = AppTest.from_file(str(ROOT / "app_session.py"), default_timeout=180)
    at.switch_page("app_pages/usage.py").run()
    at.session_state["usage_report"] = analyse(
        [(path, "usage.csv")], PriceBook(catalogues.prices, load_overrides(), "api_overrides.yaml")
    )
    at.run()
    assert not at.exception
    assert len(at.dataframe) == 3
    assert_tables_fit(at, "usage")


def assert_tables_fit(at: AppTest, page: str) -> None:
    """Every width set; every header and cell within its column; a read-only table within the page's budget."""
    for element in at.dataframe:
        config = json.loads(element.proto.columns or "{}")
        editable = element.proto.editing_mode != element.proto.EditingMode.READ_ONLY
        lines = table_fit.WRAP_LINES if element.proto.row_height >= table_fit.WRAP_ROW_PX else 1
        frame = element.value
        total = 0
        for column in frame.columns:
            entry = config.get(str(column))
            assert entry and isinstance(entry.get("width"), int), (page, column, entry)  # every width set
            width = entry["width"]
            total += width
            label = entry.get("label") or str(column)
            icon = EDITABLE_ICON_PX if editable else 0
            assert text_px(label) * HEADER_WEIGHT + icon + CELL_PADDING_PX <= width + 1e-9, (page, label, width)
            for value in frame[column]:
                text = table_fit.shown(value, entry, "" if editable else "–")
                room = width - CELL_PADDING_PX
                if lines > 1:  # wrapped: every word on a line, the whole on the rows' lines
                    assert max(map(text_px, text.split() or [""])) <= room + 1e-9, (page, column, text, width)
                    assert line_count(text, room) <= lines, (page, column, text, width)
                else:
                    assert text_px(text) <= room + 1e-9, (page, column, text, width)
        if not editable:
            assert total <= table_fit.TABLE_PX, (page, list(frame.columns), total)


@settings(max_examples=200, deadline=None)
@given(text=TEXT, px=st.floats(20, 400), middle=st.booleans())
def test_a_clipped_text_fits_and_keeps_the_ends_it_shows(text, px, middle):
    out = clipped(text, px, middle)
    assert text_px(out) <= px + 1e-9 or out == text[:0] + "…"
    if out != text:
        head, _, tail = out.partition("…")
        if middle:
            assert text.startswith(head) and text.endswith(tail)
        else:
            assert text.startswith(head.rstrip(",;:( ")) and not tail
    else:
        assert text_px(text) <= px


ID = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_./:WM ", min_size=1, max_size=90)
ID = ID.map(str.strip).filter(bool)


@settings(max_examples=300, deadline=None)
@given(text=ID, px=st.floats(30, 300))
def test_an_id_broken_into_lines_keeps_every_character_and_each_line_fits(text, px):
    lines = id_lines(text, px)
    assert "".join(lines) == text
    assert all(line and (text_px(line.rstrip(" ")) <= px + 1e-9 or len(line) == 1) for line in lines), lines
    assert all(len(line) == 1 or not line[-1].isalnum() or text_px(line + nxt[0]) > px
               for line, nxt in itertools.pairwise(lines))  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(ID, min_size=1, max_size=6), px=st.floats(60, 300), rows=st.integers(1, 3))
def test_ids_in_tall_rows_are_whole_where_they_fit_and_never_overrun_their_lines(texts, px, rows):
    """Issue 27 review: "self-ho…pport-a" in the ranked table; a row three lines tall holds the id whole where it fits
    (the grid breaks at the newlines, as it does at spaces), else cut in the middle, never past its lines."""
    out = broken_ids(texts, px, rows)
    for text, cell in zip(texts, out, strict=True):
        if "…" not in cell:  # whole: each newline after a separator or in place of one of its spaces, none added
            assert cell.replace("\n", "").replace(" ", "") == text.replace(" ", "")
            assert cell.count(" ") + cell.count("\n") <= text.count(" ") + len(id_lines(text, px)) - 1
            assert not any(line != line.strip() for line in cell.split("\n"))
            if text_px(text) > px:  # broken only where one line does not hold it
                assert len(id_lines(text, px)) <= rows
        pieces = cell.split("\n")
        assert len(pieces) <= rows
        assert all(text_px(p) <= px + 1e-9 or len(p) == 1 for p in pieces)
    assert line_count(broken_ids(["qwen3-235b-fireworks"], 119, 3)[0], 119) == 2  # the quality page's cell


def test_amount_columns_are_right_aligned_on_compare_and_break_even():
    """Issue 27 review: "$9,300" sat above "$161,514" flush left. A column of amounts written as text (for the sign
    before the $) is right-aligned, digits under digits; a column of names is not."""
    from tests.app.app_helpers import assert_no_failure, open_app

    for page, amounts in (("compare", ("$/month", "NPV of cost")), ("breakeven", ("NPV of savings",))):
        at = open_app(page)
        assert_no_failure(at)
        columns = {}
        for table in at.dataframe:
            columns.update(json.loads(table.proto.columns))
        for name in amounts:
            assert columns[name].get("alignment") == "right", (page, name, columns[name])
        if "option" in columns:
            assert columns["option"].get("alignment") != "right"


def test_the_imported_evals_table_fits_with_long_names():
    """The Quality page's imported results from four tools' files (lm-eval's long model and task names among them):
    every cell within its column, the table within the section's budget (the tool column ran past a 1280-px page)."""
    from evals.importers import import_eval
    from ui import state

    folder = ROOT / "tests" / "fixtures" / "evals"
    names = ("results_2026-01-21T03-44-18.458309.json", "promptfoo_capitals.json", "inspect_capitals_big-model.eval",
             "deepeval_latest_test_run.json")  # fmt: skip
    at = AppTest.from_file(str(ROOT / "app_session.py"), default_timeout=180)
    at.switch_page("app_pages/quality.py").run()
    at.session_state[state.EVALS] = {name: tuple(import_eval(str(folder / name))) for name in names}
    at.run()
    assert not at.exception
    imported = next(e for e in at.dataframe if "95% CI" in e.value.columns)
    assert len(imported.value) == 6
    assert_tables_fit(at, "quality")
    widths = json.loads(imported.proto.columns)
    assert sum(widths[str(c)]["width"] for c in imported.value.columns) <= table_fit.EXPANDER_PX


def test_an_option_id_of_twenty_characters_stays_whole_in_the_ranked_table():
    """The owned example's "qwen3-235b-fireworks" was cut to "qwen3-235…ireworks" beside "qwen3-235b-owned"."""
    at = AppTest.from_file(str(ROOT / "app_session.py"), default_timeout=180)
    path = ROOT / "scenarios" / "owned-fleet-finance.yaml"
    at.query_params["s"] = codec.to_url_token(yaml.safe_load(path.read_text()))
    at.switch_page("app_pages/compare.py").run()
    ranked = next(e for e in at.dataframe if "option" in e.value.columns and "status" in e.value.columns)
    assert "qwen3-235b-fireworks" in list(ranked.value["option"])
    assert_tables_fit(at, "compare")


def test_a_long_option_id_gives_back_its_floor_where_the_floors_overrun_the_page():
    """The flagship with an option added from the form ("llama-3.3-70b-instruct-h100-od"): the option column's floor
    (160 px) and the others' overran the budget, and the ranked table scrolled sideways at 1280 px; the id's floor
    gives back what they overrun by, so the table fits; the long id is whole, broken after a dash onto a second line
    (it was cut in the middle, "llama-3.3…h100-od")."""
    mapping = yaml.safe_load((ROOT / "scenarios" / "glm5-vs-frontier.yaml").read_text())
    mapping["options"].append({"id": "llama-3.3-70b-instruct-h100-od", "kind": "self_hosted",
                               "model": "llama-3.3-70b-instruct", "gpu": "H100", "term": "on_demand",
                               "engine": "sglang", "speculative_decoding": "mtp"})  # fmt: skip
    at = AppTest.from_file(str(ROOT / "app_session.py"), default_timeout=180)
    at.query_params["s"] = codec.to_url_token(mapping)
    at.switch_page("app_pages/compare.py").run()
    ranked = next(e for e in at.dataframe if "option" in e.value.columns and "status" in e.value.columns)
    cell = next(o for o in ranked.value["option"] if o.startswith("llama-3.3"))
    assert "\n" in cell and cell.replace("\n", "") == "llama-3.3-70b-instruct-h100-od"
    assert all(line.endswith("-") for line in cell.split("\n")[:-1])
    assert_tables_fit(at, "compare")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda v: v.stem)
def test_the_ranked_table_cuts_no_cell_of_a_bundled_example(scenario):
    """The owned example's capacity cells read "modelle…60%" at 1280 px (a reviewer): the ten columns overran the
    page by a few pixels. The ranked table's texts wrap (rows two lines tall only where one needs it) rather than
    being cut, for every bundled example."""
    at = AppTest.from_file(str(ROOT / "app_session.py"), default_timeout=180)
    at.query_params["s"] = codec.to_url_token(yaml.safe_load(scenario.read_text()))
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception
    ranked = next(d for d in at.dataframe if "capacity" in d.value.columns)
    cut = [v for column in ranked.value.columns for v in ranked.value[column] if isinstance(v, str) and "…" in v]
    assert cut == [], cut


def _grid_lines(text: str, px: float) -> int:
    """Lines the grid draws `text` on in a cell `px` wide, as seen in Chromium: words filled greedily, a space between
    them; a word wider than the cell broken between characters, as many characters on each line as fit."""
    lines, used = 1, 0.0
    for word in text.split(" "):
        width = text_px(word)
        if used and used + CHAR_PX[" "] + width <= px:
            used += CHAR_PX[" "] + width
            continue
        if used:
            lines, used = lines + 1, 0.0
        for char in word:
            if used + CHAR_PX.get(char, 14.0) > px and used:
                lines, used = lines + 1, 0.0
            used += CHAR_PX.get(char, 14.0)
    return lines


@pytest.mark.parametrize(
    "names",
    [
        ("faq", "enterprise-escalations-with-attachments-and-legal-review"),
        # a reviewer's pair: 76 characters with spaces, 79 with underscores (the editor still scrolled on three lines)
        ("frequently asked questions about billing refunds shipping and account recovery",
         "escalations_to_tier_two_support_agents_with_full_conversation_history_attached"),
    ],
)  # fmt: skip
def test_a_long_class_name_wraps_in_the_classes_editor_rather_than_scrolling_it(names):
    """A stress review: a request class named like a team's ticket queue took the classes editor past a 1280-px page
    (eight editable columns, each header with its pencil). Its name column narrows and the name wraps in rows as tall
    as its lines need, kept whole for editing; the Options grid, too wide for any narrowing, still scrolls."""
    mapping = yaml.safe_load((ROOT / "scenarios" / "mix-faq-and-escalations.yaml").read_text())
    for cls, name in zip(mapping["workload"]["classes"], names, strict=True):
        cls["name"] = name
    at = AppTest.from_file(str(ROOT / "app_session.py"), default_timeout=180)
    at.query_params["s"] = codec.to_url_token(mapping)
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception
    classes = next(e for e in at.dataframe if "cached_input_share" in e.value.columns)
    config = json.loads(classes.proto.columns)
    widths = {c: config[c]["width"] for c in classes.value.columns}
    # within the page with the editor's row markers (it adds and deletes rows)
    assert sum(widths.values()) + table_fit.ROW_MARKERS_PX <= table_fit.TABLE_PX and not config["name"].get("pinned")
    assert list(classes.value["name"]) == list(names)  # whole, for editing
    room = widths["name"] - CELL_PADDING_PX
    lines = max(_grid_lines(n, room) for n in names)
    assert 1 < lines <= table_fit.EDITOR_MOST_LINES
    assert classes.proto.row_height >= 20 * lines + 6 and classes.proto.row_height >= table_fit.WRAP_ROW_PX
    # every number column whole, at its natural width
    naturals = table_fit.natural_widths(classes.value, config, editable=True, placeholder="")
    assert all(widths[c] == math.ceil(naturals[c][0]) for c in widths if c != "name")
