"""Signing (v1 HMAC-SHA1 and V3 ACS3-HMAC-SHA256) and one signed HTTP call, standard library only.

The rules are the wire protocol's (shared/reference/wire-protocol.md, section 4); they are written
again here, independently of crates/acs-protocol, so that the suite checks the server against the
published rules rather than against its own code. `Wire` is a request as bytes on the socket, so a
scenario can change any part of it after signing (a flipped byte, an added parameter, the method).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import secrets
import time
import urllib.parse
from dataclasses import dataclass, field, replace

VERSION = "2020-05-18"


def pe(text: str) -> str:
    """Alibaba's percent-encoding: only A-Z a-z 0-9 - _ . ~ stay; every other UTF-8 byte is %XX."""
    return urllib.parse.quote(text, safe="~")


def utc_timestamp(skew_seconds: float = 0.0) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + skew_seconds))


def fresh_nonce() -> str:
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Key:
    id: str
    secret: str


@dataclass
class Wire:
    """A request exactly as it is written to the socket (the path is always `/`)."""

    method: str
    query: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def with_query(self, query: str) -> "Wire":
        return replace(self, query=query, headers=dict(self.headers))

    def with_header(self, name: str, value: str | None) -> "Wire":
        headers = {k: v for k, v in self.headers.items() if k.lower() != name.lower()}
        if value is not None:
            headers[name] = value
        return replace(self, headers=headers)


