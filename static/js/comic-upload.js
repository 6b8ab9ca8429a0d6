// The admin's "Import comics" page: chosen archives go up one request per file, one after
// another, each with its progress bar, so each request stays within the gateway's body
// limit (`gateway_config --max-body`) however many files are chosen. The server answers
// JSON (readvault/importing/admin.py): the new job's id, or the reason it refused the file.
// Without JavaScript the form sends every file in one request.
(function () {
  "use strict";
  const form = document.querySelector("form.comic-import");
  if (!form || !window.FormData) { return; }
  const input = form.querySelector("input[type=file][name=archives]");
  const list = document.getElementById("comic-upload-list");

  form.addEventListener("submit", function (event) {
    if (!input || !input.files.length) { return; }  // a folder or URLs: the form as it is
    event.preventDefault();
    const files = Array.from(input.files);
    form.querySelectorAll("input, select, textarea").forEach(function (field) {
      field.disabled = true;
    });
    send(files, files.map(row), 0, 0);
  });

  function row(file) {
    const item = document.createElement("li");
    const bar = document.createElement("progress");
    const note = document.createElement("span");
    bar.max = 100;
    bar.value = 0;
    item.append(file.name + " ", bar, note);
    list.appendChild(item);
    return { bar: bar, note: note };
  }

  function fields() {
    // What the operator chose besides the files (the fields are disabled while sending).
    const data = new FormData();
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (field) {
      if (field.type === "file" || (field.type === "checkbox" && !field.checked)) { return; }
      data.append(field.name, field.value);
    });
    return data;
  }

  function send(files, rows, index, failed) {
    if (index >= files.length) { return finish(failed); }
    const data = fields();
    data.append("archives", files[index]);
    const request = new XMLHttpRequest();
    request.open("POST", window.location.href);
    request.setRequestHeader("Accept", "application/json");
    request.upload.onprogress = function (event) {
      if (event.lengthComputable) { rows[index].bar.value = (100 * event.loaded) / event.total; }
    };
    request.onload = function () {
      let answer = {};
      try { answer = JSON.parse(request.responseText); } catch (error) { answer = {}; }
      if (request.status === 201) {
        rows[index].bar.value = 100;
        rows[index].note.textContent = " queued as job #" + answer.jobs.join(", #");
        send(files, rows, index + 1, failed);
        return;
      }
      const reason = request.status === 413
        ? "too large for one request: put it in the import folder instead"
        : answer.error || "refused (HTTP " + request.status + ")";
      rows[index].note.textContent = " " + reason;
      send(files, rows, index + 1, failed + 1);
    };
    request.onerror = function () {
      rows[index].note.textContent = " the connection failed";
      send(files, rows, index + 1, failed + 1);
    };
    request.send(data);
  }

  function finish(failed) {
    if (!failed) {
      window.location.href = form.getAttribute("data-jobs-url");
      return;
    }
    const link = document.createElement("a");
    link.href = form.getAttribute("data-jobs-url");
    link.textContent = "Follow the jobs";
    list.after(link);
  }
})();
