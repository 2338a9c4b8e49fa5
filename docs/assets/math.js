// Typeset the equations of the page with the vendored KaTeX (docs/assets/katex/).
// pymdown-extensions' arithmatex (generic mode) writes inline math as
// <span class="arithmatex">\(...\)</span> and display math as <div class="arithmatex">\[...\]</div>;
// each element is replaced by KaTeX's rendering. A TeX error shows as red source text
// (class katex-error), which the browser test (tests/docs/test_browser.py) treats as a failure.
(function () {
  "use strict";
  function typeset() {
    var nodes = document.querySelectorAll(".arithmatex");
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      var tex = el.textContent.trim();
      var display = el.tagName === "DIV";
      if (tex.slice(0, 2) === "\\(" || tex.slice(0, 2) === "\\[") {
        tex = tex.slice(2, -2);
      }
      katex.render(tex, el, {displayMode: display, throwOnError: false});
    }
    document.documentElement.setAttribute("data-math-typeset", String(nodes.length));
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", typeset);
  } else {
    typeset();
  }
})();
