"""Production: APP_ENV=production selects a configuration that refuses to start on a
development-grade environment, `make serve`'s gunicorn settings stop with the reasons before any
worker starts, migrations are never run at start-up, and /healthz and /readyz tell a load
balancer whether to send traffic."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, inspect

from admin_app import create_app
from admin_app.config import (
    Config,
    ConfigurationError,
    ProductionConfig,
    TestConfig,
    config_for,
    production_problems,
)
from bench.load import free_port
from tests.conftest import DIALECT
from tests.support import PRODUCTION_ENV, dispose, redis_reachable

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def production_env(monkeypatch):
    for name in ("APP_ENV", "SECRET_KEY", "AUDIT_CHAIN_KEY", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_app_env_selects_the_configuration(monkeypatch):
    monkeypatch.delenv("APP_ENV", raising=False)
    assert config_for(os.environ) is Config
    assert config_for({"APP_ENV": "development"}) is Config
    assert config_for({"APP_ENV": "production"}) is ProductionConfig
    with pytest.raises(ConfigurationError, match="APP_ENV must be production or development"):
        config_for({"APP_ENV": "prod"})


def test_a_complete_production_environment_is_accepted(production_env):
    config = ProductionConfig()
    assert config.APP_ENV == "production"
    assert config.SQLALCHEMY_DATABASE_URI.startswith("postgresql+psycopg://")
    assert config.LOGIN_THROTTLE_STORAGE == PRODUCTION_ENV["REDIS_URL"]
    assert config.AUDIT_CHAIN_KEY == PRODUCTION_ENV["AUDIT_CHAIN_KEY"]
    assert config.SESSION_COOKIE_SECURE is True and config.HSTS_SECONDS >= 31536000


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("SECRET_KEY", None, "SECRET_KEY is not set"),
        ("SECRET_KEY", "short-but-random-9f8e7d", "SECRET_KEY is shorter than 32"),
        ("SECRET_KEY", "test-secret-key-not-for-production", "SECRET_KEY is a known default"),
        ("SECRET_KEY", "x" * 40, "SECRET_KEY is a known default"),
        ("AUDIT_CHAIN_KEY", None, "AUDIT_CHAIN_KEY is not set"),
        ("AUDIT_CHAIN_KEY", PRODUCTION_ENV["SECRET_KEY"], "AUDIT_CHAIN_KEY must differ"),
        ("DATABASE_URL", None, "DATABASE_URL must be a PostgreSQL URL"),
        ("DATABASE_URL", "sqlite:////srv/app.db", "DATABASE_URL must be a PostgreSQL URL"),
        ("REDIS_URL", None, "REDIS_URL must be set"),
        ("REDIS_URL", "memory://", "REDIS_URL must be set"),
        ("TRUSTED_PROXIES", "yes", "TRUSTED_PROXIES must be a number"),
    ],
)
def test_production_refuses_to_start_and_says_why(production_env, name, value, reason):
    if value is None:
        production_env.delenv(name)
    else:
        production_env.setenv(name, value)
    with pytest.raises(ConfigurationError) as refused:
        ProductionConfig()
    assert reason in str(refused.value)
    assert refused.value.problems == production_problems(os.environ)  # nothing else wrong
    assert len(refused.value.problems) == 1


def test_production_never_generates_a_secret(production_env, tmp_path, monkeypatch):
    import admin_app.config as config_module

    monkeypatch.setattr(config_module, "INSTANCE", tmp_path / "instance")
    production_env.delenv("SECRET_KEY")
    with pytest.raises(ConfigurationError):
        ProductionConfig()
    assert not (tmp_path / "instance").exists()
    Config()  # development does, readable by its owner only
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0


# /healthz and /readyz


def on_database(url: str) -> type[TestConfig]:
    class Elsewhere(TestConfig):
        def __init__(self) -> None:
            super().__init__()
            self.SQLALCHEMY_DATABASE_URI = url

    return Elsewhere


def test_healthz_answers_without_touching_the_database():
    app = create_app(on_database("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    try:
        client = app.test_client()
        assert client.get("/healthz").get_json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.get_json()["problems"] == ["database unreachable"]
    finally:
        dispose(app)


def test_readyz_is_ok_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"  # a proxy never answers for us


def test_readyz_is_503_until_the_migrations_ran(tmp_path):
    app = create_app(on_database(f"sqlite:///{tmp_path / 'empty.db'}"))
    try:
        response = app.test_client().get("/readyz")
        assert response.status_code == 503
        (problem,) = response.get_json()["problems"]
        assert "not at the migrations' head (at none; run flask db upgrade)" in problem
    finally:
        dispose(app)


def test_readyz_is_503_when_the_shared_redis_is_gone(app):
    other = create_app(
        type("NoRedis", (TestConfig,), {"LOGIN_THROTTLE_STORAGE": "redis://127.0.0.1:1/0"})
    )
    try:
        response = other.test_client().get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["problems"] == ["redis unreachable"]
    finally:
        dispose(other)


@pytest.mark.skipif(not redis_reachable() and os.environ.get("CI") != "true", reason="no Redis")
def test_readyz_is_ok_with_a_reachable_redis(app):
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    other = create_app(type("WithRedis", (TestConfig,), {"LOGIN_THROTTLE_STORAGE": redis_url}))
    try:
        assert other.test_client().get("/readyz").status_code == 200
    finally:
        dispose(other)


# `make serve`: gunicorn with admin_app.gunicorn_config


def serve(env: dict[str, str], port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:admin_app.gunicorn_config",
            "admin_app:create_app()",
        ],
        cwd=ROOT,
        env={**os.environ, **env, "PORT": str(port), "WEB_CONCURRENCY": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.slow
def test_serve_stops_before_any_worker_with_the_reasons():
    env = {**PRODUCTION_ENV, "SECRET_KEY": "changeme", "DATABASE_URL": "sqlite:///x.db"}
    server = serve(env, free_port())
    output, _ = server.communicate(timeout=60)
    assert server.returncode != 0
    assert "refusing to start in production" in output
    assert "SECRET_KEY is a known default" in output
    assert "DATABASE_URL must be a PostgreSQL URL" in output
    assert "Booting worker" not in output


def admin_url(database: str) -> str:
    base = TestConfig().SQLALCHEMY_DATABASE_URI.replace("postgresql+psycopg://", "postgresql://")
    return base.rsplit("/", 1)[0] + "/" + database


@pytest.mark.slow
@pytest.mark.postgres_only
@pytest.mark.skipif(not redis_reachable() and os.environ.get("CI") != "true", reason="no Redis")
def test_serve_runs_no_migrations_and_is_not_ready_until_they_ran():
    """Started on an empty PostgreSQL database: it serves /healthz, answers /readyz with 503
    and the reason, and has created no table (migrations are `flask db upgrade`'s)."""
    assert DIALECT == "postgresql"
    name = f"fbo_serve_{os.getpid()}"
    maintenance = create_engine(
        admin_url("postgres").replace("postgresql://", "postgresql+psycopg://"),
        isolation_level="AUTOCOMMIT",
    )
    with maintenance.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    port = free_port()
    server = serve({**PRODUCTION_ENV, "DATABASE_URL": admin_url(name)}, port)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                alive = requests.get(f"{base}/healthz", timeout=2)
                break
            except (requests.ConnectionError, requests.Timeout):  # not listening, or booting
                assert server.poll() is None, server.stdout.read()
                time.sleep(0.5)
        assert alive.status_code == 200
        assert "gunicorn/" not in alive.headers.get("Server", "")
        ready = requests.get(f"{base}/readyz", timeout=5)
        assert ready.status_code == 503
        assert "run flask db upgrade" in ready.json()["problems"][0]
        engine = create_engine(admin_url(name).replace("postgresql://", "postgresql+psycopg://"))
        assert inspect(engine).get_table_names() == []
        engine.dispose()
    finally:
        server.terminate()
        server.communicate(timeout=30)  # and closes its output pipe
        with maintenance.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        maintenance.dispose()
