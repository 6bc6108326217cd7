"""Where the mock's Python time goes per request, measured in one process, untouched by machine load.

Under load, granian runs up to 128 Python threads per worker, most of them waiting for the GIL;
a sampler attached from outside (py-spy) sees them waiting rather than working (with --gil it
found few samples here). So the hot path is measured where it is repeatable: the WSGI callable
that a granian worker calls, called in a loop in this process, with a file store as the
workers use. CPU time per request (time.process_time), and a pyinstrument profile of the loop.
"""

from __future__ import annotations

import io
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.test import EnvironBuilder

from . import bare_app

__all__ = ["REFUSAL_TARGET", "Case", "Profile", "cases", "cost_us", "profile", "refusal_ratio"]

REFUSAL_TARGET = 1.5  # issue 27: a refused GET /me costs at most 1.5 times the CPU of an accepted one

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Case:
    name: str
    app: WSGIApp
    environ: dict[str, Any]
    body: bytes
    status: str = "200"  # the answer expected: anything else is a broken measurement

    def call(self) -> bytes:
        """One request as granian makes it: a fresh environ, the answer read to its end."""
        statuses: list[str] = []
        environ = {**self.environ, "wsgi.input": io.BytesIO(self.body)}
        answer = self.app(environ, lambda status, headers, exc_info=None: statuses.append(status))
        data = b"".join(answer)
        getattr(answer, "close", lambda: None)()
        if not statuses[0].startswith(self.status):
            raise RuntimeError(f"{self.name}: answered {statuses[0]}: {data[:200]!r}")
        return data


def cases(store: Path, *, logged: bool = False) -> list[Case]:
    """(a) POST /authorization, (b) GET /me and (b') GET /me refused (an unknown token: 401 with its
    challenge) on the quiet mock with a file store, (c) the bare app; with `logged`, also (a) and (b)
    as `make run` serves them, their log line set up as a served mock's."""
    from mockserver.app import create_app
    from mockserver.settings import Settings

    mock = create_app(Settings(log_requests=False, store=f"file://{store}"))
    login_headers = {"Content-Type": FORM}
    login = _case("authorization", mock, "/authorization", "POST", login_headers, _FORM_BODY)
    token = json.loads(login.call())["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    found = [login, _case("me", mock, "/me", "GET", bearer)]
    unknown = {"Authorization": "Bearer " + "x" * len(token)}
    found.append(_case("me-refused", mock, "/me", "GET", unknown, status="401"))
    found.append(_case("bare", bare_app.create_app(), bare_app.PATH, "GET"))
    if logged:
        from mockserver.serving import request_log

        request_log.configure()
        as_make_run = create_app(Settings(store=f"file://{store}"))
        request_log.attach(as_make_run)
        logged_login = _case(
            "authorization-logged", as_make_run, "/authorization", "POST", login_headers, _FORM_BODY
        )
        found.append(logged_login)
        found.append(_case("me-logged", as_make_run, "/me", "GET", bearer))
    return found


def cost_us(case: Case, requests: int = 20_000) -> float:
    """CPU microseconds per request, after a warm-up of a tenth as many."""
    for _ in range(requests // 10):
        case.call()
    started = time.process_time()
    for _ in range(requests):
        case.call()
    return (time.process_time() - started) / requests * 1e6


def refusal_ratio(costs: dict[str, float]) -> float:
    """CPU of a refused GET /me (unknown token) over an accepted one's."""
    return costs["me-refused"] / costs["me"]


@dataclass(frozen=True)
class Profile:
    """Shares of a request's time by function; µs are the shares of the unprofiled cost (cost_us),
    since the profiler's own overhead inflates what it measures."""

    requests: int
    cost_us: float
    inclusive: Counter[str]  # seconds with the function on the stack, counted once per stack
    self_by_file: Counter[str]

    def markdown(self, title: str, limit: int = 15) -> str:
        total = self.inclusive.get(_REQUEST, 0.0) or max(self.inclusive.values(), default=1.0)
        lines = [f"## {title}", "", f"{self.cost_us:.1f} µs of CPU per request unprofiled; shares from"]
        lines += [f"pyinstrument over {self.requests:,} requests in one thread.", ""]
        ours = Counter({frame: s for frame, s in self.inclusive.items() if "(mockserver/" in frame})
        theirs = Counter({frame: s for frame, s in self.inclusive.items() if "(bench/" not in frame})
        for heading, counts in (
            ("mockserver functions, inclusive", ours),
            ("all functions, inclusive", theirs),
            ("self time by file", self.self_by_file),
        ):
            lines += [f"**{heading}**", "", "| share | ≈ µs/request | frame |", "| ---: | ---: | --- |"]
            lines += [
                f"| {100 * s / total:.0f}% | {self.cost_us * s / total:.1f} | `{frame}` |"
                for frame, s in counts.most_common(limit)
            ]
            lines.append("")
        return "\n".join(lines)


def profile(case: Case, cost: float, requests: int = 20_000) -> Profile:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0001)
    profiler.start()
    for _ in range(requests):
        case.call()
    profiler.stop()
    inclusive: Counter[str] = Counter()
    self_by_file: Counter[str] = Counter()
    root = profiler.last_session.root_frame() if profiler.last_session else None
    if root is not None:
        _walk(root, frozenset(), inclusive, self_by_file)
    self_by_file.pop("bench/hotpath.py", None)
    return Profile(requests, cost, inclusive, self_by_file)


_FORM_BODY = b"username=demo&password=demo-password"
_REQUEST = "Case.call (bench/hotpath.py)"


def _case(
    name: str,
    app: Any,
    path: str,
    method: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    status: str = "200",
) -> Case:
    listed = list((headers or {}).items())
    builder = EnvironBuilder(path=path, method=method, headers=listed, data=body or None)
    builder.base_url = "http://127.0.0.1:8080"
    environ = builder.get_environ()
    return Case(name, app, environ, environ["wsgi.input"].read(), status)


def _walk(frame: Any, seen: frozenset[str], inclusive: Counter[str], self_by_file: Counter[str]) -> None:
    if frame.is_synthetic:
        return
    name = f"{frame.class_name}.{frame.function}" if frame.class_name else frame.function
    where = (frame.file_path_short or "?").replace("\\", "/")
    key = f"{name} ({where})"
    if key not in seen:
        inclusive[key] += frame.time
    children = [child for child in frame.children if not child.is_synthetic]
    self_by_file[where] += frame.time - sum(child.time for child in children)
    for child in children:
        _walk(child, seen | {key}, inclusive, self_by_file)


def main() -> int:
    """`python -m bench.hotpath`: only the in-process CPU figures of `make bench`, and the refusal ratio."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="authcontract-bench-") as scratch:
        costs = {case.name: cost_us(case) for case in cases(Path(scratch))}
    for name, cost in costs.items():
        print(f"{name:>14}: {cost:6.1f} µs of CPU per request")
    ratio = refusal_ratio(costs)
    print(f"refused / accepted GET /me: {ratio:.2f} (target at most {REFUSAL_TARGET})")
    return 0 if ratio <= REFUSAL_TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
