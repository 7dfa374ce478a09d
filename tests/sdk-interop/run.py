#!/usr/bin/env python3
"""Runs the official Alibaba Cloud Python SDKs, unchanged, against a fresh dataworks-server.

    python3 tests/sdk-interop/run.py --server-bin target/debug/dataworks-server

Steps: create or reuse the SDK venv (target/sdk-venv, pinned by requirements.txt); start the
server on a free loopback port with a new SQLite file (or a new PostgreSQL database); read the
credentials it prints on first start; wait for GET /healthz; run each scenario in the venv;
stop the server with SIGTERM; print one PASS/FAIL line per scenario. Exit status 0 only when
everything passed, 1 when a scenario failed, 2 when the harness could not get that far.

Standard library only, so that it runs before any venv exists.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
REQUIREMENTS = HERE / "requirements.txt"
SCENARIO_DIR = HERE / "scenarios"


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    argv: tuple[str, ...]


SCENARIOS = (
    Scenario(
        "tea-v3", "alibabacloud-dataworks-public20200518, default signature V3", ("tea_sdk.py", "--signature", "v3")
    ),
    Scenario(
        "tea-v2", "alibabacloud-dataworks-public20200518, signature_algorithm=v2", ("tea_sdk.py", "--signature", "v2")
    ),
    Scenario(
        "classic", "aliyun-python-sdk-core + aliyun-python-sdk-dataworks-public (JSON and XML)", ("classic_sdk.py",)
    ),
    # The DataSource family (CreateDataSource ... SetDataSourceShare) and its crossing with the
    # Connection family, through the same three SDK flavours.
    Scenario(
        "tea-v3-ds",
        "DataSource family, alibabacloud-dataworks-public20200518, signature V3",
        ("tea_sdk.py", "--signature", "v3", "--family", "datasource"),
    ),
    Scenario(
        "tea-v2-ds",
        "DataSource family, alibabacloud-dataworks-public20200518, signature_algorithm=v2",
        ("tea_sdk.py", "--signature", "v2", "--family", "datasource"),
    ),
    Scenario(
        "classic-ds",
        "DataSource family, aliyun-python-sdk-core + aliyun-python-sdk-dataworks-public",
        ("classic_sdk.py", "--family", "datasource"),
    ),
    # Last: its resets remove what the other scenarios created.
    Scenario(
        "double",
        "the README's test-double example: faults, request log and reset with the Tea SDK",
        ("test_double.py",),
    ),
)

# The first-start lines, wherever they sit in a line (a log prefix is tolerated).
CREDENTIAL_LINE = re.compile(r"\b(ProjectId|AccessKeyId|AccessKeySecret)=(\S+)")


class HarnessError(Exception):
    """The run could not reach the scenarios (venv, server start, credentials)."""


def log(message: str) -> None:
    print(f"[sdk-interop] {message}", flush=True)


# ---------------------------------------------------------------- venv


def ensure_venv(venv: Path, python: str) -> Path:
    """Creates the venv once and reinstalls only when requirements.txt (or the Python) changes."""
    venv_python = venv / "bin" / "python"
    stamp = venv / ".requirements.sha256"
    digest = hashlib.sha256(REQUIREMENTS.read_bytes())
    digest.update(sys.version.encode())
    wanted = digest.hexdigest()
    if venv_python.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        log(f"venv {venv} is up to date")
        return venv_python
    if not venv_python.exists():
        log(f"creating venv {venv}")
        run_checked([python, "-m", "venv", str(venv)], "python3 -m venv")
    log(f"installing {REQUIREMENTS.relative_to(REPO)} into {venv}")
    run_checked(
        [str(venv_python), "-m", "pip", "install", "--disable-pip-version-check", "-r", str(REQUIREMENTS)],
        "pip install",
    )
    stamp.write_text(wanted + "\n")
    return venv_python


def run_checked(argv: list[str], what: str) -> None:
    result = subprocess.run(argv)
    if result.returncode != 0:
        raise HarnessError(f"{what} failed with exit status {result.returncode}")


# ---------------------------------------------------------------- PostgreSQL


@dataclass
class ScratchDatabase:
    """A PostgreSQL database made for one run, so the server's first start prints fresh credentials."""

    admin_url: str
    name: str

    @classmethod
    def create(cls, admin_url: str) -> "ScratchDatabase":
        if shutil.which("psql") is None:
            raise HarnessError("--postgres-url needs the psql client to create a scratch database")
        db = cls(admin_url, f"dw_sdk_interop_{os.getpid()}_{secrets.token_hex(3)}")
        db.psql(f'CREATE DATABASE "{db.name}"')
        return db

    @property
    def url(self) -> str:
        parts = urllib.parse.urlsplit(self.admin_url)
        return urllib.parse.urlunsplit(parts._replace(path="/" + self.name))

    def psql(self, sql: str) -> None:
        result = subprocess.run(
            ["psql", self.admin_url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise HarnessError(f"psql failed ({sql}): {result.stderr.strip()}")

    def drop(self) -> None:
        try:
            self.psql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        except HarnessError as err:
            log(f"warning: {err}")


# ---------------------------------------------------------------- server


@dataclass
class Credentials:
    values: dict[str, str] = field(default_factory=dict)
    complete: threading.Event = field(default_factory=threading.Event)

    def offer(self, line: str) -> None:
        for key, value in CREDENTIAL_LINE.findall(line):
            self.values.setdefault(key, value)
        if {"ProjectId", "AccessKeyId", "AccessKeySecret"} <= self.values.keys():
            self.complete.set()


def redact_url(url: str) -> str:
    """A database URL may carry a password; logs show the rest of it."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:<redacted>@{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def redact(line: str) -> str:
    """The log file is kept and shared; the AccessKey secret never goes into it."""
    return re.sub(r"(AccessKeySecret=)\S+", r"\1<redacted>", line)


class Server:
    """dataworks-server as a child process whose stdout and stderr go to one log file."""

    def __init__(self, binary: Path, database_url: str, workdir: Path, log_path: Path):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.credentials = Credentials()
        self.log_path = log_path
        self.log_lock = threading.Lock()
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_file = open(log_path, "w", encoding="utf-8")
        argv = [
            str(binary),
            "serve",
            "--test-controls",
            "--listen",
            f"127.0.0.1:{self.port}",
            "--database",
            database_url,
        ]
        shown = [*argv[:-1], redact_url(database_url)]
        self.write_log(f"# {' '.join(shown)}\n# cwd {workdir}\n")
        log(f"starting {binary} on 127.0.0.1:{self.port} (log: {log_path})")
        env = dict(os.environ)
        if not database_url.startswith("sqlite:"):
            # Replicas on PostgreSQL must share a master key, so the server refuses to invent one;
            # a throwaway key per run keeps the scratch database self-contained.
            env.setdefault("DATAWORKS_MASTER_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
        self.binary, self.database_url, self.workdir, self.env = binary, database_url, workdir, env
        try:
            self.process = subprocess.Popen(
                argv,
                cwd=workdir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
                bufsize=1,
            )
        except OSError as err:
            self.log_file.close()
            raise HarnessError(f"cannot start {binary}: {err}") from None
        self.readers = [
            threading.Thread(target=self.pump, args=(self.process.stdout, "stdout", True), daemon=True),
            threading.Thread(target=self.pump, args=(self.process.stderr, "stderr", False), daemon=True),
        ]
        for reader in self.readers:
            reader.start()

    def admin(self, *args: str) -> str:
        """Runs `dataworks-server admin ARGS` on the server's database (and master key); its stdout."""
        argv = [str(self.binary), "admin", *args, "--database", self.database_url]
        result = subprocess.run(
            argv, cwd=self.workdir, env=self.env, capture_output=True, text=True, timeout=60, check=False
        )
        if result.returncode != 0:
            raise HarnessError(f"admin {' '.join(args)} failed: {result.stderr.strip()[-300:]}")
        return result.stdout

    def second_project(self, project_id: str) -> str:
        """A second project in the tenant of `project_id`, for SetDataSourceShare to share with."""
        tenant = None
        for line in self.admin("projects", "list").splitlines():
            fields = line.split("\t")
            if fields and fields[0] == project_id:
                tenant = fields[1]
        if tenant is None:
            raise HarnessError(f"project {project_id} not found by admin projects list")
        created = self.admin("projects", "create", "--tenant", tenant, "sdk-interop-share-target")
        match = re.search(r"ProjectId=(\d+)", created)
        if match is None:
            raise HarnessError(f"admin projects create printed no ProjectId: {created!r}")
        target = match.group(1)
        # The scenarios' user (the first project's owner) joins it as a visitor, so that it can
        # list what is shared there (a visitor reads, and changes nothing of its own).
        owners = [
            fields[1]
            for fields in (line.split("\t") for line in self.admin("members", "list", "--project", project_id).splitlines())
            if len(fields) == 3 and fields[2] == "owner"
        ]
        if not owners:
            raise HarnessError(f"project {project_id} has no owner in admin members list")
        self.admin("members", "add", "--project", target, "--user", owners[0], "--role", "visitor")
        return target

    def write_log(self, text: str) -> None:
        with self.log_lock:
            self.log_file.write(text)
            self.log_file.flush()

    def pump(self, stream, label: str, parse_credentials: bool) -> None:
        for line in stream:
            if parse_credentials:
                self.credentials.offer(line)
            self.write_log(f"[{label}] {redact(line)}")

    def wait_for_credentials(self, timeout: float) -> dict[str, str]:
        deadline = time.monotonic() + timeout
        while not self.credentials.complete.wait(0.2):
            if self.process.poll() is not None:
                raise HarnessError(
                    f"server exited with status {self.process.returncode} before printing its credentials"
                )
            if time.monotonic() > deadline:
                got = sorted(self.credentials.values)
                raise HarnessError(
                    f"no ProjectId=/AccessKeyId=/AccessKeySecret= lines on stdout within {timeout:.0f}s (seen: {got})"
                )
        return dict(self.credentials.values)

    def wait_until_healthy(self, timeout: float) -> None:
        # Loopback only: never through an HTTP proxy from the environment.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HarnessError(f"server exited with status {self.process.returncode} while starting")
            try:
                with opener.open(f"{self.base_url}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
                    last = f"HTTP {answer.status}"
            except urllib.error.HTTPError as err:
                last = f"HTTP {err.code}"
            except (urllib.error.URLError, OSError) as err:
                last = str(getattr(err, "reason", err))
            time.sleep(0.2)
        raise HarnessError(f"GET /healthz did not answer 200 within {timeout:.0f}s (last: {last})")

    def stop(self, timeout: float) -> str | None:
        """SIGTERM, then SIGKILL after `timeout`. Returns a problem description, or None."""
        problem = None
        if self.process.poll() is not None:
            problem = f"server had already exited with status {self.process.returncode} before SIGTERM"
        else:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                problem = f"server did not exit within {timeout:.0f}s of SIGTERM (killed)"
        for reader in self.readers:
            reader.join(5)
        self.write_log(f"# exit status {self.process.returncode}\n")
        self.log_file.close()
        return problem


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------- scenarios


@dataclass
class Outcome:
    scenario: Scenario
    passed: bool
    seconds: float
    reason: str


def scenario_env(host: str, port: int, creds: dict[str, str]) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # Hermetic: the SDKs would otherwise pick up a developer's real credentials or profile.
        if not key.upper().startswith(("ALIBABA_CLOUD_", "ALICLOUD_", "ALIYUN_"))
    }
    env.update(
        DW_INTEROP_HOST=host,
        DW_INTEROP_PORT=str(port),
        DW_INTEROP_ACCESS_KEY_ID=creds["AccessKeyId"],
        DW_INTEROP_ACCESS_KEY_SECRET=creds["AccessKeySecret"],
        DW_INTEROP_PROJECT_ID=creds["ProjectId"],
        # Empty against an external --endpoint: the scenarios then check only refused sharing.
        DW_INTEROP_SHARE_PROJECT_ID=creds.get("ShareProjectId", ""),
        NO_PROXY=",".join(filter(None, [os.environ.get("NO_PROXY"), host, "localhost"])),
        no_proxy=",".join(filter(None, [os.environ.get("no_proxy"), host, "localhost"])),
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def run_scenario(venv_python: Path, scenario: Scenario, env: dict[str, str], timeout: float) -> Outcome:
    """Runs one scenario script, streaming its output live, and keeps its last FAILED line."""
    print(f"\n=== {scenario.name}: {scenario.title}", flush=True)
    started = time.monotonic()
    secret = env["DW_INTEROP_ACCESS_KEY_SECRET"]
    argv = [str(venv_python), str(SCENARIO_DIR / scenario.argv[0]), *scenario.argv[1:]]
    lines: list[str] = []
    process = subprocess.Popen(
        argv, env=env, cwd=SCENARIO_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
    )

    def echo() -> None:
        for line in process.stdout:
            line = line.replace(secret, "<redacted>")
            lines.append(line)
            sys.stdout.write(line)
            sys.stdout.flush()

    reader = threading.Thread(target=echo, daemon=True)
    reader.start()
    try:
        code = process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        lines.append(f"FAILED: timed out after {timeout:.0f}s\n")
        code = -1
    reader.join(5)
    failure = [line[len("FAILED: ") :].rstrip() for line in lines if line.startswith("FAILED: ")]
    passed = code == 0
    reason = "" if passed else (failure[-1] if failure else f"exit status {code}; see output above")
    return Outcome(scenario, passed, time.monotonic() - started, reason)


# ---------------------------------------------------------------- main


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--server-bin", type=Path, help="the dataworks-server binary to start")
    target.add_argument(
        "--endpoint",
        metavar="HOST:PORT",
        help="use an already running server instead; credentials from DW_INTEROP_ACCESS_KEY_ID, "
        "DW_INTEROP_ACCESS_KEY_SECRET, DW_INTEROP_PROJECT_ID",
    )
    parser.add_argument(
        "--postgres-url",
        metavar="URL",
        help="run the server on PostgreSQL: a scratch database is created on this server (e.g. "
        "postgres://postgres@127.0.0.1:5432/postgres) and dropped afterwards",
    )
    parser.add_argument("--only", action="append", choices=[s.name for s in SCENARIOS], help="run only these scenarios")
    parser.add_argument("--venv", type=Path, default=REPO / "target" / "sdk-venv", help="default: target/sdk-venv")
    parser.add_argument("--python", default=sys.executable, help="interpreter that creates the venv")
    parser.add_argument(
        "--log-file", type=Path, default=REPO / "target" / "sdk-interop" / "server.log", help="server stdout+stderr"
    )
    parser.add_argument("--startup-timeout", type=float, default=60.0, help="seconds for credentials and /healthz")
    parser.add_argument("--scenario-timeout", type=float, default=180.0)
    parser.add_argument("--stop-timeout", type=float, default=15.0, help="seconds between SIGTERM and SIGKILL")
    args = parser.parse_args(argv)
    if args.postgres_url and not args.server_bin:
        parser.error("--postgres-url needs --server-bin")
    return args


def external_target(endpoint: str) -> tuple[str, int, dict[str, str]]:
    host, sep, port = endpoint.rpartition(":")
    if not sep or not port.isdigit():
        raise HarnessError(f"--endpoint must be HOST:PORT, got {endpoint!r}")
    creds = {
        "AccessKeyId": os.environ.get("DW_INTEROP_ACCESS_KEY_ID", ""),
        "AccessKeySecret": os.environ.get("DW_INTEROP_ACCESS_KEY_SECRET", ""),
        "ProjectId": os.environ.get("DW_INTEROP_PROJECT_ID", ""),
    }
    missing = [k for k, v in creds.items() if not v]
    if missing:
        raise HarnessError(f"--endpoint needs DW_INTEROP_* credentials; missing {missing}")
    creds["ShareProjectId"] = os.environ.get("DW_INTEROP_SHARE_PROJECT_ID", "")
    return host, int(port), creds


def print_summary(outcomes: list[Outcome], extra_failures: list[str], log_path: Path | None) -> None:
    print("\n=== SDK interop summary", flush=True)
    for outcome in outcomes:
        status = "PASS" if outcome.passed else "FAIL"
        reason = outcome.reason if len(outcome.reason) <= 300 else outcome.reason[:297] + "..."
        detail = f" -- {reason}" if reason else ""
        print(f"{status} {outcome.scenario.name:<8} {outcome.scenario.title} ({outcome.seconds:.1f}s){detail}")
    for failure in extra_failures:
        print(f"FAIL harness  {failure}")
    if log_path is not None:
        print(f"server log: {log_path}")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    scenarios = [s for s in SCENARIOS if not args.only or s.name in args.only]
    server: Server | None = None
    scratch_db: ScratchDatabase | None = None
    workdir: tempfile.TemporaryDirectory | None = None
    outcomes: list[Outcome] = []
    extra_failures: list[str] = []
    try:
        venv_python = ensure_venv(args.venv.resolve(), args.python)
        if args.endpoint:
            host, port, creds = external_target(args.endpoint)
        else:
            binary = args.server_bin.resolve()
            if not os.access(binary, os.X_OK):
                raise HarnessError(
                    f"{binary} is not an executable file (build it first: cargo build -p connection-service)"
                )
            workdir = tempfile.TemporaryDirectory(prefix="dw-sdk-interop-")
            if args.postgres_url:
                scratch_db = ScratchDatabase.create(args.postgres_url)
                database_url = scratch_db.url
                log(f"database: scratch PostgreSQL database {scratch_db.name}")
            else:
                database_url = f"sqlite://{workdir.name}/db.sqlite"
                log(f"database: {database_url}")
            server = Server(binary, database_url, Path(workdir.name), args.log_file.resolve())
            creds = server.wait_for_credentials(args.startup_timeout)
            log(f"credentials: ProjectId={creds['ProjectId']} AccessKeyId={creds['AccessKeyId']} (secret not shown)")
            server.wait_until_healthy(args.startup_timeout)
            log("GET /healthz answered 200")
            creds = {**creds, "ShareProjectId": server.second_project(creds["ProjectId"])}
            log(f"second project for SetDataSourceShare: ProjectId={creds['ShareProjectId']}")
            host, port = "127.0.0.1", server.port
        env = scenario_env(host, port, creds)
        for scenario in scenarios:
            outcomes.append(run_scenario(venv_python, scenario, env, args.scenario_timeout))
            if server is not None and server.process.poll() is not None:
                extra_failures.append(f"server exited with status {server.process.returncode} during {scenario.name}")
                break
    except HarnessError as err:
        extra_failures.append(str(err))
        status = 2
    except KeyboardInterrupt:
        extra_failures.append("interrupted")
        status = 2
    else:
        status = 0
    finally:
        if server is not None:
            problem = server.stop(args.stop_timeout)
            if problem and not any("exited" in f for f in extra_failures):
                extra_failures.append(problem)
        if scratch_db is not None:
            scratch_db.drop()
        if workdir is not None:
            workdir.cleanup()
    print_summary(outcomes, extra_failures, server.log_path if server else None)
    if status == 0 and (extra_failures or not all(o.passed for o in outcomes)):
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
