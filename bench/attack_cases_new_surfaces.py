"""The surfaces added after the first hardening, as hostile cases for `bench/attack_hostile_inputs.py`: usage
exports, eval files, `--out` targets and share links opened in the app.

Each generator returns `(name, run, check)` triples. `run(tmp)` gives the CLI's argv (or `[]` when it ran the
case itself, e.g. a link opened in the app with Streamlit's AppTest); `check(stdout, stderr)` names a broken
promise that is not a crash — a file read that was not named ("leak"), a second line in an error ("multi-line")
or "written" claimed for a write that could not happen ("bad-out") — or returns None.
"""

from __future__ import annotations

import gzip
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EVALS = ROOT / "tests" / "fixtures" / "evals"
SECRET = "SECRET-MODEL-93b1"
HEADER = "timestamp,model,input_tokens,output_tokens,requests,cached_input_tokens\n"
ROW = "2026-10-01T10:00:00Z,gpt-4o,1000,200,3,100\n"

Run = Callable[[Path], list[str]]
Check = Callable[[str, str], str | None] | None
Triple = tuple[str, Run, Check]


def one_line(_: str, err: str) -> str | None:
    """An error message of more than one line. A `warning:` line beside a result is not part of one: an import
    that worked says one warning per model whose tasks ended in errors."""
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("warning: ")]
    return f"multi-line ({len(lines)} lines)" if len(lines) > 1 else None


def no_secret(out: str, err: str) -> str | None:
    return "leak (another file's content)" if SECRET in out + err else one_line(out, err)


def _usage(tmp: Path, name: str, text: str | bytes) -> list[str]:
    path = tmp / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return ["usage", str(path), "--format", "json"]


USAGE_CELLS = ("nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "", "abc", "-1", "0", "1e9", "1e300",
               "true", "0x10", "1_000")  # fmt: skip
USAGE_COLUMNS = ("input_tokens", "output_tokens", "requests", "cached_input_tokens")


def usage_cases() -> list[Triple]:
    cases: list[Triple] = []
    for column in USAGE_COLUMNS:
        for cell in USAGE_CELLS:

            def run(tmp: Path, column=column, cell=cell) -> list[str]:
                values = dict(zip(HEADER.strip().split(","), ROW.strip().split(","), strict=True)) | {column: cell}
                return _usage(tmp, "u.csv", HEADER + ROW + ",".join(values.values()).replace("10:00", "11:00") + "\n")

            cases.append((f"usage:csv:{column}={cell or 'empty'}", run, one_line))

    def parquet(tmp: Path) -> list[str]:
        import duckdb

        path = tmp / "u.parquet"
        with duckdb.connect() as con:
            con.execute("COPY (SELECT TIMESTAMPTZ '2026-10-01 10:00:00+00' AS timestamp, 'gpt-4o' AS model, "
                        "CAST('nan' AS DOUBLE) AS input_tokens, 5.0 AS output_tokens) TO ? (FORMAT parquet)",
                        [str(path)])  # fmt: skip
        return ["usage", str(path)]

    def glob_name(name: str) -> Run:
        def run(tmp: Path) -> list[str]:
            (tmp / "other.csv").write_text(HEADER + ROW.replace("gpt-4o", SECRET))
            (tmp / "a.csv").write_text(HEADER + ROW.replace("gpt-4o", SECRET))
            return _usage(tmp, name, HEADER + ROW)

        return run

    def fifo(tmp: Path) -> list[str]:
        os.mkfifo(tmp / "p.csv")
        return ["usage", str(tmp / "p.csv")]

    def out_to(target: str) -> Run:
        def run(tmp: Path) -> list[str]:
            (tmp / "u.csv").write_text(HEADER + ROW)
            if target == "fifo":
                os.mkfifo(tmp / "o.yaml")
            where = str(tmp / "o.yaml") if target == "fifo" else target
            return ["usage", str(tmp / "u.csv"), "--out", where]

        return run

    def written_claim(out: str, err: str) -> str | None:
        return "bad-out (claims written)" if "written" in err and "error" not in err else one_line(out, err)

    def gz_bomb(tmp: Path) -> list[str]:
        (tmp / "b.csv.gz").write_bytes(gzip.compress(HEADER.encode() + b"0" * (200 << 20), compresslevel=9))
        return ["usage", str(tmp / "b.csv.gz")]

    cases += [
        ("usage:parquet-nan", parquet, one_line),
        *(
            (f"usage:name:{n!r}", glob_name(n), no_secret)
            for n in ("*.csv", "?.csv", "[ao].csv", "~.csv", "{a,other}.csv", "q'.csv", 'q".csv', "a;b.csv", "a\nb.csv")
        ),
        ("usage:fifo", fifo, one_line),
        ("usage:/dev/zero", lambda tmp: ["usage", "/dev/zero"], one_line),
        ("usage:300-char-name", lambda tmp: ["usage", str(tmp / ("u" * 300 + ".csv"))], one_line),
        ("usage:directory", lambda tmp: ["usage", str(tmp)], one_line),
        ("usage:model-newline", lambda tmp: _usage(tmp, "m.csv", HEADER + ROW.replace("gpt-4o", '"x\ny"')), one_line),
        ("usage:header-only", lambda tmp: _usage(tmp, "h.csv", HEADER), one_line),
        ("usage:utf16", lambda tmp: _usage(tmp, "w.csv", (HEADER + ROW).encode("utf-16")), one_line),
        ("usage:gzip-bomb", gz_bomb, one_line),
        *((f"usage:--out={t}", out_to(t), written_claim) for t in ("fifo", "/dev/full", "/dev/null", "/proc/x/y")),
    ]
    return cases


