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


# ---------------------------------------------------------------- the DataSource family

# Far above any project id a fresh database hands out: sharing with it must be refused.
MISSING_PROJECT_ID = 8_999_999_999


class DataSourceApi:
    """What the DataSource scenario needs of an SDK: one call by action name with wire-named
    parameters, answering the wire-named body, and one call that must fail."""

    def call(self, action: str, params: dict) -> dict:  # pragma: no cover - interface
        raise NotImplementedError

    def fail(self, action: str, params: dict) -> tuple[str, int, str]:  # pragma: no cover
        """Sends a request that must be refused: (Code, HTTP status, RequestId)."""
        raise NotImplementedError


def check_answer(body: dict, what: str, http_status_code: bool = True) -> None:
    check("Code" not in body, f"{what}: a success answer must not carry Code")
    check_true_flag(body.get("Success"), what + " Success")
    if http_status_code:
        check_http_status_code(body.get("HttpStatusCode"), what)
    check_request_id(body.get("RequestId"), None, what)


def find_data_source(api: DataSourceApi, project_id: int, name: str, raw: list[str]) -> dict | None:
    body = api.call("ListDataSources", {"ProjectId": project_id, "Name": name, "PageSize": 100})
    check_answer(body, "ListDataSources")
    raw.append(json.dumps(body))
    data = body.get("Data") or {}
    for ds in data.get("DataSources") or []:
        if ds.get("Name") == name:
            return ds
    return None


def check_masked(content_text: Any, fixture: Fixture, what: str) -> dict:
    check(isinstance(content_text, str), f"{what}: Content must be a JSON string, got {content_text!r}")
    content = json.loads(content_text)
    check(isinstance(content, dict), f"{what}: Content must be a JSON object")
    check("password" in content, f"{what}: Content must keep the password key (masked)")
    check(content["password"] != fixture.password, f"{what}: Content.password is not masked")
    return content


