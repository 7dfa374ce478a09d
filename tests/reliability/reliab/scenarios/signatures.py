"""The signature rejection matrix over real HTTP against the real binary.

crates/acs-protocol/tests/verify_failures.rs already varies every signed part in-process against
the verifier with fake keys and a pinned clock. What only the running binary shows is covered
here: hyper's parsing of the request line and headers, the AccessKey table (an unknown key, a key
disabled with `admin access-key disable`), the real clock (±899 s accepted, ±901 s refused), the
nonce store, and that a refused write changes nothing. Every case runs for V3 and for v1.
"""

from __future__ import annotations

import json
import time

from ..acs import Key, Wire, send, sign_v1, sign_v3
from ..context import Context, check
from ..load import create_one, list_all
from ..spec import envelope_problem


def at_second_start() -> None:
    """Waits for the next whole second, so that a whole-second timestamp is as fresh as it gets."""
    now = time.time()
    time.sleep(1.0 - (now - int(now)) + 0.005)


def flip(text: str, index: int) -> str:
    c = text[index]
    return text[:index] + ("B" if c != "B" else "C") + text[index + 1 :]


def signatures(ctx: Context) -> None:
    server = ctx.sqlite_server("signatures")
    server.start()
    key = server.key
    host = f"127.0.0.1:{server.port}"
    project = server.project_id
    conn_id = create_one(ctx.signer(server), project, "matrix")
    other = json.loads(server.admin("access-key", "create", "--user", "admin", "--json"))
    disabled = Key(other["AccessKeyId"], other["AccessKeySecret"])
    server.admin("access-key", "disable", disabled.id)
    results: list[tuple[str, str, str]] = []
    markers: list[str] = []

    def params(marker: str) -> dict[str, str]:
        markers.append(marker)
        return {
            "Action": "UpdateConnection",
            "ConnectionId": str(conn_id),
            "Content": '{"database":"d","instanceName":"i","password":"p","rdsOwnerId":"1","username":"u"}',
            "EnvType": "0",
            "Description": marker,
        }

    def sign(scheme: str, k: Key, method: str, p: dict, **kw) -> Wire:
        if scheme == "v1":
            return sign_v1(k, method, p, **kw)
        return sign_v3(k, method, p, host, **kw)

    def expect(case: str, scheme: str, wire: Wire, want: str) -> None:
        answer = send("127.0.0.1", server.port, wire)
        got = "ok" if answer.status == 200 and answer.code is None else (answer.code or f"HTTP {answer.status}")
        results.append((scheme, case, got))
        check(got == want, f"{scheme} {case}: expected {want}, got {answer.describe()}")
        if want != "ok":
            problem = envelope_problem(answer.status, answer.headers, answer.body)
            check(problem is None, f"{scheme} {case}: {problem}")

    mismatch = "SignatureDoesNotMatch"
    for scheme in ("v3", "v1"):
        good = sign(scheme, key, "POST", params(f"{scheme}-good"))
        expect("correctly signed", scheme, good, "ok")
        expect("the same request again (nonce reuse)", scheme, good, "SignatureNonceUsed")
        nonce = "reused-" + scheme
        expect("fresh nonce", scheme, sign(scheme, key, "POST", params(f"{scheme}-n1"), nonce=nonce), "ok")
        expect("nonce reused with other parameters", scheme,
               sign(scheme, key, "POST", params(f"{scheme}-n2"), nonce=nonce), "SignatureNonceUsed")
        expect("wrong secret", scheme, sign(scheme, Key(key.id, key.secret + "x"), "POST", params(f"{scheme}-ws")),
               mismatch)
        w = sign(scheme, key, "POST", params(f"{scheme}-flip"))
        if scheme == "v1":
            flipped = w.with_query(w.query.replace("Description=v1-flip", "Description=v1-flIp"))
        else:
            auth = w.headers["Authorization"]
            flipped = w.with_header("Authorization", flip(auth, len(auth) - 5))
        expect("one byte flipped", scheme, flipped, mismatch)
        w = sign(scheme, key, "POST", params(f"{scheme}-add"))
        expect("parameter added after signing", scheme, w.with_query(w.query + "&Status=DISABLED"), mismatch)
        w = sign(scheme, key, "POST", params(f"{scheme}-rm"))
        removed = "&".join(p for p in w.query.split("&") if not p.startswith("Description="))
        expect("parameter removed after signing", scheme, w.with_query(removed), mismatch)
        w = sign(scheme, key, "POST", params(f"{scheme}-method"))
        w.method = "PUT"
        expect("method changed after signing", scheme, w, mismatch)
        for skew, want in ((899, "ok"), (-899, "ok"), (901, "InvalidTimeStamp.Expired"), (-901, "InvalidTimeStamp.Expired")):
            at_second_start()
            # The timestamp has whole seconds: round the skew so the clock's fraction cannot add one.
            expect(f"timestamp {skew:+d} s", scheme,
                   sign(scheme, key, "POST", params(f"{scheme}-t{skew}"), skew_seconds=skew + (0.5 if skew < 0 else 0)),
                   want)
        expect("unknown AccessKeyId", scheme, sign(scheme, Key("LTAIunknownkey00000000", key.secret), "POST",
                                                     params(f"{scheme}-unknown")), "InvalidAccessKeyId.NotFound")
        expect("disabled AccessKey", scheme, sign(scheme, disabled, "POST", params(f"{scheme}-disabled")),
               "InvalidAccessKeyId.Inactive")
        if scheme == "v3":
            in_query = params("v3-body")
            del in_query["Description"]
            w = sign_v3(key, "POST", in_query, host, body=b"Description=v3-body",
                        content_type="application/x-www-form-urlencoded")
            w.body = b"Description=v3-bodX"
            markers.append("v3-bodX")
            expect("body changed (x-acs-content-sha256 mismatch)", scheme, w, mismatch)
            expect("host not among SignedHeaders", scheme,
                   sign_v3(key, "POST", params("v3-nohost"), host, sign_host=False), "IncompleteSignature")
            w = sign_v3(key, "POST", params("v3-otherhost"), host)
            expect("Host header changed after signing", scheme, w.with_header("host", f"localhost:{server.port}"),
                   mismatch)

    stored = {row["Description"] for row in list_all(ctx.signer(server), project)}
    accepted = {f"{s}-{m}" for s in ("v3", "v1") for m in ("good", "n1", "t899", "t-899")}
    leaked = sorted(m for m in markers if m not in accepted and m in stored)
    check(not leaked, f"refused requests changed data: {leaked}")
    # The last accepted UpdateConnection wins; it must be one of the accepted ones.
    check(stored & accepted, f"no accepted update is stored: {stored}")

    # A key disabled while in use (so cached by the server) by the admin command, another
    # process: the very next request is refused (SQLite: the key-change marker file), and the
    # very next one after `enable` is served again.
    signer = ctx.signer(server)
    used = json.loads(server.admin("access-key", "create", "--user", "admin", "--json"))
    signer.key = Key(used["AccessKeyId"], used["AccessKeySecret"])
    check(signer.call("v3", "POST", params("used-before")).status == 200, "a new key works")
    check(signer.call("v1", "POST", params("used-before-v1")).status == 200, "a new key works (v1)")
    server.admin("access-key", "disable", signer.key.id)
    disabled_at = time.monotonic()
    answer = signer.call("v3", "POST", params("used-after"))
    refused_after = time.monotonic() - disabled_at
    check(answer.code == "InvalidAccessKeyId.Inactive",
          f"the first request after `admin access-key disable` returned: {answer.status} {answer.code}")
    server.admin("access-key", "enable", signer.key.id)
    answer = signer.call("v1", "POST", params("used-again"))
    check(answer.status == 200, f"the first request after `enable`: {answer.status} {answer.code}")
    ctx.figures["signatures"] = {
        "cases": len(results),
        "matrix": [f"{s} | {c} | {g}" for s, c, g in results],
        "disabled_key_in_use_refused_after_s": round(refused_after, 2),
    }
    print(f"  {len(results)} cases as expected; a key disabled in use was refused by the very next request "
          f"({refused_after:.3f}s after the admin process exited)",
          flush=True)
