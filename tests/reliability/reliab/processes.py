"""The processes a scenario drives: dataworks-server, a scratch PostgreSQL database on the shared
server, and a throwaway PostgreSQL cluster of the suite's own (initdb/pg_ctl on another port).

Every process started here is registered with `Reaper`, so that an exception, a failed assertion
or Ctrl-C never leaves a server or a cluster behind.
"""

from __future__ import annotations

import base64
import glob
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .acs import Key

CREDENTIAL = re.compile(r"\b(ProjectId|AccessKeyId|AccessKeySecret)=(\S+)")


class HarnessError(Exception):
    """The scenario could not get its processes going (not a finding about the server)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class Reaper:
    """Stops everything registered, last first, whatever happened."""

    def __init__(self) -> None:
        self.cleanups: list = []

    def add(self, cleanup) -> None:
        self.cleanups.append(cleanup)

    def close(self) -> None:
        while self.cleanups:
            try:
                self.cleanups.pop()()
            except Exception as err:  # noqa: BLE001 - cleanup must go on
                print(f"[reliability] cleanup warning: {err}", flush=True)


class Server:
    """One dataworks-server process; `kill9()` and `start()` again reuse its database and port."""

    def __init__(self, binary: Path, database_url: str, workdir: Path, log_dir: Path, name: str, env: dict | None = None):
        self.binary, self.database_url, self.workdir = binary, database_url, workdir
        self.port = free_port()
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        log_dir.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("DATAWORKS_")}
        self.env.update(env or {})
        self.process: subprocess.Popen | None = None
        self.credentials: dict[str, str] = {}
        self.lines: list[str] = []
        self.lock = threading.Lock()
        self.starts = 0
        # Runs in the child before exec (e.g. a lower file-descriptor limit for the flood scenario).
        self.preexec = None

    @property
    def key(self) -> Key:
        return Key(self.credentials["AccessKeyId"], self.credentials["AccessKeySecret"])

    @property
    def project_id(self) -> str:
        return self.credentials["ProjectId"]

    def start(self, timeout: float = 60.0, expect_credentials: bool | None = None) -> None:
        argv = [str(self.binary), "serve", "--listen", f"127.0.0.1:{self.port}", "--database", self.database_url]
        self.starts += 1
        log = open(self.log_path, "a", encoding="utf-8")
        log.write(f"# start {self.starts}: {' '.join(argv[:-1])} <database>\n")
        log.flush()
        self.process = subprocess.Popen(
            argv,
            cwd=self.workdir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            bufsize=1,
            preexec_fn=self.preexec,
        )
        process = self.process

        def pump() -> None:
            for line in process.stdout:
                for k, v in CREDENTIAL.findall(line):
                    self.credentials.setdefault(k, v)
                secret = self.credentials.get("AccessKeySecret")
                if secret:
                    line = line.replace(secret, "<redacted>")
                with self.lock:
                    self.lines.append(line)
                log.write(re.sub(r"(AccessKeySecret=)\S+", r"\1<redacted>", line))
                log.flush()
            log.close()

        threading.Thread(target=pump, daemon=True).start()
        if expect_credentials is None:
            expect_credentials = self.starts == 1
        self.wait_ready(timeout, expect_credentials)

    def wait_ready(self, timeout: float, expect_credentials: bool = False) -> None:
        deadline = time.monotonic() + timeout
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HarnessError(f"{self.name} exited with {self.process.returncode} while starting; see {self.log_path}")
            if not expect_credentials or {"ProjectId", "AccessKeyId", "AccessKeySecret"} <= self.credentials.keys():
                try:
                    with opener.open(f"http://127.0.0.1:{self.port}/healthz", timeout=1) as answer:
                        if answer.status == 200:
                            return
                except (urllib.error.URLError, OSError):
                    pass
            time.sleep(0.05)
        raise HarnessError(f"{self.name} not ready within {timeout:.0f}s; see {self.log_path}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill9(self) -> None:
        if self.alive():
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> int | None:
        """SIGTERM, SIGKILL after 15 s; returns the exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def output(self) -> str:
        with self.lock:
            return "".join(self.lines)

    def admin(self, *args: str) -> str:
        """`dataworks-server admin ...` on this server's database; its stdout."""
        result = subprocess.run(
            [str(self.binary), "admin", *args, "--database", self.database_url],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            raise HarnessError(f"admin {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout


def master_key_env() -> dict[str, str]:
    """Replicas on PostgreSQL share one master key; a throwaway one per scenario."""
    return {"DATAWORKS_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode()}


def psql(url: str, sql: str, timeout: float = 30.0) -> str:
    result = subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql], capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise HarnessError(f"psql failed ({sql[:80]}): {result.stderr.strip()}")
    return result.stdout


@dataclass
class ScratchDatabase:
    """A uniquely named database on the shared PostgreSQL, dropped at the end."""

    admin_url: str
    name: str

    @classmethod
    def create(cls, admin_url: str, reaper: Reaper, label: str) -> "ScratchDatabase":
        if shutil.which("psql") is None:
            raise HarnessError("PostgreSQL scenarios need the psql client")
        db = cls(admin_url, f"dw_rel_{label}_{os.getpid()}_{secrets.token_hex(3)}")
        psql(admin_url, f'CREATE DATABASE "{db.name}"')
        reaper.add(db.drop)
        return db

    @property
    def url(self) -> str:
        parts = urllib.parse.urlsplit(self.admin_url)
        return urllib.parse.urlunsplit(parts._replace(path="/" + self.name))

    def drop(self) -> None:
        psql(self.admin_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def postgres_bin(tool: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"))
    if found:
        return found[-1]
    path = shutil.which(tool)
    if path is None:
        raise HarnessError(f"{tool} not found under /usr/lib/postgresql/*/bin or on PATH")
    return path


class PgCluster:
    """A PostgreSQL cluster of the suite's own: initdb in a temporary directory, its own port.

    It never touches the machine's cluster. As root, initdb and pg_ctl run as the `postgres`
    user (PostgreSQL refuses to run as root).
    """

    def __init__(self, reaper: Reaper):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="dw-rel-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.dir, "postgres", "postgres")
        os.chmod(self.dir, 0o700)
        self.run([postgres_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync"])
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.dir}'\n"
                "fsync = on\nmax_connections = 200\nshared_buffers = 32MB\n"
            )
        reaper.add(self.destroy)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, argv: list[str]) -> None:
        result = subprocess.run([*self.as_user, *argv], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise HarnessError(f"{' '.join(argv[:2])} failed: {result.stderr.strip() or result.stdout.strip()}")

    def start(self) -> None:
        self.run([postgres_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start"])

    def stop(self, mode: str = "fast") -> None:
        self.run([postgres_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"])

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def destroy(self) -> None:
        if self.running():
            try:
                self.stop("immediate")
            except HarnessError as err:
                print(f"[reliability] {err}", flush=True)
        shutil.rmtree(self.dir, ignore_errors=True)
