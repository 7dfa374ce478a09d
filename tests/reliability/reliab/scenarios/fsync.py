"""fsync failure on SQLite: strace attaches to the running server and makes every fsync/fdatasync
fail with EIO. No write sent after that may be acknowledged; after strace detaches and the server
is killed and restarted, every write acknowledged before is still there."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

from ..context import Context, check
from ..load import Writers, ok, update_params, verify
from ..processes import HarnessError


def install_strace() -> str:
    """strace is a Debian package; a fresh machine may lack it, and the suite installs what it needs."""
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("  installing strace (apt-get install strace)", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "strace"], stdout=subprocess.DEVNULL, check=False)
    path = shutil.which("strace")
    if path is None:
        raise HarnessError("strace is not installed and could not be installed (apt-get install strace)")
    return path


def fsync_eio(ctx: Context) -> None:
    strace = shutil.which("strace") or install_strace()
    trials = ctx.scale(1, 3)
    server = ctx.sqlite_server("fsync-eio")
    server.start()
    signer = ctx.signer(server)
    totals = {"trials": trials, "acknowledged_before": 0, "sent_while_failing": 0, "acknowledged_while_failing": 0,
              "lost": 0, "answers_while_failing": {}}
    for trial in range(trials):
        writers = Writers([signer], server.project_id, 4, label=f"f{trial}w")
        writers.start()
        time.sleep(ctx.rng.uniform(0.5, 1.5))
        tracer = subprocess.Popen(
            [strace, "-f", "-qq", "-p", str(server.process.pid), "-e", "trace=fsync,fdatasync",
             "-e", "inject=fsync,fdatasync:error=EIO", "-o", "/dev/null"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        ctx.reaper.add(lambda t=tracer: t.poll() is None and (t.terminate(), t.wait()))
        time.sleep(0.5)
        if tracer.poll() is not None:
            raise HarnessError(f"strace could not attach: {tracer.stderr.read().strip()}")
        # Stop the background writers so that the failing window is probed by requests sent after
        # the injection started, one by one.
        writers.stop()
        # strace attaches thread by thread and says nothing with -qq: the injection is known to be
        # active once a write fails. Writes acknowledged until then were really synced (strace had
        # not yet intercepted their fsync) and are recorded like any other acknowledged write.
        active_by = time.monotonic() + 30
        while time.monotonic() < active_by:
            own = writers.own[0]
            writers.ledger.updated[own] += 1
            answer = signer.call("v3", "POST", update_params(own, str(writers.ledger.updated[own])), timeout=15)
            if not ok(answer):
                writers.ledger.updated[own] -= 1
                break
        else:
            raise HarnessError("no write failed within 30 s of attaching strace")
        before = writers.ledger.acknowledged
        acknowledged_while_failing = []
        answers = {}
        for i in range(ctx.scale(20, 100)):
            params = update_params(writers.own[i % 4], str(10_000 + i))
            answer = signer.call("v3" if i % 2 else "v1", "POST", params, timeout=15)
            kind = "ok" if ok(answer) else f"HTTP {answer.status} {answer.code}"
            answers[kind] = answers.get(kind, 0) + 1
            if ok(answer):
                acknowledged_while_failing.append(i)
        tracer.terminate()
        tracer.wait()
        server.kill9()
        server.start()
        missing = verify(signer, server.project_id, writers.ledger)
        print(f"  trial {trial + 1}/{trials}: {before} acknowledged before EIO; while every fsync failed: "
              f"{answers}; after restart {len(missing)} missing", flush=True)
        totals["acknowledged_before"] += before
        totals["sent_while_failing"] += sum(answers.values())
        totals["acknowledged_while_failing"] += len(acknowledged_while_failing)
        totals["lost"] += len(missing)
        for k, v in answers.items():
            totals["answers_while_failing"][k] = totals["answers_while_failing"].get(k, 0) + v
        check(not acknowledged_while_failing,
              f"trial {trial + 1}: {len(acknowledged_while_failing)} writes acknowledged while fsync failed with EIO")
        check(not missing, f"trial {trial + 1}: acknowledged writes lost: {missing[:5]}")
    check("panicked" not in server.output(), "the server log holds a panic")
    ctx.figures["fsync-eio"] = totals
