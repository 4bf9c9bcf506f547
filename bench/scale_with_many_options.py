"""How long a scenario with many options takes: N API × N self-hosted options, CLI `compare` in-process.

    python bench/scale_with_many_options.py [N ...]      (default 10 25 50; a scenario holds at most 100 options)

Options are the support-assistant example's, repeated (each self-hosted copy with its own implementation
cost, so no two are equal). Reports seconds for evaluate (with break-even pairs) and for the risk report.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scenario_io import load_inputs  # noqa: E402
from tco import evaluate, risk_report  # noqa: E402


def scenario(n: int) -> dict:
    data = yaml.safe_load((ROOT / "scenarios" / "support-assistant.yaml").read_text())
    apis = [o for o in data["options"] if o["kind"] == "api"]
    hosted = next(o for o in data["options"] if o["kind"] != "api")
    data["options"] = [
        option
        for i in range(n)
        for option in (
            {**apis[i % len(apis)], "id": f"api{i}"},
            {**hosted, "id": f"sh{i}", "implementation_usd": 1000 * i},
        )
    ]
    return data


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10, 25, 50]
    with tempfile.TemporaryDirectory(dir=ROOT / "scenarios") as tmp:
        for n in sizes:
            path = Path(tmp) / f"n{n}.yaml"
            data = scenario(n)
            for option in data["options"]:
                if "profile" in option:
                    option["profile"] = str((ROOT / "scenarios" / option["profile"]).resolve())
            path.write_text(yaml.safe_dump(data, sort_keys=False))
            start = time.perf_counter()
            inputs = load_inputs(path)
            result = evaluate(inputs)
            evaluated = time.perf_counter()
            risk_report(inputs, result)
            done = time.perf_counter()
            print(f"{n} x {n} options: load + evaluate {evaluated - start:.1f} s ({len(result.break_even)} "
                  f"break-even pairs), risk {done - evaluated:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
