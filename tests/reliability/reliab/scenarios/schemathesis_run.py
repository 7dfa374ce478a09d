"""schemathesis (pinned in tests/reliability/requirements.txt, installed into target/reliability-venv)
against the running server, every request signed by st/st_hooks.py: once with V3 and once with v1.

Checks: not_a_server_error, status_code_conformance, content_type_conformance,
response_schema_conformance, response_headers_conformance, negative_data_rejection. The run fails
on any failure schemathesis reports; the per-operation case counts come from its JSON report.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from ..context import Context, check
from ..processes import HarnessError

HERE = Path(__file__).resolve().parents[2]
REPO = HERE.parents[1]
REQUIREMENTS = HERE / "requirements.txt"
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance,response_headers_conformance,negative_data_rejection"
)


def ensure_venv(venv: Path) -> Path:
    """Creates the venv once; reinstalls only when requirements.txt (or the Python) changes."""
    python = venv / "bin" / "python"
    stamp = venv / ".requirements.sha256"
    digest = hashlib.sha256(REQUIREMENTS.read_bytes())
    digest.update(sys.version.encode())
    wanted = digest.hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return python
    if not python.exists():
        print(f"  creating venv {venv}", flush=True)
        if subprocess.run([sys.executable, "-m", "venv", str(venv)]).returncode != 0:
            raise HarnessError("python3 -m venv failed")
    print(f"  installing {REQUIREMENTS.relative_to(REPO)} into {venv}", flush=True)
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", str(REQUIREMENTS)]
    )
    if result.returncode != 0:
        raise HarnessError("pip install of the schemathesis requirements failed")
    stamp.write_text(wanted + "\n")
    return python


def count_cases(report: Path) -> dict[str, int]:
    """Cases per operation from schemathesis' ndjson event stream (one ScenarioFinished per scenario)."""
    counts: dict[str, int] = {}
    if not report.exists():
        return counts
    for line in report.read_text(encoding="utf-8").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        finished = event.get("ScenarioFinished")
        if not finished:
            continue
        label = finished.get("label") or (finished.get("recorder") or {}).get("label") or "?"
        cases = (finished.get("recorder") or {}).get("cases") or {}
        counts[label] = counts.get(label, 0) + len(cases)
    return counts


def spec_actions() -> list[str]:
    """The operations the spec declares (its `/#Action=X` paths)."""
    text = (REPO / "spec" / "dataworks.yaml").read_text(encoding="utf-8")
    return [line.strip().split("Action=", 1)[1].rstrip(":") for line in text.splitlines()
            if line.startswith("  /#Action=")]


def cases_per_action(per_label: dict[str, int]) -> dict[str, int]:
    """Cases per API operation: schemathesis labels each method apart ("GET /#Action=X")."""
    totals: dict[str, int] = {}
    for label, n in per_label.items():
        action = label.rsplit("Action=", 1)[-1].split()[0] if "Action=" in label else label
        totals[action] = totals.get(action, 0) + n
    return totals


