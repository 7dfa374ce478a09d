#!/usr/bin/env python3
"""The reliability suite: the real dataworks-server under crashes, database restarts, replicas,
fsync failures, floods, a signature rejection matrix and schemathesis.

    python3 tests/reliability/run.py --server-bin target/debug/dataworks-server            # bounded
    python3 tests/reliability/run.py --full --server-bin target/release/dataworks-server   # full

The bounded run (what `cargo xtask test` runs) uses the same scenarios with fewer trials and cases
and a fixed seed; the full run is `cargo xtask reliability`. Every random choice (kill moments,
downtime, schemathesis' data) comes from --seed, printed at the start so a failure can be replayed.

Scenarios named in AWAITING_SERVER_FIX need the connection hardening of issue 16 (points 1 and 2)
and fail on a server without it; the bounded run skips them until the name is removed from that
list, `--include-awaiting` (or the full run) runs them.

Exit status 0 when every scenario run passed, 1 when one failed, 2 when the harness broke.
Figures go to target/reliability/figures.json; logs of every server to target/reliability/logs/.
Standard library only (schemathesis runs in its own venv).
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import os
import signal
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

from reliab.context import Context, ScenarioFailure  # noqa: E402
from reliab.processes import HarnessError, Reaper  # noqa: E402
from reliab.scenarios.crash import crash_postgres, crash_sqlite  # noqa: E402
from reliab.scenarios.flood import flood, oversized  # noqa: E402
from reliab.scenarios.fsync import fsync_eio  # noqa: E402
from reliab.scenarios.pg_restart import pg_restart  # noqa: E402
from reliab.scenarios.replicas import replicas  # noqa: E402
from reliab.scenarios.schemathesis_run import schemathesis_run  # noqa: E402
from reliab.scenarios.signatures import signatures  # noqa: E402

SCENARIOS = {
    "signatures": (signatures, "signature rejection matrix over real HTTP (V3 and v1)"),
    "crash-sqlite": (crash_sqlite, "kill -9 under write load on SQLite; every acknowledged write survives"),
    "crash-postgres": (crash_postgres, "kill -9 under write load on PostgreSQL; every acknowledged write survives"),
    "fsync-eio": (fsync_eio, "fsync/fdatasync fail with EIO (strace): nothing acknowledged, nothing lost"),
    "pg-restart": (pg_restart, "PostgreSQL (own initdb cluster) stopped and started under load"),
    "replicas": (replicas, "two replicas on one PostgreSQL: one replayed request succeeds once; no lost update"),
    "schemathesis": (schemathesis_run, "schemathesis, every request signed (V3 and v1), 6 checks"),
    "flood": (flood, "thousands of idle + slowloris connections while a signed client is served"),
    "oversized": (oversized, "oversized URI/headers/body and malformed requests answered in the envelope"),
}

# Scenarios that fail until the server-side hardening of issue 16 has landed. The integrator
# removes a name here once the fix is merged; from then on `cargo xtask test` runs it too.
AWAITING_SERVER_FIX: tuple[str, ...] = ()  # the server hardening (issue 16, points 1-2) has landed

DEFAULT_SEED = 16


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server-bin", type=Path, default=REPO / "target" / "debug" / "dataworks-server")
    parser.add_argument("--full", action="store_true", help="the full run: more trials and cases")
    parser.add_argument("--seed", type=int, default=None, help=f"default: {DEFAULT_SEED} (bounded), the time (full)")
    parser.add_argument("--only", action="append", choices=list(SCENARIOS), help="run only these (repeatable)")
    parser.add_argument("--skip", action="append", choices=list(SCENARIOS), default=[], help="skip these")
    parser.add_argument("--include-awaiting", action="store_true",
                        help=f"also run {', '.join(AWAITING_SERVER_FIX)} in the bounded run")
    parser.add_argument("--skip-awaiting", action="store_true", help="skip them in the full run too")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("DATAWORKS_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="the shared PostgreSQL for scratch databases (default: DATAWORKS_TEST_POSTGRES_URL or 127.0.0.1:5432)",
    )
    parser.add_argument("--out", type=Path, default=REPO / "target" / "reliability")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    # `kill -USR1 <pid>` prints every thread's stack: what a hung scenario is waiting for.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    # SIGTERM (a CI timeout, `timeout`) unwinds like Ctrl-C, so every scenario's reaper runs.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    seed = args.seed if args.seed is not None else (int(time.time()) if args.full else DEFAULT_SEED)
    binary = args.server_bin.resolve()
    if not os.access(binary, os.X_OK):
        print(f"[reliability] {binary} is not executable (build it first)", flush=True)
        return 2
    names = args.only or list(SCENARIOS)
    run_awaiting = args.include_awaiting or (args.full and not args.skip_awaiting)
    mode = "full" if args.full else "bounded"
    print(f"[reliability] {mode} run, seed {seed}, server {binary}", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    harness_broke = False
    for name in names:
        function, title = SCENARIOS[name]
        if name in args.skip:
            continue
        if name in AWAITING_SERVER_FIX and not run_awaiting and not args.only:
            print(f"\n=== {name}: SKIP (awaiting the server hardening of issue 16; --include-awaiting runs it)",
                  flush=True)
            results[name] = {"status": "skipped", "why": "AWAITING_SERVER_FIX"}
            continue
        print(f"\n=== {name}: {title}", flush=True)
        reaper = Reaper()
        ctx = Context(args.full, seed, binary, args.postgres_url, args.out / "logs", reaper,
                      awaiting_fix=bool(AWAITING_SERVER_FIX) and not run_awaiting)
        started = time.monotonic()
        try:
            function(ctx)
            status, detail = "passed", ""
        except ScenarioFailure as failure:
            status, detail = "failed", str(failure)
        except HarnessError as err:
            status, detail = "broken", str(err)
            harness_broke = True
        except Exception:  # noqa: BLE001 - a scenario's bug is reported, the others still run
            status, detail = "broken", traceback.format_exc()
            harness_broke = True
        finally:
            reaper.close()
        seconds = time.monotonic() - started
        results[name] = {"status": status, "seconds": round(seconds, 1), "detail": detail,
                         "figures": ctx.figures}
        print(f"--- {name}: {status.upper()} in {seconds:.1f}s" + (f"\n    {detail}" if detail else ""), flush=True)
    report = {"mode": mode, "seed": seed, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "server": str(binary), "results": results}
    (args.out / "figures.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    passed = sum(r["status"] == "passed" for r in results.values())
    failed = sum(r["status"] in ("failed", "broken") for r in results.values())
    skipped = sum(r["status"] == "skipped" for r in results.values())
    print("\n=== reliability summary (figures: target/reliability/figures.json)", flush=True)
    for name, r in results.items():
        print(f"{r['status'].upper():<8} {name}" + (f" ({r['seconds']}s)" if "seconds" in r else ""), flush=True)
    print(f"reliability: {passed} passed, {failed} failed, {skipped} skipped", flush=True)
    if failed:
        return 2 if harness_broke and not any(r["status"] == "failed" for r in results.values()) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
