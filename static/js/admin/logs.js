// The live log view (templates/admin/logs.html): new lines from the server-sent event stream
// of shadowvault/log_view.py, appended as text. Each response ends after ~25 s; EventSource
// reconnects by itself with Last-Event-ID, and the server resumes after the last line sent.
(function () {
  "use strict";
  const KEPT = 1000; // lines kept on the page; older ones are dropped from the top

  function cell(name, text) {
    const span = document.createElement("span");
    span.className = "log-" + name;
    span.textContent = text;
    return span;
  }

  function filterLink(name, param, value, text) {
    const link = document.createElement("a");
    link.className = "log-" + name;
    link.href = "?" + new URLSearchParams([[param, value]]).toString();
    link.textContent = text;
    return link;
  }

  function row(line) {
    const div = document.createElement("div");
    div.className = "log-line log-" + String(line.level).toLowerCase();
    div.append(
      cell("time", line.time),
      cell("level", line.level),
      cell("role", line.role + "-" + line.pid),
      cell("logger", line.logger),
      cell("message", line.message)
    );
    if (line.request_id) {
      div.append(filterLink("request", "request_id", line.request_id, line.request_id));
    }
    const job = line.job_id || line.task_id;
    if (job) {
      div.append(filterLink("job", "job", job, line.task + " " + job));
    }
    if (line.exception) {
      const pre = document.createElement("pre");
      pre.className = "log-exception";
      pre.textContent = line.exception;
      div.append(pre);
    }
    return div;
  }

  function start() {
    const lines = document.getElementById("log-lines");
    const status = document.getElementById("log-status");
    if (!lines || lines.dataset.off || !window.EventSource) {
      return;
    }
    // Where the page's lines ended; empty when there were no files yet (then from their start).
    const after = lines.dataset.after || "";
    const url = lines.dataset.stream + "&after=" + encodeURIComponent(after);
    const source = new EventSource(url);
    source.onopen = function () {
      status.textContent = "Live: new lines appear as they are written.";
    };
    source.onerror = function () {
      status.textContent = "Reconnecting…";
    };
    source.onmessage = function (event) {
      let line;
      try {
        line = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      const empty = document.getElementById("log-empty");
      if (empty) {
        empty.remove();
      }
      const atBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 40;
      lines.append(row(line));
      while (lines.children.length > KEPT) {
        lines.firstElementChild.remove();
      }
      if (atBottom) {
        window.scrollTo(0, document.body.scrollHeight);
      }
    };
  }

  document.addEventListener("DOMContentLoaded", start);
})();
