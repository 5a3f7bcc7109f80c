/* mkdocs-meeting-archive: the interactive part of the pictures, and hover previews.
 *
 * - Local graphs (inline SVG on entity pages): hover or focus a node to highlight its
 *   neighbours; drag to pan, Ctrl/⌘ + wheel (or pinch) to zoom, double-click to reset.
 *   Plain wheel scrolling is left to the page.
 * - The graph page: loads the graph library (graphology, sigma.js) and meeting-archive-graph.js
 *   from the site, only on a page that has a `.ma-graph`, then draws it.
 * - Hover previews: hovering (or focusing) a link in the article to another page of the site
 *   shows that page's title and summary, fetched from the same origin. Material's own
 *   previews (`navigation.instant.preview`) take over when they are enabled.
 *
 * Runs on every page view, including Material's instant navigation (through document$).
 */
(function () {
  "use strict";

  var current = document.currentScript;
  var base = current && current.src ? current.src.replace(/[^\/]*$/, "") : null;
  var GRAPH_SCRIPTS = ["graphology.umd.min.js", "sigma.min.js", "meeting-archive-graph.js"];
  var loading = null;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(s);
    });
  }

  function loadGraphLibrary() {
    if (!loading) {
      loading = GRAPH_SCRIPTS.reduce(function (done, name) {
        return done.then(function () { return loadScript(base + name); });
      }, Promise.resolve());
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  function drawGraphs() {
    var boxes = document.querySelectorAll(".ma-graph[data-graph]");
    if (!boxes.length || !base) return;
    loadGraphLibrary().then(function () {
      for (var i = 0; i < boxes.length; i++) window.MeetingArchiveGraph.draw(boxes[i]);
    }, function (error) {
      for (var i = 0; i < boxes.length; i++) {
        var status = boxes[i].querySelector(".ma-graph-status");
        if (status) status.textContent = "The graph could not be loaded (" + error.message + ").";
      }
    });
  }

  // -- local graphs ----------------------------------------------------------------------

  function enhanceLocalGraph(svg) {
    if (svg.getAttribute("data-ready")) return;
    svg.setAttribute("data-ready", "1");
    var box = svg.viewBox.baseVal;
    var initial = [box.x, box.y, box.width, box.height];
    var nodes = svg.querySelectorAll(".ma-node");
    var edges = svg.querySelectorAll(".ma-edge");

    function focus(key) {
      svg.classList.add("ma-focus");
      var on = {};
      on[key] = true;
      for (var i = 0; i < edges.length; i++) {
        var a = edges[i].getAttribute("data-a"), b = edges[i].getAttribute("data-b");
        var hit = a === key || b === key;
        edges[i].classList.toggle("ma-on", hit);
        if (hit) { on[a] = true; on[b] = true; }
      }
      for (var j = 0; j < nodes.length; j++) {
        nodes[j].classList.toggle("ma-on", !!on[nodes[j].getAttribute("data-n")]);
      }
    }
    function unfocus() {
      svg.classList.remove("ma-focus");
      var marked = svg.querySelectorAll(".ma-on");
      for (var i = 0; i < marked.length; i++) marked[i].classList.remove("ma-on");
    }
    for (var i = 0; i < nodes.length; i++) {
      (function (node) {
        var key = node.getAttribute("data-n");
        node.addEventListener("mouseenter", function () { focus(key); });
        node.addEventListener("focus", function () { focus(key); });
        node.addEventListener("mouseleave", unfocus);
        node.addEventListener("blur", unfocus);
      })(nodes[i]);
    }

    function setBox(x, y, w, h) {
      box.x = x; box.y = y; box.width = w; box.height = h;
    }
    function unitsPerPixel() {
      var m = svg.getScreenCTM();
      return m && m.a ? 1 / m.a : 1;
    }
    svg.addEventListener("wheel", function (event) {
      if (!event.ctrlKey && !event.metaKey) return;
      event.preventDefault();
      var m = svg.getScreenCTM();
      if (!m) return;
      var p = new DOMPoint(event.clientX, event.clientY).matrixTransform(m.inverse());
      var f = event.deltaY < 0 ? 0.85 : 1 / 0.85;
      var w = Math.min(initial[2] * 3, Math.max(initial[2] / 4, box.width * f));
      f = w / box.width;
      setBox(p.x - (p.x - box.x) * f, p.y - (p.y - box.y) * f, box.width * f, box.height * f);
    }, { passive: false });

    var drag = null, dragged = false;
    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      drag = { x: event.clientX, y: event.clientY, bx: box.x, by: box.y, k: unitsPerPixel() };
      dragged = false;
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag) return;
      var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
      if (!dragged && Math.abs(dx) + Math.abs(dy) < 4) return;
      if (!dragged) {
        dragged = true;
        svg.classList.add("ma-dragging");
        svg.setPointerCapture(event.pointerId);
      }
      setBox(drag.bx - dx * drag.k, drag.by - dy * drag.k, box.width, box.height);
    });
    function endDrag() {
      drag = null;
      svg.classList.remove("ma-dragging");
    }
    svg.addEventListener("pointerup", endDrag);
    svg.addEventListener("pointercancel", endDrag);
    // A drag that ends on a node is not a click on it.
    svg.addEventListener("click", function (event) {
      if (dragged) { event.preventDefault(); event.stopPropagation(); dragged = false; }
    }, true);
    svg.addEventListener("dblclick", function (event) {
      event.preventDefault();
      setBox(initial[0], initial[1], initial[2], initial[3]);
    });
  }

  function enhanceLocalGraphs() {
    var svgs = document.querySelectorAll("svg.ma-local-graph");
    for (var i = 0; i < svgs.length; i++) enhanceLocalGraph(svgs[i]);
  }

  // -- hover previews --------------------------------------------------------------------

  var previews = {};
  var tip = null, shownFor = null, pending = null, showTimer = null, hideTimer = null;

  function materialPreviews() {
    var config = document.getElementById("__config");
    if (!config) return false;
    try {
      var features = JSON.parse(config.textContent).features || [];
      return features.indexOf("navigation.instant.preview") >= 0;
    } catch (e) {
      return false;
    }
  }

  function previewTarget(link) {
    if (!link.closest("article") || link.closest(".ma-preview, .ma-graph, svg")) return null;
    if (link.classList.contains("headerlink") || link.classList.contains("footnote-ref")) return null;
    if (link.hasAttribute("download") || (link.target && link.target !== "_self")) return null;
    var url;
    try { url = new URL(link.getAttribute("href"), location.href); } catch (e) { return null; }
    if (url.origin !== location.origin) return null;
    if (url.pathname === location.pathname) return null;
    if (!/(\/|\.html)$/.test(url.pathname)) return null;
    return url.origin + url.pathname;
  }

  function absolutise(root, pageUrl) {
    var linked = root.querySelectorAll("[href]");
    for (var i = 0; i < linked.length; i++) {
      linked[i].setAttribute("href", new URL(linked[i].getAttribute("href"), pageUrl).href);
    }
    var named = root.querySelectorAll("[id], [aria-labelledby]");
    for (var j = 0; j < named.length; j++) {
      named[j].removeAttribute("id");
      named[j].removeAttribute("aria-labelledby");
    }
    var svgs = root.querySelectorAll("svg");
    for (var k = 0; k < svgs.length; k++) svgs[k].setAttribute("aria-hidden", "true");
    return root;
  }

  function firstParagraph(article) {
    var stop = article.querySelector("h2");
    var paragraphs = article.querySelectorAll("p");
    for (var i = 0; i < paragraphs.length; i++) {
      var p = paragraphs[i];
      if (stop && stop.compareDocumentPosition(p) & Node.DOCUMENT_POSITION_FOLLOWING) break;
      if (p.closest(".ma-meeting-header, .ma-summary, .admonition, details, table, nav")) continue;
      if (p.classList.contains("ma-meeting-header")) continue;
      if (p.textContent.trim()) return p;
    }
    return null;
  }

  function buildPreview(doc, pageUrl) {
    var article = doc.querySelector("article");
    if (!article) return null;
    var box = document.createElement("div");
    var h1 = article.querySelector("h1");
    if (h1) {
      var title = document.createElement("h3");
      title.textContent = h1.textContent.replace(/¶\s*$/, "").trim();
      box.appendChild(title);
    }
    var header = article.querySelector(".ma-meeting-header");
    if (header) box.appendChild(absolutise(document.importNode(header, true), pageUrl));
    var para = firstParagraph(article);
    if (para) {
      var p = document.createElement("p");
      var text = para.textContent.trim();
      p.textContent = text.length > 280 ? text.slice(0, 279) + "…" : text;
      box.appendChild(p);
    }
    var summary = article.querySelector(".ma-summary");
    if (summary) {
      var copy = absolutise(document.importNode(summary, true), pageUrl);
      var feeds = copy.querySelectorAll(".ma-feeds");
      for (var i = 0; i < feeds.length; i++) feeds[i].remove();
      box.appendChild(copy);
    }
    return box.childNodes.length ? box : null;
  }

  function fetchPreview(url) {
    if (!previews[url]) {
      previews[url] = fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (text) {
          return text ? buildPreview(new DOMParser().parseFromString(text, "text/html"), url) : null;
        })
        .catch(function () { return null; });
    }
    return previews[url];
  }

  function hidePreview() {
    clearTimeout(showTimer);
    if (tip) tip.remove();
    if (shownFor) shownFor.removeAttribute("aria-describedby");
    tip = null;
    shownFor = null;
  }

  function placePreview(link) {
    var r = link.getBoundingClientRect();
    var width = tip.offsetWidth, height = tip.offsetHeight;
    var left = Math.max(8, Math.min(r.left, document.documentElement.clientWidth - width - 8));
    var top = r.bottom + 6;
    if (top + height > window.innerHeight && r.top - height - 6 > 0) top = r.top - height - 6;
    tip.style.left = left + window.scrollX + "px";
    tip.style.top = top + window.scrollY + "px";
  }

  function showPreview(link, url) {
    fetchPreview(url).then(function (content) {
      if (!content || pending !== link) return;
      hidePreview();
      tip = document.createElement("div");
      tip.className = "ma-preview md-typeset";
      tip.id = "ma-preview";
      tip.setAttribute("role", "tooltip");
      tip.appendChild(content.cloneNode(true));
      document.body.appendChild(tip);
      link.setAttribute("aria-describedby", tip.id);
      shownFor = link;
      placePreview(link);
    });
  }

  function scheduleShow(link, delay) {
    var url = previewTarget(link);
    if (!url) return;
    clearTimeout(hideTimer);
    clearTimeout(showTimer);
    pending = link;
    showTimer = setTimeout(function () { showPreview(link, url); }, delay);
  }
  function scheduleHide() {
    clearTimeout(showTimer);
    pending = null;
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hidePreview, 100);
  }

  function setUpPreviews() {
    if (materialPreviews()) return;
    var canHover = !window.matchMedia || window.matchMedia("(hover: hover)").matches;
    if (canHover) {
      document.addEventListener("mouseover", function (event) {
        var link = event.target.closest && event.target.closest("a[href]");
        if (link && link !== pending && link !== shownFor) scheduleShow(link, 300);
      });
      document.addEventListener("mouseout", function (event) {
        var link = event.target.closest && event.target.closest("a[href]");
        if (link && (link === pending || link === shownFor) && !link.contains(event.relatedTarget)) {
          scheduleHide();
        }
      });
    }
    document.addEventListener("focusin", function (event) {
      var link = event.target.closest && event.target.closest("a[href]");
      if (link) scheduleShow(link, 0);
    });
    document.addEventListener("focusout", function (event) {
      var link = event.target.closest && event.target.closest("a[href]");
      if (link) scheduleHide();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { pending = null; hidePreview(); }
    });
  }

  // -- every page --------------------------------------------------------------------------

  function onPage() {
    hidePreview();
    enhanceLocalGraphs();
    drawGraphs();
  }

  setUpPreviews();
  window.MeetingArchive.onEveryPage(onPage);
})();
