"""Run one catalogue case and judge it (shared by the test and by ``render``).

Each case runs in-process -- ``lrtheory.cli.main.main(argv)`` or the case's Python call, no
new interpreter and no re-import -- inside a ``fork()`` of the current process (``mode
"fork"``, the default on POSIX). The fork is what makes the harness robust: a hang in C code
(a huge integer power, a LAPACK call on a gigantic matrix) is ended by killing the child
after the case's time bound, global state (working directory, environment, ``sys.argv``,
matplotlib figures, warning filters, the umask) cannot leak from one case into the next, and
worker processes a case leaves behind are found by their process group. ``mode "inline"``
(``LRTHEORY_RELIABILITY_MODE=inline``) runs the case in this very process instead, with a
SIGALRM time bound that can only interrupt Python code; use it for debugging.

A failure of the harness itself (an exception outside the case, a child that dies without
reporting) is a ``harness-error`` outcome, never counted as a case result.
"""
from __future__ import annotations

import contextlib
import io
import math
import os
import pickle
import re
import select
import signal
import sys
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from tests.reliability.cases import MARKER, REPO, Case

#: longest acceptable error message (characters): "one clear line", not an echo of the input
MAX_MESSAGE = 400
#: at most this much stdout/stderr is kept per case
MAX_CAPTURE = 20000
#: address-space limit of a forked case (bytes): a runaway allocation raises MemoryError
MEMORY_LIMIT = 6 * 2**30
#: seconds granted to worker processes to exit after their parent ended
ORPHAN_GRACE = 3.0

#: problem kinds -> the summary counter they feed
KINDS = {
    "traceback": "tracebacks",
    "hang": "hangs",
    "code-execution": "code executions",
    "accepted": "silent wrong answers",
    "nan": "silent wrong answers",
    "wrong-answer": "silent wrong answers",
    "untyped": "untyped Python errors",
    "unclear": "unclear messages",
    "refused": "refused valid inputs",
    "orphan": "orphan processes",
}


@dataclass
class Result:
    """The judged outcome of one case."""

    id: str
    outcome: str  # pass | fail | external | harness-error
    problems: list[tuple[str, str]] = field(default_factory=list)  # (kind, detail)
    message: str = ""  # the one line the user sees (paths replaced by placeholders)
    seconds: float = 0.0
    rc: int | None = None
    stdout: str = ""
    stderr: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def kinds(self) -> set[str]:
        return {k for k, _ in self.problems}

    def explain(self) -> str:
        lines = [f"{self.id}: {self.outcome}"]
        lines += [f"  [{k}] {d}" for k, d in self.problems]
        if self.outcome != "pass":
            lines += ["  stdout: " + self.stdout[-1500:].replace("\n", "\n          "),
                      "  stderr: " + self.stderr[-3000:].replace("\n", "\n          ")]
        return "\n".join(lines)


def default_mode() -> str:
    mode = os.environ.get("LRTHEORY_RELIABILITY_MODE")
    if mode:
        return mode
    return "fork" if hasattr(os, "fork") else "inline"


# -- preparing and executing ------------------------------------------------------------------
def prepare(case: Case, tmp: Path) -> None:
    """Write the case's files into ``tmp`` (a name ending in '/' is a folder)."""
    tmp.mkdir(parents=True, exist_ok=True)
    for name, content in case.files:
        p = tmp / name
        if name.endswith("/"):
            p.mkdir(parents=True, exist_ok=True)
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8", newline="")


def _find_nan(obj, depth: int = 0, seen=None) -> str | None:
    """Path to a NaN inside a result (numbers, arrays, dicts, lists, objects), or None."""
    import numpy as np

    seen = set() if seen is None else seen
    if depth > 4 or id(obj) in seen:
        return None
    seen.add(id(obj))
    if isinstance(obj, bool) or obj is None or isinstance(obj, (str, bytes)):
        return None
    if isinstance(obj, (int, float, complex, np.number)):
        try:
            return None if np.all(np.isfinite(obj)) else repr(obj)
        except TypeError:
            return None
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind in "fc" and not np.all(np.isfinite(obj)):
            return f"array{obj.shape} with NaN/inf"
        return None
    if isinstance(obj, dict):
        items = obj.items()
    elif isinstance(obj, (list, tuple)):
        items = enumerate(obj)
    elif hasattr(obj, "__dict__") and type(obj).__module__.startswith("lrtheory"):
        items = vars(obj).items()
    else:
        return None
    for k, v in items:
        if isinstance(k, str) and k.startswith("_"):
            continue
        sub = _find_nan(v, depth + 1, seen)
        if sub is not None:
            return f"{k}: {sub}"
    return None