def _fixture_docs() -> list[tuple[str, str]]:
    return [(p.name, p.read_text()) for p in sorted(EVALS.iterdir()) if p.suffix in (".json", ".jsonl")]


EVAL_VALUES = {"number": "1.5", "string": '"x"', "bool": "true", "list": "[1]", "null": "null", "NaN": "NaN",
               "Infinity": "Infinity", "overflow": "1e400", "huge": "1e12", "negative": "-1"}  # fmt: skip


def _leaves(doc: object, prefix: tuple = (), limit: int = 30) -> list[tuple]:
    out, queue = [], [(prefix, doc)]
    while queue and len(out) < limit:
        path, node = queue.pop(0)
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
        for key, value in items:
            out.append((*path, key))
            if isinstance(value, dict | list):
                queue.append(((*path, key), value))
    return out[:limit]


def _set(doc: dict, path: tuple, value: object) -> None:
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def eval_cases() -> list[Triple]:
    cases: list[Triple] = []
    for name, text in _fixture_docs():
        lines = text.splitlines() if name.endswith(".jsonl") else [text]
        for path in _leaves(json.loads(lines[-1] if name.endswith(".jsonl") else lines[0])):
            for label, raw in EVAL_VALUES.items():

                def run(tmp: Path, name=name, lines=lines, path=path, raw=raw) -> list[str]:
                    index = len(lines) - 1 if name.endswith(".jsonl") else 0
                    doc = json.loads(lines[index])
                    _set(doc, path, "__V__")
                    edited = [*lines]
                    edited[index] = json.dumps(doc).replace('"__V__"', raw)
                    (tmp / name).write_text("\n".join(edited))
                    return ["eval", "import", str(tmp / name)]

                cases.append((f"eval:{name}:{'.'.join(map(str, path))}={label}", run, one_line))
    sample = (EVALS / "inspect_capitals_small-model.json").read_text()

    def encoded(encoding: str) -> Run:
        def run(tmp: Path) -> list[str]:
            (tmp / "e.json").write_bytes(sample.replace("small-model", "smäll-modél").encode(encoding))
            return ["eval", "import", str(tmp / "e.json")]

        return run

    def zipped(kind: str) -> Run:
        def run(tmp: Path) -> list[str]:
            path = tmp / "log.eval"
            if kind == "missing":
                return ["eval", "import", str(path)]
            if kind == "directory":
                path.mkdir()
            elif kind == "fifo":
                os.mkfifo(path)
            elif kind == "loop":
                path.symlink_to(tmp / "loop.eval")
                (tmp / "loop.eval").symlink_to(path)
            elif kind == "garbage":
                path.write_bytes(b"PK\x03\x04" + os.urandom(4000))
            elif kind == "bzip2":
                with zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as z:
                    z.writestr("header.json", "{" * 10)
            elif kind == "zip-in-zip":
                inner = tmp / "inner.zip"
                with zipfile.ZipFile(inner, "w") as z:
                    z.writestr("header.json", sample)
                with zipfile.ZipFile(path, "w") as z:
                    z.write(inner, "header.json")
            elif kind == "bomb":
                with (
                    zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z,
                    z.open("header.json", "w", force_zip64=True) as member,
                ):
                    for _ in range(1024):
                        member.write(b" " * (1 << 20))
            elif kind == "many-members":
                with zipfile.ZipFile(path, "w") as z:
                    for i in range(20_000):
                        z.writestr(f"samples/{i}.json", "{}")
            elif kind == "dotdot":
                with zipfile.ZipFile(path, "w") as z:
                    z.writestr("../../header.json", sample)
            elif kind == "encrypted":
                with zipfile.ZipFile(path, "w") as z:
                    z.writestr("header.json", sample)
                data = bytearray(path.read_bytes())
                data[6] |= 1  # the local header's "encrypted" flag
                central = data.rfind(b"PK\x01\x02")
                data[central + 8] |= 1
                path.write_bytes(bytes(data))
            return ["eval", "import", str(path)]

        return run

    def big(tmp: Path) -> list[str]:
        doc = json.loads(sample)
        doc["padding"] = "x" * (6 << 20)
        (tmp / "big.json").write_text(json.dumps(doc))
        return ["eval", "import", str(tmp / "big.json")]

    def short(out: str, err: str) -> str | None:
        return "dump (message over 500 characters)" if len(err) > 500 else one_line(out, err)

    cases += [
        *((f"eval:encoding:{e}", encoded(e), one_line) for e in ("utf-16", "utf-16-le", "latin-1", "cp1252", "utf-32")),
        *((f"eval:.eval:{k}", zipped(k), one_line) for k in ZIP_KINDS),
        ("eval:6-MiB", big, short),
    ]
    return cases


