"""The breach register (PDPA 2010 as amended, s.12B): each incident, its append-only
timeline, the two statutory clocks (the Commissioner's notice within 72 hours of discovery,
the follow-up within 30 days of that notice), the sellers it affected, and the one bilingual
security notice each of them is sent. Staff work it at /admin/breaches; a seller sees the
notices sent to them on /account and in the notification centre."""

from portal.breaches import guard  # noqa: E402,F401  (the timeline's append-only listeners)
