"""Real-browser check of the built documentation (issue #17 item 4).

The site built by the session fixture ``built_site`` (tests/docs/conftest.py, ``mkdocs build
--strict``) is served on 127.0.0.1 and every page is opened in headless Chromium (Debian's
``chromium`` and ``chromium-driver`` packages), driven through chromedriver's W3C WebDriver
HTTP interface with the standard library (no Selenium). A page fails when

* an equation is not typeset: an arithmatex span without a KaTeX rendering inside, a KaTeX
  error (red TeX source), or raw TeX delimiters (``$$``, ``\\(``, ``\\[``) left in the text;
* a KaTeX font did not load (the vendored fonts under assets/katex/fonts are missing);
* an image is missing (not loaded, or ``naturalWidth == 0``).

The pages whose equations are the point (conventions, derivations, theorems, haldane, bulk,
two API pages) must also contain typeset equations. ``test_check_fails_without_math_js``
shows that the check can fail: the same site served with a no-op math script and one image
deleted is reported on both counts.

A screenshot of the conventions page is kept as an artefact: written to
``$LRTHEORY_SCREENSHOT`` if set, else under pytest's tmp dir; its path is printed (``-s``).

Chromium is part of the test set-up (README; ``.ci/run`` installs it with apt-get when it is
missing and sets ``LRTHEORY_REQUIRE_BROWSER=1``): there, a missing browser fails the test.
Elsewhere (a user's machine without Chromium) the tests skip and say why.
"""
from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
REQUIRE = os.environ.get("LRTHEORY_REQUIRE_BROWSER") == "1"
#: the first test pays for the site's build (with the executed gallery) in its set-up
pytestmark = pytest.mark.timeout(600)
#: pages whose equations must be typeset (not only "no error")
MATH_PAGES = ("conventions/", "derivations/", "theorems/", "haldane/", "bulk/",
              "materials/", "wannier-interpolation/", "disorder/", "own-derivation/",
              "gallery/01_paper_figures/", "gallery/07_disordered_rashba/",
              "api/responses/", "api/symbolic/")
#: the flags of the brief: no GPU, no network beyond the page, a fresh profile
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 "--window-size=1200,1600"]

