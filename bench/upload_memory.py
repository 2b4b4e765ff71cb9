"""Upload memory: is a large upload streamed through the portal, or held in memory?

The portal promises that no upload is ever held whole in memory (``portal.uploads``,
``portal.documents.content``, ``portal.filecrypto``): werkzeug spools each file part of the
request to a temporary file, the service copies it in 64 KiB chunks into a private work
folder, a PDF is inspected object by object (pikepdf) and only its first pages are drawn,
and the original is sealed into storage chunk by chunk. If that holds, the server's peak
memory for a 50 MB upload is within a few MB of its peak for a 1 MB one.

This benchmark measures it end to end, on a real HTTP server. The portal runs in a separate
process (this script started with ``--serve``): a threaded werkzeug server on a loopback
port, in a throwaway instance folder, with ``UPLOAD_MAX_BYTES`` raised to 64 MiB for the
run. This process is the client: it logs in as a seller (taking the CSRF tokens from the
forms, as a browser does) and sends multi-page scanned PDFs as the proof of bank account
(``POST /documents/bank-proof``). The client does not hold the file either: each
multipart body is written to a temporary file and sent from it in 64 KiB blocks.

The scans are made with Pillow, 1400x1000-pixel pages at 150 dpi, JPEG quality 90. The
large one has as many pages of random noise as make about 50 MB (noise does not compress,
like the worst real scan: about 1.2 MB a page). The small one has two pages, noise on their
top half only, about 1.2 MB in all. Two pages, because the portal draws the first
``PDF_PREVIEW_PAGES`` (2) pages of a PDF for reviewers, at the same pixel size for both
scans: so both uploads do the same drawing work, and only the number of bytes differs. (A
one-page small scan would draw one page less, about 10 MB less at the peak, which says
nothing about streaming.)

The server's peak memory is read from the kernel: before each upload ``5`` is written to
``/proc/<pid>/clear_refs``, which resets the peak resident set size (``VmHWM``) to the
current one; after the answer, ``VmHWM`` in ``/proc/<pid>/status`` is the peak during that
upload. One untimed warm-up upload of the small scan comes first (imports, templates,
caches). Each size is then sent ``--rounds`` times, small and large alternating; a size's
figure is the highest peak of its rounds. The exit status is 1 if the large upload's peak
is more than ``--tolerance-mb`` over the small one's, or if an upload is refused.

The second part measures the memory budget of one picture (issue 19, finding 8). A second
server, which runs every request on its one thread as a gunicorn sync worker does (a
thread per request would spread freed memory over several of malloc's arenas and raise
the resting size), is sent the costliest picture the portal accepts of each kind
(:mod:`bench.worst_pictures`), each as the proof of bank account, and two at once as the
sides of a MyKad, after a log-in and one warm-up upload. Each upload's peak is printed
against ``--budget-mib`` (256 MiB), and the worst accepted one named; the exit status is
also 1 if it is over the budget, or if a picture is accepted or refused against
expectation (the attacker's 7990x7990 PNG must be refused).

With ``--storage s3`` both servers keep documents in an S3 bucket instead of their instance
folder (:mod:`bench.document_storage`: moto's S3 server on loopback, run in this process so
that the objects it keeps are not counted as the server's), and both parts run against it.
The original then goes to the bucket as a multipart upload of ``PART_BYTES`` (8 MiB) parts,
one part held at a time, so the same tolerance holds; what S3 adds to a worker at rest
(boto3 and its client) shows in every picture's peak against the same budget.
"""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from html import unescape
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import document_storage, procstat, worst_pictures  # noqa: E402
from tests.support import PASSWORD  # noqa: E402

SELLER = "bench.uploads@example.com"
MIB = 1024 * 1024
PAGE_SIZE = (1400, 1000)
UPLOAD_PATH = "/documents/bank-proof"
IDENTITY_PATH = "/documents/identity"
# The MyKad number that agrees with the seller's date of birth (make_seller's, 1 July 1988):
# the portal refuses a MyKad sent without its number, or with one that disagrees.
MYKAD = "880701-14-5678"
BLOCK = 64 * 1024


# --- the server process ------------------------------------------------------------------------


