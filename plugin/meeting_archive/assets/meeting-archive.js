/* mkdocs-meeting-archive: what the pages do with a script, on every page view (also under
 * Material's instant loading, through document$). Every page works without it.
 *
 * - Due dates are marked overdue against the reader's today: the build marked them against
 *   the build date, and a page read weeks later stays right.
 * - The index tables sort when a column heading is selected (its button: keyboard too).
 * - The action-item board (actions/) gets its filters: owner, account, status, text. The
 *   filter is kept in the URL's query string (`?owner=Priya+Raman&status=overdue`), so that a
 *   link to it shows the same items; a board of several pages is filtered as a whole.
 */
(function () {
  "use strict";

  function isoDate(d) {
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }
  function today() { return isoDate(new Date()); }
  /* The last day of this week (Monday to Sunday), as the board's "due this week" ends. */
  function endOfWeek() {
    var d = new Date();
    d.setDate(d.getDate() + (7 - (d.getDay() || 7)));
    return isoDate(d);
  }

  // -- overdue --------------------------------------------------------------------------

  function markOverdue(root) {
    var now = today();
    var items = root.querySelectorAll(".ma-due[data-due]");
    for (var i = 0; i < items.length; i++) {
      var item = items[i], overdue = item.getAttribute("data-due") < now;
      item.classList.toggle("ma-overdue", overdue);
      var label = item.querySelector(".ma-overdue-label");
      if (overdue && !label) {
        label = document.createElement("span");
        label.className = "ma-overdue-label";
        label.textContent = " overdue";
        item.appendChild(label);
      } else if (!overdue && label) {
        label.remove();
      }
    }
  }

  // -- sortable tables --------------------------------------------------------------------

  function sortable() {
    if (typeof Tablesort === "undefined") return;
    var tables = document.querySelectorAll("article .ma-sortable table");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      if (table.getAttribute("data-ready")) continue;
      table.setAttribute("data-ready", "1");
      // Tablesort sorts on a click on the heading cell; a button in it makes that reachable
      // and operable from the keyboard (the click bubbles up to the cell).
      var heads = table.querySelectorAll("thead th");
      for (var j = 0; j < heads.length; j++) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "ma-sort";
        while (heads[j].firstChild) button.appendChild(heads[j].firstChild);
        heads[j].appendChild(button);
      }
      new Tablesort(table);
    }
  }

  // -- the action-item board ----------------------------------------------------------------

  var STATUSES = [
    ["overdue", "Overdue"],
    ["week", "Due this week"],
    ["later", "Due later"],
    ["undated", "No due date"],
  ];
  var FIELDS = ["owner", "account", "status", "text"];

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function rowData(tr) {
    var accounts = [];
    try { accounts = JSON.parse(tr.getAttribute("data-accounts") || "[]"); } catch (e) { accounts = []; }
    return {
      tr: tr,
      owner: tr.getAttribute("data-owner") || "",
      accounts: accounts,
      due: tr.getAttribute("data-due") || "",
      text: fold(tr.textContent),
    };
  }

  function statusOf(row, now, weekEnd) {
    if (!row.due) return "undated";
    if (row.due < now) return "overdue";
    return row.due <= weekEnd ? "week" : "later";
  }

  function element(tag, attributes, text) {
    var el = document.createElement(tag);
    for (var key in attributes) el.setAttribute(key, attributes[key]);
    if (text) el.textContent = text;
    return el;
  }

  function setUpBoard(board, n) {
    if (board.getAttribute("data-ready")) return;
    var table = board.querySelector("table");
    if (!table) return;
    board.setAttribute("data-ready", "1");
    var tbody = table.tBodies[0];
    var own = Array.prototype.map.call(tbody.rows, rowData);
    var rows = own.slice();
    var pager = document.querySelector("article .ma-pager");
    var now = today(), weekEnd = endOfWeek();

    var form = element("form", { class: "ma-board-filters", role: "search", "aria-label": "Filter the action items" });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    function field(name, label, control) {
      var id = "ma-board-" + n + "-" + name;
      control.id = id;
      control.name = name;
      var wrap = element("div", { class: "ma-board-field" });
      wrap.appendChild(element("label", { for: id }, label));
      wrap.appendChild(control);
      form.appendChild(wrap);
      return control;
    }
    var controls = {
      owner: field("owner", "Owner", element("select")),
      account: field("account", "Account", element("select")),
      status: field("status", "Status", element("select")),
      text: field("text", "Text", element("input", { type: "search", placeholder: "Words in the item" })),
    };
    var actions = element("div", { class: "ma-board-field ma-board-actions" });
    var clear = element("button", { type: "button", class: "md-button" }, "Clear filters");
    var share = element("a", { class: "ma-board-link" }, "Link to this view");
    actions.appendChild(clear);
    actions.appendChild(share);
    form.appendChild(actions);
    var count = element("p", { class: "ma-board-count", role: "status", "aria-live": "polite" });
    var slot = board.previousElementSibling;
    if (slot && slot.classList.contains("ma-board-slot")) {
      slot.appendChild(form);
      slot.appendChild(count);
    } else {
      board.parentNode.insertBefore(form, board);
      board.parentNode.insertBefore(count, board);
    }

    function choices() {
      var owners = {}, accounts = {}, noOwner = false, noAccount = false;
      for (var i = 0; i < rows.length; i++) {
        if (rows[i].owner) owners[rows[i].owner] = true; else noOwner = true;
        if (!rows[i].accounts.length) noAccount = true;
        for (var j = 0; j < rows[i].accounts.length; j++) accounts[rows[i].accounts[j]] = true;
      }
      var byName = function (a, b) { return a.localeCompare(b); };
      var list = function (names, none, noneLabel) {
        var out = Object.keys(names).sort(byName).map(function (name) { return [name, name]; });
        if (none) out.push(["-", noneLabel]);
        return out;
      };
      return {
        owner: [["", "Anyone"]].concat(list(owners, noOwner, "No owner")),
        account: [["", "Any account"]].concat(list(accounts, noAccount, "No account")),
        status: [["", "Any status"]].concat(STATUSES),
      };
    }

    function matches(row, wanted, skip) {
      if (skip !== "owner" && wanted.owner && (wanted.owner === "-" ? row.owner : row.owner !== wanted.owner)) return false;
      if (skip !== "account" && wanted.account) {
        if (wanted.account === "-" ? row.accounts.length : row.accounts.indexOf(wanted.account) < 0) return false;
      }
      if (skip !== "status" && wanted.status && statusOf(row, now, weekEnd) !== wanted.status) return false;
      if (skip !== "text" && wanted.text) {
        var words = fold(wanted.text).split(/\s+/);
        for (var i = 0; i < words.length; i++) if (words[i] && row.text.indexOf(words[i]) < 0) return false;
      }
      return true;
    }

    /* Each choice says how many items it would show, with the other filters as they are. */
    function fillSelect(name, options, wanted) {
      var select = controls[name];
      var keep = wanted[name];
      select.textContent = "";
      var found = false;
      // A choice that no item has (yet: a link's owner on a page still loading, or whose
      // items are done) stays chosen, and shows none.
      var known = options.some(function (option) { return option[0] === keep; });
      if (keep && !known && name !== "status") options = options.concat([[keep, keep]]);
      for (var i = 0; i < options.length; i++) {
        var value = options[i][0], tally = 0;
        for (var k = 0; k < rows.length; k++) {
          if (!matches(rows[k], wanted, name)) continue;
          var row = rows[k];
          if (!value) tally++;
          else if (name === "owner" && (value === "-" ? !row.owner : row.owner === value)) tally++;
          else if (name === "account" && (value === "-" ? !row.accounts.length : row.accounts.indexOf(value) >= 0)) tally++;
          else if (name === "status" && statusOf(row, now, weekEnd) === value) tally++;
        }
        var option = element("option", { value: value }, options[i][1] + " (" + tally + ")");
        if (value === keep) { option.selected = true; found = true; }
        select.appendChild(option);
      }
      if (!found) select.value = "";
    }

    function wantedNow() {
      var wanted = {};
      for (var i = 0; i < FIELDS.length; i++) wanted[FIELDS[i]] = controls[FIELDS[i]].value.trim();
      return wanted;
    }

    function queryOf(wanted) {
      var params = new URLSearchParams();
      for (var i = 0; i < FIELDS.length; i++) if (wanted[FIELDS[i]]) params.set(FIELDS[i], wanted[FIELDS[i]]);
      var text = params.toString();
      return text ? "?" + text : "";
    }

    function apply(wanted, updateUrl) {
      var options = choices();
      fillSelect("owner", options.owner, wanted);
      fillSelect("account", options.account, wanted);
      fillSelect("status", options.status, wanted);
      wanted = wantedNow();
      var filtering = !!(wanted.owner || wanted.account || wanted.status || wanted.text);
      var shown = 0;
      // Unfiltered, a board of several pages shows this page's items (and its pager);
      // filtered, the matching items of every page.
      var pool = filtering ? rows : own;
      for (var i = 0; i < rows.length; i++) rows[i].tr.hidden = true;
      for (var j = 0; j < pool.length; j++) {
        var on = matches(pool[j], wanted);
        pool[j].tr.hidden = !on;
        if (on) shown++;
      }
      if (pager) pager.hidden = filtering;
      var total = rows.length;
      count.textContent = filtering
        ? (shown ? "Showing " + shown + " of " + total + " open action items." : "No open action item matches these filters (" + total + " in all).")
        : (pool.length < total ? "Showing " + pool.length + " of " + total + " open action items (this page)." : "Showing all " + total + " open action items.");
      board.setAttribute("data-shown", String(shown));
      clear.hidden = !filtering;
      var query = queryOf(wanted);
      share.setAttribute("href", location.pathname + query);
      share.hidden = !filtering;
      if (updateUrl && location.search !== query) {
        history.replaceState(history.state, "", location.pathname + query + location.hash);
      }
    }

    var params = new URLSearchParams(location.search);
    var initial = {};
    for (var i = 0; i < FIELDS.length; i++) initial[FIELDS[i]] = (params.get(FIELDS[i]) || "").trim();
    controls.text.value = initial.text;
    apply(initial, false);
    for (var f = 0; f < FIELDS.length; f++) {
      controls[FIELDS[f]].addEventListener(FIELDS[f] === "text" ? "input" : "change", function () {
        apply(wantedNow(), true);
      });
    }
    clear.addEventListener("click", function () {
      controls.text.value = "";
      apply({ owner: "", account: "", status: "", text: "" }, true);
      controls.owner.focus();
    });

    // The other pages of a long board: their rows join this one's (hidden until a filter
    // shows them), with their links made absolute.
    if (pager) {
      var here = location.href.split("#")[0].split("?")[0];
      var others = Array.prototype.filter.call(pager.querySelectorAll("a[href]"), function (a) {
        return a.href.split("#")[0] !== here;
      });
      Promise.all(others.map(function (a) {
        return fetch(a.href, { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.text() : ""; })
          .then(function (text) { return { url: a.href, text: text }; })
          .catch(function () { return { url: a.href, text: "" }; });
      })).then(function (pages) {
        for (var p = 0; p < pages.length; p++) {
          if (!pages[p].text) continue;
          var doc = new DOMParser().parseFromString(pages[p].text, "text/html");
          var more = doc.querySelectorAll(".ma-board tbody tr");
          for (var r = 0; r < more.length; r++) {
            var tr = document.importNode(more[r], true);
            var links = tr.querySelectorAll("[href]");
            for (var l = 0; l < links.length; l++) links[l].setAttribute("href", new URL(links[l].getAttribute("href"), pages[p].url).href);
            tr.hidden = true;
            tbody.appendChild(tr);
            rows.push(rowData(tr));
          }
        }
        markOverdue(tbody);
        apply(wantedNow(), false);
      });
    }
  }

  function boards() {
    var all = document.querySelectorAll("article .ma-board");
    for (var i = 0; i < all.length; i++) setUpBoard(all[i], i);
  }

  // -- Material ------------------------------------------------------------------------------

  /* Material's search is a dialog without a name (axe: aria-dialog-name). */
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search");
  }

  /* Run `fn` on every page view: through Material's document$ under instant loading, else
   * once the page is parsed. meeting-archive-pictures.js (loaded after this file) uses it. */
  function onEveryPage(fn) {
    if (typeof document$ !== "undefined") {
      document$.subscribe(fn);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }
  window.MeetingArchive = { onEveryPage: onEveryPage };
  onEveryPage(function () {
    markOverdue(document);
    sortable();
    boards();
    nameSearchDialog();
  });
})();
