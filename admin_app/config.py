"""Configuration classes; every value that differs per deployment comes from the environment."""

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class ConfigurationError(RuntimeError):
    """The environment does not describe a deployment the app may start in."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "refusing to start in production:\n" + "\n".join(f"  - {p}" for p in problems)
        )


# Secrets seen in examples, tests and tutorials: never acceptable in production.
KNOWN_DEFAULT_SECRETS = frozenset(
    {
        "test-secret-key-not-for-production",
        "change-me",
        "changeme",
        "secret",
        "secret-key",
        "dev",
        "development",
        "your-secret-key",
        "replace-me",
    }
)
MIN_SECRET_LENGTH = 32


def _dev_secret_key() -> str:
    """A per-checkout secret for development, kept in instance/ (never committed), readable
    by its owner only."""
    INSTANCE.mkdir(exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
    path.chmod(0o600)
    return path.read_text().strip()


def _secret_problem(name: str, value: str | None) -> str | None:
    if not value:
        return f"{name} is not set"
    if value.strip().lower() in KNOWN_DEFAULT_SECRETS or len(set(value)) < 8:
        return f"{name} is a known default or example value"
    if len(value) < MIN_SECRET_LENGTH:
        return f"{name} is shorter than {MIN_SECRET_LENGTH} characters"
    return None


def production_problems(environ: Mapping[str, str]) -> list[str]:
    """What stops the environment from being a production deployment (empty when none)."""
    problems = [
        problem
        for name in ("SECRET_KEY", "AUDIT_CHAIN_KEY")
        if (problem := _secret_problem(name, environ.get(name)))
    ]
    if environ.get("SECRET_KEY") and environ.get("SECRET_KEY") == environ.get("AUDIT_CHAIN_KEY"):
        problems.append("AUDIT_CHAIN_KEY must differ from SECRET_KEY")
    url = environ.get("DATABASE_URL", "")
    if not url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        problems.append("DATABASE_URL must be a PostgreSQL URL (postgresql://…)")
    if not environ.get("REDIS_URL", "").startswith(("redis://", "rediss://", "unix://")):
        problems.append("REDIS_URL must be set to the shared Redis (redis://…)")
    if _proxy_hops(environ) is None:
        problems.append("TRUSTED_PROXIES must be a number of proxy hops (0-5)")
    if not environ.get("MAIL_PORT", "25").strip().isdigit():
        problems.append("MAIL_PORT must be a port number (25, 587 …)")
    return problems


def _proxy_hops(environ: Mapping[str, str]) -> int | None:
    text = environ.get("TRUSTED_PROXIES", "0").strip() or "0"
    return int(text) if text.isdigit() and int(text) <= 5 else None


def engine_options(url: str) -> dict:
    """Ping pooled connections to a server before use (a local SQLite file needs no ping);
    never put bound values (what people typed) into error messages and logs."""
    options: dict = {"hide_parameters": True}
    return options if url.startswith("sqlite") else options | {"pool_pre_ping": True}


def _derived(secret: str) -> str:
    """The log-chain key, from the app secret unless AUDIT_CHAIN_KEY is set on its own."""
    return hmac.new(secret.encode(), b"access-log-chain", hashlib.sha256).hexdigest()


class Config:
    # Which configuration this is: "development" (make run), "test" or "production" (make serve).
    APP_ENV = "development"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Strict-Transport-Security max-age in seconds; 0 sends none (plain-HTTP development).
    HSTS_SECONDS = 0
    # Reverse proxies in front of the app (hops whose X-Forwarded-For/-Proto/-Host to trust);
    # 0 ignores forwarded headers: the client address is the connection's.
    TRUSTED_PROXIES = 0

    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"
    LANGUAGES = ("ja", "en")

    # Sessions: server-side rows (models.staff.accounts.StaffSession) plus a signed cookie.
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=30)
    SESSION_REFRESH_EACH_REQUEST = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "fbo_session"

    # Login throttling (admin_app.login_guard): failures only, in a store every worker shares
    # and a restart keeps: Redis when REDIS_URL is set, else the database ("database").
    LOGIN_THROTTLE_STORAGE = "database"
    LOGIN_ACCOUNT_FAILURES = 5  # failures within LOGIN_WINDOW lock the typed login ...
    LOGIN_WINDOW_MINUTES = 15
    LOGIN_LOCK_MINUTES = 15  # ... for this long
    LOGIN_ADDRESS_FAILURES = 30  # failed logins per address within LOGIN_WINDOW

    # Rendered public pages, per worker process; keys carry the public version stamp and the
    # date, so a change or an expiry is never served from here.
    CACHE_TYPE = "SimpleCache"
    CACHE_DEFAULT_TIMEOUT = 3600
    CACHE_THRESHOLD = 2000

    # The access log: on in every real deployment (the benchmark turns it off to compare).
    AUDIT_ENABLED = True
    # Earlier chain keys, oldest first, comma-separated: after a rotation of AUDIT_CHAIN_KEY
    # the rows they signed still verify (README, Production: rotating the chain key).
    AUDIT_CHAIN_OLD_KEYS = ""
    # Who may read the log: only from these networks when set (comma-separated CIDRs).
    LOG_REVIEW_NETWORKS = ""
    WORKING_HOURS = (8, 20)  # weekdays; access outside is flagged
    BULK_VIEWS_PER_HOUR = 100  # more detail views than this in an hour is flagged
    # Checkpoints of the log's chain are appended here when set (a file on the city's side).
    AUDIT_CHECKPOINT_FILE = ""

    # Personal data of an expired registration are erased this many days after expiry.
    REGISTRATION_GRACE_DAYS = 365
    # A renewal needs an eligibility check (利用要件確認) recorded within this many months.
    RENEWAL_CHECK_MONTHS = 3
    # Reservation fee multipliers in percent, where a facility sets none of its own
    # (models.reservation.fees): 市外 (non-residents), and admission charged.
    RESERVATION_NON_RESIDENT_PERCENT = 150
    RESERVATION_ADMISSION_PERCENT = 200

    # Mail to registrants (reminders, lottery results: models/reservation/notices.py) through
    # SMTP; while MAIL_OUTBOX names a directory, each message is written there as an .eml file
    # instead (development and tests). Production reads every MAIL_* from the environment.
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_USE_TLS = False
    MAIL_DEFAULT_SENDER = "noreply@localhost"
    MAIL_TIMEOUT = 10  # seconds: a slow server delays the daily job, never the counter
    MAIL_OUTBOX = str(INSTANCE / "outbox")
    MAIL_REMINDER_DAYS = 3  # a reminder this many days before the day of use
    MAIL_MAX_ATTEMPTS = 3  # a failed mail is tried again by the next days' jobs, this often in all

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the (30-minute idle) session
    # argon2id parameters (RFC 9106, second recommended option).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024
    ARGON2_PARALLELISM = 4

    def __init__(self) -> None:
        default_db = f"sqlite:///{INSTANCE / 'app.db'}"
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            os.environ.get("DATABASE_URL") or default_db
        )
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _dev_secret_key()
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(self.SQLALCHEMY_DATABASE_URI)
        self.AUDIT_CHAIN_KEY = os.environ.get("AUDIT_CHAIN_KEY") or _derived(self.SECRET_KEY)
        self.AUDIT_CHAIN_OLD_KEYS = os.environ.get("AUDIT_CHAIN_OLD_KEYS", "")
        self.LOG_REVIEW_NETWORKS = os.environ.get("LOG_REVIEW_NETWORKS", "")
        self.AUDIT_CHECKPOINT_FILE = os.environ.get("AUDIT_CHECKPOINT_FILE", "")
        self.LOGIN_THROTTLE_STORAGE = os.environ.get("REDIS_URL") or "database"
        self.LOGIN_ADDRESS_FAILURES = int(
            os.environ.get("LOGIN_ADDRESS_FAILURES", self.LOGIN_ADDRESS_FAILURES)
        )
        hops = _proxy_hops(os.environ)
        if hops is None:
            raise ConfigurationError(["TRUSTED_PROXIES must be a number of proxy hops (0-5)"])
        self.TRUSTED_PROXIES = hops


class ProductionConfig(Config):
    """`make serve`: selected by APP_ENV=production; refuses to start on a development-grade
    environment (no secret generated, no SQLite, no per-process throttle)."""

    APP_ENV = "production"
    SESSION_COOKIE_SECURE = True
    # __Host-: the browser keeps it only if Secure, Path=/ and no Domain — no sibling host or
    # plain-HTTP page can set or overwrite it.
    SESSION_COOKIE_NAME = "__Host-fbo_session"
    REMEMBER_COOKIE_SECURE = True  # no remember-me cookie is set today; if one ever is
    HSTS_SECONDS = 31536000  # one year
    PREFERRED_URL_SCHEME = "https"

    def __init__(self) -> None:
        if problems := production_problems(os.environ):
            raise ConfigurationError(problems)
        super().__init__()
        self.__dict__.update(mail_settings(os.environ))


def mail_settings(environ: Mapping[str, str]) -> dict[str, object]:
    """MAIL_* from the environment (production): SMTP unless MAIL_OUTBOX names a directory."""
    return {
        "MAIL_SERVER": environ.get("MAIL_SERVER", Config.MAIL_SERVER),
        "MAIL_PORT": int(environ.get("MAIL_PORT", Config.MAIL_PORT)),
        "MAIL_USERNAME": environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": environ.get("MAIL_USE_TLS", "").strip().lower() in ("1", "true", "yes"),
        "MAIL_DEFAULT_SENDER": environ.get("MAIL_DEFAULT_SENDER", Config.MAIL_DEFAULT_SENDER),
        "MAIL_OUTBOX": environ.get("MAIL_OUTBOX", ""),
    }


def config_for(environ: Mapping[str, str]) -> type[Config]:
    """The configuration APP_ENV names: production (make serve) or development (make run)."""
    name = environ.get("APP_ENV", "development").strip() or "development"
    if name == "production":
        return ProductionConfig
    if name == "development":
        return Config
    raise ConfigurationError([f"APP_ENV must be production or development, not {name!r}"])


class TestConfig(Config):
    __test__ = False  # not a pytest test class
    APP_ENV = "test"
    TESTING = True
    # Cheap hashes keep the suite fast; the algorithm (argon2id) is the same.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1

    def __init__(self) -> None:
        default_db = f"sqlite:///{INSTANCE / 'test.db'}"
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            os.environ.get("TEST_DATABASE_URL") or default_db
        )
        self.SECRET_KEY = "test-secret-key-not-for-production"
        self.MAIL_OUTBOX = str(INSTANCE / "test-outbox")  # tests point it at their own tmp_path
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(self.SQLALCHEMY_DATABASE_URI)
        self.AUDIT_CHAIN_KEY = _derived(self.SECRET_KEY)
        # LOGIN_THROTTLE_STORAGE stays "database" whatever REDIS_URL says: the suite never
        # touches a shared Redis (the Redis store's own tests name TEST_REDIS_URL).
