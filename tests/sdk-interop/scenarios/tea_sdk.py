"""Scenario: the current official SDK, `alibabacloud-dataworks-public20200518` (Tea/Darabonba).

`--signature v3` keeps the SDK's default (ACS3-HMAC-SHA256 in the Authorization header, Action
and Version only in the x-acs-* headers); `--signature v2` sets Config.signature_algorithm="v2",
which makes the same client sign with HMAC-SHA1 in the query instead (wire-protocol.md 4 and 6).
Both send the API parameters in the query, with an empty body even for POST and PUT.
"""

from __future__ import annotations

import argparse
import json
import re

from alibabacloud_dataworks_public20200518 import models
from alibabacloud_dataworks_public20200518.client import Client
from alibabacloud_tea_openapi import utils_models as open_api_models
from alibabacloud_tea_openapi.exceptions import ClientException
from darabonba.runtime import RuntimeOptions

from common import (
    CONNECTION_NOT_EXISTS,
    CONNECTION_NOT_EXISTS_HTTP,
    MISSING_CONNECTION_ID,
    CheckFailed,
    DataSourceApi,
    Fixture,
    Settings,
    check,
    check_equal,
    check_http_status_code,
    check_listed_connection,
    check_request_id,
    check_true_flag,
    data_source_flow,
    find_connection,
    run_scenario,
    step,
)


def make_client(settings: Settings, signature: str) -> Client:
    config = open_api_models.Config(
        access_key_id=settings.access_key_id,
        access_key_secret=settings.access_key_secret,
        endpoint=f"{settings.host}:{settings.port}",
        protocol="http",
        # Milliseconds; a hung server fails the scenario instead of the whole run.
        connect_timeout=5000,
        read_timeout=15000,
    )
    if signature == "v2":
        config.signature_algorithm = "v2"
    return Client(config)


def header(response, name: str):
    """The SDK keeps response headers as a dict; names arrive lower-cased from requests."""
    headers = response.headers or {}
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def body_of(response, what: str):
    """The SDK maps the JSON answer onto its model; None means the answer did not fit the model."""
    check_equal(response.status_code, 200, f"{what} HTTP status")
    check(response.body is not None, f"{what}: the answer did not map onto the SDK's response model")
    body = response.body
    check_true_flag(body.success, f"{what} Success")
    check_http_status_code(body.http_status_code, what)
    check_request_id(body.request_id, header(response, "x-acs-request-id"), what)
    return body


def list_pages(client: Client, runtime: RuntimeOptions, project_id: int, name: str, raw: list[str]):
    """Yields pages of connections as wire-named dicts, remembering each raw answer."""
    seen = 0
    for page_number in range(1, 51):
        request = models.ListConnectionsRequest(
            project_id=project_id, name=name, page_number=page_number, page_size=100
        )
        response = client.list_connections_with_options(request, runtime)
        body = body_of(response, "ListConnections")
        raw.append(json.dumps(body.to_map()))
        check(body.data is not None, "ListConnections answer has no Data")
        page = [conn.to_map() for conn in (body.data.connections or [])]
        yield page
        seen += len(page)
        if not page or body.data.total_count is None or seen >= body.data.total_count:
            return


