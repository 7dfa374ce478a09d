"""Scenario: the classic official SDK, `aliyun-python-sdk-core` + `aliyun-python-sdk-dataworks-public`.

It signs with HMAC-SHA1 ("v1") and sends every parameter in the query, adding `RegionId`,
`Format` and an empty `SignatureType=` (wire-protocol.md 4 and 6). It detects errors by the
HTTP status and reads `Code`/`Message` from a JSON body only, so it also shows whether the
server's error envelope is what this SDK expects. One UpdateConnection goes out with
`set_accept_format("XML")` and must come back as `<UpdateConnectionResponse>` XML.
"""

from __future__ import annotations

import argparse
import importlib
import json
import warnings
import xml.etree.ElementTree as ET

from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkdataworks_public.request.v20200518.CreateConnectionRequest import CreateConnectionRequest
from aliyunsdkdataworks_public.request.v20200518.DeleteConnectionRequest import DeleteConnectionRequest
from aliyunsdkdataworks_public.request.v20200518.ListConnectionsRequest import ListConnectionsRequest
from aliyunsdkdataworks_public.request.v20200518.UpdateConnectionRequest import UpdateConnectionRequest

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


def local(request, settings: Settings):
    """Points one request at the local server; the client carries the port."""
    request.set_endpoint(settings.host)
    request.set_protocol_type("http")
    return request


def call_json(client: AcsClient, request, what: str) -> dict:
    raw = client.do_action_with_exception(request)
    try:
        body = json.loads(raw)
    except ValueError as err:
        raise CheckFailed(f"{what} answer is not JSON ({err}): {raw[:200]!r}") from None
    check(isinstance(body, dict), f"{what} answer is not a JSON object")
    check("Code" not in body, f"{what}: a success answer must not carry Code (the classic SDK reads it as an error)")
    check_true_flag(body.get("Success"), f"{what} Success")
    check_http_status_code(body.get("HttpStatusCode"), what)
    check_request_id(body.get("RequestId"), None, what)
    return body


def list_pages(client: AcsClient, settings: Settings, name: str, raw: list[str]):
    seen = 0
    for page_number in range(1, 51):
        request = local(ListConnectionsRequest(), settings)
        request.set_ProjectId(settings.project_id)
        request.set_Name(name)
        request.set_PageNumber(page_number)
        request.set_PageSize(100)
        body = call_json(client, request, "ListConnections")
        raw.append(json.dumps(body))
        data = body.get("Data")
        check(isinstance(data, dict), "ListConnections answer has no Data object")
        page = data.get("Connections") or []
        yield page
        seen += len(page)
        total = data.get("TotalCount")
        if not page or total is None or seen >= total:
            return


def header(headers, name: str):
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return None


def update_as_xml(client: AcsClient, settings: Settings, fixture: Fixture, connection_id: int) -> None:
    request = local(UpdateConnectionRequest(), settings)
    request.set_ConnectionId(connection_id)
    request.set_Content(fixture.content("db_updated"))
    request.set_EnvType(fixture.env_type)
    request.set_Description(fixture.updated_description)
    request.set_Status("ENABLED")
    request.set_accept_format("XML")
    # do_action_with_exception forces JSON; get_response keeps our Format and returns the raw answer.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        status, headers, body = client.get_response(request)
    text = body.decode("utf-8") if isinstance(body, bytes) else str(body)
    print(f"    SDK response of UpdateConnection (XML): HTTP {status} {text}", flush=True)
    check_equal(status, 200, "UpdateConnection (XML) HTTP status")
    content_type = header(headers, "content-type") or ""
    check("xml" in content_type.lower(), f"UpdateConnection (XML) Content-Type: expected XML, got {content_type!r}")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        raise CheckFailed(f"UpdateConnection (XML) answer is not XML: {err}") from None
    check_equal(root.tag, "UpdateConnectionResponse", "XML root element")
    check(root.find("Code") is None, "UpdateConnection (XML): a success answer must not carry Code")
    check_true_flag(root.findtext("Success"), "UpdateConnection (XML) Success")
    check_true_flag(root.findtext("Data"), "UpdateConnection (XML) Data")
    check_http_status_code(root.findtext("HttpStatusCode"), "UpdateConnection (XML)")
    check_request_id(root.findtext("RequestId"), header(headers, "x-acs-request-id"), "UpdateConnection (XML)")


