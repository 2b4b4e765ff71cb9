"""A third party's HTTPS endpoint, for real, on loopback: TLS with a certificate made for the
test run, JSON in, scripted answers out, and a record of every request it received."""

from __future__ import annotations

import datetime
import ipaddress
import json
import secrets
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (and its key), which clients trust as CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    # A name of its own, so several such certificates can share one CA bundle (OpenSSL finds
    # an issuer by its name).
    common_name = f"partner-{secrets.token_hex(4)}.test"
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "partner-cert.pem", folder / "partner-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict


@dataclass
class Reply:
    status: int = 201
    body: dict | None = None
    delay: float = 0.0  # seconds before answering (longer than the client's timeout: a timeout)


@dataclass
class Partner:
    url: str
    ca_file: str
    received: list[Received] = field(default_factory=list)
    # Answers given in order; once used up, every request gets ``default``.
    replies: list[Reply] = field(default_factory=list)
    default: Reply = field(default_factory=lambda: Reply(201, {"reference": "PARTNER-1"}))

    def answer(self, *replies: Reply) -> None:
        self.replies[:] = list(replies)


@contextmanager
def serve_partner(folder: Path, path: str = "/v1/requests") -> Iterator[Partner]:
    cert, key = make_certificate(folder)
    state: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            partner: Partner = state["partner"]
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            partner.received.append(
                Received(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, json.loads(raw)
                )
            )
            reply = partner.replies.pop(0) if partner.replies else partner.default
            if reply.delay:
                time.sleep(reply.delay)
            payload = json.dumps(reply.body or {}).encode()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:  # the client gave up (a timeout test)
                pass

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    partner = Partner(url=f"https://127.0.0.1:{server.server_port}{path}", ca_file=str(cert))
    state["partner"] = partner
    # A short poll, so that shutting the server down at a test's end takes no half second.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="partner", daemon=True
    )
    thread.start()
    try:
        yield partner
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def speak_json(app, slugs=("dhl", "sendparcel", "woocommerce")) -> None:
    """Let the registry's parties speak the portal's own JSON to a generic partner, as a
    party an admin added does: for tests of the door itself rather than of a party's API."""
    from sqlalchemy import update

    from portal.extensions import db
    from portal.sharing.models import ThirdParty

    with app.app_context():
        db.session.execute(
            update(ThirdParty).where(ThirdParty.slug.in_(slugs)).values(connector="json")
        )
        db.session.commit()


def every_party_to(partner: Partner) -> dict:
    """App settings under which every seeded party posts to ``partner``, trusting its
    certificate, with fast retries and a short time-out."""
    return {
        "SHARING_ENDPOINTS": {slug: partner.url for slug in ("dhl", "sendparcel", "woocommerce")},
        "SHARING_CA_FILE": partner.ca_file,
        "SHARING_RETRY_DELAY": 0.01,
        "SHARING_TIMEOUT": 1.0,
    }
