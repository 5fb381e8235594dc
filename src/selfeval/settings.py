"""Every setting selfeval takes from the environment, typed and documented in one place.

``current()`` is the only reader of ``SELFEVAL_*`` variables: modules ask it, never
``os.environ``. The variables are parsed once per distinct environment (a test or a command
that changes one gets the new value), and each is described in ``SETTINGS``, from which
docs/settings.md is generated and compared by a test.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_URL = "sqlite:///selfeval.db"
"""The store when none is named: ``selfeval.db`` in the working folder."""


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    meaning: str


SETTINGS: dict[str, Setting] = {
    "db": Setting("SELFEVAL_DB", DEFAULT_URL, "The store's SQLAlchemy URL (SQLite or PostgreSQL)."),
    "data_dir": Setting(
        "SELFEVAL_DATA_DIR",
        "",
        "Where a PostgreSQL store keeps its child-level Parquet files (a SQLite store keeps "
        "them beside its database file).",
    ),
    "max_file_bytes": Setting(
        "SELFEVAL_MAX_FILE_BYTES", "", "The largest return file a reader accepts, in bytes."
    ),
    "ssd_spec": Setting(
        "SELFEVAL_SSD_SPEC",
        "",
        "The ssd-data-model's data/objects folder: the SSD's YAML specifications.",
    ),
    "cache": Setting(
        "SELFEVAL_CACHE",
        "~/.cache/selfeval",
        "Where DfE's validators' environment is built (once), and where the indicators' "
        "compiled SQL (indicator-sql/, a folder per version of the code) and the ONS postcode "
        "centroids (postcodes/, a folder per version of D2I's package) are kept for the next run.",
    ),
    "council": Setting(
        "SELFEVAL_COUNCIL",
        "",
        "The council's TOML file for the documents (names, committee, meeting); default the "
        "example council.",
    ),
    "spark_master": Setting("SELFEVAL_SPARK_MASTER", "local[*]", "The Spark master URL."),
    "spark_partitions": Setting(
        "SELFEVAL_SPARK_PARTITIONS",
        "",
        "Spark's spark.sql.shuffle.partitions; default 4 per core in local mode, Spark's own "
        "on a cluster (docs/spark.md).",
    ),
    "spark_driver_memory": Setting(
        "SELFEVAL_SPARK_DRIVER_MEMORY",
        "",
        "Spark's spark.driver.memory; default a quarter of the machine's memory (1-8 GB) in "
        "local mode, Spark's own on a cluster.",
    ),
    "spark_staging": Setting(
        "SELFEVAL_SPARK_STAGING",
        "",
        "Where tables are written as Parquet for Spark to read: a folder or URI every executor "
        "can read (hdfs://, s3://); default a temporary folder, removed at exit.",
    ),
    "spark_batch": Setting("SELFEVAL_SPARK_BATCH", "10", "Indicators per Spark query."),
    "max_upload_mb": Setting(
        "SELFEVAL_MAX_UPLOAD_MB", "100", "The web's largest upload, in megabytes."
    ),
    "secret_key": Setting("SELFEVAL_SECRET_KEY", "", "The web's signing key."),
    "secret_key_file": Setting(
        "SELFEVAL_SECRET_KEY_FILE",
        "",
        "A file holding the web's signing key (created, owner-readable, if missing).",
    ),
    "crash_at": Setting(
        "SELFEVAL_CRASH_AT",
        "",
        "Tests only: kill the process at a named step of a load (crash-safety test).",
    ),
    "allowed_hosts": Setting(
        "SELFEVAL_ALLOWED_HOSTS",
        "127.0.0.1,localhost,[::1]",
        "The web's host names, separated by commas (Django's ALLOWED_HOSTS).",
    ),
    "csrf_trusted_origins": Setting(
        "SELFEVAL_CSRF_TRUSTED_ORIGINS",
        "",
        "Origins trusted for forms, separated by commas, e.g. https://selfeval.council.example.",
    ),
    "https": Setting(
        "SELFEVAL_HTTPS",
        "0",
        "1 behind a TLS-terminating reverse proxy: secure cookies, HSTS, redirect to HTTPS "
        "(docs/web.md); `selfeval serve` refuses a non-loopback address without it.",
    ),
    "trusted_proxy": Setting(
        "SELFEVAL_TRUSTED_PROXY",
        "127.0.0.1",
        "With SELFEVAL_HTTPS: the proxy's address (or `*`), whose X-Forwarded-Proto and "
        "X-Forwarded-For are believed.",
    ),
    "signin_free_failures": Setting(
        "SELFEVAL_SIGNIN_FREE_FAILURES",
        "5",
        "Failed sign-ins per account before each attempt must wait (docs/web.md).",
    ),
    "signin_free_failures_per_address": Setting(
        "SELFEVAL_SIGNIN_FREE_FAILURES_PER_ADDRESS",
        "20",
        "Failed sign-ins per address before each attempt must wait.",
    ),
    "signin_max_delay_minutes": Setting(
        "SELFEVAL_SIGNIN_MAX_DELAY_MINUTES",
        "15",
        "The longest wait between sign-in attempts, in minutes.",
    ),
    "oidc_client_id": Setting(
        "SELFEVAL_OIDC_CLIENT_ID",
        "",
        "Sign-in with Microsoft Entra ID (OpenID Connect): the application id; set, it turns "
        "OIDC sign-in on.",
    ),
    "oidc_client_secret": Setting("SELFEVAL_OIDC_CLIENT_SECRET", "", "OIDC: the client secret."),
    "oidc_tenant": Setting(
        "SELFEVAL_OIDC_TENANT", "organizations", "OIDC: the Entra ID tenant (its id or name)."
    ),
    "oidc_authorization_endpoint": Setting(
        "SELFEVAL_OIDC_AUTHORIZATION_ENDPOINT",
        "",
        "OIDC: the authorization endpoint; default the tenant's.",
    ),
    "oidc_token_endpoint": Setting(
        "SELFEVAL_OIDC_TOKEN_ENDPOINT", "", "OIDC: the token endpoint; default the tenant's."
    ),
    "oidc_user_endpoint": Setting(
        "SELFEVAL_OIDC_USER_ENDPOINT",
        "",
        "OIDC: the user-info endpoint; default Microsoft Graph's.",
    ),
    "oidc_jwks_endpoint": Setting(
        "SELFEVAL_OIDC_JWKS_ENDPOINT", "", "OIDC: the signing keys' endpoint; default the tenant's."
    ),
    "static_root": Setting(
        "SELFEVAL_STATIC_ROOT",
        "",
        "Where `collectstatic` puts the web's static files for a proxy to serve; default served "
        "by the app from the package.",
    ),
    "cache_dir": Setting(
        "SELFEVAL_CACHE_DIR",
        "",
        "A folder the web's workers share for cached figures (mode 0700: it holds pages of "
        "children's lists); default each process its own memory.",
    ),
    "log_level": Setting("SELFEVAL_LOG_LEVEL", "WARNING", "The web's application log level."),
}
"""What each setting is: its variable, its default, what it means (docs/settings.md)."""


@dataclass(frozen=True)
class Settings:
    """The settings of this process, as typed values."""

    db: str = DEFAULT_URL
    data_dir: Path | None = None
    max_file_bytes: int | None = None
    ssd_spec: Path | None = None
    cache: Path = Path("~/.cache/selfeval")
    council: Path | None = None
    spark_master: str | None = None
    spark_partitions: int | None = None
    spark_driver_memory: str | None = None
    spark_staging: str | None = None
    spark_batch: int = 10
    max_upload_mb: float = 100.0
    secret_key: str | None = None
    secret_key_file: Path | None = None
    crash_at: str | None = None
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]")
    csrf_trusted_origins: tuple[str, ...] = ()
    https: bool = False
    trusted_proxy: str = "127.0.0.1"
    signin_free_failures: int = 5
    signin_free_failures_per_address: int = 20
    signin_max_delay_minutes: float = 15.0
    oidc_client_id: str | None = None
    oidc_client_secret: str = ""
    oidc_tenant: str = "organizations"
    oidc_authorization_endpoint: str | None = None
    oidc_token_endpoint: str | None = None
    oidc_user_endpoint: str | None = None
    oidc_jwks_endpoint: str | None = None
    static_root: str | None = None
    cache_dir: str | None = None
    log_level: str = "WARNING"

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @classmethod
    def from_environ(cls, environ: dict[str, str]) -> Settings:
        """The settings the variables in ``environ`` give (blank is unset)."""
        raw = {
            name: v.strip()
            for name, s in SETTINGS.items()
            if (v := environ.get(s.env)) is not None and v.strip()
        }

        def path(name: str) -> Path | None:
            return Path(raw[name]).expanduser() if name in raw else None

        def listed(name: str) -> tuple[str, ...]:
            text = raw.get(name, SETTINGS[name].default)
            return tuple(x.strip() for x in text.split(",") if x.strip())

        def number(name: str) -> str:
            return raw.get(name, SETTINGS[name].default)

        size = raw.get("max_file_bytes", "")
        return cls(
            db=raw.get("db", DEFAULT_URL),
            data_dir=path("data_dir"),
            max_file_bytes=int(size) if size.isdigit() else None,
            ssd_spec=path("ssd_spec"),
            cache=path("cache") or Path.home() / ".cache" / "selfeval",
            council=path("council"),
            spark_master=raw.get("spark_master"),
            spark_partitions=int(raw["spark_partitions"]) if "spark_partitions" in raw else None,
            spark_driver_memory=raw.get("spark_driver_memory"),
            spark_staging=raw.get("spark_staging"),
            spark_batch=max(1, int(raw.get("spark_batch", "10"))),
            max_upload_mb=float(raw.get("max_upload_mb", "100")),
            secret_key=raw.get("secret_key"),
            secret_key_file=path("secret_key_file"),
            crash_at=raw.get("crash_at"),
            allowed_hosts=listed("allowed_hosts"),
            csrf_trusted_origins=listed("csrf_trusted_origins"),
            https=raw.get("https", "").lower() in {"1", "true", "yes", "on"},
            trusted_proxy=raw.get("trusted_proxy", SETTINGS["trusted_proxy"].default),
            signin_free_failures=int(number("signin_free_failures")),
            signin_free_failures_per_address=int(number("signin_free_failures_per_address")),
            signin_max_delay_minutes=float(number("signin_max_delay_minutes")),
            oidc_client_id=raw.get("oidc_client_id"),
            oidc_client_secret=raw.get("oidc_client_secret", ""),
            oidc_tenant=raw.get("oidc_tenant", SETTINGS["oidc_tenant"].default),
            oidc_authorization_endpoint=raw.get("oidc_authorization_endpoint"),
            oidc_token_endpoint=raw.get("oidc_token_endpoint"),
            oidc_user_endpoint=raw.get("oidc_user_endpoint"),
            oidc_jwks_endpoint=raw.get("oidc_jwks_endpoint"),
            static_root=raw.get("static_root"),
            cache_dir=raw.get("cache_dir"),
            log_level=raw.get("log_level", SETTINGS["log_level"].default),
        )


_VARIABLES = tuple(s.env for s in SETTINGS.values())
_parsed: dict[tuple[str | None, ...], Settings] = {}


def current() -> Settings:
    """This process's settings, from its environment as it is now: parsed once per state of
    the variables (a lookup of each, no parsing, on every later call; a test or command that
    changes a variable gets the new value). About 60 µs a call: a reader asking once a file
    reads its one variable instead (``max_file_bytes``)."""
    key = tuple(map(os.environ.get, _VARIABLES))
    found = _parsed.get(key)
    if found is None:
        values = {k: v for k, v in zip(_VARIABLES, key, strict=True) if v is not None}
        found = _parsed[key] = Settings.from_environ(values)
    return found


def max_file_bytes() -> int | None:
    """``current().max_file_bytes`` from its one variable: the readers ask once a file (a
    small authority's 903 return is ten files of a millisecond each)."""
    v = (os.environ.get(SETTINGS["max_file_bytes"].env) or "").strip()
    return int(v) if v.isdigit() else None


def settings_markdown() -> str:
    """docs/settings.md: every setting, generated from ``SETTINGS``."""
    out = [
        "# Settings",
        "",
        "selfeval reads these environment variables, and only these (`selfeval.settings`); "
        "generated from `SETTINGS`, compared by a test. docs/web.md says how the web's are used "
        "in a deployment.",
        "",
        "| variable | default | meaning |",
        "| --- | --- | --- |",
    ]
    for s in SETTINGS.values():
        out.append(f"| `{s.env}` | {f'`{s.default}`' if s.default else '(none)'} | {s.meaning} |")
    return "\n".join(out) + "\n"
