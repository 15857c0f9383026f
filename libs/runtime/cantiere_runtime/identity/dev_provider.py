"""The development identity provider of the embedded default (`cantiere dev-idp`, started by `cantiere up`).

One issuer per partner of the territory at ``{base_url}/{partner}``, each with its own ES256 key (kept under
``{data_dir}/idp/``), JWKS, discovery document, sign-in page listing that partner's invented demo users, token
endpoint and logout. Never for production: it signs in anyone who clicks. Its Flask comes with cantiere-runtime's
'embedded' extra, which the production image does not install.
"""

from __future__ import annotations

import os
import secrets
from html import escape
from pathlib import Path
from typing import Any

from authlib.oauth2 import OAuth2Error
from flask import Flask, Response, abort, jsonify, request, session

from cantiere_runtime.identity.dev_realm import Realm
from cantiere_runtime.identity.dev_users import MONITORING_AUDIENCE, audience_for, demo_users, partner_name
from cantiere_runtime.identity.keys import load_or_create_key
from cantiere_runtime.territory import Territory

DEFAULT_PORT = 8900


class ProductionRefused(RuntimeError):
    """The development identity provider was asked to run in production."""


def key_path(data_dir: Path, partner: str) -> Path:
    """Where the development issuer of ``partner`` keeps its private key."""
    return data_dir / "idp" / f"{partner}.jwk.json"


def issuer_url(base_url: str, partner: str) -> str:
    """The issuer identifier of ``partner`` at the development provider."""
    return f"{base_url.rstrip('/')}/{partner}"


def realms(territory: Territory, data_dir: Path, base_url: str) -> dict[str, Realm]:
    """Every partner's issuer, with its key loaded from (or first made in) the data folder."""
    capofila = {a.capofila for a in territory.ambiti}
    return {
        partner: Realm(
            partner,
            issuer_url(base_url, partner),
            audience_for(territory, partner),
            load_or_create_key(key_path(data_dir, partner)),
            users,
            (MONITORING_AUDIENCE,) if partner in capofila else (),  # its Ufficio di Piano reads monitoring
        )
        for partner, users in demo_users(territory).items()
    }


STYLE = """
body{margin:0;font-family:"Titillium Web",system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;
background:#f2f4f7;line-height:1.5}
.warning{background:#fff3cd;color:#5c4400;border-bottom:3px solid #a66300;padding:.75rem 1rem;font-weight:600}
header{background:#0066cc;color:#fff;padding:1.25rem 1rem}
header p{margin:0;font-size:1.4rem;font-weight:700}
main{max-width:40rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:4px;
box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.75rem;margin-top:0;color:#17324d}
ul.users{list-style:none;padding:0}ul.users li{margin:.5rem 0}
button{width:100%;text-align:left;font:inherit;font-weight:600;color:#fff;background:#0066cc;border:0;
border-radius:4px;padding:.75rem 1rem;cursor:pointer}
button:hover{background:#004d99}button:focus-visible,a:focus-visible{outline:3px solid #f90;outline-offset:2px}
a{color:#0059b3}code{background:#eef1f5;padding:0 .25rem}
"""


def _html(title: str, body: str, status: int = 200) -> Response:
    page = (
        f'<!doctype html><html lang="it"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">'
        f"<style>{STYLE}</style></head><body>"
        '<div class="warning" role="note">Fornitore di identità di sviluppo: utenti dimostrativi inventati, '
        'nessuna password. Mai in produzione. <span lang="en">Development identity provider: invented demo '
        "users, no passwords. Never in production.</span></div>"
        "<header><p>Cantiere · Accesso di sviluppo</p></header>"
        f"<main>{body}</main></body></html>"
    )
    return Response(page, status=status, mimetype="text/html", headers={"Cache-Control": "no-store"})


def _response(result: Any) -> Response:
    return result if isinstance(result, Response) else Response(*result)


