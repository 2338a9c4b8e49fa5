"""The caller's main script and the worker processes (used by :mod:`.processes`).

multiprocessing makes every forkserver/spawn worker import the caller's main script (as
``__mp_main__``) so that functions defined there can be unpickled. A script without an
``if __name__ == "__main__":`` guard then runs again in every worker and starts pools of its
own. lrtheory's k-chunk functions live in importable modules, so the workers of a pool whose
function does not refer to ``__main__`` are started without the main module (a thread-local
switch, :data:`HIDE_MAIN`, read by a wrapper of ``multiprocessing.spawn.get_preparation_data``;
other users of multiprocessing are unaffected), and a call from an unguarded script whose
function does need ``__main__`` is refused (:func:`unguarded_main_script`).
"""
from __future__ import annotations

import ast
import sys
import threading

__all__ = ["HIDE_MAIN", "install_preparation_hook", "unguarded_main_script"]

#: thread-local switch: ``HIDE_MAIN.on`` while this thread starts workers that must not
#: import the main script
HIDE_MAIN = threading.local()


def install_preparation_hook() -> None:
    """Wrap ``multiprocessing.spawn.get_preparation_data`` once so that it leaves out the main
    module while ``HIDE_MAIN.on`` is set in the calling thread."""
    from multiprocessing import spawn

    orig = spawn.get_preparation_data
    if getattr(orig, "_lrtheory_hides_main", False):
        return

    def get_preparation_data(name):
        data = orig(name)
        if getattr(HIDE_MAIN, "on", False):
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    get_preparation_data._lrtheory_hides_main = True  # type: ignore[attr-defined]
    spawn.get_preparation_data = get_preparation_data


def _is_main_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either order)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return (any(isinstance(x, ast.Name) and x.id == "__name__" for x in sides)
            and any(isinstance(x, ast.Constant) and x.value == "__main__" for x in sides))


def unguarded_main_script() -> str | None:
    """The path of the main script if this call runs in its top-level code outside an
    ``if __name__ == "__main__":`` block (a worker importing the script would run the call
    again), else None (guarded, interactive, or called from elsewhere)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or not path:
        return None
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals is main.__dict__ and frame.f_code.co_name == "<module>":
            break
        frame = frame.f_back
    if frame is None:
        return None
    try:
        with open(path, "rb") as fh:
            tree = ast.parse(fh.read())
    except (OSError, SyntaxError, ValueError):
        return None
    line = frame.f_lineno
    for node in tree.body:
        if (isinstance(node, ast.If) and _is_main_guard(node.test)
                and node.lineno <= line <= (node.end_lineno or node.lineno)):
            return None
    return path
