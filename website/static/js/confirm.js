/* A form with data-confirm asks before it is sent (instead of an inline onsubmit, which the
   Content-Security-Policy blocks). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