# runs in the page once fonts are settled; returns what is wrong with the page's math/images
_CHECK_JS = r"""
const done = arguments[arguments.length - 1];
document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => r()))).then(() => {
  const spans = Array.from(document.querySelectorAll('.arithmatex'));
  const untypeset = spans.filter(s => !s.querySelector('.katex'))
                         .map(s => s.textContent.slice(0, 60));
  const errors = Array.from(document.querySelectorAll('.katex-error'))
                      .map(e => e.getAttribute('title') || e.textContent.slice(0, 60));
  const raw = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const n = walk.currentNode;
    if (n.parentElement.closest('code, pre, script, style, .katex')) continue;
    if (/\$\$|\\\(|\\\[/.test(n.nodeValue)) raw.push(n.nodeValue.trim().slice(0, 60));
  }
  const katexFonts = Array.from(document.fonts).filter(f => f.family.includes('KaTeX'));
  const badFonts = katexFonts.filter(f => f.status === 'error').map(f => f.family);
  const broken = Array.from(document.images)
      .filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src'));
  done({typeset: spans.length - untypeset.length, untypeset, errors, raw, badFonts,
        loadedFonts: katexFonts.filter(f => f.status === 'loaded').length,
        images: document.images.length, broken});
});
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no access log on stderr
        pass


class Server:
    """A static file server of ``folder`` on 127.0.0.1 (a thread; stopped by ``close``)."""

    def __init__(self, folder: Path):
        handler = functools.partial(_Quiet, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Browser:
    """Headless Chromium through chromedriver's WebDriver HTTP API (standard library only)."""

    def __init__(self, profile: Path):
        self.port = _free_port()
        self.proc = subprocess.Popen([CHROMEDRIVER, f"--port={self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if self._call("GET", "/status")["ready"]:
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.proc.kill()
                raise RuntimeError("chromedriver did not start")
            time.sleep(0.1)
        caps = {"browserName": "chrome", "goog:chromeOptions": {
            "binary": CHROMIUM, "args": [*CHROMIUM_ARGS, f"--user-data-dir={profile}"]}}
        try:
            value = self._call("POST", "/session", {"capabilities": {"alwaysMatch": caps}})
        except Exception:
            self.proc.kill()
            raise
        self.session = f"/session/{value['sessionId']}"
        self._call("POST", self.session + "/timeouts", {"script": 30000, "pageLoad": 60000})

    def _call(self, method: str, path: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=90) as r:
                return json.loads(r.read())["value"]
        except urllib.error.HTTPError as e:   # WebDriver errors come as 4xx/5xx with JSON
            raise RuntimeError(f"WebDriver {method} {path}: {e.read()[:500]!r}") from None

    def open(self, url: str) -> None:
        """Navigate and wait until the new document has fired its load event (images
        loaded, DOMContentLoaded handlers such as the typesetting run). chromedriver's
        navigation can return before that (seen on a loaded machine), so the
        document's own URL and readyState are polled as well."""
        self._call("POST", self.session + "/url", {"url": url})
        deadline = time.monotonic() + 60
        while True:
            href, state = self._call("POST", self.session + "/execute/sync", {
                "script": "return [location.href, document.readyState]", "args": []})
            if href == url and state == "complete":
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not load (at {href!r}, {state})")
            time.sleep(0.05)

    def check(self) -> dict:
        return self._call("POST", self.session + "/execute/async",
                          {"script": _CHECK_JS, "args": []})

    def screenshot(self, path: Path) -> None:
        png = base64.b64decode(self._call("GET", self.session + "/screenshot"))
        path.write_bytes(png)

    def close(self) -> None:
        try:
            self._call("DELETE", self.session)
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def problems(result: dict, needs_math: bool) -> list[str]:
    """What is wrong with one page, from ``Browser.check()`` (empty: the page is fine)."""
    out = []
    if result["untypeset"]:
        out.append(f"{len(result['untypeset'])} equations not typeset, e.g. "
                   f"{result['untypeset'][0]!r}")
    if result["errors"]:
        out.append(f"KaTeX errors: {result['errors'][:3]}")
    if result["raw"]:
        out.append(f"raw TeX delimiters in the text: {result['raw'][:3]}")
    if result["badFonts"]:
        out.append(f"KaTeX fonts that failed to load: {sorted(set(result['badFonts']))}")
    if result["broken"]:
        out.append(f"missing images: {result['broken']}")
    if needs_math and (result["typeset"] == 0 or result["loadedFonts"] == 0):
        out.append(f"no typeset equation ({result['typeset']}) or no KaTeX font loaded "
                   f"({result['loadedFonts']})")
    return out


def pages_of(site: Path) -> list[str]:
    """Relative URLs of every page of the built site (its sitemap order), 404 excluded."""
    return sorted(str(p.parent.relative_to(site)) + "/" if p.parent != site else ""
                  for p in site.rglob("index.html")
                  if not p.relative_to(site).parts[0] in ("search", "assets"))


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (CHROMIUM and CHROMEDRIVER):
        why = ("headless Chromium and chromedriver are needed for the browser check "
               "(Debian: apt-get install -y chromium chromium-driver)")
        if REQUIRE:
            pytest.fail(why + "; LRTHEORY_REQUIRE_BROWSER=1 (set by .ci/run) makes this a failure")
        pytest.skip(why)
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


def test_pages_typeset_math_and_show_images(built_site, browser, tmp_path_factory):
    server = Server(built_site)
    try:
        pages = pages_of(built_site)
        assert len(pages) >= 25 and all(p in pages for p in MATH_PAGES), pages
        t0, bad, typeset, images = time.perf_counter(), {}, 0, 0
        for page in pages:
            browser.open(server.url + page)
            res = browser.check()
            typeset += res["typeset"]
            images += res["images"]
            found = problems(res, needs_math=page in MATH_PAGES)
            if found:
                bad[page or "index"] = found
            if page == "conventions/":
                shot = Path(os.environ.get("LRTHEORY_SCREENSHOT")
                            or tmp_path_factory.mktemp("screenshots") / "conventions.png")
                shot.parent.mkdir(parents=True, exist_ok=True)
                browser.screenshot(shot)
                assert shot.stat().st_size > 10_000
                print(f"\nscreenshot of the conventions page: {shot}")
        print(f"{len(pages)} pages, {typeset} typeset equations, {images} images checked in "
              f"{time.perf_counter() - t0:.1f} s")
    finally:
        server.close()
    assert not bad, "pages with untypeset math or missing images:\n" + "\n".join(
        f"  {p}: {'; '.join(v)}" for p, v in bad.items())
    assert images >= 5


def test_check_fails_without_math_js(built_site, browser):
    """Counter-example: the same site with a no-op docs/assets/math.js and one figure
    deleted fails the check on both counts (untypeset math, missing image)."""
    with tempfile.TemporaryDirectory() as tmp:
        broken = Path(tmp) / "site"
        shutil.copytree(built_site, broken)
        (broken / "assets" / "math.js").write_text("// math disabled\n")
        html = (broken / "haldane" / "index.html").read_text(encoding="utf-8")
        figure = next(name for name in ("fig2.png", "fig1.png", "fig3.png")
                      if f"img/{name}" in html)
        (broken / "img" / figure).unlink()
        server = Server(broken)
        try:
            browser.open(server.url + "haldane/")
            found = problems(browser.check(), needs_math=True)
        finally:
            server.close()
    text = "\n".join(found)
    assert "equations not typeset" in text and "raw TeX delimiters" in text, text
    assert "no typeset equation" in text, text
    assert f"missing images: ['../img/{figure}']" in text, text