ZIP_KINDS = ("missing", "directory", "fifo", "loop", "garbage", "bzip2", "zip-in-zip", "bomb", "many-members", "dotdot",
             "encrypted")  # fmt: skip


def _link_case(edit: Callable[[dict, Path], None]) -> Run:
    """Open a link to the edited flagship in the app (AppTest, in this forked child); [] = ran here."""

    def run(tmp: Path) -> list[str]:
        from streamlit.testing.v1 import AppTest

        from scenario_io import codec

        mapping = yaml.safe_load((ROOT / "scenarios" / "glm5-vs-frontier.yaml").read_text())
        edit(mapping, tmp)
        at = AppTest.from_file(str(ROOT / "app_session.py"), default_timeout=15)
        at.query_params["s"] = codec.to_url_token(mapping)
        at.switch_page("app_pages/compare.py")
        at.run()
        text = "\n".join(str(e.value) for kind in ("markdown", "warning", "error", "caption") for e in at.get(kind))
        text += "\n".join(d.value.to_csv() for d in at.dataframe)
        if at.exception or "Something went wrong" in text:
            raise RuntimeError("the page shows an exception box")
        if SECRET in text or "root:x:0" in text or "PATH=" in text:
            raise PermissionError("leak (the page shows the content of a file the link named)")
        return []

    return run


def link_cases() -> list[Triple]:
    def secret(tmp: Path) -> str:
        """A valid eval result whose model name is the secret: a reader that opened it would quote the name
        when the link's `eval.model` matches no row."""
        path = tmp / "results.json"
        path.write_text((EVALS / "inspect_capitals_small-model.json").read_text().replace("small-model", SECRET))
        return str(path)

    def fifo(tmp: Path) -> str:
        os.mkfifo(tmp / "pipe.eval")
        return str(tmp / "pipe.eval")

    refs = {"secret": secret, "fifo": fifo, "passwd": lambda _: "/etc/passwd",
            "environ": lambda _: "/proc/self/environ", "readme": lambda _: "../README.md",
            "dev-zero": lambda _: "/dev/zero"}  # fmt: skip
    cases: list[Triple] = []
    for label, ref in refs.items():
        for field in ("eval", "profile", "api_overrides"):

            def edit(mapping: dict, tmp: Path, ref=ref, field=field) -> None:
                if field == "eval":
                    mapping["options"][0]["eval"] = {"file": ref(tmp), "model": "no-such-model"}
                elif field == "profile":
                    mapping["options"][0]["profile"] = ref(tmp)
                else:
                    mapping["api_overrides"] = ref(tmp)

            cases.append((f"link:{field}={label}", _link_case(edit), None))
    shapes = {"options-string": lambda m, _: m.update(options="x"), "workload-string": lambda m, _: m.update(
        workload="x"), "options-of-numbers": lambda m, _: m.update(options=[1]), "peak-100": lambda m, _: m[
        "workload"].update(peak_to_average=100), "volume-true": lambda m, _: m["workload"].update(
        requests_per_month=True)}  # fmt: skip
    cases += [(f"link:shape:{k}", _link_case(edit), None) for k, edit in shapes.items()]
    return cases


def all_cases() -> list[Triple]:
    return [*usage_cases(), *eval_cases(), *link_cases()]
