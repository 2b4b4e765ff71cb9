"""Configuration: defaults in code, then ``instance/config.py``, then ``PORTAL_*`` variables.

Nothing here reads the environment at import time; :func:`load_config` is called by the
application factory with the app it is building.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import phonenumbers
from flask import Flask
from werkzeug.wsgi import host_is_trusted


class ConfigError(RuntimeError):
    """The configuration cannot run safely (raised at start-up, never at request time)."""


# Placeholder values that must never be used as a real secret key.
_WEAK_SECRET_KEYS = {"", "dev", "secret", "changeme", "change-me", "development"}
_MIN_SECRET_KEY_LENGTH = 32
DEVELOPMENT_PUBLIC_URL = "http://127.0.0.1:5000"  # where `make run` serves
# Who answers privacy questions on a developer's machine: example.com, so no real mailbox.
DEVELOPMENT_DPO = {
    "DPO_NAME": "Data Protection Officer (development)",
    "DPO_EMAIL": "dpo@example.com",
    "DPO_PHONE": "+60321234567",
}


class Defaults:
    """Values for a fresh installation. Each can be overridden; see ``instance/config.example.py``."""

    ENVIRONMENT = "production"  # "development" allows a generated secret key
    LOG_LEVEL = "INFO"  # the portal's own loggers; they carry ids and counts, never personal data
    LOG_FORMAT: str | None = (
        None  # "json" (gunicorn.conf.py sets it) or "text"; None: leave logging alone
    )
    TRUST_REQUEST_ID = False  # take X-Request-ID from the proxy in front (set with PROXY_FIX_*)
    SECRET_KEY: str | None = None

    SQLALCHEMY_DATABASE_URI: str | None = None  # None: SQLite file in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # A pooled connection idle this long is checked (SELECT 1) before use: the server or a
    # firewall may have dropped it. One used a moment ago is not (portal.extensions).
    DATABASE_PING_AFTER_IDLE_SECONDS = 30

    # Sessions: the cookie only carries a signed session id; the session itself lives in the
    # database, so it is valid on every web process and can be revoked.
    SESSION_COOKIE_NAME = "portal_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(days=30)
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    STAFF_IDLE_TIMEOUT = timedelta(minutes=15)  # staff see the most sensitive data
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    SESSION_REMEMBER_LIFETIME = timedelta(days=30)
    DEVICE_COOKIE_NAME = "portal_device"
    DEVICE_COOKIE_LIFETIME = timedelta(days=365)

    BCRYPT_ROUNDS = 12
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_MAX_LENGTH = 1024  # long passphrases are welcome; megabytes are not

    VERIFY_EMAIL_MAX_AGE = timedelta(hours=48)
    RESET_PASSWORD_MAX_AGE = timedelta(hours=1)
    EMAIL_CHANGE_MAX_AGE = timedelta(hours=24)
    REAUTH_WINDOW = timedelta(minutes=10)  # password (and code) needed again for sensitive acts
    TWO_FACTOR_LOGIN_MAX_AGE = timedelta(minutes=5)  # between the password and the code

    # Encryption at rest (portal.crypto): only from instance/config.py or the environment.
    # ENCRYPTION_KEYS maps key ids to base64 keys; ENCRYPTION_KEY_ID names the one new values
    # use; HASH_KEY keys the equality-search hashes. Development generates its own.
    ENCRYPTION_KEYS: dict = {}
    ENCRYPTION_KEY_ID: str | None = None
    HASH_KEY: str | None = None

    # Keeping details current: a reminder when the last review is older than this.
    REVIEW_INTERVAL = timedelta(days=365)
    REMINDER_BATCH_SIZE = 500
    # Verification (issue 23): the days a seller has to complete a requirement from the day
    # it first becomes due (a passport's own expiry date is its deadline instead).
    VERIFICATION_DEADLINE_DAYS = 30
    # Where sellers reach the portal, e.g. "https://sellers.koopseri.com" (a path prefix is
    # allowed). Every link in mail is built from it (portal.links), never from the request's
    # Host. Required in production; development falls back to DEVELOPMENT_PUBLIC_URL.
    PUBLIC_URL: str | None = None
    # The Data Protection Officer (PDPA s.12A), shown on /privacy/contact. DPO_EMAIL is required
    # in production; development falls back to DEVELOPMENT_DPO. DPO_PHONE is an international
    # number ("+60 3-2712 0000"); without one the page gives email only.
    DPO_NAME: str | None = None
    DPO_EMAIL: str | None = None
    DPO_PHONE: str | None = None
    # Flask's own setting: a request whose Host is not in this list is answered 400. None in
    # production means the host of PUBLIC_URL only; development accepts any unless set.
    TRUSTED_HOSTS: list[str] | None = None

    # Rate limits (django-allauth's figures). Failed logins only count against the first two.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_LOGIN_FAILED_PER_IP = "10 per minute"
    RATELIMIT_LOGIN_FAILED_PER_ACCOUNT = "5 per 5 minutes"
    RATELIMIT_SIGNUP_PER_IP = "20 per minute"
    # Mail anyone can make us send to someone else's mailbox: reset links, and email-change
    # links and alerts. django-allauth limits these per minute ("reset_password":
    # "20/m/ip,5/m/key", "change_email": "1/m/user"), which still lets one address be sent
    # 7,200 reset emails a day (issue 19). So each has an hourly and a daily cap, per address,
    # per client address and per account: a person who is locked out needs two or three
    # tries an hour, and the daily cap bounds what a victim's mailbox can be sent. Per client
    # address the figures leave room for many people behind one carrier-grade NAT.
    RATELIMIT_RESET_PER_EMAIL = "5 per hour;10 per day"
    RATELIMIT_RESET_PER_IP = "20 per hour;100 per day"
    RATELIMIT_RESET_PER_ACCOUNT = "10 per day"  # reset mails sent; silent, after the answer
    RATELIMIT_EMAIL_CHANGE_PER_ACCOUNT = "5 per hour;10 per day"
    RATELIMIT_EMAIL_CHANGE_PER_IP = "20 per hour;100 per day"
    RATELIMIT_EMAIL_CHANGE_PER_ADDRESS = "3 per hour;5 per day"  # the new address never asked
    RATELIMIT_SIGNUP_PER_EMAIL = "5 per hour;10 per day"  # "someone tried to register" mail
    RATELIMIT_VERIFY_PER_ACCOUNT = "5 per hour;10 per day"  # a new link at each log-in
    RATELIMIT_RESEND_PER_EMAIL = "3 per hour;10 per day"  # "Send the link again"
    RATELIMIT_RESEND_PER_IP = "20 per hour;100 per day"
    RATELIMIT_MINOR_REPORT_PER_IP = "5 per hour"
    RATELIMIT_MINOR_REPORT_RECEIPTS_PER_EMAIL = "3 per hour;10 per day"  # reports are all kept
    # The public privacy-request form (/privacy/request): a 6-digit code emailed to the
    # address confirms it; tries per code, codes per address, forms and tries per client.
    PRIVACY_REQUEST_CODE_MAX_AGE = timedelta(minutes=10)
    PRIVACY_REQUEST_CODE_ATTEMPTS = 5
    RATELIMIT_PRIVACY_REQUEST_PER_IP = "5 per hour;20 per day"
    RATELIMIT_PRIVACY_REQUEST_CONFIRM_PER_IP = "20 per hour"
    RATELIMIT_PRIVACY_REQUEST_CODES_PER_EMAIL = "3 per hour;10 per day"  # silent
    MINOR_REPORT_MIN_SECONDS = 3  # a report sent sooner after the form was shown is a robot's
    MINOR_REPORT_KEEP_REPORTER = timedelta(days=183)  # after closing (`flask reports purge`)
    LOCKOUT_THRESHOLD = 5  # failures in the window above that lock and alert the owner
    LOCKOUT_WINDOW = timedelta(minutes=5)
    # Wrong codes after the right password mean the password is known: the owner is told after
    # this many, each within the window of the one before, and at most once per window. A
    # right code starts the count again, so the owner's own typing slips rarely add up.
    TWO_FACTOR_ALERT_THRESHOLD = 3
    TWO_FACTOR_ALERT_WINDOW = timedelta(hours=24)

    MAIL_SERVER: str | None = None  # None: write .eml files to instance/mail/
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_TIMEOUT = 10
    MAIL_DEFAULT_SENDER = "Koopseri Seller Portal <no-reply@koopseri.com>"
    MAIL_MESSAGE_ID_DOMAIN = "portal.koopseri.com"
    # Mail is handed to the transport right after the commit that wrote it; the worker
    # (`flask outbox work`) sends whatever that could not. False: the worker sends everything.
    MAIL_HANDOVER_AFTER_COMMIT = True
    OUTBOX_BATCH_SIZE = 100  # messages claimed, and sent over one connection, at a time
    OUTBOX_POLL_INTERVAL = 5.0  # seconds the worker waits when nothing is due
    OUTBOX_CLAIM_TIMEOUT = timedelta(minutes=5)  # a claim by a sender that died runs out
    OUTBOX_MAX_ATTEMPTS = 8  # temporary failures before a message is marked failed
    OUTBOX_RETRY_BASE = timedelta(minutes=1)  # doubled after each attempt, with jitter
    OUTBOX_RETRY_MAX = timedelta(hours=6)
    OUTBOX_UNREACHABLE_AFTER = 3  # undeliverable emails in a row before staff step in
    POLICY_NOTIFY_BATCH_SIZE = 1000  # sellers per INSERT … SELECT when a new policy is published

    LANGUAGES = ("en", "ms")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Asia/Kuala_Lumpur"
    DEFAULT_PHONE_REGION = "MY"
    MINIMUM_AGE = 18

    PROXY_FIX_X_FOR = 0  # number of trusted proxies in front of the portal
    PROXY_FIX_X_PROTO = 0

    # Photographs and documents (portal.documents). Files are stored encrypted, outside
    # static/, in DOCUMENT_STORAGE_PATH (None: documents/ in the instance folder).
    DOCUMENT_STORAGE_PATH: str | None = None
    # "local" (the folder above) or "s3": an S3-compatible object store (AWS S3, MinIO, Ceph
    # RGW...), reached with boto3. Credentials come from the standard AWS variables or roles
    # (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE...), never from this file.
    DOCUMENT_STORAGE = "local"
    S3_BUCKET: str | None = None
    S3_PREFIX = ""  # prepended to every key, e.g. "documents/"
    S3_ENDPOINT_URL: str | None = None  # None: AWS; set it for MinIO, Ceph or another service
    S3_REGION: str | None = None
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024  # per file
    # An oversized upload is read to its end (and thrown away) up to this many bytes, so the
    # browser shows the error page instead of "connection reset".
    UPLOAD_DRAIN_MAX_BYTES = 256 * 1024 * 1024
    # Decoding a picture is what costs an upload memory. A picture is let in only if what
    # decoding and cleaning it hold stays within what an opaque colour picture of
    # IMAGE_MAX_PIXELS holds (portal.documents.pictures): PNG up to 16 million pixels (fewer
    # with transparency, more in grey), JPEG decoded reduced so a 48 MP photo costs little.
    # Chosen with bench/upload_memory.py: the costliest accepted picture of each kind takes a
    # worker to about 210 MiB, within a budget of 256 MiB (docs/performance.md).
    IMAGE_MAX_PIXELS = 16_000_000
    # Pictures are scaled down to this longest side: a MyKad at about 590 dpi, an A4 page at
    # about 170 dpi. Also what JPEGs are decoded reduced towards, and what bounds the one
    # step of scaling that cannot be reduced first (under twice this a side).
    IMAGE_MAX_SIDE = 2000
    THUMBNAIL_SIDE = 320
    PDF_PREVIEW_PAGES = 2  # pages of a PDF drawn for reviewers (MyKad front and back)
    ORPHAN_GRACE = timedelta(hours=1)  # `documents check` leaves younger files alone

    # Third parties. Endpoints and tokens per party slug, from configuration only, e.g.
    # PORTAL_SHARING_ENDPOINTS='{"dhl": "https://api.example/pickups"}'. Without an endpoint,
    # development writes each payload to SHARING_FOLDER (instance/shared); production refuses.
    SHARING_ENDPOINTS: dict = {}
    SHARING_TOKENS: dict = {}
    SHARING_TIMEOUT = 10.0  # seconds per attempt
    SHARING_ATTEMPTS = 3  # tries per transfer; only failures that may pass are retried
    SHARING_RETRY_DELAY = 0.5  # seconds before the second try, doubled before each next
    SHARING_CA_FILE: str | None = None  # a private CA bundle for the endpoints, if any
    # A seller's store may be at a loopback or private address: for tests and a developer's
    # own store only. Off, the portal never calls a store address that is not public.
    SHARING_STORE_PRIVATE_ADDRESSES = False
    SHARING_MAX_WAIT = 5.0  # seconds a party's Retry-After may hold a retry; longer: "busy"
    # The keys each party gave Koopseri, by slug (docs/deploy.md says how to obtain them):
    # PORTAL_SHARING_CREDENTIALS='{"dhl": {"username": "…", "password": "…", "account": "…"},
    # "sendparcel": {"client_id": "…", "client_secret": "…", "account_number": "…",
    # "subscription_code": "…"}}' (docs/parties/). Never in the database, never logged.
    SHARING_CREDENTIALS: dict = {}
    SHARING_FOLDER: str | None = None
    PICKUP_MAX_DAYS_AHEAD = 14

    # The retention schedule (portal/retention/rules.py reads these; /retention shows them).
    RETENTION_UNVERIFIED = timedelta(days=7)  # registrations whose email was never confirmed
    RETENTION_MAIL_MONTHS = 24  # copies of emails sent to sellers
    RETENTION_OTHER_MAIL_MONTHS = 6  # emails to people without an account
    RETENTION_ACCESS_LOG_MONTHS = 24  # staff's and the marketplace's looks at a seller's data
    # Data-subject requests once closed: 6 years, the Limitation Act 1953 s.6 period within
    # which a claim about how a request was answered may be brought (portal/retention/rules.py).
    RETENTION_PRIVACY_REQUEST_MONTHS = 72
    # The breach register (PDPA s.12B), from discovery: 6 years, the time a seller has to
    # bring a claim over it (Limitation Act 1953, s.6), and more than the 2 years the
    # Commissioner's guideline asks a controller to keep its breach records.
    RETENTION_BREACH_MONTHS = 72
    RETENTION_BATCH_SIZE = 500  # accounts erased per transaction by `flask retention run`
    RATELIMIT_EXPORT = "3 per hour"  # "download my data", per account

    # The marketplace's API (/api/v1, portal.api). The bearer tokens it may present: one, or
    # two while one replaces the other (a JSON list, or the tokens separated by commas), each
    # at least 32 characters of RFC 6750's token alphabet. Unset, the API refuses every call.
    # Only from instance/config.py or the environment; never logged, never shown.
    MARKETPLACE_API_TOKENS: list[str] | str | None = None
    # Calls per token; a caller without a valid token is counted per client address.
    RATELIMIT_MARKETPLACE_API = "600 per minute"

    # Prometheus metrics (/metrics, docs/operations.md): answered to these addresses and
    # networks (a list, or one string "127.0.0.1, 10.0.0.0/8"), or to a scraper that sends
    # METRICS_TOKEN as a bearer token; everyone else gets 404. Only from instance/config.py
    # or the environment, the token; never logged.
    METRICS_ALLOW: tuple[str, ...] | list[str] | str = ("127.0.0.1", "::1")
    METRICS_TOKEN: str | None = None

    WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session that holds it
    MAX_CONTENT_LENGTH = 1 * 1024 * 1024  # forms only; uploads get their own limit


def load_config(app: Flask, overrides: dict | None = None) -> None:
    """Fill ``app.config`` along the chain and check that the result is safe to run."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("PORTAL")
    if overrides:
        app.config.update(overrides)

    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        database = Path(app.instance_path) / "portal.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite has no server-side pool to keep alive.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            k: v for k, v in app.config["SQLALCHEMY_ENGINE_OPTIONS"].items() if k != "pool_pre_ping"
        }
    _check_secret_key(app)
    _check_public_url(app)
    _check_metrics(app)
    _check_data_protection_officer(app)
    _check_marketplace_api_tokens(app)
    _check_verification_deadline(app)
    _check_document_storage(app)


