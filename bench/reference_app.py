"""The reference for ``dashboard_throughput.py``: a minimal Flask app doing a dashboard's work.

No portal code: Flask, Flask-SQLAlchemy and a Jinja template, written the ordinary way. Per
request it does what any logged-in dashboard must do, once each:

- reads Flask's own signed session cookie (itsdangerous, as the portal's cookie is) for the
  seller's id, and loads that seller with one query by primary key;
- loads the seller's five latest orders with one query on an index (``seller_id, placed_at``);
- renders one template, a layout with a header, navigation (``url_for``), a log-out form,
  four cards and a footer: about the size of the portal's dashboard page (5 KB).

A request without a valid cookie, or for a seller that does not exist, is sent to a log-in
page, as the portal does. There is no log-in form: the benchmark signs the cookie itself
with :func:`session_cookie`. The benchmark runs this module under gunicorn with the
portal's own ``gunicorn.conf.py`` and the same workers (``bench.reference_app:create_app()``);
the database comes from ``REFERENCE_DATABASE_URL`` (the same kind as the portal's: a SQLite
file, or PostgreSQL), the key from ``REFERENCE_SECRET_KEY``. :func:`fill` creates and fills
its two tables (``reference_sellers``, ``reference_orders``).
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta

from flask import Flask, redirect, render_template, session, url_for
from flask_sqlalchemy import SQLAlchemy
from jinja2 import DictLoader
from sqlalchemy import ForeignKey, Index, String, event, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Seller(db.Model):
    __tablename__ = "reference_sellers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    shop_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]


class Order(db.Model):
    __tablename__ = "reference_orders"
    __table_args__ = (Index("ix_reference_orders_seller_placed", "seller_id", "placed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("reference_sellers.id"))
    number: Mapped[str] = mapped_column(String(20))
    customer: Mapped[str] = mapped_column(String(200))
    total_sen: Mapped[int]
    status: Mapped[str] = mapped_column(String(16))
    placed_at: Mapped[datetime]


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """The same SQLite settings as the portal's: WAL, foreign keys, patience with locks."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


LAYOUT = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{% block title %}Seller Portal{% endblock %} · Reference</title>
  <link rel="stylesheet" href="{{ url_for('static', filename='css/site.css') }}">
  <link rel="icon" href="{{ url_for('static', filename='img/logo.svg') }}" type="image/svg+xml">
</head>
<body>
  <a class="skip-link" href="#content">Skip to content</a>
  <header class="site-header">
    <div class="container site-header__inner">
      <a class="brand" href="{{ url_for('index') }}">
        <img src="{{ url_for('static', filename='img/logo.svg') }}" alt="" width="32" height="32">
        <span>Reference <strong>Seller Portal</strong></span>
      </a>
      <nav class="site-nav" aria-label="Main">
        <ul>
          <li><a href="{{ url_for('dashboard') }}">Dashboard</a></li>
          <li><a href="{{ url_for('page', name='profile') }}">Profile</a></li>
          <li><a href="{{ url_for('page', name='orders') }}">Orders</a></li>
          <li><a href="{{ url_for('page', name='messages') }}">Messages</a></li>
          <li><a href="{{ url_for('page', name='account') }}">Account</a></li>
          <li>
            <form method="post" action="{{ url_for('logout') }}" class="inline-form">
              <button type="submit" class="link-button">Log out</button>
            </form>
          </li>
        </ul>
      </nav>
    </div>
  </header>
  <main id="content" class="container">
    {% block content %}{% endblock %}
  </main>
  <footer class="site-footer">
    <div class="container">
      <nav aria-label="About">
        <ul>
          <li><a href="{{ url_for('page', name='privacy') }}">Privacy policy</a></li>
          <li><a href="{{ url_for('page', name='terms') }}">Terms of sale</a></li>
          <li><a href="{{ url_for('page', name='help') }}">Help</a></li>
          <li><a href="{{ url_for('page', name='contact') }}">Contact us</a></li>
        </ul>
      </nav>
      <p class="muted">© Reference · A minimal Flask app, for comparison.</p>
    </div>
  </footer>
