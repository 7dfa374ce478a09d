"""Scenario: dataworks-server as a test double for code that uses the official Python SDK.

The README's pytest example ("Using dataworks-server as a test double"), run against the real
binary started with `--test-controls`: reset between tests, faults the way the cloud fails
(503 then success, Throttling.User with x-acs-retry-after, a dropped connection, latency beyond
the SDK's read timeout), and the request log (attempts counted, no secret in it). Written as
pytest tests with a hand-rolled runner, so that the SDK venv needs no pytest.
"""

from __future__ import annotations

import json
import time

import requests
from alibabacloud_dataworks_public20200518 import models
from alibabacloud_dataworks_public20200518.client import Client
from alibabacloud_tea_openapi import utils_models as open_api_models
from darabonba.runtime import RuntimeOptions

from common import Settings, check, check_equal, run_scenario, step

SETTINGS = Settings.from_env()
SERVER = f"http://{SETTINGS.host}:{SETTINGS.port}"
PLANTED = "pw-test-double-4d2a"


def dataworks(read_timeout: int = 2000) -> Client:
    """The fixture: a reset server and an SDK client for it."""
    requests.post(f"{SERVER}/_test/reset", timeout=10).raise_for_status()
    config = open_api_models.Config(
        access_key_id=SETTINGS.access_key_id,
        access_key_secret=SETTINGS.access_key_secret,
        endpoint=f"{SETTINGS.host}:{SETTINGS.port}",
        protocol="http",
        connect_timeout=2000,
        read_timeout=read_timeout,
    )
    return Client(config)


def fault(**spec) -> int:
    answer = requests.post(f"{SERVER}/_test/faults", json=spec, timeout=10)
    answer.raise_for_status()
    return answer.json()["id"]


def sent(action: str) -> list[dict]:
    answer = requests.get(f"{SERVER}/_test/requests", params={"action": action}, timeout=10)
    answer.raise_for_status()
    return answer.json()["requests"]


def list_connections(client: Client):
    request = models.ListConnectionsRequest(project_id=SETTINGS.project_id)
    return client.list_connections_with_options(request, RuntimeOptions())


def test_my_retry_loop_survives_a_503(client: Client) -> None:
    fault(action="ListConnections", code="ServiceUnavailable", http_status=503, count=1)
    errors = []
    answer = None
    for _ in range(3):  # the application's own retry loop
        try:
            answer = list_connections(client)
            break
        except Exception as err:  # the SDK raises on the 503
            errors.append(err)
    check(answer is not None, f"no success after 3 attempts: {errors}")
    check_equal(answer.body.data.total_count, 0, "TotalCount after reset")
    check_equal(len(errors), 1, "errors seen before the success")
    check("ServiceUnavailable" in str(errors[0]), f"the 503's code reaches the caller: {errors[0]}")
    log = sent("ListConnections")
    check_equal([r["code"] for r in log], ["Success", "ServiceUnavailable"], "the request log, newest first")
    check_equal([r["http_status"] for r in log], [200, 503], "statuses in the request log")
    check_equal(log[1]["fault_injected"], True, "fault_injected")


def test_throttling_carries_retry_after(client: Client) -> None:
    fault(code="Throttling.User", retry_after_ms=250)
    raw = requests.get(f"{SERVER}/?Action=ListConnections", timeout=10)
    check_equal(raw.status_code, 400, "throttling status")
    check_equal(raw.headers.get("x-acs-retry-after"), "250", "x-acs-retry-after")
    check_equal(raw.json()["Code"], "Throttling.User", "throttling code")
    fault(action="ListConnections", code="Throttling.User", retry_after_ms=250)
    try:
        list_connections(client)
    except Exception as err:
        check("Throttling.User" in str(err), f"the SDK reports the throttling code: {err}")
    else:
        raise AssertionError("the throttled call succeeded")
    answer = list_connections(client)
    check_equal(answer.body.data.total_count, 0, "the call after the throttling")


def test_a_dropped_connection_is_an_error(client: Client) -> None:
    fault(action="ListConnections", drop=True)
    try:
        list_connections(client)
    except Exception as err:
        print(f"  dropped connection -> {type(err).__name__}", flush=True)
    else:
        raise AssertionError("a dropped connection gave an answer")
    log = sent("ListConnections")
    check_equal(log[0]["fault_injected"], True, "the dropped call is logged")
    check_equal(log[0]["http_status"], None, "a dropped call has no status")
    list_connections(client)


def test_a_slow_answer_times_out(client: Client) -> None:
    fault(action="ListConnections", latency_ms=4000)
    started = time.monotonic()
    try:
        list_connections(client)  # read_timeout=2000 ms
    except Exception as err:
        print(f"  latency beyond the read timeout -> {type(err).__name__}", flush=True)
    else:
        raise AssertionError("an answer slower than the read timeout was accepted")
    check(time.monotonic() - started < 3.9, "the SDK gave up before the answer came")


def test_reset_empties_connections_and_keeps_the_key(client: Client) -> None:
    content = json.dumps(
        {"username": "u", "password": PLANTED, "database": "d", "instanceName": "i", "tag": "rds",
         "regionId": "cn-shanghai", "rdsOwnerId": "1"}
    )
    request = models.CreateConnectionRequest(
        project_id=SETTINGS.project_id, name="db", connection_type="rds", sub_type="mysql",
        env_type=1, content=content,
    )
    first = client.create_connection_with_options(request, RuntimeOptions()).body.data
    check_equal(list_connections(client).body.data.total_count, 1, "TotalCount after create")
    log = json.dumps(sent("CreateConnection"))
    check(PLANTED not in log, "no secret in the request log")
    check(SETTINGS.access_key_secret not in log, "no AccessKey secret in the request log")
    requests.post(f"{SERVER}/_test/reset", timeout=10).raise_for_status()
    check_equal(list_connections(client).body.data.total_count, 0, "TotalCount after reset")
    again = client.create_connection_with_options(request, RuntimeOptions()).body.data
    check_equal(again, first, "ids restart after a reset")


TESTS = (
    test_my_retry_loop_survives_a_503,
    test_throttling_carries_retry_after,
    test_a_dropped_connection_is_an_error,
    test_a_slow_answer_times_out,
    test_reset_empties_connections_and_keeps_the_key,
)


def main() -> None:
    for test in TESTS:
        step(test.__name__)
        test(dataworks())
    requests.post(f"{SERVER}/_test/reset", timeout=10).raise_for_status()


if __name__ == "__main__":
    run_scenario("dataworks-server as a test double (official Python SDK, pytest-style)", main)