def _check_document_storage(app: Flask) -> None:
    backend = app.config["DOCUMENT_STORAGE"]
    if backend not in ("local", "s3"):
        raise ConfigError(f"DOCUMENT_STORAGE must be 'local' or 's3', not {backend!r}.")
    if backend == "s3" and not app.config["S3_BUCKET"]:
        raise ConfigError("DOCUMENT_STORAGE is 's3' but S3_BUCKET is not set.")


def is_development(app: Flask) -> bool:
    return app.config["ENVIRONMENT"] == "development" or app.testing


def _check_secret_key(app: Flask) -> None:
    key = app.config.get("SECRET_KEY") or ""
    weak = key.strip().lower() in _WEAK_SECRET_KEYS or len(key) < _MIN_SECRET_KEY_LENGTH
    if not weak:
        return
    if not is_development(app):
        raise ConfigError(
            "Refusing to start in production without a real secret key: set PORTAL_SECRET_KEY "
            f"(or SECRET_KEY in instance/config.py) to at least {_MIN_SECRET_KEY_LENGTH} random "
            "characters, or set PORTAL_ENVIRONMENT=development on a developer machine."
        )
    app.config["SECRET_KEY"] = _development_secret_key(Path(app.instance_path))


def _development_secret_key(instance: Path) -> str:
    """A random key kept in the instance folder, so a development restart keeps sessions."""
    path = instance / "dev-secret-key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        instance.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        path.write_text(key)
        path.chmod(0o600)
        return key


