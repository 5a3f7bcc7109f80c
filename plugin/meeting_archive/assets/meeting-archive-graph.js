/* mkdocs-meeting-archive: the relationship graph page, drawn with sigma.js (WebGL) from
 * graph.json. Loaded by meeting-archive-pictures.js after graphology and sigma.
 *
 * The layout comes with the data (computed when the site is built), so the browser only
 * draws: no layout runs here and nothing freezes the page. Nodes come most connected first;
 * the first `data-max-nodes` are drawn, and a button adds the rest.
 *
 * Drag to pan, wheel to zoom, hover a node to highlight its neighbours, click it to open its
 * page; the search box finds a node by name; `graph/?focus=people/jai-menon` opens the graph
 * on that node. Colours are read from Material's palette variables and follow a scheme switch.
 */
(function () {
  "use strict";

  var Graph = window.graphology && (window.graphology.Graph || window.graphology);
  var library = window.Sigma;
  var Sigma = library && (library.Sigma || library);
  var EdgeLineProgram = library && library.rendering && library.rendering.EdgeLineProgram;
  var live = [];

  // CSS colours (Material's use hsla() in the dark scheme) as the opaque rgb() strings WebGL
  // draws right: a translucent colour is blended over the page's background here, since
  // sigma's blending adds a light translucent colour up to white on a dark background.
  var probe = document.createElement("canvas").getContext("2d");
  function rgba(value, fallback) {
    if (!probe) return [0, 0, 0, 1];
    probe.fillStyle = fallback;
    probe.fillStyle = value || fallback;
    var text = probe.fillStyle;
    if (text.charAt(0) === "#") {
      return [parseInt(text.slice(1, 3), 16), parseInt(text.slice(3, 5), 16), parseInt(text.slice(5, 7), 16), 1];
    }
    var parts = text.replace(/[^0-9.,]/g, "").split(",").map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  }
  function cssColor(name, fallback, background) {
    var c = rgba(getComputedStyle(document.body).getPropertyValue(name).trim(), fallback);
    var b = background || [255, 255, 255, 1];
    var mix = function (i) { return Math.round(c[i] * c[3] + b[i] * (1 - c[3])); };
    return "rgb(" + mix(0) + ", " + mix(1) + ", " + mix(2) + ")";
  }
  function palette() {
    var background = rgba(getComputedStyle(document.body).getPropertyValue("--md-default-bg-color").trim(), "#ffffff");
    background[3] = 1;
    var color = function (name, fallback) { return cssColor(name, fallback, background); };
    return {
      person: color("--ma-person-color", "#4051b5"),
      account: color("--ma-account-color", "#d52a2a"),
      topic: color("--ma-topic-color", "#1c7d4d"),
      edge: color("--md-default-fg-color--lightest", "rgba(0,0,0,0.07)"),
      strong: color("--md-accent-fg-color", "#526cfe"),
      faded: color("--md-default-fg-color--lightest", "rgba(0,0,0,0.07)"),
      text: color("--md-default-fg-color", "#000000"),
      background: "rgb(" + background.slice(0, 3).join(", ") + ")",
      font: getComputedStyle(document.body).fontFamily || "sans-serif",
    };
  }

  function element(tag, attributes, text) {
    var el = document.createElement(tag);
    for (var key in attributes) el.setAttribute(key, attributes[key]);
    if (text) el.textContent = text;
    return el;
  }

  function setStatus(box, text) {
    var status = box.querySelector(".ma-graph-status");
    if (status) status.textContent = text;
  }

  function forgetGone() {
    live = live.filter(function (entry) {
      if (entry.box.isConnected) return true;
      entry.renderer.kill();
      entry.observer.disconnect();
      return false;
    });
  }

  function draw(box) {
    forgetGone();
    if (box.getAttribute("data-state")) return;
    box.setAttribute("data-state", "loading");
    var started = performance.now();
    var url = new URL(box.getAttribute("data-graph"), location.href);
    fetch(url.href)
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) { render(box, data, url, started); })
      .catch(function (error) {
        box.setAttribute("data-state", "failed");
        setStatus(box, "The graph could not be drawn: " + error.message + ". The table below lists the most connected.");
      });
  }

  function render(box, data, dataUrl, started) {
    var nodes = data.nodes, edges = data.edges;
    var limit = Math.min(nodes.length, parseInt(box.getAttribute("data-max-nodes"), 10) || data.max_nodes || nodes.length);
    var peak = nodes.length ? Math.max(1, nodes[0].strength) : 1;
    var byEdge = edges.slice().sort(function (a, b) { return Math.max(a[0], a[1]) - Math.max(b[0], b[1]); });

    // A new graph of the first `count` nodes and the edges among them. Showing more builds a
    // new graph and hands it to sigma at once: adding nodes one by one to the graph sigma
    // draws costs an update per node.
    function graphOf(count) {
      var g = new Graph({ type: "undirected", multi: false });
      for (var i = 0; i < count; i++) {
        var n = nodes[i];
        g.addNode(String(i), {
          x: n.x, y: -n.y, label: n.label, kind: n.kind, url: new URL(n.url, dataUrl).href,
          size: 2 + 10 * Math.sqrt(n.strength / peak), key: n.id,
        });
      }
      // Edges sorted by their later end: those among the first `count` nodes come first.
      for (var k = 0; k < byEdge.length && Math.max(byEdge[k][0], byEdge[k][1]) < count; k++) {
        var e = byEdge[k];
        g.addEdge(String(e[0]), String(e[1]), { weight: e[2], size: Math.min(4, 0.4 + Math.log(e[2]) * 0.6) });
      }
      return g;
    }
    var shown = limit;
    var graph = graphOf(limit);

    var colors = palette();
    // The node in focus (hovered, else found by search or ?focus=) and its neighbours.
    var state = { hovered: null, found: null, focus: null, neighbours: {} };
    var idOf = {};
    for (var i = 0; i < nodes.length; i++) idOf[nodes[i].id] = String(i);
    var entry = { box: box, renderer: null };
    var renderer = null;

    // Above this many nodes and edges, a highlight is drawn on a canvas of its own over the
    // graph (lines to the neighbours, rings around them) instead of fading the rest, which
    // would redraw every edge on each hover; edges are thin lines, hidden while the view
    // moves. That is what keeps 5,000 nodes responsive without a GPU.
    var LARGE = 12000;
    function large() { return graph.order + graph.size > LARGE; }

    function settings() {
      var big = large();
      return {
        allowInvalidContainer: true,
        stagePadding: 48,
        zIndex: !big,
        hideEdgesOnMove: big,
        edgeProgramClasses: EdgeLineProgram ? { thin: EdgeLineProgram } : {},
        defaultEdgeType: big && EdgeLineProgram ? "thin" : "line",
        labelRenderedSizeThreshold: big ? 9 : 7,
        labelDensity: big ? 0.3 : 0.6,
        labelFont: colors.font,
        labelSize: 12,
        labelColor: { color: colors.text },
        defaultEdgeColor: colors.edge,
        minCameraRatio: 0.02,
        maxCameraRatio: 4,
        defaultDrawNodeHover: drawHover,
        nodeReducer: big ? function (node, attributes) { return coloured(attributes); } : fadingNode,
        edgeReducer: big ? null : fadingEdge,
      };
    }

    function coloured(attributes) {
      var out = Object.assign({}, attributes);
      out.color = colors[attributes.kind] || colors.person;
      return out;
    }
    function fadingNode(node, attributes) {
      var out = coloured(attributes), focus = state.focus;
      if (!focus) return out;
      if (node === focus || state.neighbours[node]) {
        out.zIndex = 1;
        out.forceLabel = node === focus || graph.degree(focus) <= 40;
        out.highlighted = node === focus;
      } else {
        out.color = colors.faded;
        out.label = "";
        out.zIndex = 0;
      }
      return out;
    }
    function fadingEdge(edge, attributes) {
      var focus = state.focus;
      if (!focus) return attributes;
      var out = Object.assign({}, attributes);
      if (graph.hasExtremity(edge, focus)) {
        out.color = colors.strong;
        out.zIndex = 1;
      } else {
        out.hidden = true;
      }
      return out;
    }
    // The highlight of a large graph, redrawn after every render of sigma's.
    var overlay = null;
    function drawOverlay() {
      if (!overlay) return;
      var context = overlay.getContext("2d");
      var size = renderer.getDimensions(), ratio = window.devicePixelRatio || 1;
      if (overlay.width !== Math.round(size.width * ratio) || overlay.height !== Math.round(size.height * ratio)) {
        overlay.width = Math.round(size.width * ratio);
        overlay.height = Math.round(size.height * ratio);
        overlay.style.width = size.width + "px";
        overlay.style.height = size.height + "px";
      }
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.clearRect(0, 0, size.width, size.height);
      var focus = state.focus;
      if (!focus || !graph.hasNode(focus)) return;
      var centre = renderer.framedGraphToViewport(renderer.getNodeDisplayData(focus));
      var around = [];
      graph.forEachNeighbor(focus, function (node) {
        var data = renderer.getNodeDisplayData(node);
        if (!data) return;
        var at = renderer.framedGraphToViewport(data);
        around.push({ x: at.x, y: at.y, r: renderer.scaleSize(data.size), label: data.label });
      });
      context.strokeStyle = colors.strong;
      context.globalAlpha = 0.75;
      context.lineWidth = 1.5;
      context.beginPath();
      for (var i = 0; i < around.length; i++) {
        context.moveTo(centre.x, centre.y);
        context.lineTo(around[i].x, around[i].y);
      }
      context.stroke();
      context.globalAlpha = 1;
      context.lineWidth = 2;
      context.beginPath();
      for (var j = 0; j < around.length; j++) {
        context.moveTo(around[j].x + around[j].r + 2, around[j].y);
        context.arc(around[j].x, around[j].y, around[j].r + 2, 0, Math.PI * 2);
      }
      context.stroke();
      if (around.length > 30 && state.hovered) return;
      // the labels of a few neighbours (and of a node found by search: no hover draws it)
      var labelled = around.length <= 30 ? around : [];
      if (!state.hovered) labelled = labelled.concat([{ x: centre.x, y: centre.y, r: renderer.scaleSize(renderer.getNodeDisplayData(focus).size), label: graph.getNodeAttribute(focus, "label") }]);
      context.font = "12px " + colors.font;
      context.lineWidth = 3;
      context.strokeStyle = colors.background;
      context.fillStyle = colors.text;
      for (var k = 0; k < labelled.length; k++) {
        var x = labelled[k].x + labelled[k].r + 4, y = labelled[k].y + 4;
        context.strokeText(labelled[k].label || "", x, y);
        context.fillText(labelled[k].label || "", x, y);
      }
    }

    function createRenderer(camera) {
      if (renderer) renderer.kill();
      renderer = new Sigma(graph, box, settings());
      if (camera) renderer.getCamera().setState(camera);
      renderer.on("enterNode", function (event) {
        box.style.cursor = "pointer";
        setFocus(event.node, false);
      });
      renderer.on("leaveNode", function () {
        box.style.cursor = "";
        setFocus(null, false);
      });
      renderer.on("clickNode", function (event) {
        location.href = graph.getNodeAttribute(event.node, "url");
      });
      renderer.on("clickStage", function () { setFocus(null, true); });
      overlay = null;
      if (large()) {
        overlay = renderer.createCanvas("maFocus", { beforeLayer: "hovers" });
        overlay.style.pointerEvents = "none";
        renderer.on("afterRender", drawOverlay);
      }
      entry.renderer = renderer;
      box.maRenderer = renderer;
      box.maGraph = graph;
    }

    box.innerHTML = "";
    try {
      createRenderer(null);
    } catch (error) {
      box.setAttribute("data-state", "failed");
      box.appendChild(element("p", { class: "ma-graph-status" },
        "This browser could not draw the graph (" + error.message + "; it needs WebGL). The table below lists the most connected."));
      return;
    }

    function drawHover(context, data, settings) {
      var size = settings.labelSize, label = data.label || "";
      context.font = settings.labelWeight + " " + size + "px " + settings.labelFont;
      var width = context.measureText(label).width + 10, height = size + 8;
      context.fillStyle = colors.background;
      context.shadowColor = "rgba(0, 0, 0, 0.35)";
      context.shadowBlur = 8;
      context.beginPath();
      context.arc(data.x, data.y, data.size + 3, 0, Math.PI * 2);
      context.fill();
      if (label) context.fillRect(data.x + data.size + 2, data.y - height / 2, width, height);
      context.shadowBlur = 0;
      if (label) {
        context.fillStyle = colors.text;
        context.fillText(label, data.x + data.size + 7, data.y + size / 3);
      }
    }

    function setFocus(node, found) {
      var before = state.focus;
      if (found) state.found = node; else state.hovered = node;
      var focus = state.hovered || state.found;
      box.setAttribute("data-hovered", state.hovered ? graph.getNodeAttribute(state.hovered, "key") : "");
      box.setAttribute("data-focus", state.found ? graph.getNodeAttribute(state.found, "key") : "");
      if (focus === before) return;
      state.focus = focus;
      state.neighbours = {};
      if (focus) graph.forEachNeighbor(focus, function (n) { state.neighbours[n] = true; });
      if (overlay) drawOverlay();
      else renderer.refresh({ skipIndexation: true });
    }

    function locate(node, found) {
      if (!graph.hasNode(node)) showAll();
      var display = renderer.getNodeDisplayData(node);
      if (display) {
        // Close enough to tell the neighbours apart, far enough to see them all.
        var reach = 0;
        graph.forEachNeighbor(node, function (n) {
          var other = renderer.getNodeDisplayData(n);
          if (other) reach = Math.max(reach, Math.abs(other.x - display.x), Math.abs(other.y - display.y));
        });
        var ratio = Math.min(1, Math.max(0.05, 2.4 * reach || 0.25));
        renderer.getCamera().animate({ x: display.x, y: display.y, ratio: ratio }, { duration: 400 });
      }
      setFocus(node, found);
    }

    // Tools: search, zoom, show all.
    var tools = element("div", { class: "ma-graph-tools" });
    var legend = element("span", { class: "ma-legend" });
    legend.appendChild(element("span", { class: "ma-person" }, "person"));
    legend.appendChild(element("span", { class: "ma-account" }, "account"));
    legend.appendChild(element("span", { class: "ma-topic" }, "topic"));
    var list = element("datalist", { id: "ma-graph-names" });
    for (var j = 0; j < Math.min(nodes.length, 5000); j++) list.appendChild(element("option", { value: nodes[j].label }));
    var search = element("input", { type: "search", placeholder: "Find a name", "aria-label": "Find a name in the graph", list: "ma-graph-names" });
    search.addEventListener("change", function () {
      var wanted = search.value.trim().toLowerCase();
      if (!wanted) { setFocus(null, true); return; }
      var best = -1;
      for (var k = 0; k < nodes.length; k++) {
        var name = nodes[k].label.toLowerCase();
        if (name === wanted) { best = k; break; }
        if (best < 0 && name.indexOf(wanted) >= 0) best = k;
      }
      if (best >= 0) locate(String(best), true);
    });
    var zoomIn = element("button", { type: "button", "aria-label": "Zoom in" }, "+");
    var zoomOut = element("button", { type: "button", "aria-label": "Zoom out" }, "−");
    var reset = element("button", { type: "button", title: "Show the whole graph" }, "Reset");
    zoomIn.addEventListener("click", function () { renderer.getCamera().animatedZoom({ duration: 200 }); });
    zoomOut.addEventListener("click", function () { renderer.getCamera().animatedUnzoom({ duration: 200 }); });
    reset.addEventListener("click", function () { setFocus(null, true); renderer.getCamera().animatedReset({ duration: 200 }); });
    tools.appendChild(search);
    tools.appendChild(list);
    tools.appendChild(zoomIn);
    tools.appendChild(zoomOut);
    tools.appendChild(reset);
    var more = null;
    if (shown < nodes.length) {
      more = element("button", { type: "button", class: "ma-graph-more" }, "Show all " + nodes.length);
      more.addEventListener("click", showAll);
      tools.appendChild(more);
    }
    tools.appendChild(legend);
    var status = element("p", { class: "ma-graph-status", "aria-live": "polite" });
    box.appendChild(tools);
    box.appendChild(status);

    // The keyboard, on the graph itself (role=application): arrows move the view, + and −
    // zoom, 0 resets, Enter opens the node found by the search.
    box.addEventListener("keydown", function (event) {
      if (event.target !== box) return;
      // At once, not animated: a key pressed during an animation would cancel it.
      var camera = renderer.getCamera(), at = camera.getState(), step = 0.1 * at.ratio;
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (moves[event.key]) {
        camera.setState({ x: at.x + moves[event.key][0], y: at.y + moves[event.key][1] });
      } else if (event.key === "+" || event.key === "=") {
        camera.setState({ ratio: Math.max(0.02, at.ratio / 1.5) });
      } else if (event.key === "-" || event.key === "_") {
        camera.setState({ ratio: Math.min(4, at.ratio * 1.5) });
      } else if (event.key === "0") {
        setFocus(null, true);
        camera.animatedReset({ duration: 200 });
      } else if (event.key === "Enter" && state.found) {
        location.href = graph.getNodeAttribute(state.found, "url");
      } else {
        return;
      }
      event.preventDefault();
    });
    box.setAttribute("aria-roledescription", "graph");
    box.setAttribute("aria-keyshortcuts", "ArrowLeft ArrowRight ArrowUp ArrowDown + - 0 Enter");

    function showAll() {
      if (shown >= nodes.length) return;
      // A new renderer for the new graph: sigma's setGraph takes far longer to redraw.
      var camera = renderer.getCamera().getState();
      graph = graphOf(nodes.length);
      shown = nodes.length;
      state.hovered = state.found = state.focus = null;
      state.neighbours = {};
      createRenderer(camera);
      updateCount();
    }

    function updateCount() {
      status.textContent = shown + " of " + nodes.length + " nodes, " + graph.size + " connections";
      box.setAttribute("data-nodes", String(shown));
      box.setAttribute("data-edges", String(graph.size));
      if (more && shown >= nodes.length) { more.remove(); more = null; }
    }
    updateCount();

    // Follow Material's palette switch.
    var observer = new MutationObserver(function () {
      colors = palette();
      renderer.setSetting("labelColor", { color: colors.text });
      renderer.setSetting("defaultEdgeColor", colors.edge);
      renderer.refresh({ skipIndexation: true });
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme", "data-md-color-primary", "data-md-color-accent"] });
    entry.observer = observer;
    live.push(entry);
    requestAnimationFrame(function () {
      box.setAttribute("data-state", "drawn");
      // For measurements: since the script started drawing, and since the page was opened.
      box.setAttribute("data-draw-ms", String(Math.round(performance.now() - started)));
      box.setAttribute("data-drawn-at", String(Math.round(performance.now())));
      var wanted = new URLSearchParams(location.search).get("focus");
      if (wanted && idOf[wanted] !== undefined) locate(idOf[wanted], true);
    });
  }

  window.MeetingArchiveGraph = { draw: draw };
})();
