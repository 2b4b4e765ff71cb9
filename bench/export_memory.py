"""Export memory: is "Download my data" streamed, or is the ZIP built in memory?

``POST /account/export`` answers with a ZIP of everything the portal keeps about the seller
(``portal.account.export``): README.txt, data.json, and the seller's photographs and
documents, decrypted from storage. The portal promises that the archive is never built
whole: zipfile writes into a sink that is emptied after every write, rows are read in
batches, and each stored file is decrypted 64 KiB at a time. If that holds, the server's
peak memory while it sends a seller with 100 MB of files is within a few MB of its peak for
a seller with 10 MB.

This benchmark measures it end to end, on a real HTTP server. A first process (this script
with ``--populate``) makes a throwaway instance folder with two sellers whose documents are
laid out as a full account: a profile photo, eight shop photos, an identity document (two
pages) and a proof of bank account, each with its clean copies, a thumbnail, and, for the
identity and bank documents, the original (never exported). The clean copies are filled with
random bytes (which do not compress, like photographs) and sealed into storage as uploads
are, so that they add up to 10 MB for one seller and 100 MB (``--large-mb``) for the other;
the originals are as large again. Each seller also has ``--notices`` emailed notices (about
2.7 KB of text each) in data.json. The portal then runs in a second process (``--serve``):
a threaded werkzeug server on a loopback port. This process is the client: it logs in as
each seller (taking the CSRF tokens from the forms, as a browser does), presses "Download
my data", and reads the answer in 64 KiB blocks into a file, never holding it.

The server's peak memory is read from the kernel: before each export ``5`` is written to
``/proc/<pid>/clear_refs``, which resets the peak resident set size (``VmHWM``) to the
current one; after the download, ``VmHWM`` in ``/proc/<pid>/status`` is the peak during that
export. One untimed warm-up export of the small seller comes first. Each size is then
exported ``--rounds`` times, small and large alternating; a size's figure is the highest
peak of its rounds. Every archive is checked: every entry's CRC (``zipfile.testzip``), the
files are exactly the seller's clean copies and thumbnails with their sizes, no original,
and data.json holds the seller's notices. The exit status is 1 if the large export's peak
is more than ``--tolerance-mb`` over the small one's, or if an archive is wrong.

With ``--storage s3`` both the first process and the server keep documents in an S3 bucket
instead of the instance folder (:mod:`bench.document_storage`: moto's S3 server on loopback,
in this process, so the objects it holds are not counted in the server's memory), and every
file of the archive is read from the bucket as it is sent.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from html import unescape
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import document_storage, procstat  # noqa: E402
from bench.procstat import machine_line  # noqa: E402
from tests.support import PASSWORD  # noqa: E402

MIB = 1024 * 1024
BLOCK = 64 * 1024
EXPORT_PATH = "/account/export"
THUMBNAIL_BYTES = 20 * 1024
SMALL_MB = 10


def seller_email(megabytes: int) -> str:
    return f"bench.export.{megabytes}mb@example.com"


# --- the data, made by a process of its own ------------------------------------------------------


class RandomFile:
    """``size`` random bytes, read like a file, never held."""

    def __init__(self, size: int):
        self.left = size

    def read(self, wanted: int = -1) -> bytes:
        wanted = self.left if wanted < 0 else min(wanted, self.left)
        self.left -= wanted
        return os.urandom(wanted)


def _layout() -> list[tuple[str, int, list[tuple[str, int]]]]:
    """(kind, slot, [(purpose, page)]) for a full account: 11 documents, 13 clean copies."""
    shown = [("display", 1), ("thumbnail", 1)]
    documents = [("profile_photo", 1, shown)]
    documents += [("shop_photo", slot, shown) for slot in range(1, 9)]
    documents.append(
        ("identity", 1, [("original", 1), ("display", 1), ("display", 2), ("thumbnail", 1)])
    )
    documents.append(("bank_proof", 1, [("original", 1), *shown]))
    return documents


def populate(instance: Path, sizes: list[int], notices: int) -> None:
    """The sellers, their documents sealed into storage, and their notices."""
    from sqlalchemy import insert

    from portal import filecrypto
    from portal.crypto import keyring
    from portal.documents import services
    from portal.documents.models import Document, DocumentFile
    from portal.extensions import db
    from portal.outbox.models import OutboxMessage
    from portal.storage import new_key, storage
    from tests.livesite import build_app
    from tests.support import make_seller

    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = build_app(instance, "bench")
    body = ("Hello Tan Mei Ling,\n\n" + "Your pickup is booked for tomorrow. " * 75)[:2700]
    with app.app_context():
        for megabytes in sizes:
            user = make_seller(seller_email(megabytes))
            layout = _layout()
            copies = sum(
                1 for _, _, files in layout for purpose, _ in files if purpose == "display"
            )
            copy_bytes = megabytes * MIB // copies
            for kind, slot, files in layout:
                document = Document(user_id=user.id, kind=kind, slot=slot)
                if kind in ("identity", "bank_proof"):
                    document.status = "pending"
                    document.identity_type = "passport" if kind == "identity" else None
                for purpose, page in files:
                    size = THUMBNAIL_BYTES if purpose == "thumbnail" else copy_bytes
                    key = new_key()
                    storage().save(
                        key, filecrypto.seal(RandomFile(size), services.sealing_context(key))
                    )
                    document.files.append(
                        DocumentFile(
                            purpose=purpose,
                            page=page,
                            storage_key=key,
                            key_id=keyring().current,
                            content_type="image/jpeg",
                            size_bytes=size,
                            width=4000,
                            height=3000,
                        )
                    )
                db.session.add(document)
            db.session.flush()
            for start in range(0, notices, 1000):
                db.session.execute(
                    insert(OutboxMessage),
                    [
                        {
                            "user_id": user.id,
                            "recipient": user.email,
                            "kind": "review_reminder",
                            "subject": f"Notice {n}",
                            "body_text": body,
                            "body_html": f"<p>{body}</p>",
                            "message_id": f"<bench-{user.id}-{n}@portal.example>",
                            "status": "sent",
                        }
                        for n in range(start, min(start + 1000, notices))
                    ],
                )
            db.session.commit()


# --- the server process ------------------------------------------------------------------------


def serve(instance: Path) -> None:
    """The portal on a free loopback port; prints the port, serves forever."""
    from werkzeug.serving import make_server

    from tests.livesite import build_app

    for name in ("werkzeug", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    app = build_app(instance, "bench")
    app.config["RATELIMIT_EXPORT"] = "1000 per hour"  # the benchmark exports more than 3 times
    if "account.export" not in app.view_functions:
        raise SystemExit(
            "no account.export route: portal/account/__init__.py must import export_views"
        )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()


def run_step(args: list[str], log: Path, environment: dict[str, str]) -> None:
    """This script with ``args`` and ``environment`` (the documents' store), to its end."""
    with open(log, "ab") as errors:
        done = subprocess.run(
            [sys.executable, __file__, *args],
            stderr=errors,
            cwd=ROOT,
            env=os.environ | environment,
            check=False,
        )
    if done.returncode:
        raise SystemExit(f"{args[0]} failed:\n{log.read_text()[-3000:]}")


def start_server(
    instance: Path, log: Path, environment: dict[str, str]
) -> tuple[subprocess.Popen, int]:
    """This script with ``--serve`` and ``environment``, its log (migrations, errors) in
    ``log``."""
    argv = [sys.executable, __file__, "--serve", str(instance)]
    return procstat.start_server(argv, log, ROOT, environment)


# --- the client: a browser's worth of HTTP ------------------------------------------------------


class Client:
    """Cookies and CSRF tokens over ``http.client``, one connection per request."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def _send(self, method: str, path: str, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return connection, response

    def request(self, method: str, path: str, body=None, headers=None):
        connection, response = self._send(method, path, body, headers)
        try:
            return response.status, response.headers, response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def token(self, page: str, action: str) -> str:
        status, _, html = self.request("GET", page)
        form = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', html, re.S)
        token = form and re.search(r'name="csrf_token"[^>]*value="([^"]*)"', form.group(0))
        if status != 200 or not token:
            raise SystemExit(f"GET {page}: {status}, no form for {action}")
        return unescape(token.group(1))

    def post_form(self, path: str, fields: dict):
        return self._send(
            "POST",
            path,
            body=urlencode(fields),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def log_in(self, email: str) -> None:
        self.cookies.clear()
        fields = {"csrf_token": self.token("/auth/login", "/auth/login")}
        connection, response = self.post_form(
            "/auth/login", {**fields, "email": email, "password": PASSWORD}
        )
        response.read()
        connection.close()
        if response.status != 302 or "/auth/login" in response.headers.get("Location", ""):
            raise SystemExit(f"could not log in as {email} ({response.status})")

    def download(self, target: Path) -> tuple[int, dict]:
        """Press "Download my data"; the ZIP goes to ``target`` 64 KiB at a time."""
        token = self.token(EXPORT_PATH, EXPORT_PATH)
        connection, response = self.post_form(EXPORT_PATH, {"csrf_token": token})
        try:
            if response.status != 200:
                raise SystemExit(f"POST {EXPORT_PATH}: {response.status} {response.read()[:300]!r}")
            with open(target, "wb") as out:
                while block := response.read(BLOCK):
                    out.write(block)
            return response.status, dict(response.headers)
        finally:
            connection.close()


# --- checking an archive ---------------------------------------------------------------------------


def check_archive(path: Path, megabytes: int, notices: int) -> int:
    """The bytes of files in a sound archive of the seller's (``SystemExit`` if it is not)."""
    with zipfile.ZipFile(path) as archive:
        bad = archive.testzip()
        if bad:
            raise SystemExit(f"{path.name}: bad CRC in {bad}")
        data = json.loads(archive.read("data.json"))
        [account] = data["tables"]["users"]
        if account["email"] != seller_email(megabytes):
            raise SystemExit(f"{path.name}: the archive of {account['email']}")
        if (
            sum(1 for m in data["tables"]["outbox_messages"] if m["kind"] == "review_reminder")
            != notices
        ):
            raise SystemExit(f"{path.name}: not every notice is in data.json")
        expected = {
            f"{row['document_id']}-{row['purpose']}-{row['page']}": row["size_bytes"]
            for row in data["tables"]["document_files"]
            if row["purpose"] != "original"
        }
        found = {
            info.filename.rsplit("/", 1)[1].rsplit(".", 1)[0]: info.file_size
            for info in archive.infolist()
            if info.filename.startswith("files/")
        }
        if found != expected or any("original" in name for name in archive.namelist()):
            raise SystemExit(f"{path.name}: the files are not the seller's clean copies")
        return sum(found.values())


@dataclass
class Result:
    label: str
    files_bytes: int
    archive_bytes: int
    seconds: float
    rss_before_kib: int
    peak_kib: int

    @property
    def growth_kib(self) -> int:
        return self.peak_kib - self.rss_before_kib


def measure(client: Client, pid: int, megabytes: int, notices: int, work: Path) -> Result:
    client.log_in(seller_email(megabytes))
    target = work / f"export-{megabytes}.zip"
    procstat.reset_peak(pid)
    before = procstat.status_kib("VmRSS", pid)
    started = time.perf_counter()
    _, headers = client.download(target)
    seconds = time.perf_counter() - started
    peak = procstat.status_kib("VmHWM", pid)
    if "Content-Length" in headers or headers.get("Transfer-Encoding") != "chunked":
        raise SystemExit(f"the export was not streamed: {headers}")
    files_bytes = check_archive(target, megabytes, notices)
    size = target.stat().st_size
    target.unlink()
    return Result(f"{megabytes} MB seller", files_bytes, size, seconds, before, peak)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large-mb", type=int, default=100, help="files of the large seller")
    parser.add_argument("--notices", type=int, default=2000, help="emailed notices per seller")
    parser.add_argument("--rounds", type=int, default=2, help="exports of each size")
    parser.add_argument("--tolerance-mb", type=float, default=16.0)
    document_storage.add_option(parser)
    parser.add_argument("--populate", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.populate:
        populate(args.populate, [SMALL_MB, args.large_mb], args.notices)
        return 0
    if args.serve:
        serve(args.serve)
        return 0
    if not Path("/proc/self/clear_refs").exists():
        raise SystemExit("needs Linux: /proc/<pid>/clear_refs resets the peak memory")
    load = os.getloadavg()[0]

    with (
        tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp,
        document_storage.portal_environment(args.storage) as environment,
    ):
        work = Path(tmp)
        log = work / "server.log"
        started = time.perf_counter()
        run_step(["--populate", str(work / "instance"), "--large-mb", str(args.large_mb),
                  "--notices", str(args.notices)], log, environment)  # fmt: skip
        populated = time.perf_counter() - started
        process, port = start_server(work / "instance", log, environment)
        try:
            client = Client(port)
            measure(client, process.pid, SMALL_MB, args.notices, work)  # warm-up, untimed
            baseline = procstat.status_kib("VmRSS", process.pid)
            results: list[Result] = []
            for _ in range(args.rounds):
                results.append(measure(client, process.pid, SMALL_MB, args.notices, work))
                results.append(measure(client, process.pid, args.large_mb, args.notices, work))
        except BaseException:
            print(log.read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            process.terminate()
            process.wait(timeout=10)

    print(
        f"Export memory, POST {EXPORT_PATH} (Download my data), server in its own process, "
        f"{document_storage.described(args.storage)}; {args.notices} notices per seller in data.json; data made in {populated:.1f} s"
    )
    print()
    print(f"server RSS after one warm-up export: {baseline / 1024:.1f} MiB")
    print()
    print(f"{'export':<16} {'files MiB':>9} {'ZIP MiB':>8} {'time s':>7} {'MiB/s':>6} "
          f"{'RSS before':>11} {'peak':>7} {'peak - before':>14}   (MiB)")  # fmt: skip
    for r in results:
        print(
            f"{r.label:<16} {r.files_bytes / MIB:>9.1f} {r.archive_bytes / MIB:>8.1f} "
            f"{r.seconds:>7.2f} {r.archive_bytes / MIB / r.seconds:>6.0f} "
            f"{r.rss_before_kib / 1024:>11.1f} {r.peak_kib / 1024:>7.1f} "
            f"{r.growth_kib / 1024:>14.1f}"
        )
    small_peak = max(r.peak_kib for r in results if r.label.startswith(f"{SMALL_MB} "))
    large_peak = max(r.peak_kib for r in results if not r.label.startswith(f"{SMALL_MB} "))
    difference = (large_peak - small_peak) / 1024
    within = difference <= args.tolerance_mb
    print()
    print(
        f"peak({args.large_mb} MB) - peak({SMALL_MB} MB) = {difference:+.1f} MiB "
        f"(highest peak of {args.rounds} round{'s' * (args.rounds != 1)} each): "
        + (
            f"within {args.tolerance_mb:g} MiB, the export is streamed"
            if within
            else f"OVER {args.tolerance_mb:g} MiB, the export is held in memory"
        )
    )
    print()
    print(machine_line(load))
    command = ".venv/bin/python bench/export_memory.py"
    defaults = (100, 2000, 2, 16.0)
    if (args.large_mb, args.notices, args.rounds, args.tolerance_mb) != defaults:
        command += (
            f" --large-mb {args.large_mb} --notices {args.notices} --rounds {args.rounds}"
            f" --tolerance-mb {args.tolerance_mb:g}"
        )
    if args.storage != "local":
        command += f" --storage {args.storage}"
    print(f"reproduce: {command}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
