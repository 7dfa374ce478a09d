"""Writers that record every acknowledged write, and the check that each one is still there.

A write is acknowledged when the server answered 200 with `Success`. Each writer thread creates
connections with names of its own (`w<thread>-<n>`) and updates one connection of its own, whose
Description carries an increasing sequence number. After whatever the scenario does to the server
(kill -9, a database restart, an fsync failure), `verify` lists the project and requires every
acknowledged create (by name and id) and, per updated connection, a sequence number at least as
high as the last acknowledged one.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from .acs import Answer, Signer
from .spec import envelope_problem

CONTENT = '{"database":"db","instanceName":"rm-1","password":"pw-%s","rdsOwnerId":"1","username":"u"}'


def create_params(project_id: str, name: str) -> dict[str, str]:
    return {
        "Action": "CreateConnection",
        "ProjectId": project_id,
        "Name": name,
        "ConnectionType": "mysql",
        "Content": CONTENT % name,
        "EnvType": "0",
    }


def update_params(connection_id: int, description: str) -> dict[str, str]:
    return {
        "Action": "UpdateConnection",
        "ConnectionId": str(connection_id),
        "Content": CONTENT % description,
        "EnvType": "0",
        "Description": description,
    }


def ok(answer: Answer) -> bool:
    if answer.status != 200:
        return False
    try:
        return answer.json().get("Success") is True
    except ValueError:
        return False


@dataclass
class Ledger:
    """What the writers saw, shared by all of them."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[int, int] = field(default_factory=dict)
    attempts: int = 0
    refusals: Counter = field(default_factory=Counter)
    undocumented: list[str] = field(default_factory=list)
    network_errors: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def acknowledged(self) -> int:
        return len(self.created) + sum(self.updated.values())


def create_one(signer: Signer, project_id: str, name: str, scheme: str = "v3") -> int:
    answer = signer.call(scheme, "POST", create_params(project_id, name))
    if not ok(answer):
        raise RuntimeError(f"setup create {name}: {answer.describe()}")
    return int(answer.json()["Data"])


class Writers:
    """`count` threads writing through `signers` (one per replica; each write picks the next)."""

    def __init__(self, signers: list[Signer], project_id: str, count: int, label: str = "w"):
        self.signers, self.project_id, self.count, self.label = signers, project_id, count, label
        self.ledger = Ledger()
        self.stop_flag = threading.Event()
        self.threads: list[threading.Thread] = []
        self.own: dict[int, int] = {}
        self.ok_times: list[float] = []

    def start(self) -> None:
        for t in range(self.count):
            self.own[t] = create_one(self.signers[0], self.project_id, f"{self.label}{t}-own")
            self.ledger.updated[self.own[t]] = 0
        for t in range(self.count):
            thread = threading.Thread(target=self.loop, args=(t,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def loop(self, t: int) -> None:
        n = 0
        seq = 0
        while not self.stop_flag.is_set():
            signer = self.signers[(t + n) % len(self.signers)]
            scheme = "v3" if n % 2 == 0 else "v1"
            create = n % 3 != 2
            if create:
                name = f"{self.label}{t}-{n}"
                params = create_params(self.project_id, name)
            else:
                seq += 1
                params = update_params(self.own[t], str(seq))
            n += 1
            with self.ledger.lock:
                self.ledger.attempts += 1
            try:
                answer = signer.call(scheme, "POST", params, timeout=10)
            except OSError as err:
                with self.ledger.lock:
                    self.ledger.refusals[f"network: {type(err).__name__}"] += 1
                    self.ledger.network_errors.append(time.monotonic())
                time.sleep(0.02)
                continue
            now = time.monotonic()
            with self.ledger.lock:
                if ok(answer):
                    self.ok_times.append(now)
                    if create:
                        self.ledger.created[name] = int(answer.json()["Data"])
                    else:
                        self.ledger.updated[self.own[t]] = max(self.ledger.updated[self.own[t]], seq)
                else:
                    self.ledger.refusals[f"HTTP {answer.status} {answer.code}"] += 1
                    problem = envelope_problem(answer.status, answer.headers, answer.body)
                    if problem is not None:
                        self.ledger.undocumented.append(problem)
            if not ok(answer):
                time.sleep(0.01)

    def stop(self) -> None:
        self.stop_flag.set()
        for thread in self.threads:
            thread.join(15)


def list_all(signer: Signer, project_id: str) -> list[dict]:
    rows: list[dict] = []
    page = 1
    while True:
        answer = signer.call(
            "v3",
            "GET",
            {"Action": "ListConnections", "ProjectId": project_id, "PageNumber": str(page), "PageSize": "100"},
            timeout=30,
        )
        if not ok(answer):
            raise RuntimeError(f"ListConnections page {page}: {answer.describe()}")
        data = answer.json()["Data"]
        rows.extend(data["Connections"])
        if page * 100 >= data["TotalCount"]:
            return rows
        page += 1


def verify(signer: Signer, project_id: str, ledger: Ledger) -> list[str]:
    """Every acknowledged write, looked up after the fact; the list of what is missing."""
    rows = list_all(signer, project_id)
    by_name = {row["Name"]: row for row in rows}
    by_id = {int(row["Id"]): row for row in rows}
    missing = []
    for name, ident in ledger.created.items():
        row = by_name.get(name)
        if row is None or int(row["Id"]) != ident:
            missing.append(f"acknowledged create {name} (id {ident}) is {'absent' if row is None else 'another id'}")
    for ident, seq in ledger.updated.items():
        if seq == 0:
            continue
        row = by_id.get(ident)
        got = row.get("Description") if row else None
        if got is None or not got.isdigit() or int(got) < seq:
            missing.append(f"connection {ident}: acknowledged update {seq}, stored Description {got!r}")
    names = Counter(row["Name"] for row in rows)
    missing.extend(f"name {n} stored {c} times" for n, c in names.items() if c > 1)
    return missing