def scenario() -> None:
    settings = Settings.from_env()
    fixture = Fixture.new("classic")
    client = AcsClient(
        settings.access_key_id,
        settings.access_key_secret,
        "cn-shanghai",
        port=settings.port,
        connect_timeout=5,
        timeout=15,
    )

    step("CreateConnection")
    request = local(CreateConnectionRequest(), settings)
    request.set_ProjectId(settings.project_id)
    request.set_Name(fixture.name)
    request.set_ConnectionType(fixture.connection_type)
    request.set_Content(fixture.content("db_created"))
    request.set_EnvType(fixture.env_type)
    request.set_Description(fixture.created_description)
    created = call_json(client, request, "CreateConnection")
    connection_id = created.get("Data")
    check(
        type(connection_id) is int and connection_id > 0,
        f"CreateConnection Data must be the new id, got {connection_id!r}",
    )

    step(f"UpdateConnection {connection_id}")
    request = local(UpdateConnectionRequest(), settings)
    request.set_ConnectionId(connection_id)
    request.set_Content(fixture.content("db_updated"))
    request.set_EnvType(fixture.env_type)
    request.set_Description(f"{fixture.updated_description} (JSON call)")
    request.set_Status("ENABLED")
    updated = call_json(client, request, "UpdateConnection")
    print(f"    SDK response of UpdateConnection: {json.dumps(updated, sort_keys=True)}", flush=True)
    check_true_flag(updated.get("Data"), "UpdateConnection Data")

    step(f"UpdateConnection {connection_id} with Format=XML")
    update_as_xml(client, settings, fixture, connection_id)

    step("ListConnections finds it, updated (by the XML call) and masked")
    raw: list[str] = []
    conn = find_connection(list_pages(client, settings, fixture.name, raw), connection_id)
    check(conn is not None, f"connection {connection_id} not found by ListConnections")
    check_listed_connection(conn, fixture, settings.project_id, "db_updated", "\n".join(raw))

    step(f"UpdateConnection of missing id {MISSING_CONNECTION_ID} -> {CONNECTION_NOT_EXISTS}")
    request = local(UpdateConnectionRequest(), settings)
    request.set_ConnectionId(MISSING_CONNECTION_ID)
    request.set_Content(fixture.content("db_missing"))
    request.set_EnvType(fixture.env_type)
    try:
        client.do_action_with_exception(request)
    except ServerException as err:
        print(
            f"    SDK raised ServerException: code={err.get_error_code()} status={err.get_http_status()} "
            f"message={err.get_error_msg()}",
            flush=True,
        )
        check_equal(err.get_error_code(), CONNECTION_NOT_EXISTS, "error code")
        check_equal(err.get_http_status(), CONNECTION_NOT_EXISTS_HTTP, "error HTTP status")
        check(err.get_request_id() not in (None, ""), "error answer without RequestId")
    else:
        raise CheckFailed("UpdateConnection of a missing connection succeeded")

    step(f"DeleteConnection {connection_id}")
    request = local(DeleteConnectionRequest(), settings)
    request.set_ConnectionId(connection_id)
    deleted = call_json(client, request, "DeleteConnection")
    check_true_flag(deleted.get("Data"), "DeleteConnection Data")

    step("ListConnections no longer finds it")
    gone = find_connection(list_pages(client, settings, fixture.name, []), connection_id)
    check(gone is None, f"connection {connection_id} still listed after DeleteConnection")


class ClassicDataSourceApi(DataSourceApi):
    """Each action through its request class in aliyun-python-sdk-dataworks-public (`set_<Name>`
    per wire name), sent by `do_action_with_exception`, the JSON answer parsed."""

    def __init__(self, client: AcsClient, settings: Settings):
        self.client = client
        self.settings = settings

    def _request(self, action: str, params: dict):
        module = importlib.import_module(f"aliyunsdkdataworks_public.request.v20200518.{action}Request")
        request = local(getattr(module, f"{action}Request")(), self.settings)
        for name, value in params.items():
            getattr(request, f"set_{name}")(value)
        return request

    def call(self, action: str, params: dict) -> dict:
        raw = self.client.do_action_with_exception(self._request(action, params))
        try:
            body = json.loads(raw)
        except ValueError as err:
            raise CheckFailed(f"{action} answer is not JSON ({err}): {raw[:200]!r}") from None
        check(isinstance(body, dict), f"{action} answer is not a JSON object")
        return body

    def fail(self, action: str, params: dict) -> tuple[str, int, str]:
        try:
            self.client.do_action_with_exception(self._request(action, params))
        except ServerException as err:
            print(f"    SDK raised ServerException: code={err.get_error_code()} status={err.get_http_status()}")
            return err.get_error_code(), err.get_http_status(), err.get_request_id()
        raise CheckFailed(f"{action} succeeded where it must fail")


def data_source_scenario() -> None:
    settings = Settings.from_env()
    client = AcsClient(
        settings.access_key_id,
        settings.access_key_secret,
        "cn-shanghai",
        port=settings.port,
        connect_timeout=5,
        timeout=15,
    )
    data_source_flow(ClassicDataSourceApi(client, settings), settings, Fixture.new("classic-ds"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--family", choices=["connection", "datasource"], default="connection")
    args = parser.parse_args()
    if args.family == "datasource":
        run_scenario(
            "DataSource family, aliyun-python-sdk-core + aliyun-python-sdk-dataworks-public (HMAC-SHA1)",
            data_source_scenario,
        )
        return
    run_scenario("aliyun-python-sdk-core + aliyun-python-sdk-dataworks-public (HMAC-SHA1, XML once)", scenario)


if __name__ == "__main__":
    main()
