"""Who may do what in the back office: one table, checked for every /admin route.

``MATRIX`` gives each permission the roles that hold it; ``ENDPOINTS`` names the permission
every admin endpoint needs. The back office's one guard (``portal.admin._guard``) looks the
request's endpoint up here: an endpoint missing from the table is refused, so a new route
is closed until someone decides who may use it. A test walks every route against every
role, a seller and an anonymous visitor.
"""

from __future__ import annotations

from enum import StrEnum

from portal.auth.roles import Role


class Permission(StrEnum):
    HOME = "see the back-office home"
    SET_UP_TWO_FACTOR = "set up one's own two-factor log-in"
    REVIEW_DOCUMENTS = "review identity and bank documents"
    FOLLOW_VERIFICATION = "see the sellers restricted or asked to act by verification"
    HANDLE_MINOR_REPORTS = "handle reports about minors"
    OPERATE_MAIL = "watch and retry outgoing mail"
    REACH_SELLERS = "reach sellers email cannot reach"
    SEARCH_SELLERS = "search sellers and open a seller's page"
    REVEAL_SELLER_DATA = "reveal a masked value or open a seller's document"
    TERMINATE_ACCOUNTS = "close a seller's account"
    REOPEN_ACCOUNTS = "reopen a seller's account that staff closed"
    LIFT_FREEZE = "lift the freeze on a seller's account"
    CONFIRM_ERASURE = "confirm an erasure someone else proposed"
    PUBLISH_POLICY = "draft and publish the privacy policy"
    KEEP_REGISTRY = "keep the registry of third parties"
    RECORD_DISCLOSURES = "record and review legal disclosures"
    HANDLE_PRIVACY_REQUESTS = "work data-subject requests"
    HANDLE_CORRECTIONS = "see and pass on corrections owed to third parties"
    FOLLOW_ERASURE_REQUESTS = "follow the erasure requests third parties have not answered"
    READ_AUDIT = "read the audit trail"
    READ_PROCESSING = "read the record of processing and the transfers abroad due for review"
    KEEP_BREACH_REGISTER = "keep the breach register and notify the sellers a breach affected"
    MANAGE_STAFF = "disable and enable staff accounts"


ADMIN, REVIEWER, SUPPORT, DPO = Role.ADMIN, Role.REVIEWER, Role.SUPPORT, Role.DPO
EVERY_STAFF = frozenset({ADMIN, REVIEWER, SUPPORT, DPO})

MATRIX: dict[Permission, frozenset[Role]] = {
    Permission.HOME: EVERY_STAFF,
    Permission.SET_UP_TWO_FACTOR: EVERY_STAFF,
    Permission.REVIEW_DOCUMENTS: frozenset({ADMIN, REVIEWER}),
    # Those who review what sellers send follow what is still missing (issue 23).
    Permission.FOLLOW_VERIFICATION: frozenset({ADMIN, REVIEWER}),
    Permission.HANDLE_MINOR_REPORTS: frozenset({ADMIN, REVIEWER}),
    Permission.OPERATE_MAIL: frozenset({ADMIN, SUPPORT}),
    Permission.REACH_SELLERS: frozenset({ADMIN, SUPPORT}),
    Permission.SEARCH_SELLERS: EVERY_STAFF,
    Permission.REVEAL_SELLER_DATA: frozenset({ADMIN, REVIEWER}),
    Permission.TERMINATE_ACCOUNTS: frozenset({ADMIN}),
    Permission.REOPEN_ACCOUNTS: frozenset({ADMIN}),
    Permission.LIFT_FREEZE: frozenset({ADMIN, REVIEWER}),
    # Proposing is for whoever handles the report or the document; confirming, which erases
    # at once, for a second person who is an admin (portal.account.age_check).
    Permission.CONFIRM_ERASURE: frozenset({ADMIN}),
    Permission.PUBLISH_POLICY: frozenset({ADMIN}),
    Permission.KEEP_REGISTRY: frozenset({ADMIN}),
    Permission.RECORD_DISCLOSURES: frozenset({ADMIN}),
    Permission.HANDLE_PRIVACY_REQUESTS: frozenset({ADMIN, DPO}),
    # PDPA s.35: the DPO answers for corrections reaching the third parties.
    Permission.HANDLE_CORRECTIONS: frozenset({ADMIN, DPO}),
    # So does the DPO for the erasure requests to them, and the answers they give (issue 24).
    Permission.FOLLOW_ERASURE_REQUESTS: frozenset({ADMIN, DPO}),
    Permission.READ_AUDIT: frozenset({ADMIN, DPO}),
    # The record of processing is the DPO's to keep in view (PDPA s.12A); changing what it
    # is made of (the registry, the policy) stays with admins.
    Permission.READ_PROCESSING: frozenset({ADMIN, DPO}),
    # PDPA s.12B: the Data Protection Officer works breaches with the administrators.
    Permission.KEEP_BREACH_REGISTER: frozenset({ADMIN, DPO}),
    Permission.MANAGE_STAFF: frozenset({ADMIN}),
}

