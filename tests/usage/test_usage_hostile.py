"""Usage exports against hostile names and cells: DuckDB reads exactly the file given, every bad number is one
line naming the file and the column, and `--out` never blocks or says "written" when it was not.

Each case runs the real CLI in-process (`inference-roi usage …`): exit 2 and one line on stderr, or exit 0.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.main import main
from datafiles import InputError
from pricing import PriceBook, load_overrides, load_price_catalog
from usage.report import analyse

HEADER = "timestamp,model,input_tokens,output_tokens,requests\n"
GOOD_ROW = "2026-10-01T10:00:00Z,gpt-4o,1000,200,3\n"
BOOK = PriceBook(load_price_catalog(), load_overrides(), "api_overrides.yaml")


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line_error(args: list[str], capsys) -> str:
    code, _, err = run(args, capsys)
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def assert_result_or_one_line(path: Path, capsys) -> None:
    """The CLI reads the export: exit 0 with finite JSON, or exit 2 with one line."""
    code, out, err = run(["usage", str(path), "--format", "json"], capsys)
    assert code in (0, 2), err
    if code == 2:
        assert err.count("\n") == 1 and "Traceback" not in err
    else:
        assert "NaN" not in out and "Infinity" not in out


def analysed_models(path: Path) -> set[str]:
    return {m.model for m in analyse([(path, path.name)], BOOK).summary.models}


@pytest.mark.parametrize("name", ["*.csv", "?.csv", "[ab].csv", "~.csv", "{a,b}.csv", "it's.csv", 'say "hi".csv',
                                  "a;DROP TABLE x;.csv", "line\nbreak.csv", "x'); SELECT 1; --.csv"])  # fmt: skip
def test_a_name_with_pattern_characters_reads_only_that_file(name, tmp_path):
    """Beside the named file lies another export, with another model: a glob would read both."""
    (tmp_path / "other.csv").write_text(HEADER + "2026-10-01T10:00:00Z,gpt-4o-mini,1,1,1\n")
    (tmp_path / "a.csv").write_text(HEADER + "2026-10-01T10:00:00Z,gpt-4o-mini,1,1,1\n")
    path = tmp_path / name
    path.write_text(HEADER + GOOD_ROW)
    assert analysed_models(path) == {"gpt-4o"}


def test_a_tilde_is_a_name_not_a_home_folder(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / "x.csv").write_text(HEADER + "2026-10-01T10:00:00Z,gpt-4o-mini,1,1,1\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="file not found"):
        analyse([(Path("~/x.csv"), "~/x.csv")], BOOK)


def test_duckdb_may_not_reach_any_other_file(tmp_path):
    """The connection an import uses is confined to the staged folder, even for a query naming another path."""
    from usage.importer import connect
    from usage.staging import staged

    source = tmp_path / "u.csv"
    source.write_text(HEADER + GOOD_ROW)
    with staged(source, "u.csv") as export:
        con = connect(export)
        assert con.execute("SELECT count(*) FROM read_csv(?)", [str(export)]).fetchone() == (1,)
        with pytest.raises(duckdb.Error):
            con.execute("SELECT * FROM read_csv(?)", [str(source)])
        with pytest.raises(duckdb.Error):
            con.execute("INSTALL httpfs")
        with pytest.raises(duckdb.Error):
            con.execute("SET enable_external_access = true")
        con.close()


@pytest.mark.parametrize("cell", ["nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e300"])
@pytest.mark.parametrize("column", ["input_tokens", "output_tokens", "requests"])
def test_a_non_finite_cell_is_one_line_naming_the_column(cell, column, tmp_path, capsys):
    values = {"input_tokens": "1000", "output_tokens": "200", "requests": "3"} | {column: cell}
    path = tmp_path / "usage.csv"
    path.write_text(HEADER + GOOD_ROW + f"2026-10-02T10:00:00Z,gpt-4o,{values['input_tokens']},"
                    f"{values['output_tokens']},{values['requests']}\n")  # fmt: skip
    err = one_line_error(["usage", str(path)], capsys)
    assert "usage.csv" in err and (column in err or "tokens" in err)


def test_a_parquet_column_of_nan_is_one_line(tmp_path, capsys):
    path = tmp_path / "usage.parquet"
    with duckdb.connect() as con:
        con.execute(
            "COPY (SELECT TIMESTAMPTZ '2026-10-01 10:00:00+00' + INTERVAL (i) HOUR AS timestamp, 'gpt-4o' AS model,"
            " CAST('nan' AS DOUBLE) AS input_tokens, 100.0 AS output_tokens FROM range(5) t(i)) TO ? (FORMAT parquet)",
            [str(path)],
        )
    err = one_line_error(["usage", str(path)], capsys)
    assert "usage.parquet: input_tokens" in err


@pytest.mark.parametrize(("tokens", "expected"), [("0", "workload.classes[0]"), ("1000000000", "per request")])
def test_tokens_out_of_the_scenarios_range_are_named_not_a_traceback(tokens, expected, tmp_path, capsys):
    path = tmp_path / "usage.csv"
    path.write_text(HEADER + f"2026-10-01T10:00:00Z,gpt-4o,{tokens},{tokens},1\n")
    err = one_line_error(["usage", str(path)], capsys)
    assert "usage.csv" in err and expected in err


def test_a_model_name_with_a_newline_stays_on_one_line(tmp_path, capsys):
    path = tmp_path / "usage.csv"
    path.write_text(HEADER + '2026-10-01T10:00:00Z,"gpt-4o\nrm -rf /",1000,200,1\n')
    err = one_line_error(["usage", str(path)], capsys)
    assert "\\n" in err


def test_special_files_and_long_names_are_refused(tmp_path, capsys):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert "not a regular file" in one_line_error(["usage", str(fifo)], capsys)
    assert "name is too long" in one_line_error(["usage", str(tmp_path / ("x" * 300 + ".csv"))], capsys)
    assert "not a regular file" in one_line_error(["usage", "/dev/zero"], capsys)
    assert "is a directory" in one_line_error(["usage", str(tmp_path)], capsys)


def test_out_never_blocks_on_a_fifo_nor_claims_a_write_to_a_device(tmp_path, capsys):
    good = tmp_path / "usage.csv"
    good.write_text(HEADER + GOOD_ROW)
    fifo = tmp_path / "out.yaml"
    os.mkfifo(fifo)
    finished = threading.Event()
    errors: list[str] = []

    def attempt() -> None:
        errors.append(one_line_error(["usage", str(good), "--out", str(fifo)], capsys))
        finished.set()

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    assert finished.wait(30), "--out to a FIFO blocked"
    assert "pipe (FIFO)" in errors[0]
    for device in ("/dev/full", "/dev/null"):
        err = one_line_error(["usage", str(good), "--out", device], capsys)
        assert "device" in err and "written" not in err


def test_a_failed_write_is_an_error_and_keeps_the_old_file(tmp_path, capsys, monkeypatch):
    good = tmp_path / "usage.csv"
    good.write_text(HEADER + GOOD_ROW)
    out = tmp_path / "scenario.yaml"
    out.write_text("old: true\n")

    def no_space(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)  # the disk fills while the scenario is written
    err = one_line_error(["usage", str(good), "--out", str(out)], capsys)
    assert "cannot be written" in err
    assert out.read_text() == "old: true\n" and [p.name for p in tmp_path.iterdir()].count("scenario.yaml") == 1
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


_CELLS = st.one_of(
    st.sampled_from(["nan", "inf", "-inf", "1e400", "", "-1", "0", "1e9", "abc", "1e15", "1e16", "true", '"']),
    st.integers(min_value=-10, max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_CELLS, _CELLS, _CELLS), min_size=1, max_size=4))
def test_any_cells_give_a_result_or_one_line(rows, tmp_path_factory, capsys):
    path = tmp_path_factory.mktemp("fuzz") / "usage.csv"
    path.write_text(HEADER + "".join(f"2026-10-0{i + 1}T10:00:00Z,gpt-4o,{a},{b},{c}\n" for i, (a, b, c) in
                                     enumerate(rows)))  # fmt: skip
    assert_result_or_one_line(path, capsys)


def test_an_hour_without_output_tokens_is_priced_exactly(tmp_path):
    """An hour of refusals (input, no output) costs its input and nothing more: no invented output token."""
    import datetime as dt

    path = tmp_path / "usage.csv"
    path.write_text(HEADER + "2026-10-01T10:00:00Z,gpt-4o,3000,0,3\n2026-10-01T11:00:00Z,gpt-4o,2000,400,2\n")
    report = analyse([(path, "usage.csv")], BOOK)
    card = BOOK.price("openai", "gpt-4o", dt.date(2026, 10, 1), (1.0,) * 24, "t", "model").standard
    rate_in, rate_out = card.input.usd_per_mtok(1000), card.output.usd_per_mtok(1000)
    expected = (3000 * rate_in + 2000 * rate_in + 400 * rate_out) / 1e6  # per-request input 1,000 in both hours
    assert report.reconciliation[0].priced_cost_usd == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-be", "latin-1", "cp1252"])
def test_an_export_not_in_utf8_is_one_line_naming_its_encoding(encoding, tmp_path, capsys):
    path = tmp_path / "usage.csv"
    text = HEADER + GOOD_ROW.replace("gpt-4o", "gpt-4o-é")
    data = text.encode(encoding)
    if encoding in ("utf-16-be", "utf-32-be"):
        data = ("\ufeff" + text).encode(encoding)
    path.write_bytes(data)
    err = one_line_error(["usage", str(path)], capsys)
    assert "UTF-8" in err


def test_an_export_with_a_utf8_bom_is_read(tmp_path):
    path = tmp_path / "usage.csv"
    path.write_bytes(("\ufeff" + HEADER + GOOD_ROW).encode("utf-8"))
    assert analysed_models(path) == {"gpt-4o"}


_FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.sampled_from([0.0, -1.0, 1e9, 1e15, 1e16, 0.5]),
    st.none(),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_FLOATS, _FLOATS, _FLOATS), min_size=1, max_size=4))
def test_any_parquet_numbers_give_a_result_or_one_line(rows, tmp_path_factory, capsys):
    """Parquet keeps NaN and infinity as numbers (no text to refuse): the same rules must hold."""
    path = tmp_path_factory.mktemp("parquet") / "usage.parquet"
    values = ", ".join(
        f"(TIMESTAMPTZ '2026-10-0{i + 1} 10:00:00+00', 'gpt-4o', {_sql(a)}, {_sql(b)}, {_sql(c)})"
        for i, (a, b, c) in enumerate(rows)
    )
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * FROM (VALUES {values}) t(timestamp, model, input_tokens, output_tokens, requests)) "
            "TO ? (FORMAT parquet)",
            [str(path)],
        )
    assert_result_or_one_line(path, capsys)


def _sql(value: float | None) -> str:
    return "CAST(NULL AS DOUBLE)" if value is None else f"CAST('{value!r}' AS DOUBLE)"