def create_dev_provider(territory: Territory, data_dir: Path, base_url: str) -> Flask:
    """The Flask application serving every development issuer of the territory."""
    if os.environ.get("CANTIERE_ENVIRONMENT") == "production":
        raise ProductionRefused("the development identity provider never runs in production")
    app = Flask("cantiere-dev-idp")
    app.config.update(SECRET_KEY=secrets.token_urlsafe(32), SESSION_COOKIE_NAME="cantiere_dev_idp")
    app.config.update(SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_HTTPONLY=True)
    known = realms(territory, data_dir, base_url)

    def realm_of(partner: str) -> Realm:
        return known.get(partner) or abort(404)

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok", issuers=[realm.issuer for realm in known.values()])

    @app.get("/")
    def index() -> Response:
        rows = "".join(
            f"<li>{escape(partner_name(territory, r.partner))}: <code>{escape(r.issuer)}</code> "
            f"({len(r.users)} utenti dimostrativi)</li>"
            for r in known.values()
        )
        text = (
            "<h1>Fornitore di identità di sviluppo</h1><p>Solo per lo sviluppo: chi sceglie un utente dimostrativo "
            'entra con il suo ruolo. <span lang="en">Development only: pick a demo user to sign in with its role.'
            "</span></p><p>Per accedere apri la pagina <code>/accedi</code> di un servizio.</p>"
        )
        return _html("Identità di sviluppo", f"{text}<ul>{rows}</ul>")

    @app.get("/<partner>/.well-known/openid-configuration")
    def discovery(partner: str) -> Response:
        return jsonify(realm_of(partner).metadata())

    @app.get("/<partner>/jwks")
    def jwks(partner: str) -> Response:
        return jsonify(realm_of(partner).jwks())

    @app.route("/<partner>/authorize", methods=["GET", "POST"])
    def authorize(partner: str) -> Response:
        realm = realm_of(partner)
        if request.method == "POST":
            user = realm.users.get(request.form.get("user", ""))
            if user is None:
                abort(400)
            session[realm.session_key] = user.user_id
        else:
            user = realm.signed_in()
        try:
            grant = realm.server.get_consent_grant(end_user=user)
        except OAuth2Error as error:
            text = (
                f"<h1>Richiesta di accesso non valida</h1><p lang='en'>{escape(error.description or error.error)}</p>"
            )
            return _html("Richiesta non valida", text, 400)
        chosen_now = request.method == "POST"  # prompt=login asks for a choice: this is it
        if user is not None and (chosen_now or "login" not in (request.values.get("prompt") or "")):
            return _response(realm.server.create_authorization_response(grant_user=user, grant=grant))
        return _sign_in_page(territory, realm)

    @app.post("/<partner>/token")
    def token(partner: str) -> Response:
        return _response(realm_of(partner).server.create_token_response())

    @app.route("/<partner>/logout", methods=["GET", "POST"])
    def logout(partner: str) -> Response:
        realm = realm_of(partner)
        try:
            result = realm.server.create_endpoint_response("end_session")
        except OAuth2Error:
            session.pop(realm.session_key, None)
            result = None
        if result is not None:
            return _response(result)
        return _html("Uscita", "<h1>Sei uscito</h1><p lang='en'>You have signed out of the identity provider.</p>")

    return app


def _sign_in_page(territory: Territory, realm: Realm) -> Response:
    buttons = "".join(
        f'<li><button type="submit" name="user" value="{escape(u.user_id)}">{escape(u.label)}</button></li>'
        for u in realm.users.values()
    )
    name = escape(partner_name(territory, realm.partner))
    body = (
        f"<h1>Accedi: {name}</h1>"
        "<p>Questo è il fornitore di identità di sviluppo: scegli un utente dimostrativo ed entrerai con il suo "
        'ruolo. <span lang="en">This is the development identity provider: choose a demo user to sign in with its '
        "role.</span></p>"
        f'<form method="post" action="{escape(request.full_path)}">'
        f'<fieldset style="border:0;padding:0;margin:0"><legend>Utenti dimostrativi di {name} '
        f'<span lang="en">(demo users)</span></legend><ul class="users">{buttons}</ul></fieldset></form>'
    )
    return _html(f"Accedi (sviluppo) · {partner_name(territory, realm.partner)}", body)


def serve(territory: Territory, data_dir: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> None:
    """Serve the development provider until the process is stopped."""
    from werkzeug.serving import make_server

    app = create_dev_provider(territory, data_dir, f"http://{host}:{port}")
    make_server(host, port, app, threaded=True).serve_forever()
