"""Load: 50 simulated people (bench/locustfile.py) against the production start, `make serve`,
on PostgreSQL and Redis — first one app server, then two behind a round-robin.

For each run: a fresh PostgreSQL database, `flask db upgrade` and `flask demo-data` (the demo
loader runs in the development config: production refuses demo data); then `make serve` with
APP_ENV=production (one per port) over TLS with a self-signed certificate made here by openssl
(production cookies are Secure and `__Host-`: a client over plain http would never send them
back — the production config is not weakened, the transport is made real); then Locust
headless. Prints requests/s, p50/p95 per page and the error count, runs `flask audit verify` on
what the run logged, drops the database. Exits non-zero when any request failed.

Locust lives in a venv of its own, bench/.locust-venv (created on first use from the `bench`
group of pyproject.toml, pinned by constraints.txt): installed into the app's venv it would
add its pytest plugin (a `session` fixture, gevent) to the test suite.

    .venv/bin/python bench/locust_load.py [--users 50] [--duration 2m] [--servers 1 2]

Needs PostgreSQL (BENCH_PG, default postgresql://postgres@127.0.0.1:5432) and Redis
(BENCH_REDIS_URL, default redis://127.0.0.1:6379/13: flushed before each run) on this machine.
"""

import argparse
import csv
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from contextlib import ExitStack, contextmanager
from pathlib import Path

import redis
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import free_port  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
LOCUST_VENV = Path(os.environ.get("BENCH_LOCUST_VENV", ROOT / "bench" / ".locust-venv"))
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432").rstrip("/")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
COUNTER_LOGINS = ("staff1", "staff2")


def locust_binary() -> Path:
    """bench/.locust-venv/bin/locust, made on first use."""
    binary = LOCUST_VENV / "bin" / "locust"
    if not binary.exists():
        print(f"== creating {LOCUST_VENV} (Locust, pinned by constraints.txt)", flush=True)
        bench = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
            "optional-dependencies"
        ]["bench"]
        subprocess.run([sys.executable, "-m", "venv", str(LOCUST_VENV)], check=True)
        pip = [str(LOCUST_VENV / "bin" / "pip"), "install", "--quiet"]
        subprocess.run(pip + ["-c", str(ROOT / "constraints.txt"), *bench], check=True)
    return binary


def certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (two days), and its key."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert, key


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", f"{PG}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
    )