</body>
</html>
"""

DASHBOARD = """{% extends "layout.html" %}
{% block title %}Dashboard{% endblock %}
{% block content %}
<h1>Welcome, {{ seller.full_name }}</h1>
<div class="grid">
  <section class="card" aria-labelledby="orders-title">
    <h2 id="orders-title">Your latest orders</h2>
    {% if orders %}
    <p>The {{ orders | length }} most recent of your orders:</p>
    <ul class="checklist">
      {% for order in orders %}
      <li class="checklist__item checklist__item--{{ 'done' if order.status == 'paid' else 'missing' }}">
        <span class="checklist__mark" aria-hidden="true">{{ '✓' if order.status == 'paid' else '•' }}</span>
        <a href="{{ url_for('order', number=order.number) }}">{{ order.number }}</a> for {{ order.customer }}
        <span class="amount">RM {{ '%.2f' | format(order.total_sen / 100) }}</span>
        <span class="muted">{{ order.placed_at.strftime('%d %b %Y, %H:%M') }}</span>
      </li>
      {% endfor %}
    </ul>
    {% else %}
    <p>No orders yet.</p>
    {% endif %}
    <p class="muted small">Your shop: {{ seller.shop_name or 'no name yet' }}. <a href="{{ url_for('page', name='orders') }}">Every order</a></p>
    <p><a class="button button--secondary" href="{{ url_for('page', name='profile') }}">Edit your profile</a></p>
  </section>
  <section class="card">
    <h2>Your account</h2>
    <p>Signed in as {{ seller.email }}, a seller since {{ seller.created_at.strftime('%d %b %Y') }}.</p>
    <p><a href="{{ url_for('page', name='account') }}">Read your account details</a></p>
  </section>
  <section class="card">
    <h2>Security</h2>
    <p><a href="{{ url_for('page', name='password') }}">Change your password</a></p>
    <p><a href="{{ url_for('page', name='sessions') }}">Your sessions</a></p>
    <p><a href="{{ url_for('page', name='history') }}">History of changes to your details</a></p>
  </section>
  <section class="card">
    <h2>Partners</h2>
    <p><a href="{{ url_for('page', name='pickup') }}">Arrange a pickup</a></p>
    <p><a href="{{ url_for('page', name='store') }}">Connect an online store</a></p>
    <p><a href="{{ url_for('page', name='partners') }}">Our partners</a></p>
  </section>
</div>
{% endblock %}
"""

LOGIN = """{% extends "layout.html" %}
{% block content %}<h1>Log in</h1>{% endblock %}
"""

PAGE = """{% extends "layout.html" %}
{% block content %}<h1>{{ name }}</h1>{% endblock %}
"""


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.config.update(
        SECRET_KEY=os.environ.get("REFERENCE_SECRET_KEY"),
        SQLALCHEMY_DATABASE_URI=os.environ.get("REFERENCE_DATABASE_URL"),
        SESSION_COOKIE_NAME="reference_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.config.update(config or {})
    app.jinja_loader = DictLoader(
        {"layout.html": LAYOUT, "dashboard.html": DASHBOARD, "login.html": LOGIN, "page.html": PAGE}
    )
    # Links to /static/ in the layout, served by the web server in front, as usual.
    app.add_url_rule("/static/<path:filename>", endpoint="static", build_only=True)
    db.init_app(app)

    @app.get("/")
    def index():
        return redirect(url_for("dashboard"))

    @app.get("/dashboard")
    def dashboard():
        seller_id = session.get("seller_id")
        seller = db.session.get(Seller, seller_id) if isinstance(seller_id, int) else None
        if seller is None:
            return redirect(url_for("login"))
        orders = db.session.scalars(
            select(Order)
            .where(Order.seller_id == seller.id)
            .order_by(Order.placed_at.desc())
            .limit(5)
        ).all()
        return render_template("dashboard.html", seller=seller, orders=orders)

    @app.get("/login")
    def login():
        return render_template("login.html")

    @app.post("/logout")
    def logout():
        session.clear()
        return redirect(url_for("login"))

    @app.get("/orders/<number>")
    def order(number: str):
        return render_template("page.html", name=number)

    @app.get("/<name>")
    def page(name: str):
        return render_template("page.html", name=name)

    return app


def session_cookie(app: Flask, seller_id: int) -> str:
    """The value of the cookie of a browser logged in as ``seller_id`` (signed with the app's
    key, as Flask's session would set it)."""
    return app.session_interface.get_signing_serializer(app).dumps({"seller_id": seller_id})


def fill(app: Flask, name: str, sellers: int = 20, orders_each: int = 50) -> int:
    """Create the tables and fill them; returns the id of the seller the benchmark logs in as."""
    started = datetime(2026, 1, 5, 9, 0)  # noqa: DTZ001 (naive, as the column)
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.execute(
            insert(Seller),
            [
                {
                    "id": n,
                    "email": f"seller{n}@example.com",
                    "full_name": name if n == 1 else f"Seller {n}",
                    "shop_name": "Aisyah Batik" if n == 1 else None,
                    "created_at": started,
                }
                for n in range(1, sellers + 1)
            ],
        )
        db.session.execute(
            insert(Order),
            [
                {
                    "seller_id": n,
                    "number": f"KS-{n:04d}-{k:05d}",
                    "customer": f"Customer {k}",
                    "total_sen": 1000 + 137 * k,
                    "status": "paid" if k % 3 else "pending",
                    "placed_at": started + timedelta(hours=7 * k + n),
                }
                for n in range(1, sellers + 1)
                for k in range(orders_each)
            ],
        )
        db.session.commit()
        db.engine.dispose()
    return 1
