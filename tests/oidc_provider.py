"""A small OpenID Connect provider for the tests, on loopback: discovery, keys, an authorize
endpoint that approves at once, and a token endpoint that signs real RS256 ID tokens.
`tamper` changes the claims of the next tokens (another issuer, audience, expiry, nonce)."""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any
from urllib.parse import urlencode

from flask import Flask, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "wasstraat"
CLIENT_SECRET = "test-client-secret"


class Provider:
    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test", "alg": "RS256",
                                                         "use": "sig"})
        self.signing_key = self.key
        self.person: dict[str, Any] = {"sub": "0b8f-medewerker-1", "name": "Fatima El Amrani",
                                       "email": "f.elamrani@gemeente.example",
                                       "email_verified": True}
        self.tamper: dict[str, Any] = {}
        self.codes: dict[str, dict[str, str]] = {}
        self.server = make_server("127.0.0.1", 0, self._app(), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def _app(self) -> Flask:
        app = Flask("oidc-test-provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(issuer=self.url, authorization_endpoint=f"{self.url}/authorize",
                           token_endpoint=f"{self.url}/token", jwks_uri=f"{self.url}/jwks",
                           response_types_supported=["code"],
                           subject_types_supported=["public"],
                           id_token_signing_alg_values_supported=["RS256"])

        @app.get("/jwks")
        def jwks():
            return jsonify(keys=[self.key.as_dict(private=False)])

        @app.get("/authorize")
        def authorize():
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"nonce": request.args.get("nonce", ""),
                                "client_id": request.args["client_id"]}
            query = urlencode({"code": code, "state": request.args["state"]})
            return redirect(f"{request.args['redirect_uri']}?{query}")

        @app.post("/token")
        def token():
            entry = self.codes.pop(request.form.get("code", ""), None)  # each code works once
            if entry is None:
                abort(400)
            now = int(time.time())
            claims = {"iss": self.url, "aud": entry["client_id"], "iat": now, "exp": now + 300,
                      "nonce": entry["nonce"], **self.person, **self.tamper}
            id_token = jwt.encode({"alg": "RS256", "kid": "test"}, claims, self.signing_key)
            return jsonify(access_token=secrets.token_urlsafe(16), token_type="Bearer",
                           expires_in=300, id_token=id_token)

        return app

    def access_token(self, key: RSAKey | None = None, **claims: Any) -> str:
        """An OAuth 2 access token as a JWT, for the API (audience: this client)."""
        now = int(time.time())
        body = {"iss": self.url, "aud": CLIENT_ID, "sub": self.person["sub"], "iat": now,
                "exp": now + 300, **claims}
        body = {name: value for name, value in body.items() if value is not None}
        return jwt.encode({"alg": "RS256", "kid": "test"}, body, key or self.signing_key)

    def __enter__(self) -> Provider:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