def serve(instance: Path, max_bytes: int, one_thread: bool = False) -> None:
    """The portal with a seller, on a free loopback port; prints the port, serves forever."""
    from werkzeug.serving import make_server

    from tests.livesite import build_app
    from tests.support import make_seller

    for name in ("werkzeug", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    app = build_app(instance, "bench")
    app.config["UPLOAD_MAX_BYTES"] = max_bytes
    with app.app_context():
        make_seller(SELLER)
    server = make_server("127.0.0.1", 0, app, threaded=not one_thread)
    print(server.server_port, flush=True)
    server.serve_forever()


def start_server(
    instance: Path, max_bytes: int, log: Path, environment: dict[str, str], one_thread: bool = False
) -> tuple[subprocess.Popen, int]:
    """This script with ``--serve`` and ``environment`` (the documents' store), its log
    (migrations, errors) in ``log``; with ``one_thread``, every request on the server's one
    thread, as in a gunicorn sync worker (a thread per request spreads freed memory over
    several of malloc's arenas)."""
    argv = [sys.executable, __file__, "--serve", str(instance), "--max-bytes", str(max_bytes)]
    return procstat.start_server(argv + ["--one-thread"] * one_thread, log, ROOT, environment)


# --- the client: a browser's worth of HTTP ------------------------------------------------------


class Client:
    """Cookies and CSRF tokens over ``http.client``, one connection per request."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=120, blocksize=BLOCK
        )
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, text

    def form(self, page: str, action: str) -> dict[str, str]:
        """The hidden fields (the CSRF token) and the file field's name of a form on a page."""
        status, _, html = self.request("GET", page)
        match = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', html, re.S)
        if status != 200 or not match:
            raise SystemExit(f"GET {page}: {status}, no form for {action}")
        fields = {}
        for tag in re.findall(r"<input[^>]*>", match.group(0)):
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name and 'type="hidden"' in tag:
                fields[name.group(1)] = unescape(value.group(1)) if value else ""
            elif name and 'type="file"' in tag:
                fields["<file>"] = name.group(1)
        return fields

    def log_in(self, email: str, password: str) -> None:
        fields = self.form("/auth/login", "/auth/login")
        fields.pop("<file>", None)
        body = urlencode({**fields, "email": email, "password": password})
        status, headers, _ = self.request(
            "POST",
            "/auth/login",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302 or "/auth/login" in headers.get("Location", ""):
            raise SystemExit(f"could not log in as {email} ({status})")

    def upload(
        self, paths: Path | tuple[Path, ...], work: Path, action: str = UPLOAD_PATH, **extra
    ) -> tuple[int, str]:
        """Send ``paths`` with the documents page's form for ``action`` (the proof of bank
        account by default), streamed from a multipart file; ``extra``: more fields."""
        paths = (paths,) if isinstance(paths, Path) else paths
        fields = self.form("/documents/", action)
        file_field = fields.pop("<file>")
        fields.update(extra)
        boundary = f"bench-{secrets.token_hex(12)}"
        body_path = work / "body.multipart"
        with open(body_path, "wb") as body:
            for name, value in fields.items():
                body.write(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
            for path in paths:
                body.write(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
                    f'filename="{path.name}"\r\nContent-Type: {_content_type(path)}\r\n\r\n'.encode()
                )
                with open(path, "rb") as source:
                    shutil.copyfileobj(source, body, BLOCK)
                body.write(b"\r\n")
            body.write(f"--{boundary}--\r\n".encode())
        try:
            with open(body_path, "rb") as body:
                status, headers, text = self.request(
                    "POST",
                    action,
                    body=body,
                    headers={
                        "Content-Type": f"multipart/form-data; boundary={boundary}",
                        "Content-Length": str(body_path.stat().st_size),
                    },
                )
        finally:
            body_path.unlink()
        if status == 302:
            return status, headers.get("Location", "")
        # Why it was refused: the field's error, or the error page's title.
        found = re.search(r'class="field__error"[^>]*>(.*?)<', text, re.S) or re.search(
            r"<h1>(.*?)</h1>", text, re.S
        )
        return status, unescape(found.group(1).strip()) if found else text[:200]


def _content_type(path: Path) -> str:
    return {".pdf": "application/pdf", ".png": "image/png", ".webp": "image/webp"}.get(
        path.suffix, "image/jpeg"
    )


# --- the scans ----------------------------------------------------------------------------------


def scanned_pdf(path: Path, pages: int, filled: float = 1.0) -> Path:
    """A PDF of ``pages`` pages (four different ones, repeated), like a 150 dpi scan, each
    white with random noise over the top ``filled`` part of its height."""
    from PIL import Image

    width, height = PAGE_SIZE
    noisy = int(height * filled)
    sheets = []
    for _ in range(4):
        sheet = Image.new("RGB", PAGE_SIZE, (255, 255, 255))
        sheet.paste(Image.frombytes("RGB", (width, noisy), os.urandom(width * noisy * 3)))
        sheets.append(sheet)
    images = [sheets[i % len(sheets)] for i in range(pages)]
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], quality=90, resolution=150)
    return path


@dataclass
class Result:
    label: str
    size: int
    pages: int
    seconds: float
    rss_before_kib: int
    peak_kib: int

    @property
    def growth_kib(self) -> int:
        return self.peak_kib - self.rss_before_kib


def measure(client: Client, pid: int, label: str, path: Path, pages: int, work: Path) -> Result:
    procstat.reset_peak(pid)
    before = procstat.status_kib("VmRSS", pid)
    started = time.perf_counter()
    status, detail = client.upload(path, work)
    seconds = time.perf_counter() - started
    if status != 302:
        raise SystemExit(f"{label}: the upload was refused ({status}): {detail}")
    peak = procstat.status_kib("VmHWM", pid)
    return Result(label, path.stat().st_size, pages, seconds, before, peak)


@dataclass
class PictureResult:
    case: worst_pictures.Case
    size: int
    status: int
    detail: str
    seconds: float
    peak_kib: int

    @property
    def as_expected(self) -> bool:
        return (self.status == 302) == self.case.accepted


def pictures_on_a_worker(
    work: Path, max_bytes: int, warm_up: Path, environment: dict[str, str]
) -> tuple[list, int]:
    """The pictures, sent to a server of their own that runs every request on one thread,
    as a gunicorn worker does, after a log-in and one untimed upload (the scan
    ``warm_up``); the results and the server's resident memory before the first picture."""
    log = work / "pictures-server.log"
    process, port = start_server(
        work / "pictures-instance", max_bytes, log, environment, one_thread=True
    )
    try:
        client = Client(port)
        client.log_in(SELLER, PASSWORD)
        status, detail = client.upload(warm_up, work)
        if status != 302:
            raise SystemExit(f"warm-up: the upload was refused ({status}): {detail}")
        baseline = procstat.status_kib("VmRSS", process.pid)
        return measure_pictures(client, process.pid, work), baseline
    except BaseException:
        print(log.read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        process.terminate()
        process.wait(timeout=10)


def measure_pictures(client: Client, pid: int, work: Path) -> list[PictureResult]:
    """Each of the costliest accepted pictures (and the attacker's), uploaded as the proof
    of bank account, or as a MyKad's two sides; the server's peak for each."""
    from portal.config import Defaults

    results = []
    for case in worst_pictures.cases(work, Defaults.IMAGE_MAX_PIXELS, Defaults.IMAGE_MAX_SIDE):
        action, extra = UPLOAD_PATH, {}
        if len(case.files) > 1:
            action = IDENTITY_PATH
            extra = {"identity-identity_type": "mykad", "identity-mykad_number": MYKAD}
        procstat.reset_peak(pid)
        started = time.perf_counter()
        status, detail = client.upload(case.files, work, action, **extra)
        seconds = time.perf_counter() - started
        results.append(
            PictureResult(
                case,
                sum(path.stat().st_size for path in case.files),
                status,
                detail,
                seconds,
                procstat.status_kib("VmHWM", pid),
            )
        )
    return results


def report_pictures(results: list[PictureResult], baseline_kib: int, budget_mib: float) -> bool:
    """Print the pictures' table; True if every accepted one stayed within the budget and
    each was accepted or refused as it should be."""
    from portal.config import Defaults

    print(
        f"Pictures: the costliest the portal accepts, by kind (IMAGE_MAX_PIXELS "
        f"{Defaults.IMAGE_MAX_PIXELS:,}, IMAGE_MAX_SIDE {Defaults.IMAGE_MAX_SIDE}); "
        f"the server's peak resident memory during each upload, budget {budget_mib:g} MiB"
    )
    print()
    print(
        "server (one thread, as a gunicorn worker) RSS after log-in and one warm-up upload: "
        f"{baseline_kib / 1024:.1f} MiB"
    )
    print()
    print(f"{'picture':<34} {'file MiB':>8} {'answer':>6} {'time s':>7} {'peak MiB':>9}")
    for r in results:
        size = r.size / MIB
        answer = "302" if r.status == 302 else f"{r.status}"
        print(
            f"{r.case.label:<34} {size:>8.1f} {answer:>6} {r.seconds:>7.2f} "
            f"{r.peak_kib / 1024:>9.1f}" + ("" if r.as_expected else f"   UNEXPECTED: {r.detail}")
        )
    accepted = [r for r in results if r.case.accepted and r.status == 302]
    worst = max(accepted, key=lambda r: r.peak_kib)
    within = worst.peak_kib / 1024 <= budget_mib
    print()
    print(
        f"worst accepted picture: {worst.case.label}, peak {worst.peak_kib / 1024:.1f} MiB: "
        + (f"within the {budget_mib:g} MiB budget" if within else f"OVER {budget_mib:g} MiB")
    )
    return within and all(r.as_expected for r in results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large-mb", type=int, default=50, help="size of the large scan")
    parser.add_argument("--rounds", type=int, default=2, help="uploads of each size")
    parser.add_argument("--tolerance-mb", type=float, default=16.0)
    parser.add_argument(
        "--budget-mib", type=float, default=256.0, help="the most a worker may reach for a picture"
    )
    document_storage.add_option(parser)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--one-thread", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--max-bytes", type=int, default=64 * MIB, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.max_bytes, args.one_thread)
        return 0
    if not Path("/proc/self/clear_refs").exists():
        raise SystemExit("needs Linux: /proc/<pid>/clear_refs resets the peak memory")
    load = os.getloadavg()[0]

    with (
        tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp,
        document_storage.portal_environment(args.storage) as environment,
    ):
        work = Path(tmp)
        small = scanned_pdf(work / "statement-small.pdf", 2, filled=0.5)
        per_page = scanned_pdf(work / "one-page.pdf", 1).stat().st_size
        large_pages = max(round(args.large_mb * MIB / per_page), 2)
        large = scanned_pdf(work / "statement-large.pdf", large_pages)
        small_size = small.stat().st_size
        max_bytes = max(64 * MIB, large.stat().st_size + MIB)

        process, port = start_server(work / "instance", max_bytes, work / "server.log", environment)
        try:
            client = Client(port)
            client.log_in(SELLER, PASSWORD)
            status, detail = client.upload(small, work)  # warm-up, untimed
            if status != 302:
                raise SystemExit(f"warm-up: the upload was refused ({status}): {detail}")
            baseline = procstat.status_kib("VmRSS", process.pid)
            results: list[Result] = []
            for _ in range(args.rounds):
                results.append(measure(client, process.pid, "1 MB scan", small, 2, work))
                results.append(
                    measure(
                        client, process.pid, f"{args.large_mb} MB scan", large, large_pages, work
                    )
                )
            # The last upload is there, waiting for review: the portal kept what it was sent.
            _, _, page = client.request("GET", "/documents/")
            section = re.search(r'id="bank-proof".*?</section>', page, re.S)
            if not section or "Waiting for review" not in section.group(0):
                raise SystemExit("the proof of bank account is not on the documents page")
        except BaseException:
            print((work / "server.log").read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            process.terminate()
            process.wait(timeout=10)
        pictures, picture_baseline = pictures_on_a_worker(work, max_bytes, small, environment)

    print(
        f"Upload memory, POST {UPLOAD_PATH} (proof of bank account, scanned PDF), "
        f"UPLOAD_MAX_BYTES {max_bytes // MIB} MiB, server in its own process, "
        f"{document_storage.described(args.storage)}"
    )
    print()
    print(f"server RSS after log-in and one warm-up upload: {baseline / 1024:.1f} MiB")
    print()
    print(f"{'upload':<12} {'MiB':>6} {'pages':>6} {'time s':>7} {'RSS before':>11} "
          f"{'peak':>8} {'peak - before':>14}   (MiB)")  # fmt: skip
    for r in results:
        print(
            f"{r.label:<12} {r.size / MIB:>6.1f} {r.pages:>6} {r.seconds:>7.2f} "
            f"{r.rss_before_kib / 1024:>11.1f} {r.peak_kib / 1024:>8.1f} "
            f"{r.growth_kib / 1024:>14.1f}"
        )
    small_peak = max(r.peak_kib for r in results if r.size == small_size)
    large_peak = max(r.peak_kib for r in results if r.size != small_size)
    difference = (large_peak - small_peak) / 1024
    within = difference <= args.tolerance_mb
    print()
    print(
        f"peak({args.large_mb} MB) - peak(1 MB) = {difference:+.1f} MiB "
        f"(highest peak of {args.rounds} round{'s' * (args.rounds != 1)} each): "
        + (
            f"within {args.tolerance_mb:g} MiB, the upload is streamed"
            if within
            else f"OVER {args.tolerance_mb:g} MiB, the upload is held in memory"
        )
    )
    print()
    pictures_within = report_pictures(pictures, picture_baseline, args.budget_mib)
    print()
    print(procstat.machine_line(load))
    command = ".venv/bin/python bench/upload_memory.py"
    if (args.large_mb, args.rounds, args.tolerance_mb, args.budget_mib) != (50, 2, 16.0, 256.0):
        command += (
            f" --large-mb {args.large_mb} --rounds {args.rounds}"
            f" --tolerance-mb {args.tolerance_mb:g} --budget-mib {args.budget_mib:g}"
        )
    if args.storage != "local":
        command += f" --storage {args.storage}"
    print(f"reproduce: {command}")
    return 0 if within and pictures_within else 1


if __name__ == "__main__":
    sys.exit(main())
