"""Start `transformers serve --continuous-batching` on a tiny random-weight Llama, in its own venv.

torch and transformers belong to the test environment only: they go into a throwaway virtual
environment under `.cache/test-servers/` (git-ignored), built on first use, never into the
project's dependencies. `torch==2.13.0` comes first so pip takes the CPU wheel on this machine's
disk instead of a multi-GB CUDA build.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[3]
CACHE = ROOT / ".cache" / "test-servers"
VENV = CACHE / "transformers-venv"
PINS = ("torch==2.13.0", "transformers[serving]==5.24.0")


def _python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv() -> Path:
    marker = VENV / ".ready"
    if marker.exists() and marker.read_text() == "\n".join(PINS):
        return _python()
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    pip = [str(_python()), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, PINS[0]], check=True)  # first: the CPU wheel on disk
    subprocess.run([*pip, *PINS], check=True)
    marker.write_text("\n".join(PINS))
    return _python()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def transformers_server(model_dir: Path, log: Path, cpus: str | None = None):
    """Yield the base URL of a running server; stop it afterwards. `cpus` pins it (taskset list)."""
    python = ensure_venv()
    if not (model_dir / "model.safetensors").exists():
        subprocess.run([str(python), str(Path(__file__).with_name("tiny_model.py")), str(model_dir)], check=True)
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    command = [
        str(VENV / "bin" / "transformers"),
        "serve",
        str(model_dir),
        "--continuous-batching",
        "--device",
        "cpu",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with log.open("w") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=env)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    raise RuntimeError(f"transformers serve exited: {log.read_text()[-2000:]}")
                try:
                    if httpx.get(url + "/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.5)
            else:
                raise RuntimeError("transformers serve did not become healthy in 120 s")
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
