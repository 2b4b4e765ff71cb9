"""What each recorded staff action and subject is called in words, in the page's language:
"approved a document" rather than ``document.approve``. One entry per action code the code
base records (``tests/admin/test_audit_phrases.py`` finds every ``record`` call and holds
this table to them), so a new action without words fails a test rather than showing a code.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "account.freeze": _l("froze a seller's account"),
    "account.lift_freeze": _l("lifted the freeze on a seller's account"),
    "account.terminate": _l("closed a seller's account"),
    "account.reopen": _l("reopened a seller's account"),
    "account.erase": _l("erased a seller's account"),
    "correction.send": _l("sent a correction to a third party again"),
    "correction.handled": _l("marked a correction as passed on another way"),
    "breach.record": _l("recorded a personal data breach"),
    "breach.note": _l("added to a breach's timeline"),
    "breach.commissioner_notified": _l("recorded the notice of a breach to the Commissioner"),
    "breach.follow_up": _l("recorded the further details of a breach sent to the Commissioner"),
    "breach.select": _l("selected the sellers a breach affected"),
    "breach.notify": _l("notified the sellers a breach affected"),
    "document.approve": _l("approved a document"),
    "document.reject": _l("rejected a document"),
    "erasure.propose": _l("proposed erasing a seller's account"),
    "erasure.withdraw": _l("withdrew a proposed erasure"),
    "erasure_request.answer": _l("recorded a third party's answer to an erasure request"),
    "legal_disclosure.record": _l("recorded a legal disclosure"),
    "legal_disclosure.release": _l("told a seller about a legal disclosure"),
    "legal_disclosure.keep_withheld": _l("kept a legal disclosure from the seller"),
    "minor_report.question": _l("asked the reporter of a report about a minor a question"),
    "minor_report.dismiss": _l("dismissed a report about a minor"),
    "retention.run": _l("ran the retention schedule"),
    "policy.publish": _l("published a version of the privacy policy"),
    "privacy_request.extend": _l("extended the time to answer a privacy request"),
    "privacy_request.refuse": _l("refused a privacy request"),
    "privacy_request.answer": _l("answered a privacy request"),
    "privacy_request.send_copy": _l("sent a copy of the data asked for in a privacy request"),
    "privacy_request.transfer": _l(
        "moved a seller's data to another service as a privacy request asked"
    ),
    "privacy_request.correct": _l("corrected a seller's details as a privacy request asked"),
    "privacy_request.close_account": _l("closed an account as a privacy request asked"),
    "staff.disable": _l("disabled a staff account"),
    "staff.enable": _l("enabled a staff account again"),
    "third_party.create": _l("registered a third party"),
    "third_party.update": _l("changed a third party's details"),
    "third_party.retire": _l("retired a third party"),
    "third_party.reinstate": _l("reinstated a third party"),
}

# What an action was done to, by the subject type recorded with it.
SUBJECTS = {
    "account": _l("Seller account %(id)s"),
    "correction": _l("Correction %(id)s"),
    "breach": _l("Breach %(id)s"),
    "disclosure": _l("Legal disclosure %(id)s"),
    "document": _l("Document %(id)s"),
    "erasure_request": _l("Erasure request ER-%(id)s"),
    "minor_report": _l("Report about a minor %(id)s"),
    "policy_version": _l("Privacy policy version %(id)s"),
    "privacy_request": _l("Privacy request %(id)s"),
    "retention": _l("The retention schedule"),
    "third_party": _l("Third party %(id)s"),
    "user": _l("Staff account %(id)s"),
}
SUBJECT_KINDS = {
    "account": _l("Seller accounts"),
    "correction": _l("Corrections passed on"),
    "breach": _l("Breaches"),
    "disclosure": _l("Legal disclosures"),
    "document": _l("Documents"),
    "erasure_request": _l("Erasure requests to third parties"),
    "minor_report": _l("Reports about minors"),
    "policy_version": _l("Privacy policy versions"),
    "privacy_request": _l("Privacy requests"),
    "retention": _l("Retention runs"),
    "third_party": _l("Third parties"),
    "user": _l("Staff accounts"),
}


def action_phrase(action: str) -> str:
    """The action in words; an action recorded before it had words shows as its code."""
    phrase = ACTIONS.get(action)
    return str(phrase) if phrase is not None else action


def subject_phrase(subject_type: str, subject_id: int | None) -> str:
    """ "Document 6": the kind of thing in words, and its number."""
    phrase = SUBJECTS.get(subject_type)
    if phrase is None:
        return subject_type if subject_id is None else f"{subject_type} {subject_id}"
    return str(phrase % {"id": "" if subject_id is None else subject_id}).strip()


def subject_kind(subject_type: str) -> str:
    """The kind of subject in words, for the filter."""
    phrase = SUBJECT_KINDS.get(subject_type)
    return str(phrase) if phrase is not None else subject_type
