/* mkdocs-meeting-archive: make the index tables sortable, and mark action items overdue
 * against the reader's today.
 * The build marks them against the build date; this runs on every page view (also under
 * Material's instant loading, through document$) so a page read weeks later stays right. */
(function () {
  function today() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }
  function markOverdue() {
    var now = today();
    var items = document.querySelectorAll(".ma-due[data-due]");
    for (var i = 0; i < items.length; i++) {
      items[i].classList.toggle("ma-overdue", items[i].getAttribute("data-due") < now);
    }
    var basis = document.querySelectorAll(".ma-overdue-basis");
    for (var j = 0; j < basis.length; j++) {
      basis[j].textContent = "today's date in your browser, " + now;
    }
  }
  function sortable() {
    if (typeof Tablesort === "undefined") return;
    var tables = document.querySelectorAll("article table.ma-sortable");
    for (var i = 0; i < tables.length; i++) {
      new Tablesort(tables[i]);
    }
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
    markOverdue();
    sortable();
  });
})();