def scenario(signature: str) -> None:
    settings = Settings.from_env()
    fixture = Fixture.new(f"tea-{signature}")
    client = make_client(settings, signature)
    runtime = RuntimeOptions()

    step("CreateConnection")
    created = client.create_connection_with_options(
        models.CreateConnectionRequest(
            project_id=settings.project_id,
            name=fixture.name,
            connection_type=fixture.connection_type,
            content=fixture.content("db_created"),
            env_type=fixture.env_type,
            description=fixture.created_description,
        ),
        runtime,
    )
    connection_id = body_of(created, "CreateConnection").data
    check(
        type(connection_id) is int and connection_id > 0,
        f"CreateConnection Data must be the new id, got {connection_id!r}",
    )

    step(f"UpdateConnection {connection_id}")
    updated = client.update_connection_with_options(
        models.UpdateConnectionRequest(
            connection_id=connection_id,
            content=fixture.content("db_updated"),
            env_type=fixture.env_type,
            description=fixture.updated_description,
            status="ENABLED",
        ),
        runtime,
    )
    print(f"    SDK response of UpdateConnection: {json.dumps(updated.to_map(), sort_keys=True)}", flush=True)
    check_true_flag(body_of(updated, "UpdateConnection").data, "UpdateConnection Data")

    step("ListConnections finds it, updated and masked")
    raw: list[str] = []
    conn = find_connection(list_pages(client, runtime, settings.project_id, fixture.name, raw), connection_id)
    check(conn is not None, f"connection {connection_id} not found by ListConnections")
    check_listed_connection(conn, fixture, settings.project_id, "db_updated", "\n".join(raw))

    step(f"UpdateConnection of missing id {MISSING_CONNECTION_ID} -> {CONNECTION_NOT_EXISTS}")
    try:
        client.update_connection_with_options(
            models.UpdateConnectionRequest(
                connection_id=MISSING_CONNECTION_ID,
                content=fixture.content("db_missing"),
                env_type=fixture.env_type,
            ),
            runtime,
        )
    except ClientException as err:
        print(
            f"    SDK raised {type(err).__name__}: code={err.code} status={err.status_code} message={err.message}",
            flush=True,
        )
        check_equal(err.code, CONNECTION_NOT_EXISTS, "error code")
        check_equal(err.status_code, CONNECTION_NOT_EXISTS_HTTP, "error HTTP status")
        check(err.request_id not in (None, "", "None"), "error answer without RequestId")
    else:
        raise CheckFailed("UpdateConnection of a missing connection succeeded")

    step(f"DeleteConnection {connection_id}")
    deleted = client.delete_connection_with_options(
        models.DeleteConnectionRequest(connection_id=connection_id), runtime
    )
    check_true_flag(body_of(deleted, "DeleteConnection").data, "DeleteConnection Data")

    step("ListConnections no longer finds it")
    gone = find_connection(list_pages(client, runtime, settings.project_id, fixture.name, []), connection_id)
    check(gone is None, f"connection {connection_id} still listed after DeleteConnection")


class TeaDataSourceApi(DataSourceApi):
    """Each action through the SDK's own `*_with_options` method and request model, the model
    filled from wire names (`from_map`) and the answer read back as wire names (`to_map`)."""

    def __init__(self, client: Client):
        self.client = client
        self.runtime = RuntimeOptions()

    def _send(self, action: str, params: dict):
        request = getattr(models, f"{action}Request")().from_map(params)
        method = getattr(self.client, re.sub(r"(?<!^)(?=[A-Z])", "_", action).lower() + "_with_options")
        return method(request, self.runtime)

    def call(self, action: str, params: dict) -> dict:
        response = self._send(action, params)
        check_equal(response.status_code, 200, f"{action} HTTP status")
        check(response.body is not None, f"{action}: the answer did not map onto the SDK's response model")
        body = response.body.to_map()
        check_request_id(body.get("RequestId"), header(response, "x-acs-request-id"), action)
        return body

    def fail(self, action: str, params: dict) -> tuple[str, int, str]:
        try:
            self._send(action, params)
        except ClientException as err:
            print(f"    SDK raised {type(err).__name__}: code={err.code} status={err.status_code}", flush=True)
            return err.code, err.status_code, err.request_id
        raise CheckFailed(f"{action} succeeded where it must fail")


def data_source_scenario(signature: str) -> None:
    settings = Settings.from_env()
    data_source_flow(
        TeaDataSourceApi(make_client(settings, signature)), settings, Fixture.new(f"tea-{signature}-ds")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--signature", choices=["v3", "v2"], default="v3")
    parser.add_argument("--family", choices=["connection", "datasource"], default="connection")
    args = parser.parse_args()
    algorithm = "ACS3-HMAC-SHA256" if args.signature == "v3" else "HMAC-SHA1"
    if args.family == "datasource":
        run_scenario(
            f"DataSource family, alibabacloud-dataworks-public20200518, signature {args.signature} ({algorithm})",
            lambda: data_source_scenario(args.signature),
        )
        return
    run_scenario(
        f"alibabacloud-dataworks-public20200518, signature {args.signature} ({algorithm})",
        lambda: scenario(args.signature),
    )


if __name__ == "__main__":
    main()
