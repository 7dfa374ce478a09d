"""Two replicas on one PostgreSQL database (one master key, the PostgreSQL nonce store).

1. The same signed request, byte for byte (as a load balancer would deliver a replay), written to
   both replicas at the same moment: exactly one succeeds, the other is SignatureNonceUsed, and the
   connection it creates exists once.
2. Writers spread over both replicas: every acknowledged create and update is there afterwards.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter

from ..acs import read_answer, request_bytes, sign_v1, sign_v3
from ..context import Context, check
from ..load import Writers, create_params, list_all, ok, verify

# The host a load balancer in front of both replicas would be reached by (V3 signs it).
BALANCER_HOST = "dataworks.internal:8080"


def race(ports: list[int], payload: bytes) -> list:
    """Writes `payload` to every port at once (connected first, released by one barrier)."""
    socks = [socket.create_connection(("127.0.0.1", p), timeout=15) for p in ports]
    barrier = threading.Barrier(len(socks))
    answers: list = [None] * len(socks)

    def fire(i: int) -> None:
        try:
            barrier.wait()
            socks[i].sendall(payload)
            answers[i] = read_answer(socks[i])
        except OSError as err:
            answers[i] = err
        finally:
            socks[i].close()

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(len(socks))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return answers


def replicas(ctx: Context) -> None:
    first = ctx.postgres_server("replica-a")
    first.start()
    second = ctx.postgres_server("replica-b", database_url=first.database_url, env={
        "DATAWORKS_MASTER_KEY": first.env["DATAWORKS_MASTER_KEY"]})
    second.start(expect_credentials=False)
    key, project = first.key, first.project_id
    trials = 200
    outcomes: Counter = Counter()
    names = []
    for trial in range(trials):
        name = f"race-{trial}"
        names.append(name)
        params = create_params(project, name)
        if trial % 2 == 0:
            wire = sign_v3(key, "POST", params, BALANCER_HOST)
        else:
            wire = sign_v1(key, "POST", params)
        answers = race([first.port, second.port], request_bytes(wire, BALANCER_HOST))
        kinds = sorted("network" if isinstance(a, Exception) else ("ok" if ok(a) else a.code or str(a.status))
                       for a in answers)
        outcomes[" + ".join(kinds)] += 1
        check(kinds == ["SignatureNonceUsed", "ok"],
              f"trial {trial + 1}: the same request to both replicas answered {kinds} "
              f"({[a if isinstance(a, Exception) else a.describe() for a in answers]})")
    signer_a, signer_b = ctx.signer(first), ctx.signer(first)
    signer_b.port = second.port
    rows = list_all(signer_a, project)
    stored = Counter(r["Name"] for r in rows if r["Name"].startswith("race-"))
    check(all(stored[n] == 1 for n in names), f"raced creates not stored exactly once: "
          f"{[(n, stored[n]) for n in names if stored[n] != 1][:5]}")
    print(f"  {trials} raced requests: {dict(outcomes)}", flush=True)

    writers = Writers([signer_a, signer_b], project, ctx.scale(4, 8), label="rep")
    writers.start()
    time.sleep(ctx.scale(3, 20))
    writers.stop()
    missing = verify(signer_b, project, writers.ledger)
    ledger = writers.ledger
    print(f"  concurrent writers on both replicas: {ledger.acknowledged} acknowledged of {ledger.attempts}, "
          f"{len(missing)} missing; other answers {dict(ledger.refusals)}", flush=True)
    ctx.figures["replicas"] = {
        "race_trials": trials,
        "race_outcomes": dict(outcomes),
        "writers_acknowledged": ledger.acknowledged,
        "writers_attempts": ledger.attempts,
        "writers_other_answers": dict(ledger.refusals),
        "lost": len(missing),
    }
    check(not missing, f"acknowledged writes lost across replicas: {missing[:5]}")
    check(not ledger.undocumented, f"undocumented answers: {ledger.undocumented[:5]}")
