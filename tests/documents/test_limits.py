"""The size limit: a clear answer, nothing stored, and a page the browser actually gets."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.documents import samples
from tests.livesite import build_app
from tests.support import free_port, wait_for

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def one_megabyte(app):
    app.config["UPLOAD_MAX_BYTES"] = MB


def test_a_file_over_the_limit_is_explained_next_to_its_field(upload, one_megabyte, stored, counts):
    too_big = b"\xff\xd8\xff" + os.urandom(MB + MB // 2)
    # The identity form takes two files, so one big file gets through the request cap and
    # is measured on its own.
    response = upload("identity", (too_big, "front.jpg"), identity_type="mykad")
    assert response.status_code == 400
    assert "The file is larger than 1 MB" in response.get_data(as_text=True)
    assert stored() == [] and counts() == (0, 0)


def test_a_request_over_the_limit_gets_the_error_page(upload, one_megabyte, stored, counts):
    response = upload("profile_photo", (b"\xff\xd8\xff" + os.urandom(2 * MB), "me.jpg"))
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "That file is too large" in page
    assert "at most 1 MB" in page
    assert stored() == [] and counts() == (0, 0)


def test_forms_without_files_keep_the_small_limit(client, seller, auth):
    auth.login()
    response = client.post("/profile/contact", data={"contact-phone": "1" * (2 * MB)})
    assert response.status_code == 413
    assert "That file is too large" not in response.get_data(as_text=True)


def _post_in_chunks(port: int, payload: bytes) -> tuple[int, str]:
    boundary = "portalboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="profile_photo-file"; '
        'filename="me.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("POST", "/documents/profile-photo")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(len(head) + len(payload) + len(tail)))
    connection.endheaders()
    connection.send(head)
    for start in range(0, len(payload), 64 * 1024):  # the whole body, as a browser sends it
        connection.send(payload[start : start + 64 * 1024])
    connection.send(tail)
    response = connection.getresponse()
    page = response.read().decode()
    connection.close()
    return response.status, page


@pytest.fixture
def gunicorn_port(tmp_path):
    """The portal under gunicorn (which, unlike the development server, reads only 64 KiB
    of a body the app left unread before closing the connection), with a 1 MB limit."""
    instance = tmp_path / "instance"
    build_app(instance, "limits")  # migrates the database
    port = free_port()
    env = {
        **os.environ,
        "PORTAL_INSTANCE_PATH": str(instance),
        "PORTAL_ENVIRONMENT": "development",
        "PORTAL_UPLOAD_MAX_BYTES": str(MB),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(lambda: _listening(port), timeout=20), "gunicorn did not start"
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True


def test_gunicorn_answers_an_oversized_upload_instead_of_resetting(gunicorn_port):
    status, page = _post_in_chunks(gunicorn_port, b"\xff\xd8\xff" + os.urandom(24 * MB))
    assert status == 413
    assert "That file is too large" in page


def test_a_photo_just_under_the_limit_is_accepted(upload, one_megabyte):
    assert upload("profile_photo", (samples.jpeg(size=(1200, 900)), "me.jpg")).status_code == 302
