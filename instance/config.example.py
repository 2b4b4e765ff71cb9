"""Example instance configuration: copy to instance/config.py and edit.

Anything here can also be set with a PORTAL_-prefixed environment variable,
which wins over this file (PORTAL_SECRET_KEY, PORTAL_MAIL_SERVER, ...).
"""

# Required in production: a long random value, e.g. python -c "import secrets; print(secrets.token_hex(32))"
# SECRET_KEY = "..."

# Required in production: keys for the values stored encrypted (bank account numbers, two-factor
# secrets) and for their keyed hashes. Each is 32 random bytes in base64:
#   python3 -c "import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())"
# To rotate, add a new id, point ENCRYPTION_KEY_ID at it, then run `flask --app wsgi keys rotate`.
# ENCRYPTION_KEYS = {"2026a": "..."}
# ENCRYPTION_KEY_ID = "2026a"
# HASH_KEY = "..."

# Required in production: where sellers reach the portal. Every link in mail is built from it,
# and requests for any other host are answered 400 (TRUSTED_HOSTS, which defaults to its host).
# PUBLIC_URL = "https://sellers.koopseri.com"
# TRUSTED_HOSTS = ["sellers.koopseri.com"]

# Required in production: the Data Protection Officer's email (PDPA s.12A), shown on
# /privacy/contact with their name and phone (international form).
# DPO_EMAIL = "dpo@koopseri.com"
# DPO_NAME = "Full Name"
# DPO_PHONE = "+60 3-2712 0000"

# ENVIRONMENT = "production"  # or "development" (allows a generated secret key)

# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://portal@db.internal/portal"

# MAIL_SERVER = "smtp.internal"
# MAIL_PORT = 587
# MAIL_USE_TLS = True
# MAIL_USERNAME = "portal"
# MAIL_PASSWORD = "..."
# MAIL_DEFAULT_SENDER = "Koopseri <no-reply@koopseri.com>"

# RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"

# The marketplace's API (/api/v1, docs/api.md): its bearer tokens, one or two while one
# replaces the other, each at least 32 characters, e.g.
#   python3 -c "import secrets; print(secrets.token_urlsafe(32))"
# Unset, the API refuses every call. Better kept in the environment (PORTAL_MARKETPLACE_API_TOKENS).
# MARKETPLACE_API_TOKENS = ["..."]
# RATELIMIT_MARKETPLACE_API = "600 per minute"  # per token

# SESSION_COOKIE_SECURE = True  # when served over HTTPS (always, in production)
# PROXY_FIX_X_FOR = 1  # number of proxies in front of the portal
