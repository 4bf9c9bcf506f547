"""README's command-line examples are real output: each ```console block whose first line is `$ inference-roi …`
is run and compared verbatim (cli/readme_examples.py; `python -m cli.readme_examples --update` rewrites them)."""

from __future__ import annotations

import pytest

from cli.readme_examples import README, Example, check, drift, find_examples, main, rewrite, run_example, update

EXAMPLES = find_examples(README.read_text(encoding="utf-8"))


def test_readme_has_its_examples():
    """The compare and capacity examples are blocks the test runs, not hand-written text."""
    commands = [e.argv[0] for e in EXAMPLES]
    assert "compare" in commands and "capacity" in commands


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"line{e.line}-{e.argv[0]}")
def test_readme_example_is_the_real_output(example: Example):
    difference = drift(example, run_example(example.argv))
    if difference:
        pytest.fail(
            f"README example drifted from the CLI (python -m cli.readme_examples --update rewrites it):\n{difference}",
            pytrace=False,
        )


def test_examples_are_parsed_by_the_convention():
    text = (
        "intro\n```console\n$ inference-roi compare 'a b.yaml' --format json\n{\n  \"x\": 1\n}\n```\n"
        "```console\n$ python -m other\nignored\n```\n```shell\n$ inference-roi prices list\n```\n"
        "```console\n$ inference-roi prices --help\n```\n"
    )
    examples = find_examples(text)
    assert [e.argv for e in examples] == [["compare", "a b.yaml", "--format", "json"], ["prices", "--help"]]
    assert examples[0].line == 2 and examples[0].expected == '{\n  "x": 1\n}' and examples[1].expected == ""


def test_an_unclosed_example_is_an_error_naming_its_line():
    with pytest.raises(ValueError, match=r"line 3: .*never closed"):
        find_examples("a\nb\n```console\n$ inference-roi compare x.yaml\nout\n")


def test_drift_is_a_readable_diff_with_the_numbers():
    example = Example(12, "inference-roi compare s.yaml", "total $9,300\nverdict")
    diff = drift(example, "total $9,301\nverdict")
    assert "README.md line 12: $ inference-roi compare s.yaml" in diff
    assert "-total $9,300" in diff and "+total $9,301" in diff
    assert drift(example, "total $9,300\nverdict") == ""


def test_rewrite_keeps_everything_but_the_outputs():
    text = "a\n```console\n$ inference-roi x\nold\n```\nmiddle\n```console\n$ inference-roi y\n```\nend"
    assert rewrite(text, ["one\ntwo", "three"]) == (
        "a\n```console\n$ inference-roi x\none\ntwo\n```\nmiddle\n```console\n$ inference-roi y\nthree\n```\nend"
    )
    with pytest.raises(ValueError, match="2 example blocks but 1 outputs"):
        rewrite(text, ["one"])


def test_update_rewrites_a_stale_block_and_check_then_passes(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("# t\n\n```console\n$ inference-roi prices --help\nstale help\n```\n", encoding="utf-8")
    (diff,) = check(readme)
    assert "-stale help" in diff and "+usage: inference-roi prices" in diff
    assert main(["--readme", str(readme)]) == 1
    assert update(readme) == 1
    assert check(readme) == [] and "usage: inference-roi prices" in readme.read_text(encoding="utf-8")
    assert update(readme) == 0 and main(["--readme", str(readme)]) == 0
    assert "1 example(s) drifted" in capsys.readouterr().out


def test_a_failing_command_is_reported_with_its_error():
    with pytest.raises(RuntimeError, match=r"`inference-roi compare no-such.yaml` exited 2: .*no-such.yaml"):
        run_example(["compare", "no-such.yaml"])