_P = Permission
ENDPOINTS: dict[str, Permission] = {
    "admin.index": _P.HOME,
    "admin.two_factor": _P.SET_UP_TWO_FACTOR,
    # documents
    "admin.documents_queue": _P.REVIEW_DOCUMENTS,
    "admin.document_review": _P.REVIEW_DOCUMENTS,
    "admin.document_decision": _P.REVIEW_DOCUMENTS,
    "admin.document_under_age": _P.REVIEW_DOCUMENTS,
    "admin.document_under_age_confirm": _P.CONFIRM_ERASURE,
    # verification
    "admin.verification_queue": _P.FOLLOW_VERIFICATION,
    # minor reports
    "admin.minor_reports": _P.HANDLE_MINOR_REPORTS,
    "admin.minor_report": _P.HANDLE_MINOR_REPORTS,
    "admin.minor_report_file": _P.HANDLE_MINOR_REPORTS,
    "admin.minor_report_question": _P.HANDLE_MINOR_REPORTS,
    "admin.minor_report_dismiss": _P.HANDLE_MINOR_REPORTS,
    "admin.minor_report_freeze": _P.HANDLE_MINOR_REPORTS,
    "admin.minor_report_propose": _P.HANDLE_MINOR_REPORTS,
    "admin.minor_report_confirm": _P.CONFIRM_ERASURE,
    # mail and reachability
    "admin.outbox": _P.OPERATE_MAIL,
    "admin.outbox_retry": _P.OPERATE_MAIL,
    "admin.unreachable": _P.REACH_SELLERS,
    "admin.unreachable_seller": _P.REACH_SELLERS,
    "admin.unreachable_attempt": _P.REACH_SELLERS,
    # sellers
    "admin.sellers": _P.SEARCH_SELLERS,
    "admin.seller": _P.SEARCH_SELLERS,
    "admin.seller_reveal": _P.REVEAL_SELLER_DATA,
    "admin.seller_document": _P.REVEAL_SELLER_DATA,
    "admin.terminate_seller": _P.TERMINATE_ACCOUNTS,
    "admin.seller_reopen": _P.REOPEN_ACCOUNTS,
    "admin.seller_lift_freeze": _P.LIFT_FREEZE,
    # policy, registry, disclosures
    "admin.policy": _P.PUBLISH_POLICY,
    "admin.policy_save": _P.PUBLISH_POLICY,
    "admin.policy_preview": _P.PUBLISH_POLICY,
    "admin.policy_publish": _P.PUBLISH_POLICY,
    "admin.third_parties": _P.KEEP_REGISTRY,
    "admin.third_party_new": _P.KEEP_REGISTRY,
    "admin.third_party_edit": _P.KEEP_REGISTRY,
    "admin.third_party_retire": _P.KEEP_REGISTRY,
    "admin.third_party_reinstate": _P.KEEP_REGISTRY,
    "admin.disclosures": _P.RECORD_DISCLOSURES,
    "admin.disclosure_new": _P.RECORD_DISCLOSURES,
    "admin.disclosure": _P.RECORD_DISCLOSURES,
    "admin.disclosure_release": _P.RECORD_DISCLOSURES,
    "admin.disclosure_keep_withheld": _P.RECORD_DISCLOSURES,
    # data-subject requests (PDPA s.30-31, s.35, s.43A); closing an account for a deletion
    # request is an admin's, as the account state machine allows no one else
    "admin.privacy_requests": _P.HANDLE_PRIVACY_REQUESTS,
    "admin.privacy_requests_csv": _P.HANDLE_PRIVACY_REQUESTS,
    "admin.privacy_request": _P.HANDLE_PRIVACY_REQUESTS,
    "admin.privacy_request_extend": _P.HANDLE_PRIVACY_REQUESTS,
    "admin.privacy_request_refuse": _P.HANDLE_PRIVACY_REQUESTS,
    "admin.privacy_request_answer": _P.HANDLE_PRIVACY_REQUESTS,
    "admin.privacy_request_copy": _P.HANDLE_PRIVACY_REQUESTS,
    "admin.privacy_request_transfer": _P.HANDLE_PRIVACY_REQUESTS,
    "admin.privacy_request_correct": _P.HANDLE_PRIVACY_REQUESTS,
    "admin.privacy_request_close_account": _P.TERMINATE_ACCOUNTS,
    # corrections passed on (PDPA s.35)
    "admin.corrections": _P.HANDLE_CORRECTIONS,
    "admin.correction_send": _P.HANDLE_CORRECTIONS,
    "admin.correction_handled": _P.HANDLE_CORRECTIONS,
    # erasure requests to third parties, and their answers
    "admin.erasure_requests": _P.FOLLOW_ERASURE_REQUESTS,
    "admin.erasure_request": _P.FOLLOW_ERASURE_REQUESTS,
    # breaches (PDPA s.12B)
    "admin.breaches_list": _P.KEEP_BREACH_REGISTER,
    "admin.breach_new": _P.KEEP_BREACH_REGISTER,
    "admin.breach": _P.KEEP_BREACH_REGISTER,
    "admin.breach_note": _P.KEEP_BREACH_REGISTER,
    "admin.breach_commissioner": _P.KEEP_BREACH_REGISTER,
    "admin.breach_follow_up": _P.KEEP_BREACH_REGISTER,
    "admin.breach_select": _P.KEEP_BREACH_REGISTER,
    "admin.breach_notify": _P.KEEP_BREACH_REGISTER,
    "admin.breach_notice": _P.KEEP_BREACH_REGISTER,
    # oversight
    "admin.audit": _P.READ_AUDIT,
    "admin.processing_record": _P.READ_PROCESSING,
    "admin.processing_csv": _P.READ_PROCESSING,
    "admin.staff": _P.MANAGE_STAFF,
    "admin.staff_disable": _P.MANAGE_STAFF,
    "admin.staff_enable": _P.MANAGE_STAFF,
}


def allowed(role: str | None, permission: Permission) -> bool:
    return role in MATRIX[permission]


def may(user, permission: Permission) -> bool:
    """For templates and views: whether ``user`` holds ``permission``."""
    return bool(user.is_authenticated) and allowed(user.role, permission)


def endpoint_allowed(role: str | None, endpoint: str | None) -> bool:
    permission = ENDPOINTS.get(endpoint or "")
    return permission is not None and allowed(role, permission)