def _check_public_url(app: Flask) -> None:
    """PUBLIC_URL is an absolute http(s) URL (required in production); TRUSTED_HOSTS follows it.

    Links in mail come from PUBLIC_URL only, so production must know it; and a request for
    another host is refused there (Flask answers 400), so nothing is ever built from a Host
    an attacker chose (OWASP WSTG-INPV-17, host header injection).
    """
    config = app.config
    if not config.get("PUBLIC_URL"):
        if not is_development(app):
            raise ConfigError(
                "Refusing to start in production without PUBLIC_URL: set PORTAL_PUBLIC_URL (or "
                "PUBLIC_URL in instance/config.py) to the address sellers use, e.g. "
                "https://sellers.koopseri.com. Links in emails are built from it."
            )
        config["PUBLIC_URL"] = DEVELOPMENT_PUBLIC_URL
    parts = urlsplit(config["PUBLIC_URL"])
    extra = parts.query or parts.fragment or parts.username or parts.password
    if parts.scheme not in ("http", "https") or not parts.hostname or extra:
        raise ConfigError(
            f"PUBLIC_URL must be an absolute http:// or https:// address such as "
            f"https://sellers.koopseri.com, not {config['PUBLIC_URL']!r}."
        )

    trusted = config.get("TRUSTED_HOSTS")
    if isinstance(trusted, str):  # PORTAL_TRUSTED_HOSTS=a.example,b.example (not JSON)
        trusted = [host.strip() for host in trusted.split(",") if host.strip()]
    if trusted is None and not is_development(app):
        trusted = [parts.hostname]
    config["TRUSTED_HOSTS"] = trusted or None
    if trusted and not host_is_trusted(parts.netloc, trusted):
        # The post-response work (portal.deferred) runs in a request for PUBLIC_URL's host.
        raise ConfigError(
            f"TRUSTED_HOSTS {trusted!r} must include the host of PUBLIC_URL ({parts.hostname})."
        )


