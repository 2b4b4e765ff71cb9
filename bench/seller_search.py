"""Seller search on 100,000 sellers: an index range scan, against a scan of every seller.

Staff search by name, email, phone number or shop name (``GET /admin/sellers?q=``). The
search reads the index of ``seller_search_terms`` (a prefix range per query, see
``portal.profile.search``), then joins the page's 25 sellers to their accounts and shops by primary
key. This benchmark fills a fresh SQLite database with 100,000 sellers (Malay, Chinese and
Indian names, shop names, emails and Malaysian mobile numbers, from a fixed seed; inserted in
bulk with their search terms by another process, then ``ANALYZE``), logs a reviewer in (with
two-factor) through the test client, and times ``--searches`` requests of each kind through
the real view, rendering included: a name prefix as staff type it (a name cut after 4 to 12
characters: "Tan Mei L", "Nur Aisyah"), a whole email, a phone number in national format
("012-345 6789"), the start of a shop name, and the worst case, a common word ("a", "nur",
"tan", "kedai": thousands of matches, grouped and sorted for page 1). The reference, in the
same process on the same database and queries, is the same view with the search replaced by
the naive one: ``LIKE '%q%'`` on the lower-cased name, email, phone and shop name of every
seller, users joined to profiles, first 25 by id. It prints the median and p95 latency of
both for each kind, their ratio, the SQL statements per request (the same for every request
if the query count is constant), and how many searches filled a page. The exit status is 1
if an indexed search does not find the seller it was drawn from (on page 1, or there is a
page 2), if the number of statements varies, or if the database's plan for the search (``EXPLAIN``
of the statement the view ran for a common word) does not read the term index. About 40 s.

    .venv/bin/python bench/seller_search.py --sellers 100000 --searches 200

``--database-url`` runs it on PostgreSQL instead: that database's public schema is dropped
before and after the run (``page_queries.empty``), so give it one of its own. About 3 minutes
at 100,000 sellers.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.page_queries import empty  # noqa: E402
from bench.procstat import machine_line  # noqa: E402

CHUNK = 5_000
SEED = 20261126
STAFF_EMAIL = "reviewer@bench.test"
STAFF_PASSWORD = "bench-reviewer-password-42"
KINDS = ("name prefix", "email", "phone", "shop name", "common word")
# The worst case: words that start the names or shop names of 2% to 50% of the sellers, so
# the index range holds thousands of entries, all grouped and sorted for page 1.
COMMON_WORDS = ("a", "nur", "tan", "kedai", "binti", "m", "siti", "lim", "ahmad", "kopi")

MALAY = (
    "Nur", "Siti", "Aisyah", "Nurul", "Farah", "Aminah", "Zainab", "Hafizah", "Syafiqah",
    "Liyana", "Aina", "Balqis", "Izzati", "Muhammad", "Ahmad", "Amir", "Hafiz", "Faris",
    "Aiman", "Iskandar", "Hakim", "Syahmi", "Danial", "Irfan", "Haziq", "Zulkifli", "Azman",
    "Rosli", "Kamal", "Salleh", "Ismail", "Yusof", "Razak", "Hamzah", "Ibrahim", "Osman",
    "Rahman", "Aziz",
)  # fmt: skip
CHINESE_SURNAMES = (
    "Tan", "Lim", "Lee", "Ng", "Wong", "Chan", "Goh", "Ong", "Teo", "Chua", "Koh", "Low",
    "Yap", "Chong", "Leong", "Foo",
)  # fmt: skip
CHINESE_GIVEN = (
    "Mei", "Ling", "Wei", "Jun", "Hui", "Xin", "Kai", "Yi", "Jia", "Hao", "Zhi", "Min",
    "Siew", "Kok", "Boon", "Chee",
)  # fmt: skip
INDIAN = (
    "Priya", "Kavitha", "Devi", "Lakshmi", "Anitha", "Rajesh", "Suresh", "Kumar", "Ganesh",
    "Ravi", "Arjun", "Vijay", "Muthu", "Subramaniam", "Krishnan", "Raman", "Selvam",
    "Pillai", "Nair", "Menon",
)  # fmt: skip
PRODUCTS = (
    "Batik", "Songket", "Kuih", "Kopi", "Rempah", "Sambal", "Kerepek", "Tudung", "Baju",
    "Kasut", "Beg", "Madu", "Teh", "Roti", "Kek", "Dodol", "Ikan", "Bilis", "Durian", "Kain",
    "Manik", "Perabot", "Tembikar", "Sabun", "Lilin",
)  # fmt: skip
SHOP_WORDS = ("Kedai", "Butik", "Warisan", "Dapur", "Gerai", "Rumah", "Pusat", "Studio")
SUFFIXES = ("", "", " Enterprise", " Trading", " Sdn Bhd", " & Co", " Online")
DOMAINS = ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "koopmail.my")


def _app(instance: Path, database_url: str | None):
    os.environ.setdefault("PORTAL_ENVIRONMENT", "development")
    import portal.admin.sellers  # noqa: F401  (until portal.admin imports it itself)
    from portal import create_app

    config = {
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "bench-" + "x" * 40,
        "TESTING": False,
        "BCRYPT_ROUNDS": 4,
        "WTF_CSRF_ENABLED": False,
    }
    if database_url:
        config["SQLALCHEMY_DATABASE_URI"] = database_url
    return create_app(config)


def _seller(rng: random.Random, n: int) -> dict:
    """One made-up seller: name, shop, email and phone (``n`` keeps the email unique)."""
    culture = rng.random()
    if culture < 0.5:
        first, second, father = rng.choice(MALAY), rng.choice(MALAY), rng.choice(MALAY)
        full_name = f"{first} {second} {rng.choice(('bin', 'binti'))} {father}"
        handle = f"{first}.{father}"
    elif culture < 0.8:
        surname = rng.choice(CHINESE_SURNAMES)
        first, second = rng.choice(CHINESE_GIVEN), rng.choice(CHINESE_GIVEN)
        full_name = f"{surname} {first} {second}"
        handle = f"{first}{second}.{surname}"
    else:
        first, father = rng.choice(INDIAN), rng.choice(INDIAN)
        full_name = f"{first} a/l {father}" if rng.random() < 0.5 else f"{first} {father}"
        handle = f"{first}.{father}"
    shop = (
        f"{rng.choice(SHOP_WORDS)} {rng.choice(PRODUCTS)} {full_name.split()[0]}"
        f"{rng.choice(SUFFIXES)}"
    )
    prefix = rng.choice(("11", "12", "13", "14", "16", "17", "18", "19"))
    digits = 8 if prefix == "11" else 7
    phone = f"+60{prefix}{rng.randrange(10 ** (digits - 1), 10**digits)}"
    return {
        "full_name": full_name,
        "email": f"{handle}{n}@{rng.choice(DOMAINS)}".lower(),
        "phone_e164": phone,
        "display_name": shop if rng.random() < 0.8 else None,
    }


def prepare(instance: Path, sellers: int, database_url: str | None = None) -> None:
    """A fresh database: the schema by migration, a reviewer, and ``sellers`` sellers with
    profiles and search terms, inserted in bulk (as the migration's backfill would), then
    ``ANALYZE``, so that the planner knows the tables' sizes (on PostgreSQL as on SQLite)."""
    import pyotp
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from portal.auth.models import User
    from portal.auth.services import create_staff
    from portal.extensions import db
    from portal.profile.models import SellerProfile
    from portal.profile.search.models import SearchTerm
    from portal.profile.search.terms import terms_for

    logging.disable(logging.INFO)  # the migrations' progress, on stderr
    if database_url:
        empty(database_url)
    app = _app(instance, database_url)
    rng = random.Random(SEED)
    created = datetime(2026, 1, 1, tzinfo=UTC)
    with app.app_context():
        upgrade()
        secret = pyotp.random_base32()
        staff = create_staff(STAFF_EMAIL, "reviewer", STAFF_PASSWORD, full_name="Bench Reviewer")
        staff.totp_secret, staff.totp_enabled_at = secret, created
        db.session.commit()
        first = staff.id + 1
        (instance / "totp").write_text(secret)
        for start in range(first, sellers + first, CHUNK):
            people = {n: _seller(rng, n) for n in range(start, min(start + CHUNK, sellers + first))}
            db.session.execute(
                insert(User),
                [
                    {
                        "id": n,
                        "email": p["email"],
                        "password_hash": "x" * 60,
                        "role": "seller",
                        "status": "active",
                        "full_name": p["full_name"],
                        "phone_e164": p["phone_e164"],
                        "created_at": created,
                    }
                    for n, p in people.items()
                ],
            )
            db.session.execute(
                insert(SellerProfile),
                [
                    {"user_id": n, "display_name": p["display_name"], "city": "Ipoh"}
                    for n, p in people.items()
                ],
            )
            db.session.execute(
                insert(SearchTerm),
                [
                    {"seller_id": n, "term": term}
                    for n, p in people.items()
                    for term in terms_for(
                        p["full_name"], p["email"], p["phone_e164"], p["display_name"]
                    )
                ],
            )
            db.session.commit()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()


def _queries(rows, count: int, rng: random.Random) -> dict[str, list[tuple[int, str]]]:
    """``count`` queries of each kind, each with the seller it was drawn from."""
    queries = {kind: [] for kind in KINDS}
    with_shop = [row for row in rows if row.display_name]
    for _ in range(count):
        row = rng.choice(rows)
        cut = rng.randint(4, 12)
        queries["name prefix"].append((row.id, row.full_name[:cut].rstrip()))
        queries["email"].append((row.id, row.email))
        national = "0" + row.phone_e164[3:]
        queries["phone"].append((row.id, f"{national[:3]}-{national[3:6]} {national[6:]}"))
        shop = rng.choice(with_shop)
        words = shop.display_name.split()
        queries["shop name"].append((shop.id, " ".join(words[:2])[: rng.randint(6, 14)].rstrip()))
        queries["common word"].append((None, rng.choice(COMMON_WORDS)))
    return queries


def naive_search(query: str, *, page: int = 1, per_page: int = 25):
    """The reference: every seller's lower-cased name, email, phone and shop name scanned for
    the query anywhere in it (``LIKE '%q%'``), users joined to profiles."""
    from sqlalchemy import func, or_, select

    from portal.auth.models import User
    from portal.extensions import db
    from portal.profile.models import SellerProfile

    needle = f"%{query.strip().lower()}%"
    digits = "".join(c for c in query if c.isdigit())
    conditions = [
        func.lower(User.full_name).like(needle),
        func.lower(User.email).like(needle),
        func.lower(SellerProfile.display_name).like(needle),
    ]
    if digits:
        national = digits[1:] if digits.startswith("0") else digits
        conditions.append(User.phone_e164.like(f"%{national}%"))
    rows = db.session.execute(
        select(User.id, User.full_name, User.email, User.status, SellerProfile.display_name)
        .outerjoin(SellerProfile, SellerProfile.user_id == User.id)
        .where(User.role == "seller", or_(*conditions))
        .order_by(User.id)
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    ).all()
    return rows[:per_page], len(rows) > per_page


def plan(engine, statement: str, parameters) -> list[str]:
    """The database's plan for a statement the view ran, as ``EXPLAIN`` prints it."""
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(explain + statement, parameters)
        return [" ".join(str(column) for column in row[-1:]) for row in cursor.fetchall()]
    finally:
        connection.close()


def size(engine, instance: Path) -> int:
    """The database's bytes: PostgreSQL's own count, or the SQLite file."""
    from sqlalchemy import text

    if engine.dialect.name == "sqlite":
        return (instance / "portal.sqlite3").stat().st_size
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_database_size(current_database())")).scalar()


def run(instance: Path, searches: int, reference_searches: int, database_url: str | None) -> dict:
    import pyotp
    from sqlalchemy import event, select

    from portal.auth.models import User
    from portal.extensions import db
    from portal.profile.models import SellerProfile
    from portal.profile.search import services as search

    app = _app(instance, database_url)
    client = app.test_client()
    client.post("/auth/login", data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD})
    code = pyotp.TOTP((instance / "totp").read_text()).now()
    client.post("/auth/two-factor", data={"code": code})
    assert client.get("/admin/sellers").status_code == 200, "not logged in as staff"

    with app.app_context():
        rows = db.session.execute(
            select(User.id, User.full_name, User.email, User.phone_e164, SellerProfile.display_name)
            .outerjoin(SellerProfile, SellerProfile.user_id == User.id)
            .where(User.role == "seller")
        ).all()
        engine = db.engine
    queries = _queries(rows, searches, random.Random(SEED + 1))
    sellers = len(rows)
    del rows

    statements, searched = [0], []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements[0] += 1
        if "seller_search_terms" in statement:
            searched[:] = [statement, parameters]

    event.listen(engine, "before_cursor_execute", count)

    def timed(query: str) -> tuple[float, int, str]:
        statements[0] = 0
        started = time.perf_counter()
        response = client.get("/admin/sellers", query_string={"q": query})
        seconds = time.perf_counter() - started
        assert response.status_code == 200, (query, response.status_code)
        return seconds, statements[0], response.get_data(as_text=True)

    for _, query in queries["email"][:20]:  # warm up: caches, templates, the database pages
        timed(query)
    timed(COMMON_WORDS[0])
    common_plan = plan(engine, *searched)

    results, misses, counts = {}, [], set()
    for kind in KINDS:
        times, full = [], 0
        for seller_id, query in queries[kind]:
            seconds, n, page = timed(query)
            times.append(seconds)
            counts.add(n)
            full += 'class="pager"' in page and "page=2" in page
            found = seller_id is None or f'href="/admin/sellers/{seller_id}"' in page
            if not found and "page=2" not in page:
                misses.append((kind, query))
        results[kind] = {"times": times, "full": full}

    original = search.search
    search.search = naive_search
    try:
        for kind in KINDS:
            times = [timed(query)[0] for _, query in queries[kind][:reference_searches]]
            results[kind]["reference"] = times
    finally:
        search.search = original
    return {
        "results": results,
        "misses": misses,
        "statements": sorted(counts),
        "sellers": sellers,
        "plan": common_plan,
        "bytes": size(engine, instance),
        "database": engine.dialect.name,
    }


