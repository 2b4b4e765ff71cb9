"""Finding a seller by name, email, phone number or shop name, on 100,000 sellers.

Part of the profile: the index is built from the account and the shop's profile, which the
profile owns, and is kept in step whenever either is written.

Each seller has a few normalised search terms (``seller_search_terms``): every tail of the
words of their name and of their shop's name ("tan mei ling", "mei ling", "ling"), their
email, and their phone number's digits as staff type them (international, national, and
without the trunk prefix). A search is one or two prefix ranges on the index of those terms,
so it reads only the matching entries, on SQLite and PostgreSQL alike (:mod:`.terms`). The
terms are kept in step by session events whenever a seller's name, email, phone or shop name
is flushed (:mod:`.services`), go with the seller at erasure, and were built for existing
sellers by migration 0017.
"""
