"""An LTI 1.3 platform for tests, served over real HTTP on 127.0.0.1 by pytest-httpserver.

It has its own RSA keys and JWKS, mints id_tokens, answers OpenID configuration and dynamic
registration, issues OAuth2 tokens (checking the tool's signed assertion against the tool's
published keys), keeps line items and the scores posted to them, and serves a roster (NRPS).
Any endpoint can be told to fail a number of times first (`fail_next`).
"""

from __future__ import annotations

import html
import json
import re
import secrets
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict:
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


class TestPlatform:
    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __init__(
        self,
        server: HTTPServer,
        tool_jwks: Callable[[], dict],
        tool_origin: str = "http://testserver",
    ) -> None:
        self.server = server
        self.tool_jwks = tool_jwks
        self.tool_origin = tool_origin
        self.issuer = server.url_for("/").rstrip("/")
        self.client_id = "kzstudy-client-" + secrets.token_hex(4)
        self.deployment_id = "deployment-1"
        self.keys = {"platform-key-1": new_rsa_key()}
        self.kid = "platform-key-1"
        self.requests: dict[str, list[Request]] = defaultdict(list)
        self.failures: dict[str, list[int]] = defaultdict(list)
        self.tokens_issued: list[dict] = []
        self.line_items: dict[str, dict] = {}
        self.scores: dict[str, list[dict]] = defaultdict(list)
        self.registrations: list[dict] = []
        self.members: list[dict] = []
        # login_hint → claim overrides, for the browser flow through /auth.
        self.login_hints: dict[str, dict] = {}
        self.deep_link_returns: list[str] = []
        self._routes()

    # -- addresses ---------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return self.server.url_for(path)

    @property
    def auth_url(self) -> str:
        return self.url("/auth")

    @property
    def token_url(self) -> str:
        return self.url("/token")

    @property
    def jwks_url(self) -> str:
        return self.url("/jwks")

    @property
    def lineitems_url(self) -> str:
        return self.url("/context-1/lineitems")

    @property
    def memberships_url(self) -> str:
        return self.url("/context-1/memberships")

    # -- scripted failures -------------------------------------------------------------------
    def fail_next(self, endpoint: str, *statuses: int) -> None:
        """Answer the next requests to `endpoint` ("token", "scores", "jwks"…) with these codes."""
        self.failures[endpoint].extend(statuses)

    def _failure(self, endpoint: str) -> Response | None:
        if self.failures[endpoint]:
            status = self.failures[endpoint].pop(0)
            return Response(json.dumps({"error": "scripted"}), status=status)
        return None

    def _route(
        self, path: str, endpoint: str, handler: Callable[[Request], Response], **kw
    ) -> None:
        def wrapped(request: Request) -> Response:
            self.requests[endpoint].append(request)
            return self._failure(endpoint) or handler(request)

        self.server.expect_request(path, **kw).respond_with_handler(wrapped)

    def _routes(self) -> None:
        self._route("/jwks", "jwks", self._jwks)
        self._route("/token", "token", self._token, method="POST")
        self._route("/context-1/lineitems", "lineitems", self._lineitems)
        self._route("/context-1/memberships", "memberships", self._memberships)
        self._route("/.well-known/openid-configuration", "openid", self._openid)
        self._route("/register", "register", self._register, method="POST")
        self._route("/auth", "auth", self._auth)
        self._route("/deep-link-return", "deep_link_return", self._deep_link_return, method="POST")
        self.server.expect_request(
            re.compile(r"^/context-1/lineitems/[^/]+/scores$"), method="POST"
        ).respond_with_handler(self._score)

    # -- endpoints ---------------------------------------------------------------------------
    def _jwks(self, request: Request) -> Response:
        keys = [public_jwk(key, kid) for kid, key in self.keys.items()]
        return Response(json.dumps({"keys": keys}), content_type="application/json")

    def _token(self, request: Request) -> Response:
        form = request.form
        assertion = form.get("client_assertion", "")
        header = jwt.get_unverified_header(assertion)
        keys = {k["kid"]: k for k in self.tool_jwks()["keys"]}
        key = RSAAlgorithm.from_jwk(json.dumps(keys[header["kid"]]))
        claims = jwt.decode(assertion, key, algorithms=["RS256"], audience=self.token_url)
        assert claims["iss"] == claims["sub"] == self.client_id
        assert form["grant_type"] == "client_credentials"
        token = "token-" + secrets.token_hex(8)
        self.tokens_issued.append({"token": token, "scope": form.get("scope", "")})
        body = {"access_token": token, "token_type": "bearer", "expires_in": 3600}
        return Response(json.dumps(body), content_type="application/json")

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        return any(header == f"Bearer {t['token']}" for t in self.tokens_issued)

    def _lineitems(self, request: Request) -> Response:
        if not self._authorised(request):
            return Response("no token", status=401)
        if request.method == "POST":
            item = request.get_json(force=True)
            number = len(self.line_items) + 1
            item["id"] = self.url(f"/context-1/lineitems/{number}")
            self.line_items[item["id"]] = item
            return Response(json.dumps(item), status=201, content_type="application/json")
        resource_id = request.args.get("resource_id")
        items = [
            i
            for i in self.line_items.values()
            if not resource_id or i.get("resourceId") == resource_id
        ]
        return Response(json.dumps(items), content_type="application/json")

    def _score(self, request: Request) -> Response:
        self.requests["scores"].append(request)
        failure = self._failure("scores")
        if failure:
            return failure
        if not self._authorised(request):
            return Response("no token", status=401)
        assert request.headers["Content-Type"].startswith("application/vnd.ims.lis.v1.score+json")
        lineitem = request.base_url[: -len("/scores")]
        self.scores[lineitem].append(request.get_json(force=True))
        return Response("", status=204)

    def _memberships(self, request: Request) -> Response:
        if not self._authorised(request):
            return Response("no token", status=401)
        body = {"id": self.memberships_url, "context": {"id": "context-1"}, "members": self.members}
        return Response(
            json.dumps(body), content_type=request.headers.get("Accept", "application/json")
        )

    def openid_configuration(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.auth_url,
            "token_endpoint": self.token_url,
            "jwks_uri": self.jwks_url,
            "registration_endpoint": self.url("/register"),
            "scopes_supported": [
                "openid",
                "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
            ],
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                "product_family_code": "testplatform",
                "version": "1.0",
            },
        }

    def _openid(self, request: Request) -> Response:
        return Response(json.dumps(self.openid_configuration()), content_type="application/json")

    def _register(self, request: Request) -> Response:
        if request.headers.get("Authorization") != "Bearer reg-token-1":
            return Response("bad registration token", status=401)
        registration = request.get_json(force=True)
        self.registrations.append(registration)
        answer = {
            **registration,
            "client_id": self.client_id,
            "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                **registration["https://purl.imsglobal.org/spec/lti-tool-configuration"],
                "deployment_id": self.deployment_id,
            },
        }
        return Response(json.dumps(answer), content_type="application/json")

    def _auth(self, request: Request) -> Response:
        """The OIDC authorisation endpoint a browser is sent to: answers with a self-posting
        form carrying the id_token for the user the login_hint names."""
        args = request.args
        overrides = self.login_hints[args["login_hint"]]
        token = self.id_token(self.claims(nonce=args["nonce"], **overrides))
        page = (
            "<!doctype html><html lang='en'><head><title>Platform</title></head><body>"
            f"<form id='f' method='post' action='{html.escape(args['redirect_uri'])}'>"
            f"<input type='hidden' name='id_token' value='{token}'>"
            f"<input type='hidden' name='state' value='{html.escape(args['state'])}'>"
            "</form><script>document.getElementById('f').submit()</script></body></html>"
        )
        return Response(page, content_type="text/html")

    def _deep_link_return(self, request: Request) -> Response:
        self.deep_link_returns.append(request.form["JWT"])
        page = "<!doctype html><html lang='en'><head><title>Platform</title></head>"
        return Response(
            page + "<body><h1>Content added</h1></body></html>", content_type="text/html"
        )

    def course_page(self, tool_url: str, login_hint: str) -> str:
        """A platform course page showing the tool in an iframe, as an LMS does."""
        query = urlencode(
            {
                "iss": self.issuer,
                "login_hint": login_hint,
                "target_link_uri": f"{tool_url}/lti/launch/",
                "client_id": self.client_id,
                "lti_deployment_id": self.deployment_id,
            }
        )
        return (
            "<!doctype html><html lang='en'><head><title>LMS course</title></head><body>"
            "<h1>LMS course</h1>"
            f"<iframe title='kzstudy' src='{tool_url}/lti/login/?{query}' "
            "style='width:1200px;height:800px'></iframe></body></html>"
        )

    # -- the tool's side of the registration -------------------------------------------------
    def register_in_tool(self, **fields: Any):
        from quizzes.models import LtiDeployment, LtiPlatform

        platform = LtiPlatform.objects.create(
            name="Test platform",
            issuer=self.issuer,
            client_id=self.client_id,
            auth_login_url=self.auth_url,
            auth_token_url=self.token_url,
            key_set_url=self.jwks_url,
            **fields,
        )
        LtiDeployment.objects.create(platform=platform, deployment_id=self.deployment_id)
        return platform

    # -- id_tokens ---------------------------------------------------------------------------
    def claims(
        self,
        *,
        nonce: str,
        sub: str = "learner-1",
        roles: list[str] | None = None,
        message_type: str = "LtiResourceLinkRequest",
        target: str | None = None,
        context: dict | bool | None = True,
        resource_link_id: str = "link-1",
        lineitem: str | None = None,
        with_ags: bool = True,
        **extra: Any,
    ) -> dict:
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": f"Name of {sub}",
            "given_name": "Given",
            "family_name": sub.title(),
            "email": f"{sub}@platform.example",
            LTI + "deployment_id": self.deployment_id,
            LTI + "message_type": message_type,
            LTI + "version": "1.3.0",
            LTI + "roles": [LEARNER] if roles is None else roles,
            LTI + "target_link_uri": f"{self.tool_origin}/lti/launch/",
        }
        if context is True:
            body[LTI + "context"] = {"id": "context-1", "label": "KZ101", "title": "Kazakhstan 101"}
        elif isinstance(context, dict):
            body[LTI + "context"] = context
        if message_type == "LtiResourceLinkRequest":
            body[LTI + "resource_link"] = {"id": resource_link_id, "title": "kzstudy activity"}
            if target is not None:
                body[LTI + "custom"] = {"target": target}
            if with_ags:
                ags = {
                    "scope": [
                        "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                        "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                    ],
                    "lineitems": self.lineitems_url,
                }
                if lineitem:
                    ags["lineitem"] = lineitem
                body[AGS] = ags
            body[NRPS] = {
                "context_memberships_url": self.memberships_url,
                "service_versions": ["2.0"],
            }
        else:
            body["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": self.url("/deep-link-return"),
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "accept_multiple": True,
                "data": "opaque-platform-data",
            }
        body.update(extra)
        return body

    def id_token(
        self,
        claims: dict,
        *,
        kid: str | None = None,
        key: rsa.RSAPrivateKey | None = None,
        alg: str = "RS256",
    ) -> str:
        kid = kid or self.kid
        signing_key = key or self.keys.get(kid) or self.keys[self.kid]
        secret: Any = (
            pem(signing_key) if alg.startswith("RS") else b"shared-secret-of-32-bytes-or-more!!"
        )
        return jwt.encode(claims, secret, algorithm=alg, headers={"kid": kid})

    def add_line_item(self, resource_id: str, label: str = "Quiz") -> str:
        number = len(self.line_items) + 1
        url = self.url(f"/context-1/lineitems/{number}")
        self.line_items[url] = {
            "id": url,
            "resourceId": resource_id,
            "label": label,
            "scoreMaximum": 100,
        }
        return url
