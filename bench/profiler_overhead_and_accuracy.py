"""Benchmark: how fast is our profiler as a client, side by side with AIPerf and guidellm.

Two runs, on demand:
  python bench/profiler_overhead_and_accuracy.py overhead
      an instant server: highest request/token rates each client sustains, the latency it adds, and our
      client's CPU time per request
  python bench/profiler_overhead_and_accuracy.py accuracy
      transformers serve (tiny random Llama): do the three agree on req/s?

AIPerf and guidellm pin versions that clash with the app, so each lives in its own throwaway
virtual environment under .cache/bench-venvs/ (built on first use; guidellm after torch==2.13.0,
the CPU wheel, so it does not pull a CUDA build). Both run offline with the local tokenizer.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from profiling.importers import import_file  # noqa: E402
from tests.support.real_servers.transformers_serve import CACHE, free_port, transformers_server  # noqa: E402

VENVS = ROOT / ".cache" / "bench-venvs"
TOOLS = {"aiperf": ("aiperf==0.13.0",), "guidellm": ("torch==2.13.0", "guidellm==0.8.1")}
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
CLIENT_PIN: list[str] = []
"""In accuracy mode the server gets one core and every client the other, so no client's own CPU
use slows the server it is measuring (on a 2-core machine AIPerf's helper processes otherwise do)."""


def venv(tool: str) -> Path:
    path = VENVS / tool
    marker = path / ".ready"
    if not marker.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(path)], check=True)
        for requirement in TOOLS[tool]:  # one at a time: torch first
            subprocess.run([str(path / "bin" / "python"), "-m", "pip", "install", "-q", requirement], check=True)
        marker.write_text("ok")
    return path / "bin"


def tokenizer_dir() -> Path:
    model = CACHE / "tiny-llama"
    if not (model / "tokenizer.json").exists():
        with tempfile.TemporaryDirectory() as tmp, transformers_server(model, Path(tmp) / "log"):
            pass  # builds the venv and the tiny model
    return model


