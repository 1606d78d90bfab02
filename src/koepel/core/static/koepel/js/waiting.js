/* Pages that wait for work done elsewhere (a PDF being made, a file being read) update
   themselves. An element with data-status-url is a live region (aria-live): this script asks
   that address every few seconds and, once it answers {"waiting": false}, loads the page again
   in the background and puts the region's new content in place, which screen readers announce.
   Without JavaScript the page refreshes itself (a meta refresh) and offers a link to look again. */
(function () {
  "use strict";
  var regions = document.querySelectorAll("[data-status-url]");
  Array.prototype.forEach.call(regions, function (region) {
    var url = region.getAttribute("data-status-url");
    var every = parseInt(region.getAttribute("data-status-every") || "2000", 10);
    var tries = 0;
    function swap() {
      fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) { return response.text(); })
        .then(function (text) {
          var fresh = new DOMParser().parseFromString(text, "text/html");
          var replacement = region.id && fresh.getElementById(region.id);
          if (replacement) {
            region.innerHTML = replacement.innerHTML;
            region.removeAttribute("data-status-url");
          } else {
            window.location.reload();
          }
        })
        .catch(function () { window.location.reload(); });
    }
    function ask() {
      tries += 1;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          if (answer.waiting) {
            window.setTimeout(ask, tries < 30 ? every : every * 5);
          } else {
            swap();
          }
        })
        .catch(function () { window.setTimeout(ask, every * 5); });
    }
    window.setTimeout(ask, every);
  });
})();
