"""The audit trail of staff actions: who did what, to what, when. Rows are only added.

Features record their staff actions with :func:`portal.audit.services.record`; the back
office's page to read and filter the trail comes with the staff issue.
"""

from portal.audit import guard  # noqa: E402,F401  (append-only listeners, loaded with the package)
