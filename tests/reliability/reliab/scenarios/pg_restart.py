"""PostgreSQL stopped and started again under write load, on a cluster of the suite's own
(initdb/pg_ctl on a free port; never the machine's cluster).

While the database is down the server must keep answering, only with documented errors in the
envelope; it must not panic; it must serve again within 1 s of the database's return; nothing
acknowledged may be lost.
"""

from __future__ import annotations

import time

from ..context import Context, check
from ..load import Writers, verify
from ..processes import PgCluster, psql


def pg_restart(ctx: Context) -> None:
    cycles = ctx.scale(1, 4)
    cluster = PgCluster(ctx.reaper)
    cluster.start()
    psql(cluster.url, "CREATE DATABASE dw")
    server = ctx.postgres_server("pg-restart", database_url=cluster.url.rsplit("/", 1)[0] + "/dw")
    server.start()
    signer = ctx.signer(server)
    writers = Writers([signer], server.project_id, ctx.scale(4, 8), label="pgr")
    writers.start()
    recoveries = []
    downs = []
    try:
        for cycle in range(cycles):
            time.sleep(ctx.rng.uniform(1.0, 2.0))
            mode = "fast" if cycle % 2 == 0 else "immediate"
            cluster.stop(mode)
            down_for = ctx.rng.uniform(2.0, 4.0)
            time.sleep(down_for)
            refused_before = sum(writers.ledger.refusals.values())
            cluster.start()
            back = time.monotonic()
            deadline = back + 10
            first_ok = None
            while time.monotonic() < deadline and first_ok is None:
                with writers.ledger.lock:
                    later = [t for t in writers.ok_times if t >= back]
                if later:
                    first_ok = min(later)
                else:
                    time.sleep(0.01)
            check(server.alive(), f"cycle {cycle + 1}: the server exited while PostgreSQL was down")
            check(first_ok is not None, f"cycle {cycle + 1}: no write succeeded within 10 s of PostgreSQL's return")
            recoveries.append(round(first_ok - back, 3))
            downs.append({"mode": mode, "down_s": round(down_for, 2), "refused": sum(writers.ledger.refusals.values()) - refused_before})
            print(f"  cycle {cycle + 1}/{cycles}: stop -m {mode}, down {down_for:.1f}s, first acknowledged write "
                  f"{first_ok - back:.3f}s after pg_ctl start returned", flush=True)
        time.sleep(1.0)
    finally:
        writers.stop()
    ledger = writers.ledger
    missing = verify(signer, server.project_id, ledger)
    ctx.figures["pg-restart"] = {
        "cycles": downs,
        "recovery_s": recoveries,
        "acknowledged": ledger.acknowledged,
        "attempts": ledger.attempts,
        "answers_while_down": dict(ledger.refusals),
        "undocumented": ledger.undocumented[:10],
        "lost": len(missing),
    }
    print(f"  answers other than success: {dict(ledger.refusals)}", flush=True)
    check(not ledger.undocumented, f"undocumented answers while PostgreSQL was down: {ledger.undocumented[:5]}")
    check(not ledger.network_errors, f"{len(ledger.network_errors)} requests got no HTTP answer")
    check("panicked" not in server.output(), "the server log holds a panic")
    check(all(r <= 1.0 for r in recoveries), f"serving again took longer than 1 s: {recoveries}")
    check(not missing, f"acknowledged writes lost: {missing[:5]}")
