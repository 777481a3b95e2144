"""Shared by the benchmarks: the app under gunicorn, loaded by wrk from a second process.

    with served("bench.served:create(audit=False)", database_url) as base: ...
    rates = compare({"page": (f"{base}/admin/facility/", {"Cookie": ...}), ...})

wrk is Debian's package `wrk` (apt-get install wrk).
"""

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
SECRET = "bench-secret-key-not-for-production"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(
    app_spec: str,
    database_url: str,
    workers: int = WORKERS,
    env: dict[str, str] | None = None,
    output=None,
):
    """gunicorn serving `app_spec` on a free port; yields the base URL. (Also the tests' way
    to run real worker processes.) `output`: a file for what the server process prints."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET, **(env or {})}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app_spec,
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=output,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(server, base)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_up(server: subprocess.Popen, base: str, seconds: float = 120) -> None:
    """Until /healthz answers (a loaded machine may take long to start the workers); a server
    that exits or never answers fails here, not as a refused connection later."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode} before answering")
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer {base}/healthz within {seconds:.0f} s")


def session_cookie(base: str, login_id: str, password: str) -> str:
    """Log in over HTTP; returns the Cookie header value of the new session."""
    s = requests.Session()
    html = s.get(f"{base}/login", timeout=10).text
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)
    response = s.post(
        f"{base}/login",
        data={"login": login_id, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, "benchmark login failed"
    return "; ".join(f"{c.name}={c.value}" for c in s.cookies)


def wrk(
    url: str, seconds: int = 10, connections: int = 8, headers: dict[str, str] | None = None
) -> float:
    """Requests per second that wrk reached (fails if any answer was not 2xx/3xx)."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    assert "Non-2xx or 3xx responses" not in out, out
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def compare(
    targets: dict[str, tuple[str, dict[str, str]]], rounds: int = ROUNDS, seconds: int = 5
) -> dict[str, float]:
    """Requests per second of each target (url, headers), measured in interleaved rounds after
    a warm-up, so that every target sees the same machine; returns the median of each."""
    for url, headers in targets.values():
        wrk(url, seconds=2, headers=headers)
    rates: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(rounds):
        for name, (url, headers) in targets.items():
            rates[name].append(wrk(url, seconds=seconds, headers=headers))
    return {name: statistics.median(values) for name, values in rates.items()}


def against_hello(targets: dict[str, str], database_url: str) -> None:
    """Time each page's first (uncached) request, then measure every page with `compare` and
    print its rate beside the bare hello's (`targets` must hold "hello")."""
    import requests

    first = {}
    for name, target in targets.items():  # a page no worker has rendered yet
        started = time.perf_counter()
        assert requests.get(target, timeout=30).status_code == 200
        first[name] = (time.perf_counter() - started) * 1000
    rates = compare({name: (target, {}) for name, target in targets.items()})
    hello = rates["hello"]
    print(
        f"gunicorn {WORKERS} workers, wrk 2 threads / 8 connections ({database_url.split(':')[0]})"
    )
    print(f"{'page':<28} {'req/s':>8} {'vs hello':>9} {'first (uncached) ms':>20}")
    for name, rate in rates.items():
        print(f"{name:<28} {rate:>8.0f} {rate / hello:>9.2f} {first[name]:>20.1f}")
