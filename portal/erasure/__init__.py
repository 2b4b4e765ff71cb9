"""One erasure routine for every path that deletes a seller's personal data.

A confirmed report about a minor erases at once; the retention job erases terminated
accounts three months on, and registrations never confirmed after a week, through this
same routine. The data map (:mod:`portal.datamap`) drives it: which rows are the seller's
(deleted, children first, the account row last), which columns elsewhere name the account
(emptied), and which stored files the rows name (:mod:`.files`: deleted after the commit).
Each third party that received the seller's data gets an erasure request (:mod:`.third_parties`),
made through the sharing door or emailed to the party's privacy contact; staff follow those
not yet answered (:mod:`.answers`). What stays is a non-personal record (:mod:`.models`).

Erasure sits below the features and imports none of them.
"""

from portal.erasure.files import delete_pending_files
from portal.erasure.models import Erasure, ErasureRequest, PendingFileDeletion
from portal.erasure.rows import NoSuchAccount, erase_account, erase_accounts
from portal.erasure.third_parties import send_erasure_requests

__all__ = [
    "Erasure",
    "ErasureRequest",
    "NoSuchAccount",
    "PendingFileDeletion",
    "delete_pending_files",
    "erase_account",
    "erase_accounts",
    "send_erasure_requests",
]
