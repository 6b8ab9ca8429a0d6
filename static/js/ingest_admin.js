// Live progress for the ingest job list and a job's page: polls the admin's live view
// every 2 s while any job shown is unfinished, and updates those cells in place.
(function () {
  "use strict";
  var POLL_MS = 2000;

  function cells(id, field) {
    return document.querySelectorAll('[data-job="' + id + '"][data-live="' + field + '"]');
  }

  function update(id, job) {
    cells(id, "state").forEach(function (el) {
      el.textContent = job.state;
      el.className = "ingest-state ingest-" + job.state_code;
    });
    cells(id, "percent").forEach(function (el) {
      if (job.percent === null) { el.removeAttribute("value"); } else { el.value = job.percent; }
    });
    ["speed", "eta", "error", "log"].forEach(function (field) {
      cells(id, field).forEach(function (el) { el.textContent = job[field]; });
    });
  }

  function start() {
    var anchor = document.querySelector("[data-live-url]");
    if (!anchor) { return; }
    var url = anchor.getAttribute("data-live-url");
    var ids = {};
    document.querySelectorAll("[data-job]").forEach(function (el) {
      ids[el.getAttribute("data-job")] = true;
    });
    var pending = Object.keys(ids);
    function poll() {
      if (!pending.length || document.hidden) { return setTimeout(poll, POLL_MS); }
      fetch(url + "?ids=" + pending.join(","), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { jobs: {} }; })
        .then(function (data) {
          pending = pending.filter(function (id) {
            var job = data.jobs[id];
            if (job) { update(id, job); }
            return job && !job.finished;
          });
          if (pending.length) { setTimeout(poll, POLL_MS); }
        })
        .catch(function () { setTimeout(poll, POLL_MS * 3); });
    }
    setTimeout(poll, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", start);
})();