def _check_data_protection_officer(app: Flask) -> None:
    """The DPO can be reached by email (required in production) and, if given, by phone.

    PDPA s.12A (Act A1727): a controller of Koopseri's kind appoints a Data Protection Officer
    whose business contact is published; /privacy/contact shows these settings.
    """
    config = app.config
    if not config.get("DPO_EMAIL"):
        if not is_development(app):
            raise ConfigError(
                "Refusing to start in production without DPO_EMAIL: set PORTAL_DPO_EMAIL (or "
                "DPO_EMAIL in instance/config.py) to the Data Protection Officer's address "
                "(PDPA s.12A); /privacy/contact publishes it with PORTAL_DPO_NAME and "
                "PORTAL_DPO_PHONE."
            )
        for name, value in DEVELOPMENT_DPO.items():
            config[name] = config.get(name) or value
    email = config["DPO_EMAIL"]
    if not isinstance(email, str) or email.count("@") != 1 or " " in email.strip():
        raise ConfigError(f"DPO_EMAIL must be one email address, not {email!r}.")
    config["DPO_NAME"] = config.get("DPO_NAME") or None
    config["DPO_PHONE"] = _international_phone(config.get("DPO_PHONE"))


def _check_verification_deadline(app: Flask) -> None:
    """A seller is given a whole number of days, at least one, to meet a requirement."""
    days = app.config["VERIFICATION_DEADLINE_DAYS"]
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ConfigError(
            f"VERIFICATION_DEADLINE_DAYS must be a whole number of days, 1 or more, not {days!r}."
        )