def _execute(case: Case, tmp: Path) -> dict:
    """Run the case in the current process (cwd, argv, env already set); returns plain data."""
    from lrtheory.errors import LrtheoryError

    data: dict = {"rc": None, "exc": None, "typed": None, "tb": None, "problem": None,
                  "returned": False}
    out, err = io.StringIO(), io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):
        warnings.simplefilter("always")
        result = None
        try:
            if case.argv is not None:
                from lrtheory.cli.main import main

                try:
                    data["rc"] = int(main(list(case.argv)) or 0)
                except SystemExit as exc:  # argparse, --help
                    code = exc.code
                    data["rc"] = code if isinstance(code, int) else (0 if code is None else 1)
                result = out.getvalue()
            else:
                result = case.call(tmp)
                data["returned"] = True
        except LrtheoryError as exc:
            data["exc"] = f"{type(exc).__name__}: {exc}"
            data["message"] = str(exc)
            data["typed"] = True
        except _CaseTimeout:
            raise
        except BaseException as exc:  # noqa: BLE001 - judged below: a traceback for the user
            data["exc"] = f"{type(exc).__name__}: {exc}"[:2000]
            data["message"] = str(exc)[:2000]
            data["typed"] = False
            data["tb"] = traceback.format_exc()[-MAX_CAPTURE:]
            if case.argv is not None:
                data["rc"] = 1
        if data["exc"] is None and case.check is not None and case.expect in ("ok", "either"):
            try:
                ok_cli = case.argv is None or data["rc"] == 0
                if ok_cli:
                    data["problem"] = case.check(result, tmp)
            except Exception as exc:  # noqa: BLE001 - a check that cannot run is a finding
                data["problem"] = f"check raised {type(exc).__name__}: {exc}"
        if data["returned"]:
            data["nan"] = _find_nan(result)
        with contextlib.suppress(Exception):
            import matplotlib.pyplot as plt

            plt.close("all")
    data["stdout"] = out.getvalue()[-MAX_CAPTURE:]
    data["stderr"] = err.getvalue()[-MAX_CAPTURE:]
    data["warnings"] = [f"{w.category.__name__}: {w.message}"[:300] for w in caught][:20]
    return data


class _CaseTimeout(BaseException):
    pass


def _setup_child_env(case: Case, tmp: Path) -> None:
    os.chdir(tmp)
    os.environ["MPLBACKEND"] = "Agg"
    os.umask(0o022)
    sys.argv = ["lrtheory", *(case.argv or ())]


def _run_inline(case: Case, tmp: Path) -> tuple[dict | None, bool]:
    old = (os.getcwd(), dict(os.environ), list(sys.argv), os.umask(0o022))
    os.umask(old[3])

    def alarm(signum, frame):
        raise _CaseTimeout()

    prev = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, case.timeout)
    try:
        _setup_child_env(case, tmp)
        return _execute(case, tmp), False
    except _CaseTimeout:
        return None, True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, prev)
        os.chdir(old[0])
        os.environ.clear()
        os.environ.update(old[1])
        sys.argv[:] = old[2]
        os.umask(old[3])


def _group_members(pgid: int) -> list[int]:
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...; comm may hold spaces/parentheses
        rest = stat[stat.rfind(")") + 2:].split()
        if len(rest) > 2 and rest[0] != "Z" and int(rest[2]) == pgid:
            pids.append(int(d))
    return pids


