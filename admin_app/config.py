"""Configuration classes; every value that differs per deployment comes from the environment."""

import hashlib
import hmac
import os
import secrets
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


def _dev_secret_key() -> str:
    """A per-checkout secret for development, kept in instance/ (never committed)."""
    INSTANCE.mkdir(exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


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
        self.LOG_REVIEW_NETWORKS = os.environ.get("LOG_REVIEW_NETWORKS", "")
        self.AUDIT_CHECKPOINT_FILE = os.environ.get("AUDIT_CHECKPOINT_FILE", "")
        self.LOGIN_THROTTLE_STORAGE = os.environ.get("REDIS_URL") or "database"
        self.LOGIN_ADDRESS_FAILURES = int(
            os.environ.get("LOGIN_ADDRESS_FAILURES", self.LOGIN_ADDRESS_FAILURES)
        )


class ProductionConfig(Config):
    APP_ENV = "production"
    SESSION_COOKIE_SECURE = True
    HSTS_SECONDS = 31536000  # one year

    def __init__(self) -> None:
        for name in ("SECRET_KEY", "DATABASE_URL"):
            if not os.environ.get(name):
                raise RuntimeError(f"{name} must be set in production")
        super().__init__()


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
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(self.SQLALCHEMY_DATABASE_URI)
        self.AUDIT_CHAIN_KEY = _derived(self.SECRET_KEY)
        # LOGIN_THROTTLE_STORAGE stays "database" whatever REDIS_URL says: the suite never
        # touches a shared Redis (the Redis store's own tests name TEST_REDIS_URL).
