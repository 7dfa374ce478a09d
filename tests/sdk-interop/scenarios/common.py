"""Shared pieces of the SDK scenarios: settings, fixtures and checks.

The scenarios run inside the SDK venv, one process per SDK flavour, so that one SDK's
global state (sessions, credential caches, monkey patches) cannot help another pass.
Everything a scenario needs comes from the environment that run.py sets; the secret is
passed that way rather than on the command line so that it never shows up in `ps`.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Iterable

# The documented business error every scenario provokes (UpdateConnection reference text).
CONNECTION_NOT_EXISTS = "Invalid.Tenant.ConnectionNotExists"
CONNECTION_NOT_EXISTS_HTTP = 400

# Far above any id a fresh database hands out, so the lookup must fail.
MISSING_CONNECTION_ID = 8_999_999_999_999_999


class CheckFailed(Exception):
    """A behaviour the SDK observed differs from what the wire protocol promises."""


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    access_key_id: str
    access_key_secret: str
    project_id: int

    @classmethod
    def from_env(cls) -> "Settings":
        missing = [
            name
            for name in (
                "DW_INTEROP_HOST",
                "DW_INTEROP_PORT",
                "DW_INTEROP_ACCESS_KEY_ID",
                "DW_INTEROP_ACCESS_KEY_SECRET",
                "DW_INTEROP_PROJECT_ID",
            )
            if not os.environ.get(name)
        ]
        if missing:
            raise SystemExit(f"scenario needs the environment variables {', '.join(missing)} (run.py sets them)")
        return cls(
            host=os.environ["DW_INTEROP_HOST"],
            port=int(os.environ["DW_INTEROP_PORT"]),
            access_key_id=os.environ["DW_INTEROP_ACCESS_KEY_ID"],
            access_key_secret=os.environ["DW_INTEROP_ACCESS_KEY_SECRET"],
            project_id=int(os.environ["DW_INTEROP_PROJECT_ID"]),
        )


@dataclass
class Fixture:
    """One connection's life: the values sent, so that answers can be compared with them."""

    scenario: str
    name: str
    password: str
    created_description: str
    updated_description: str
    env_type: int = 0
    connection_type: str = "mysql"

    @classmethod
    def new(cls, scenario: str) -> "Fixture":
        tag = secrets.token_hex(4)
        return cls(
            scenario=scenario,
            name=f"sdk_interop_{scenario.replace('-', '_')}_{tag}",
            # Random, so that finding it in an answer can only mean the server leaked it.
            password=f"pw-{secrets.token_hex(12)}",
            created_description=f"created by the {scenario} SDK scenario",
            updated_description=f"updated by the {scenario} SDK scenario",
        )

    def content(self, database: str) -> str:
        """The mysql Content of Alibaba's parameter description, with our own values."""
        return json.dumps(
            {
                "database": database,
                "instanceName": "rm-sdkinterop",
                "password": self.password,
                "rdsOwnerId": "1234567890",
                "regionId": "cn-shanghai",
                "tag": "rds",
                "username": "interop_user",
            },
            separators=(",", ":"),
        )


def step(name: str) -> None:
    print(f"  - {name}", flush=True)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def check_equal(actual: Any, expected: Any, what: str) -> None:
    if actual != expected:
        raise CheckFailed(f"{what}: expected {expected!r}, got {actual!r}")


def check_true_flag(value: Any, what: str) -> None:
    """`Success`/`Data` booleans: JSON true; the classic SDK's XML gives the text 'true'."""
    check(
        value is True or (isinstance(value, str) and value.lower() == "true"), f"{what}: expected true, got {value!r}"
    )


def check_http_status_code(value: Any, what: str) -> None:
    """`HttpStatusCode` is "200" for writes and 200 for ListConnections; either is accepted."""
    check(str(value) == "200", f"{what}: expected HttpStatusCode 200, got {value!r}")


def check_request_id(body_request_id: Any, header_request_id: Any | None, what: str) -> None:
    check(isinstance(body_request_id, str) and body_request_id != "", f"{what}: RequestId missing or empty")
    if header_request_id is not None:
        check_equal(header_request_id, body_request_id, f"{what}: x-acs-request-id header vs RequestId")


def check_listed_connection(conn: dict, fixture: Fixture, project_id: int, database: str, raw_answer: str) -> None:
    """The fields of one ListConnections entry after the update (wire-protocol.md section 1)."""
    check_equal(conn.get("Name"), fixture.name, "listed Name")
    check_equal(conn.get("ConnectionType"), fixture.connection_type, "listed ConnectionType")
    check_equal(conn.get("ProjectId"), project_id, "listed ProjectId")
    check_equal(conn.get("EnvType"), fixture.env_type, "listed EnvType")
    check_equal(conn.get("Status"), 1, "listed Status (1 = normal)")
    check_equal(conn.get("Description"), fixture.updated_description, "listed Description")
    content_text = conn.get("Content")
    check(isinstance(content_text, str), f"listed Content must be a JSON string, got {content_text!r}")
    try:
        content = json.loads(content_text)
    except ValueError as err:
        raise CheckFailed(f"listed Content is not JSON: {err}") from None
    check(isinstance(content, dict), "listed Content must be a JSON object")
    check_equal(content.get("database"), database, "listed Content.database (the update's value)")
    check_equal(content.get("username"), "interop_user", "listed Content.username")
    check("password" in content, "listed Content must keep the password key (masked)")
    check(content.get("password") != fixture.password, "listed Content.password is not masked")
    check(fixture.password not in raw_answer, "the plaintext password appears in the ListConnections answer")


def find_connection(pages: Iterable[list[dict]], connection_id: int) -> dict | None:
    for page in pages:
        for conn in page:
            if conn.get("Id") == connection_id:
                return conn
    return None


def run_scenario(title: str, body: Callable[[], None]) -> None:
    """Runs the scenario body and turns its outcome into the exit code run.py reads."""
    print(f"{title}", flush=True)
    try:
        body()
    except CheckFailed as err:
        print(f"FAILED: {err}", flush=True)
        sys.exit(1)
    except Exception as err:  # an SDK exception where success was expected
        traceback.print_exc(file=sys.stdout)
        print(f"FAILED: unexpected {type(err).__name__}: {err}", flush=True)
        sys.exit(1)
    print("OK", flush=True)
