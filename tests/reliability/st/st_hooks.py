"""schemathesis hooks for dataworks-server (loaded through SCHEMATHESIS_HOOKS=st_hooks).

- `AcsAuth`, a `requests` auth hook, signs every request as it is about to go on the wire, with a
  fresh nonce and timestamp: V3 (ACS3-HMAC-SHA256) or v1 (HMAC-SHA1), as DW_ST_SCHEME says.
  Signing the prepared request (not the generated case) means the signature covers exactly what
  is sent, so a refusal is about the parameters, never about the signing.
- `before_call` puts real ids into the case: every ConnectionId and ProjectId that is a valid id
  (a positive integer) becomes the id of an existing connection / the real project, and a
  DatasourceName becomes an existing connection's name, so valid cases reach the business code
  instead of stopping at "does not exist". Connections are created on demand (DeleteConnection
  consumes them), through the same signed path.

Settings come from the environment: DW_ST_HOST, DW_ST_PORT, DW_ST_KEY_ID, DW_ST_KEY_SECRET,
DW_ST_PROJECT_ID, DW_ST_SCHEME (v3 or v1).
"""

from __future__ import annotations

import itertools
import os
import threading
import urllib.parse

import requests
import schemathesis
from reliab.acs import Key, pe, sign_v3, v1_signature, v1_signing_params
from requests.auth import AuthBase

HOST = os.environ["DW_ST_HOST"]
PORT = int(os.environ["DW_ST_PORT"])
KEY = Key(os.environ["DW_ST_KEY_ID"], os.environ["DW_ST_KEY_SECRET"])
PROJECT_ID = os.environ["DW_ST_PROJECT_ID"]
SCHEME = os.environ.get("DW_ST_SCHEME", "v3")
BASE = f"http://{HOST}:{PORT}/"


class AcsAuth(AuthBase):
    """Signs a prepared request in place; the query and body stay what schemathesis generated."""

    def __init__(self, scheme: str):
        self.scheme = scheme

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        parts = urllib.parse.urlsplit(request.url)
        pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        params = dict(pairs)
        if len(params) != len(pairs):
            return request  # a repeated name: sent unsigned, the server must refuse it anyway
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        if self.scheme == "v1":
            # v1 signs query and body parameters alike; the signing parameters go in the query.
            text = body.decode("utf-8", "replace") if body else ""
            form = dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
            extra = v1_signing_params(KEY)
            extra["Signature"] = v1_signature(KEY, request.method, {**params, **form, **extra})
            query = "&".join(f"{pe(k)}={pe(v)}" for k, v in [*pairs, *extra.items()])
            request.url = urllib.parse.urlunsplit(parts._replace(query=query))
            return request
        action = params.pop("Action", "")
        version = params.pop("Version", "")
        content_type = request.headers.get("Content-Type")
        wire = sign_v3(
            KEY,
            request.method,
            {**params, "Action": action, "Version": version},
            f"{HOST}:{PORT}",
            body=body,
            content_type=content_type,
        )
        query = "&".join(f"{pe(k)}={pe(v)}" for k, v in pairs)
        request.url = urllib.parse.urlunsplit(parts._replace(query=query))
        for name, value in wire.headers.items():
            if name.lower() != "host":
                request.headers[name] = value
        return request


class Pool:
    """Existing connections to hand out; refilled on demand."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.connections: list[tuple[int, str]] = []
        self.counter = itertools.count()
        self.session = requests.Session()
        self.session.trust_env = False

    def create(self) -> tuple[int, str]:
        name = f"st-{os.getpid()}-{next(self.counter)}"
        params = {
            "Action": "CreateConnection",
            "Version": "2020-05-18",
            "ProjectId": PROJECT_ID,
            "Name": name,
            "ConnectionType": "mysql",
            "Content": '{"database":"d","instanceName":"rm-1","password":"p","rdsOwnerId":"1","username":"u"}',
            "EnvType": "0",
        }
        answer = self.session.post(BASE, params=params, auth=AcsAuth("v3"), timeout=30)
        answer.raise_for_status()
        return int(answer.json()["Data"]), name

    def pick(self, consume: bool) -> tuple[int, str]:
        with self.lock:
            while len(self.connections) < 3:
                self.connections.append(self.create())
            if consume:
                return self.connections.pop()
            return self.connections[next(self.counter) % len(self.connections)]


POOL = Pool()


def is_valid_id(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value >= 1
    return isinstance(value, str) and value.isdigit() and not value.startswith("0") and len(value) < 18


@schemathesis.hook
def before_call(context, case, kwargs):
    query = case.query
    if isinstance(query, dict):
        action = query.get("Action")
        if "ConnectionId" in query and is_valid_id(query["ConnectionId"]):
            query["ConnectionId"] = POOL.pick(consume=action == "DeleteConnection")[0]
        if "ProjectId" in query and is_valid_id(query["ProjectId"]):
            query["ProjectId"] = int(PROJECT_ID)
        if action == "TestNetworkConnection" and isinstance(query.get("DatasourceName"), str) and query["DatasourceName"]:
            query["DatasourceName"] = POOL.pick(consume=False)[1]
    kwargs["auth"] = AcsAuth(SCHEME)