def schemathesis_run(ctx: Context) -> None:
    venv_python = ensure_venv(Path(os.environ.get("DW_RELIABILITY_VENV", REPO / "target" / "reliability-venv")))
    st = venv_python.parent / "schemathesis"
    server = ctx.sqlite_server("schemathesis")
    server.start()
    # Per method and scheme: every API operation is declared for GET and POST, so the full run's
    # 2 methods x 2 schemes give every operation >= 1,000 cases (checked below from schemathesis'
    # own event stream). DW_ST_EXAMPLES overrides it (a longer or a shorter run).
    # The bounded run (CI, 2 cores) keeps to ~15 per method and scheme: with 24 method-operation
    # pairs that is ~800 cases in all, about the count the bounded run had with 10.
    per_operation = int(os.environ.get("DW_ST_EXAMPLES", ctx.scale(15, 250)))
    phases = "examples,fuzzing" if not ctx.full else "examples,coverage,fuzzing"
    totals = {}
    problems = []
    runs = []
    for scheme in ("v3", "v1"):
        # Absolute: schemathesis runs in out_dir and resolves its report path from there.
        out_dir = (ctx.log_dir / f"schemathesis-{scheme}").resolve()
        out_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update(
            SCHEMATHESIS_HOOKS="st_hooks",
            PYTHONPATH=os.pathsep.join([str(HERE / "st"), str(HERE)]),
            DW_ST_HOST="127.0.0.1",
            DW_ST_PORT=str(server.port),
            DW_ST_KEY_ID=server.key.id,
            DW_ST_KEY_SECRET=server.key.secret,
            DW_ST_PROJECT_ID=server.project_id,
            DW_ST_SCHEME=scheme,
            DW_ST_SKIP_OVERLONG_GET="1" if ctx.awaiting_fix else "0",
            NO_PROXY="127.0.0.1,localhost",
            no_proxy="127.0.0.1,localhost",
        )
        argv = [
            str(st), "--config-file", str(HERE / "st" / "schemathesis.toml"),
            "run", str(REPO / "spec" / "dataworks.yaml"),
            "--url", f"http://127.0.0.1:{server.port}",
            "--checks", CHECKS,
            "--max-examples", str(per_operation),
            "--seed", str(ctx.seed),
            "--mode", "all",
            "--phases", phases,
            "--workers", "1",
            "--continue-on-failure",
            "--generation-with-security-parameters", "false",
            "--generation-database", "none",
            "--request-timeout", "30",
            "--no-color",
            *(["--no-shrink"] if not ctx.full else []),
            "--report", "ndjson",
            "--report-ndjson-path", str(out_dir / "events.ndjson"),
        ]
        runs.append((scheme, argv, env, out_dir, out_dir / "output.txt"))
    # The V3 and v1 passes run at once (two processes; schemathesis is single-threaded Python,
    # so with a second core this halves the time); DW_ST_PARALLEL=0 runs them one after the other.
    parallel = os.environ.get("DW_ST_PARALLEL", "1") != "0"
    codes: dict[str, int] = {}
    children = []
    try:
        for scheme, argv, env, out_dir, log_path in runs:
            print(f"  schemathesis, {scheme} signatures, {per_operation} examples per method and operation, "
                  f"seed {ctx.seed}" + (" (in parallel)" if parallel else ""), flush=True)
            log = open(log_path, "w", encoding="utf-8")
            child = subprocess.Popen(argv, env=env, cwd=out_dir, stdout=log, stderr=subprocess.STDOUT)
            children.append((scheme, child, log))
            if not parallel:
                codes[scheme] = child.wait()
        for scheme, child, _ in children:
            codes[scheme] = child.wait()
    finally:
        for _, child, log in children:
            if child.poll() is None:
                child.kill()
                child.wait()
            log.close()
    for scheme, argv, env, out_dir, log_path in runs:
        code = codes[scheme]
        output = log_path.read_text(encoding="utf-8", errors="replace")
        tail = output[output.rfind("=" * 10 + " SUMMARY") :] if "SUMMARY" in output else output[-3000:]
        print(f"  {scheme}:\n    " + "\n    ".join(tail.strip().splitlines()[-25:]), flush=True)
        counts = count_cases(out_dir / "events.ndjson")
        totals[scheme] = {"exit": code, "cases_per_operation": counts, "cases": sum(counts.values()),
                          "output": str(log_path)}
        if code != 0:
            problems.append(f"{scheme}: schemathesis exited {code}; see {log_path}")
    per_op: dict[str, int] = {}
    for scheme_totals in totals.values():
        for label, n in scheme_totals["cases_per_operation"].items():
            per_op[label] = per_op.get(label, 0) + n
    totals["cases_per_operation_both_schemes"] = per_op
    per_action = cases_per_action(per_op)
    totals["cases_per_action"] = per_action
    ctx.figures["schemathesis"] = totals
    print(f"  cases per method and operation (V3 + v1): {per_op}", flush=True)
    print(f"  cases per operation (GET + POST, V3 + v1): {per_action}", flush=True)
    # Every operation of the spec ran (an empty or partial count means a broken report, never a pass).
    missing = sorted(set(spec_actions()) - set(per_action))
    check(not missing, f"no cases counted for {missing} (report: {[t.get('output') for t in totals.values()]})")
    if ctx.full:
        short = {action: n for action, n in per_action.items() if n < 1000}
        check(not short, f"fewer than 1,000 cases for {short}")
    check(server.alive(), "the server exited during the schemathesis run")
    check("panicked" not in server.output(), "the server log holds a panic")
    check(not problems, "; ".join(problems))