@contextmanager
def fresh_database():
    name = f"fbo_load_{os.getpid()}_{secrets.token_hex(3)}"
    psql(f"CREATE DATABASE {name}")
    try:
        yield f"{PG}/{name}"
    finally:
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def flask(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "admin_app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def pool(env: dict[str, str]) -> dict:
    """Per counter login: registrants it handles, those that may take a change notice now
    (confirmed, current, none open), search words (the start of a name in kana)."""
    script = f"""
import json
from sqlalchemy import select
from admin_app import create_app
from admin_app.extensions import db
from models import Registrant, StaffUser
from models.registration.change_notice import can_handle, open_notice_of
from models.registration.registrant import RegistrantStatus
from models.staff.access import access_of
app = create_app()
out = {{}}
with app.app_context():
    everyone = db.session.scalars(select(Registrant).order_by(Registrant.id)).all()
    for login in {list(COUNTER_LOGINS)!r}:
        access = access_of(db.session.scalar(select(StaffUser).filter_by(login=login)))
        mine = [r for r in everyone if can_handle(access, r)]
        out[login] = {{
            "details": [r.id for r in mine],
            "notice": [r.id for r in mine if r.status != RegistrantStatus.PENDING
                       and r.is_current() and open_notice_of(r.id) is None],
            "search": sorted({{r.name_kana[:3] for r in mine if r.name_kana}}),
        }}
print(json.dumps(out))
"""
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


@contextmanager
def make_serve(env: dict[str, str], cert: Path, key: Path, log: Path):
    """`make serve` on a free port over TLS; yields the base URL once /readyz answers 200.
    (`-o .venv/bin/flask`: the venv is taken as it is; a benchmark never reinstalls it.)"""
    port = free_port()
    server_env = env | {
        "APP_ENV": "production",
        "PORT": str(port),
        "GUNICORN_CMD_ARGS": f"--certfile={cert} --keyfile={key}",
    }
    with log.open("w") as out:
        server = subprocess.Popen(
            ["make", "--no-print-directory", "-o", ".venv/bin/flask", "serve"],
            cwd=ROOT,
            env=server_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # make, gunicorn and its workers: one process group
        )
    base = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                sys.exit(f"make serve exited with {server.returncode}:\n{log.read_text()}")
            try:
                if requests.get(f"{base}/readyz", verify=cert, timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                sys.exit(f"{base}/readyz never answered 200:\n{log.read_text()}")
            time.sleep(0.5)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


SERVER_TROUBLE = re.compile(
    r"WORKER TIMEOUT|Traceback|Worker \(pid:\d+\) was sent|request_log: \S+ \S+ 5\d\d "
)


def server_trouble(logs: list[Path]) -> list[str]:
    """Lines of the servers' output that tell of a failure the client may not see: a 5xx, an
    exception, a worker killed."""
    return [
        line for log in logs for line in log.read_text().splitlines() if SERVER_TROUBLE.search(line)
    ]


def report(prefix: Path, servers: int, users: int, duration: str) -> int:
    """Print the figures of the run; returns the number of failed requests."""
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pages = sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: r["Name"])
    print(f"\n== {servers} app server(s), {users} users, {duration}")
    print(f"{'page':58} {'method':6} {'requests':>8} {'fails':>5} {'p50 ms':>7} {'p95 ms':>7}")
    for r in pages:
        print(
            f"{r['Name'][:58]:58} {r['Type']:6} {r['Request Count']:>8} {r['Failure Count']:>5} "
            f"{r['50%']:>7} {r['95%']:>7}"
        )
    print(
        f"{'all':58} {'':6} {total['Request Count']:>8} {total['Failure Count']:>5} "
        f"{total['50%']:>7} {total['95%']:>7}"
    )
    print(f"requests/s: {float(total['Requests/s']):.1f}   errors: {total['Failure Count']}")
    print("machine load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists() and int(total["Failure Count"]):
        print(failures.read_text())
    return int(total["Failure Count"])


def run(servers: int, users: int, duration: str, work: Path) -> int:
    with ExitStack() as stack:
        database_url = stack.enter_context(fresh_database())
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "AUDIT_CHAIN_KEY": secrets.token_urlsafe(48),
        }
        env.pop("APP_ENV", None)
        print(f"== {servers} server(s): flask db upgrade, flask demo-data", flush=True)
        flask(env, "db", "upgrade")
        flask(env, "demo-data")
        redis.Redis.from_url(REDIS_URL).flushdb()
        pool_file = work / f"pool-{servers}.json"
        pool_file.write_text(json.dumps(pool(env)))
        cert, key = certificate(work)
        bases = [
            stack.enter_context(make_serve(env, cert, key, work / f"serve-{servers}-{n}.log"))
            for n in range(servers)
        ]
        print(f"== serving on {', '.join(bases)}; Locust for {duration}", flush=True)
        prefix = work / f"locust-{servers}"
        locust = subprocess.run(
            [str(locust_binary()), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless"]
            + ["-u", str(users), "-r", "10", "-t", duration, "--host", bases[0]]
            + ["--csv", str(prefix), "--only-summary", "--stop-timeout", "10"],
            cwd=ROOT,
            env=os.environ
            | {
                "BENCH_HOSTS": ",".join(bases),
                "BENCH_CA": str(cert),
                "BENCH_POOL": str(pool_file),
            },
            capture_output=True,
            text=True,
        )
        (work / f"locust-{servers}.log").write_text(locust.stdout + locust.stderr)
        if not Path(f"{prefix}_stats.csv").exists():
            sys.exit(f"Locust failed:\n{locust.stdout}{locust.stderr}")
        errors = report(prefix, servers, users, duration)
        trouble = server_trouble(sorted(work.glob(f"serve-{servers}-*.log")))
        print(f"server-side failures (5xx, exceptions, killed workers): {len(trouble)}")
        print("\n".join(trouble[:20]))
        print(f"audit verify: {flask(env, 'audit', 'verify').strip()}")
    return errors + len(trouble)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", default="2m", help="Locust's -t, e.g. 2m or 30s")
    parser.add_argument("--servers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    locust_binary()
    work = Path(tempfile.mkdtemp(prefix="fbo-load-"))
    print(f"== logs and CSV in {work}")
    errors = sum(run(n, args.users, args.duration, work) for n in args.servers)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