def child(args: list[str]) -> dict | None:
    done = subprocess.run(
        [sys.executable, __file__, *args], cwd=ROOT, stdout=subprocess.PIPE, check=True
    )
    lines = done.stdout.decode().strip().splitlines()
    return json.loads(lines[-1]) if lines else None


def median_p95_ms(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sellers", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=200, help="of each kind")
    parser.add_argument(
        "--reference-searches", type=int, default=50, help="of each kind, for the naive scan"
    )
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is dropped!)")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare is not None:
        prepare(Path(args.instance), args.prepare, args.database_url)
        return 0
    if args.run:
        result = run(Path(args.instance), args.searches, args.reference_searches, args.database_url)
        print(json.dumps(result))
        return 0

    load = os.getloadavg()[0]
    command = (
        f"bench/seller_search.py --sellers {args.sellers} --searches {args.searches} "
        f"--reference-searches {args.reference_searches}"
    )
    database = ["--database-url", args.database_url] if args.database_url else []
    if args.database_url:
        command += " --database-url URL"
    with tempfile.TemporaryDirectory(prefix="portal-search-bench-") as tmp:
        try:
            started = time.perf_counter()
            child(["--prepare", str(args.sellers), "--instance", tmp, *database])
            filled = time.perf_counter() - started
            result = child(
                [
                    "--run",
                    "--instance",
                    tmp,
                    "--searches",
                    str(args.searches),
                    "--reference-searches",
                    str(args.reference_searches),
                    *database,
                ]
            )
        finally:
            if args.database_url:
                empty(args.database_url)
    name = "PostgreSQL" if result["database"] == "postgresql" else "SQLite"
    print(f"Seller search through GET /admin/sellers?q=, {result['sellers']:,} sellers, {name}")
    print(f"database filled in {filled:.1f} s ({result['bytes'] / 2**20:.0f} MiB)")
    print(
        f"{'kind':<12} {'n':>4} {'median ms':>10} {'p95 ms':>8} {'full pages':>11}"
        f" | {'naive n':>7} {'median ms':>10} {'p95 ms':>8} {'median ratio':>13}"
    )
    for kind in KINDS:
        item = result["results"][kind]
        median, p95 = median_p95_ms(item["times"])
        ref_median, ref_p95 = median_p95_ms(item["reference"])
        print(
            f"{kind:<12} {len(item['times']):>4} {median:>10.2f} {p95:>8.2f} "
            f"{item['full']:>11} | {len(item['reference']):>7} {ref_median:>10.2f} "
            f"{ref_p95:>8.2f} {ref_median / median:>12.1f}x"
        )
    print(f"SQL statements per search request: {result['statements']}")
    print(f"the plan for the search of {COMMON_WORDS[0]!r} (EXPLAIN):")
    for line in result["plan"]:
        print(f"  {line}")
    print(machine_line(load))
    print(f"command: .venv/bin/python {command}")
    failed = False
    if result["misses"]:
        print(f"FAIL: {len(result['misses'])} searches missed their seller: {result['misses'][:5]}")
        failed = True
    if len(result["statements"]) != 1:
        print("FAIL: the number of statements per search varies")
        failed = True
    if not any("ix_seller_search_terms_term" in line for line in result["plan"]):
        print("FAIL: the search does not read the term index")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