def _international_phone(value) -> str | None:
    """``value`` as E.164 (what the ``phone`` filter shows), or None if not set."""
    if not value:
        return None
    try:
        number = phonenumbers.parse(str(value), None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ConfigError(
            f"DPO_PHONE must be a phone number in international form such as "
            f"+60 3-2712 0000, not {value!r}."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# RFC 6750 s.2.1: what a bearer token is made of ("b64token"); 32 characters at the least,
# so that guessing one is hopeless.
_BEARER_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
_MIN_API_TOKEN_LENGTH = 32


def _check_marketplace_api_tokens(app: Flask) -> None:
    """MARKETPLACE_API_TOKENS becomes a tuple of well-formed tokens (empty: the API refuses
    every call). A token is never repeated in an error message: the message says which one
    (first, second) is wrong and why."""
    value = app.config.get("MARKETPLACE_API_TOKENS")
    if not value:
        tokens: list = []
    elif isinstance(value, str):
        tokens = [token.strip() for token in value.split(",") if token.strip()]
    elif isinstance(value, list | tuple):
        tokens = list(value)
    else:
        raise ConfigError(
            "MARKETPLACE_API_TOKENS must be one token, or a list of tokens (a JSON list, or "
            "tokens separated by commas)."
        )
    for number, token in enumerate(tokens, start=1):
        if (
            not isinstance(token, str)
            or len(token) < _MIN_API_TOKEN_LENGTH
            or not _BEARER_TOKEN.fullmatch(token)
        ):
            raise ConfigError(
                f"MARKETPLACE_API_TOKENS: token {number} must be at least "
                f"{_MIN_API_TOKEN_LENGTH} characters of letters, digits and - . _ ~ + / "
                '(for example from `python3 -c "import secrets; print(secrets.token_urlsafe(32))"`).'
            )
    app.config["MARKETPLACE_API_TOKENS"] = tuple(tokens)


def _check_metrics(app: Flask) -> None:
    """METRICS_ALLOW as networks (METRICS_ALLOW_NETWORKS), read once at start-up."""
    value = app.config["METRICS_ALLOW"]
    items = value.replace(",", " ").split() if isinstance(value, str) else list(value or [])
    try:
        networks = [ipaddress.ip_network(str(item).strip(), strict=False) for item in items]
    except ValueError as error:
        raise ConfigError(f"METRICS_ALLOW: {error}") from None
    app.config["METRICS_ALLOW_NETWORKS"] = networks
    token = app.config.get("METRICS_TOKEN")
    if token is not None and len(str(token)) < 32:
        raise ConfigError("METRICS_TOKEN must be at least 32 characters (or unset)")