def data_source_flow(api: DataSourceApi, settings: Settings, fixture: Fixture) -> None:
    """Create -> Update -> List -> Export -> Import -> Share -> Delete of the DataSource family,
    then the crossing with the Connection family both ways."""
    project = settings.project_id
    share_project = os.environ.get("DW_INTEROP_SHARE_PROJECT_ID", "")

    step("CreateDataSource")
    body = api.call(
        "CreateDataSource",
        {
            "ProjectId": project,
            "Name": fixture.name,
            "DataSourceType": fixture.connection_type,
            "Content": fixture.content("db_created"),
            "EnvType": fixture.env_type,
            "Description": fixture.created_description,
        },
    )
    check_answer(body, "CreateDataSource")
    ds_id = body.get("Data")
    check(type(ds_id) is int and ds_id > 0, f"CreateDataSource Data must be the new id, got {ds_id!r}")

    step(f"UpdateDataSource {ds_id} (every parameter), then Description alone")
    body = api.call(
        "UpdateDataSource",
        {
            "DataSourceId": ds_id,
            "Content": fixture.content("db_updated"),
            "EnvType": fixture.env_type,
            "Description": "an intermediate description",
            "Status": "ENABLED",
        },
    )
    print(f"    SDK response of UpdateDataSource: {json.dumps(body, sort_keys=True)}", flush=True)
    check_answer(body, "UpdateDataSource")
    check_true_flag(body.get("Data"), "UpdateDataSource Data")
    body = api.call("UpdateDataSource", {"DataSourceId": ds_id, "Description": fixture.updated_description})
    check_true_flag(body.get("Data"), "UpdateDataSource (Description only) Data")

    step("ListDataSources finds it, updated and masked; ListConnections finds the same id")
    raw: list[str] = []
    ds = find_data_source(api, project, fixture.name, raw)
    check(ds is not None, f"data source {ds_id} not found by ListDataSources")
    check_equal(ds.get("Id"), ds_id, "listed Id")
    check_equal(ds.get("DataSourceType"), fixture.connection_type, "listed DataSourceType")
    check_equal(ds.get("Description"), fixture.updated_description, "listed Description")
    check_equal(ds.get("Status"), 1, "listed Status")
    check_equal(ds.get("Shared"), False, "listed Shared before sharing")
    content = check_masked(ds.get("Content"), fixture, "listed")
    check_equal(content.get("database"), "db_updated", "listed Content.database (Content kept by the partial update)")
    check(fixture.password not in "\n".join(raw), "the plaintext password appears in the ListDataSources answer")
    body = api.call("ListConnections", {"ProjectId": project, "Name": fixture.name})
    conns = (body.get("Data") or {}).get("Connections") or []
    check([c.get("Id") for c in conns] == [ds_id], f"ListConnections should list exactly {ds_id}, got {conns!r}")

    step("ExportDataSources: the data source, secrets masked")
    body = api.call("ExportDataSources", {"ProjectId": project, "Name": fixture.name, "PageSize": 100})
    check_answer(body, "ExportDataSources")
    exported = (body.get("Data") or {}).get("DataSources") or []
    check_equal([e.get("Id") for e in exported], [ds_id], "exported ids")
    check(fixture.password not in json.dumps(body), "the plaintext password appears in the export")
    entry = exported[0]
    masked = check_masked(entry.get("Content"), fixture, "exported")

    step("ImportDataSources of the export as it is: refused, the secret is masked")
    copy_name = f"{fixture.name}_copy"
    as_exported = dict(entry, Name=copy_name)
    body = api.call("ImportDataSources", {"ProjectId": project, "DataSources": json.dumps([as_exported])})
    check_answer(body, "ImportDataSources", http_status_code=False)
    data = body.get("Data") or {}
    check(data.get("Status") in (False, "false"), f"a masked secret must not be imported: {data!r}")
    check("password" in (data.get("Message") or ""), f"the refusal names the secret: {data!r}")

    step("ImportDataSources with the secret filled in")
    filled = dict(as_exported, Content=json.dumps(dict(masked, password=fixture.password)))
    body = api.call("ImportDataSources", {"ProjectId": project, "DataSources": json.dumps([filled])})
    check_answer(body, "ImportDataSources", http_status_code=False)
    data = body.get("Data") or {}
    check(data.get("Status") in (True, "true"), f"import failed: {data!r}")
    copy = find_data_source(api, project, copy_name, raw)
    check(copy is not None and copy.get("Id") != ds_id, f"the imported copy is not listed: {copy!r}")
    check_equal(copy.get("Description"), fixture.updated_description, "imported Description")
    check_masked(copy.get("Content"), fixture, "imported")

    step("SetDataSourceShare: another tenant's (or no) project is refused")
    body = api.call(
        "SetDataSourceShare",
        {
            "ProjectId": project,
            "DatasourceName": copy_name,
            "EnvType": str(fixture.env_type),
            "ProjectPermissions": json.dumps([{"projectId": MISSING_PROJECT_ID, "permission": "READ"}]),
        },
    )
    check_answer(body, "SetDataSourceShare", http_status_code=False)
    check_equal((body.get("Data") or {}).get("Status"), "fail", "sharing outside the tenant")
    if share_project:
        step(f"SetDataSourceShare with project {share_project} (READ): Shared is true")
        body = api.call(
            "SetDataSourceShare",
            {
                "ProjectId": project,
                "DatasourceName": copy_name,
                "EnvType": str(fixture.env_type),
                "ProjectPermissions": json.dumps(
                    [{"projectId": int(share_project), "permission": "READ", "sharedName": f"shared.{copy_name}"}]
                ),
            },
        )
        print(f"    SDK response of SetDataSourceShare: {json.dumps(body, sort_keys=True)}", flush=True)
        check_equal(body.get("Data"), {"Status": "success", "Message": ""}, "SetDataSourceShare Data")
        shared = find_data_source(api, project, copy_name, raw)
        check_equal(shared.get("Shared"), True, "listed Shared after sharing")
        step(f"ListDataSources of project {share_project} lists it, shared, under its shared name")
        there = find_data_source(api, int(share_project), f"shared.{copy_name}", raw)
        check(there is not None, f"project {share_project} does not list the data source shared with it")
        check_equal(there.get("Id"), copy.get("Id"), "shared Id in the receiving project")
        check_equal(there.get("Shared"), True, "Shared in the receiving project")
        check_equal(there.get("ProjectId"), project, "ProjectId (the owning project) in the receiving project")
        check_masked(there.get("Content"), fixture, "shared")
        check(fixture.password not in "\n".join(raw), "the plaintext password appears in the receiving project")
        step("SetDataSourceShare with empty lists revokes it: the receiving project no longer lists it")
        body = api.call(
            "SetDataSourceShare",
            {"ProjectId": project, "DatasourceName": copy_name, "EnvType": str(fixture.env_type), "ProjectPermissions": "[]"},
        )
        check_equal(body.get("Data"), {"Status": "success", "Message": ""}, "SetDataSourceShare (revoke) Data")
        check(
            find_data_source(api, int(share_project), f"shared.{copy_name}", raw) is None,
            "the revoked data source is still listed in the receiving project",
        )

    step("DeleteDataSource of both; neither is listed any more")
    for victim in (ds_id, copy.get("Id")):
        body = api.call("DeleteDataSource", {"DataSourceId": victim})
        check_answer(body, "DeleteDataSource")
        check_true_flag(body.get("Data"), "DeleteDataSource Data")
    check(find_data_source(api, project, fixture.name, []) is None, "deleted data source still listed")
    check(find_data_source(api, project, copy_name, []) is None, "deleted copy still listed")

    step(f"UpdateDataSource of the deleted id -> {CONNECTION_NOT_EXISTS}")
    code, status, request_id = api.fail("UpdateDataSource", {"DataSourceId": ds_id, "Description": "x"})
    check_equal(code, CONNECTION_NOT_EXISTS, "error code")
    check_equal(status, CONNECTION_NOT_EXISTS_HTTP, "error HTTP status")
    check(request_id not in (None, "", "None"), "error answer without RequestId")

    step("Across the families: CreateConnection -> UpdateDataSource -> ListDataSources -> DeleteDataSource")
    cross = f"{fixture.name}_cross"
    body = api.call(
        "CreateConnection",
        {
            "ProjectId": project,
            "Name": cross,
            "ConnectionType": fixture.connection_type,
            "Content": fixture.content("db_cross"),
            "EnvType": fixture.env_type,
        },
    )
    cross_id = body.get("Data")
    body = api.call("UpdateDataSource", {"DataSourceId": cross_id, "Description": "changed by UpdateDataSource"})
    check_true_flag(body.get("Data"), "UpdateDataSource of a connection")
    listed = find_data_source(api, project, cross, [])
    check(listed is not None and listed.get("Id") == cross_id, f"ListDataSources misses connection {cross_id}")
    check_equal(listed.get("Description"), "changed by UpdateDataSource", "cross-family Description")
    api.call("DeleteDataSource", {"DataSourceId": cross_id})
    body = api.call("ListConnections", {"ProjectId": project, "Name": cross})
    check_equal((body.get("Data") or {}).get("TotalCount"), 0, "ListConnections after DeleteDataSource")
