"""The documented error codes, read from spec/dataworks.yaml (standard library only: every `code:`
line of `x-acs-common-errors` and the operations' `x-acs-error-codes`)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

SPEC = Path(__file__).resolve().parents[3] / "spec" / "dataworks.yaml"


@lru_cache(maxsize=1)
def documented_codes() -> dict[str, int]:
    """Code -> HTTP status, as documented."""
    text = SPEC.read_text(encoding="utf-8")
    pairs = re.findall(r"httpStatus:\s*(\d+)\s*\n\s*code:\s*['\"]?([A-Za-z0-9_.]+)", text)
    return {code: int(status) for status, code in pairs}


def envelope_problem(status: int, headers: dict[str, str], body: bytes) -> str | None:
    """None when the answer is a documented error in the JSON envelope; else what is wrong."""
    import json

    content_type = headers.get("content-type", "")
    if not content_type.startswith("application/json"):
        return f"HTTP {status} with Content-Type {content_type or '<none>'} and body {body[:120]!r}"
    try:
        value = json.loads(body)
    except ValueError:
        return f"HTTP {status}: body is not JSON: {body[:120]!r}"
    code = value.get("Code") if isinstance(value, dict) else None
    if code is None or "RequestId" not in value:
        return f"HTTP {status}: no Code/RequestId in {body[:200]!r}"
    documented = documented_codes().get(code)
    if documented is None:
        return f"HTTP {status}: undocumented code {code}"
    if documented != status:
        return f"HTTP {status}: code {code} is documented with HTTP {documented}"
    if headers.get("x-acs-request-id") != value["RequestId"]:
        return f"HTTP {status} {code}: x-acs-request-id differs from RequestId"
    return None