def encode_pairs(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{pe(k)}={pe(v)}" for k, v in pairs)


def v1_signing_params(key: Key, *, skew_seconds: float = 0.0, nonce: str | None = None) -> dict[str, str]:
    return {
        "AccessKeyId": key.id,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": nonce or fresh_nonce(),
        "Timestamp": utc_timestamp(skew_seconds),
    }


def v1_signature(key: Key, method: str, params: dict[str, str]) -> str:
    """base64(HMAC-SHA1(secret + "&", METHOD&%2F&pe(sorted pe(name)=pe(value) joined by &)))."""
    canonical = "&".join(f"{pe(k)}={pe(v)}" for k, v in sorted(params.items(), key=lambda kv: pe(kv[0])))
    string_to_sign = f"{method}&{pe('/')}&{pe(canonical)}"
    digest = hmac.new((key.secret + "&").encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def sign_v1(
    key: Key,
    method: str,
    params: dict[str, str],
    *,
    skew_seconds: float = 0.0,
    nonce: str | None = None,
    in_body: bool = False,
) -> Wire:
    """A v1-signed request: every parameter (Signature included) in the query, or in a form body."""
    all_params = {"Version": VERSION, **params, **v1_signing_params(key, skew_seconds=skew_seconds, nonce=nonce)}
    pairs = [*all_params.items(), ("Signature", v1_signature(key, method, all_params))]
    if in_body:
        body = encode_pairs(pairs).encode()
        return Wire(method, "", {"Content-Type": "application/x-www-form-urlencoded"}, body)
    return Wire(method, encode_pairs(pairs))


def v3_headers(
    key: Key,
    method: str,
    query_pairs: list[tuple[str, str]],
    host: str,
    action: str,
    version: str,
    *,
    body: bytes = b"",
    content_type: str | None = None,
    skew_seconds: float = 0.0,
    nonce: str | None = None,
    sign_host: bool = True,
) -> dict[str, str]:
    """The V3 headers (Authorization included) for a request whose query holds `query_pairs`."""
    canonical_query = "&".join(f"{pe(k)}={pe(v)}" for k, v in sorted(query_pairs))
    body_hash = hashlib.sha256(body).hexdigest()
    headers = {
        "host": host,
        "x-acs-action": action,
        "x-acs-content-sha256": body_hash,
        "x-acs-date": utc_timestamp(skew_seconds),
        "x-acs-signature-nonce": nonce or fresh_nonce(),
        "x-acs-version": version,
    }
    if content_type is not None:
        headers["content-type"] = content_type
    signed = sorted(name for name in headers if sign_host or name != "host")
    canonical_headers = "".join(f"{name}:{headers[name].strip()}\n" for name in signed)
    signed_headers = ";".join(signed)
    canonical_request = f"{method}\n/\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{body_hash}"
    string_to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical_request.encode()).hexdigest()
    signature = hmac.new(key.secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = f"ACS3-HMAC-SHA256 Credential={key.id},SignedHeaders={signed_headers},Signature={signature}"
    return headers


def sign_v3(
    key: Key,
    method: str,
    params: dict[str, str],
    host: str,
    *,
    body: bytes = b"",
    content_type: str | None = None,
    skew_seconds: float = 0.0,
    nonce: str | None = None,
    sign_host: bool = True,
) -> Wire:
    """A V3-signed request as the Tea SDK sends it: API parameters in the query, Action and
    Version in x-acs-* headers."""
    params = dict(params)
    action = params.pop("Action")
    version = params.pop("Version", VERSION)
    pairs = sorted(params.items())
    headers = v3_headers(key, method, pairs, host, action, version, body=body, content_type=content_type,
                         skew_seconds=skew_seconds, nonce=nonce, sign_host=sign_host)
    return Wire(method, encode_pairs(pairs), headers, body)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def code(self) -> str | None:
        """The envelope's Code (None for a success or for a body that is not the JSON envelope)."""
        try:
            value = self.json()
        except ValueError:
            return None
        return value.get("Code") if isinstance(value, dict) else None

    def describe(self) -> str:
        text = self.body[:300].decode("utf-8", "replace")
        return f"HTTP {self.status} {self.headers.get('content-type', '<no content-type>')} {text!r}"


def send(host: str, port: int, wire: Wire, timeout: float = 10.0) -> Answer:
    """One request on its own connection, written exactly as `wire` says (no implicit headers)."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        target = "/" + (f"?{wire.query}" if wire.query else "")
        conn.putrequest(wire.method, target, skip_host=True, skip_accept_encoding=True)
        names = {k.lower() for k in wire.headers}
        for name, value in wire.headers.items():
            conn.putheader(name, value)
        if "host" not in names:
            conn.putheader("Host", f"{host}:{port}")
        if wire.body or wire.method in ("POST", "PUT"):
            conn.putheader("Content-Length", str(len(wire.body)))
        conn.endheaders(wire.body or None)
        response = conn.getresponse()
        body = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        conn.close()


class Signer:
    """Signs API calls for one server and key, alternating V3 and v1 when asked."""

    def __init__(self, host: str, port: int, key: Key):
        self.host, self.port, self.key = host, port, key

    def wire(self, scheme: str, method: str, params: dict[str, str], **kw) -> Wire:
        if scheme == "v1":
            return sign_v1(self.key, method, params, **kw)
        return sign_v3(self.key, method, params, f"{self.host}:{self.port}", **kw)

    def call(self, scheme: str, method: str, params: dict[str, str], timeout: float = 10.0, **kw) -> Answer:
        return send(self.host, self.port, self.wire(scheme, method, params, **kw), timeout)


def request_bytes(wire: Wire, default_host: str) -> bytes:
    """`wire` as HTTP/1.1 bytes (Connection: close), for scenarios that time the write themselves."""
    target = "/" + (f"?{wire.query}" if wire.query else "")
    lines = [f"{wire.method} {target} HTTP/1.1"]
    names = {k.lower() for k in wire.headers}
    if "host" not in names:
        lines.append(f"Host: {default_host}")
    lines.extend(f"{k}: {v}" for k, v in wire.headers.items())
    lines.append(f"Content-Length: {len(wire.body)}")
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + wire.body


def read_answer(sock) -> Answer:
    """The HTTP answer on `sock` (which the caller closes)."""
    response = http.client.HTTPResponse(sock)
    response.begin()
    body = response.read()
    return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