def _run_forked(case: Case, tmp: Path) -> tuple[dict | None, bool, list[int]]:
    sys.stdout.flush()
    sys.stderr.flush()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into the caller's stack
        code = 0
        try:
            os.close(r)
            os.setpgid(0, 0)
            with contextlib.suppress(Exception):  # a runaway allocation fails, not the machine
                import resource

                resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            # C-level output (and anything writing to fd 1/2 directly) goes to anonymous files
            fd_out, fd_err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
            os.dup2(fd_out.fileno(), 1)
            os.dup2(fd_err.fileno(), 2)
            _setup_child_env(case, tmp)
            try:
                data = _execute(case, tmp)
            except BaseException:  # noqa: BLE001
                data = {"harness_error": traceback.format_exc()[-MAX_CAPTURE:]}
            for name, fobj in (("fd_stdout", fd_out), ("fd_stderr", fd_err)):
                fobj.seek(0)
                data[name] = fobj.read()[-MAX_CAPTURE:].decode(errors="replace")
            payload = pickle.dumps(data)
            view = memoryview(payload)
            while view:
                n = os.write(w, view)
                view = view[n:]
        except BaseException:  # noqa: BLE001
            code = 70
        finally:
            os._exit(code)
    os.close(w)
    chunks, deadline, hung = [], time.monotonic() + case.timeout, False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                hung = True
                break
            ready, _, _ = select.select([r], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(r, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(r)
    if hung:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    # worker processes the case started and left behind (same process group)
    stay = _group_members(pid)
    end = time.monotonic() + (0 if hung else ORPHAN_GRACE)
    while stay and time.monotonic() < end:
        time.sleep(0.1)
        stay = _group_members(pid)
    if stay:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    if hung:
        return None, True, []
    blob = b"".join(chunks)
    if not blob:
        return {"harness_error": "the case's process ended without reporting"}, False, stay
    return pickle.loads(blob), False, stay


# -- judging ----------------------------------------------------------------------------------
def normalize(text: str, tmp: Path) -> str:
    """Replace the temporary folder and the repository path by placeholders (deterministic)."""
    for p, label in ((str(tmp.resolve()), "<tmp>"), (str(tmp), "<tmp>"),
                     (str(REPO), "<repo>")):
        text = text.replace(p + os.sep, label + "/").replace(p, label)
    text = re.sub(r"/tmp/pytest-of-[^/\s]+/pytest-\d+/[^/\s]+", "<tmp>", text)
    text = re.sub(r" at 0x[0-9a-fA-F]+", " at 0x...", text)  # object reprs
    return text


_USAGE_CONT = re.compile(r"^\s")
#: ``lrtheory CMD: error: ...`` (``lrtheory: error: ...`` for the top-level parser)
_ERROR_LINE = re.compile(r"^lrtheory( [\w-]+)?: error: ")


def _error_lines(stderr: str) -> tuple[list[str], bool]:
    """stderr lines without argparse's usage block; and whether a usage block was there."""
    lines = [ln for ln in stderr.strip().splitlines() if ln.strip()]
    kept, usage, in_usage = [], False, False
    for ln in lines:
        if ln.startswith("usage: "):
            in_usage, usage = True, True
            continue
        if in_usage and _USAGE_CONT.match(ln):
            continue
        in_usage = False
        kept.append(ln)
    return kept, usage


def judge(case: Case, tmp: Path, data: dict | None, hung: bool, orphans: list[int],
          seconds: float) -> Result:
    res = Result(case.id, "pass", seconds=round(seconds, 3))
    add = res.problems.append
    if hung:
        add(("hang", f"no answer within {case.timeout:g} s"))
    if (tmp / MARKER).exists() or any(tmp.rglob(MARKER + "*")):
        add(("code-execution", f"the attack string created {MARKER}"))
    if orphans:
        add(("orphan", f"{len(orphans)} process(es) of the case still alive after "
                       f"{ORPHAN_GRACE:g} s"))
    if data is None:
        res.outcome = "fail"
        return res
    if "harness_error" in data:
        res.outcome = "harness-error"
        res.stderr = data["harness_error"]
        return res
    res.stdout = (data.get("stdout", "") + data.get("fd_stdout", ""))[-MAX_CAPTURE:]
    res.stderr = (data.get("stderr", "") + data.get("fd_stderr", ""))[-MAX_CAPTURE:]
    res.rc = data.get("rc")
    res.warnings = data.get("warnings", [])
    if ((case.argv is not None and data.get("tb"))
            or "Traceback (most recent call last)" in res.stdout + res.stderr):
        add(("traceback", (data.get("exc") or "Traceback printed")[:300]))
    if case.argv is not None:
        failed = res.rc != 0
        lines, usage = _error_lines(res.stderr)
        errs = [ln for ln in lines if _ERROR_LINE.match(ln)]
        message = errs[-1] if errs else (lines[-1] if lines else "")
    else:
        failed = not data.get("returned")
        message = (data.get("message") or "") if failed else ""
        if failed and data.get("typed") is False:
            add(("untyped", (data.get("exc") or "")[:300]))
        lines = message.splitlines()
        errs = lines
    # a success shows no message (its last stderr line may be a progress line with a time)
    res.message = normalize(message.strip(), tmp) if failed else ""
    expect = case.expect
    if failed and expect == "ok":
        add(("refused", res.message or (data.get("exc") or f"exit status {res.rc}")))
    if not failed and expect == "error":
        add(("accepted", "bad input accepted: " +
             (f"exit 0" if case.argv is not None else "the call returned")))
    if failed and expect in ("error", "either") and not hung:
        if case.argv is not None:
            if len(lines) != 1 or len(errs) != 1:
                add(("unclear", f"{len(lines)} stderr line(s) besides usage, expected one "
                                "'lrtheory CMD: error: ...' line"))
        elif len(lines) != 1:
            add(("unclear", f"message has {len(lines)} lines"))
        text = res.message
        if case.match and not re.search(case.match, text, re.I):
            add(("unclear", f"message does not match /{case.match}/"))
        if case.not_match and re.search(case.not_match, text, re.I):
            add(("unclear", f"message matches the forbidden /{case.not_match}/"))
        if len(text) > MAX_MESSAGE:
            add(("unclear", f"message is {len(text)} characters long (> {MAX_MESSAGE})"))
    if not failed and expect in ("ok", "either"):
        if case.argv is not None and re.search(r"\bnan\b", res.stdout, re.I):
            add(("nan", "NaN in the output"))
        if data.get("nan"):
            add(("nan", f"NaN in the result ({data['nan']})"))
        if data.get("problem"):
            add(("wrong-answer", str(data["problem"])[:300]))
    res.outcome = "fail" if res.problems else "pass"
    return res


_WARM = False


def warm_up() -> None:
    """Import what the cases use once, in this process, so each fork starts warm (a fork
    that imports SymPy and matplotlib itself costs ~1 s; a warm one ~20 ms)."""
    global _WARM
    if _WARM:
        return
    import importlib

    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in ("numpy", "sympy", "matplotlib", "lrtheory.cli.main", "lrtheory.cli.common",
                 "lrtheory.io.expressions", "lrtheory.io.model_files", "lrtheory.io.wannier90",
                 "lrtheory.models.haldane", "lrtheory.models.sympy_model",
                 "lrtheory.models.fourier", "lrtheory.symmetry",
                 "lrtheory.response.hall", "lrtheory.response.density",
                 "lrtheory.response.fermi_points", "lrtheory.io.results", "lrtheory.parallel",
                 "lrtheory.finite.examples", "lrtheory.finite.response"):
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    with contextlib.suppress(Exception):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401
    with contextlib.suppress(Exception):
        from lrtheory.cli.main import build_parser

        build_parser()
    _WARM = True


def run_case(case: Case, tmp: Path, mode: str | None = None) -> Result:
    """Run ``case`` with ``tmp`` (an empty folder) as its working directory and judge it."""
    if case.expect == "external":
        return Result(case.id, "external", message=f"checked by {case.node}")
    tmp = Path(tmp)
    mode = mode or default_mode()
    warm_up()
    t0 = time.monotonic()
    try:
        prepare(case, tmp)
        if mode == "fork":
            data, hung, orphans = _run_forked(case, tmp)
        else:
            data, hung = _run_inline(case, tmp)
            orphans = []
    except Exception:  # noqa: BLE001 - the harness itself failed
        return Result(case.id, "harness-error", stderr=traceback.format_exc(),
                      seconds=time.monotonic() - t0)
    return judge(case, tmp, data, hung, orphans, time.monotonic() - t0)


def summarize(results: list[Result]) -> dict[str, int]:
    """Counts for the summary line (counted from the results, never asserted in prose)."""
    counts = {"cases": len(results),
              "passed": sum(r.outcome == "pass" for r in results),
              "failed": sum(r.outcome == "fail" for r in results),
              "external": sum(r.outcome == "external" for r in results),
              "harness errors": sum(r.outcome == "harness-error" for r in results)}
    for label in dict.fromkeys(KINDS.values()):
        counts[label] = sum(any(KINDS[k] == label for k in r.kinds) for r in results)
    return counts


#: results of this process, by case id (the docs test reuses the catalogue test's results)
RESULTS: dict[str, Result] = {}


def run_all(cases, base: Path | None = None, mode: str | None = None,
            progress=None) -> list[Result]:
    """Run every case, each in a fresh folder under ``base`` (a temporary folder if None)."""
    out = []
    with tempfile.TemporaryDirectory(prefix="lrt-reliability-", dir=base) as root:
        for n, case in enumerate(cases):
            tmp = Path(root) / f"c{n:04d}"
            tmp.mkdir()
            res = run_case(case, tmp, mode)
            RESULTS[case.id] = res
            out.append(res)
            if progress:
                progress(n + 1, len(cases), res)
    return out


def _isfinite(x) -> bool:  # pragma: no cover - kept for checks written by hand
    return isinstance(x, (int, float)) and math.isfinite(x)
