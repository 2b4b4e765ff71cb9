"""The record of who looked at a seller's personal data: staff (who, in which role, when,
what, and why), and Koopseri's marketplace through its API. Features call
:func:`portal.accesslog.services.record`, the marketplace's API
:func:`portal.accesslog.services.record_by_marketplace`; the seller reads it at
/account/access-log, in the words of :mod:`portal.accesslog.wording`."""