def run_ours(url: str, model: str, concurrency: int, requests: int, isl: int, osl: int, out: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [
            *CLIENT_PIN,
            sys.executable,
            "-m",
            "profiling",
            "profile",
            "--base-url",
            url,
            "--model",
            model,
            "--input-tokens",
            str(isl),
            "--output-tokens",
            str(osl),
            "--concurrency",
            str(concurrency),
            "--requests-per-level",
            str(requests),
            "--warmup-requests",
            str(concurrency),
            "--gpu",
            "cpu",
            "--gpu-count",
            "1",
            "--out",
            str(out),
        ],
        check=True,
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    level = import_file_or_profile(out)
    return {**level, "wall_s": wall, "client_cpu_ms_per_request": cpu / (requests + concurrency) * 1000}


def import_file_or_profile(path: Path) -> dict:
    from profiling.schema import load_profile

    level = load_profile(path).levels[0]
    return {
        "req_per_s": level.req_per_s,
        "output_tokens_per_s": level.output_tokens_per_s,
        "ttft_p50_ms": level.ttft_s.p50 * 1000,
        "itl_p50_ms": level.itl_s.p50 * 1000,
    }


def run_aiperf(url: str, model: str, concurrency: int, requests: int, isl: int, osl: int, tok: Path, out: Path) -> dict:
    start = time.perf_counter()
    subprocess.run(
        [
            *CLIENT_PIN,
            str(venv("aiperf") / "aiperf"),
            "profile",
            "--model",
            model,
            "--url",
            url,
            "--endpoint-type",
            "chat",
            "--streaming",
            "--tokenizer",
            str(tok),
            "--concurrency",
            str(concurrency),
            "--request-count",
            str(requests),
            "--warmup-request-count",
            str(concurrency),
            "--isl",
            str(isl),
            "--osl",
            str(osl),
            "--use-server-token-count",
            "--artifact-dir",
            str(out),
            "--ui",
            "none",
        ],
        check=True,
        env={k: v for k, v in ENV.items() if not k.endswith("_OFFLINE")},  # AIPerf reads offline mode as "hub ids only"
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return _imported(out / "profile_export_aiperf.json", time.perf_counter() - start)


def run_guidellm(
    url: str, model: str, concurrency: int, requests: int, isl: int, osl: int, tok: Path, out: Path
) -> dict:
    start = time.perf_counter()
    subprocess.run(
        [
            *CLIENT_PIN,
            str(venv("guidellm") / "guidellm"),
            "run",
            "--backend",
            f"kind=openai_http,target={url},model={model}",
            "--profile",
            f"kind=concurrent,streams={concurrency}",
            "--constraint",
            f"kind=max_requests,count={requests}",
            "--data",
            f"kind=synthetic_text,prompt_tokens={isl},output_tokens={osl}",
            "--tokenizer",
            f"kind=huggingface_auto,model={tok}",
            "--metrics",
            "kind=generative,sample_size=4",
            "--output",
            f"kind=json,path={out}",
            "--disable-console",
        ],
        check=True,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return _imported(out, time.perf_counter() - start)


def _imported(path: Path, wall: float) -> dict:
    level = import_file(path, meta={"model": "m", "gpu": "cpu", "gpu_count": 1}).levels[0]
    return {
        "req_per_s": level.req_per_s,
        "output_tokens_per_s": level.output_tokens_per_s,
        "ttft_p50_ms": level.ttft_s.p50 * 1000,
        "itl_p50_ms": level.itl_s.p50 * 1000,
        "wall_s": wall,
    }


def runners(url: str, model: str, concurrency: int, requests: int, isl: int, osl: int, tmp: Path) -> dict:
    tok = tokenizer_dir()
    return {
        "inference-roi profile": lambda: run_ours(url, model, concurrency, requests, isl, osl, tmp / "ours.yaml"),
        "aiperf 0.13.0": lambda: run_aiperf(url, model, concurrency, requests, isl, osl, tok, tmp / "aiperf"),
        "guidellm 0.8.1": lambda: run_guidellm(url, model, concurrency, requests, isl, osl, tok, tmp / "gl.json"),
    }


def run_each(results: dict[str, dict], name: str, run) -> None:
    try:
        results[name] = run()
    except Exception as exc:  # a tool that cannot measure this server is reported, not fatal
        print(f"{name} failed on this server: {str(exc)[:300]}")


def marginal_cpu_ms_per_request(url: str, requests: int) -> float:
    """Our client's CPU per extra request (2 output tokens), startup excluded: runs of N and 2N requests."""
    cpu = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (requests, 2 * requests):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            run_ours(url, "m", 64, n, 64, 2, Path(tmp) / f"m{n}.yaml")
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return (cpu[1] - cpu[0]) / requests * 1000


def show(title: str, results: dict[str, dict]) -> None:
    print(f"\n{title}")
    print(f"{'client':<24} {'req/s':>9} {'out tok/s':>10} {'TTFT p50 ms':>12} {'ITL p50 ms':>11} {'wall s':>7}")
    for name, r in results.items():
        print(
            f"{name:<24} {r['req_per_s']:>9.1f} {r['output_tokens_per_s']:>10.0f} {r['ttft_p50_ms']:>12.2f} "
            f"{r['itl_p50_ms']:>11.3f} {r['wall_s']:>7.1f}"
        )
    ours = results["inference-roi profile"]
    for name, r in results.items():
        if name != "inference-roi profile":
            print(f"ours / {name}: req/s x{ours['req_per_s'] / r['req_per_s']:.2f}")
    if "client_cpu_ms_per_request" in ours:
        print(f"our client's CPU time per request: {ours['client_cpu_ms_per_request']:.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("overhead", "accuracy"))
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--output-tokens", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3, help="accuracy mode: repetitions, order alternating")
    args = parser.parse_args()
    if args.mode == "overhead":
        port = free_port()
        server = subprocess.Popen([sys.executable, str(ROOT / "bench" / "instant_server.py"), str(port)])
        results: dict[str, dict] = {}
        try:
            time.sleep(1.0)
            with tempfile.TemporaryDirectory() as tmp:
                url = f"http://127.0.0.1:{port}"
                for name, run in runners(
                    url, "m", args.concurrency, args.requests, 64, args.output_tokens, Path(tmp)
                ).items():
                    run_each(results, name, run)
            marginal = marginal_cpu_ms_per_request(url, args.requests)
        finally:
            server.terminate()
        show(
            f"instant server, concurrency {args.concurrency}, {args.requests} requests x {args.output_tokens} tokens",
            results,
        )
        print(f"our client's marginal CPU per request (2 tokens, startup excluded): {marginal:.3f} ms")
    else:
        model = CACHE / "tiny-llama"
        CLIENT_PIN.extend(["taskset", "-c", "0"])
        names = ["inference-roi profile", "aiperf 0.13.0", "guidellm 0.8.1"]
        ratios: list[float] = []
        for round_number in range(args.rounds):
            results: dict[str, dict] = {}
            # a fresh server for every client (this CPU server slows down over a long session), and the
            # order alternates between rounds, so neither tool is always measured first
            for name in names if round_number % 2 == 0 else list(reversed(names)):
                with tempfile.TemporaryDirectory() as tmp, transformers_server(model, Path(tmp) / "log", "1") as url:
                    run_each(results, name, runners(url, str(model), 8, 256, 128, 32, Path(tmp))[name])
            show(
                f"round {round_number + 1}: transformers serve --continuous-batching, tiny random Llama, "
                "concurrency 8, 256 requests, 128/32 tokens",
                results,
            )
            if "aiperf 0.13.0" in results:
                ratios.append(results["inference-roi profile"]["req_per_s"] / results["aiperf 0.13.0"]["req_per_s"])
        if ratios:
            mean = sum(ratios) / len(ratios)
            print(f"\nours / aiperf req/s by round: {', '.join(f'{r:.2f}' for r in ratios)}; mean {mean:.3f}")


if __name__ == "__main__":
    main()
