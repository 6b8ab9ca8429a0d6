// Resumable uploads on the admin's ingest page: a minimal tus 1.0.0 client
// (https://tus.io/protocols/resumable-upload; server: streaming/uploads/views.py).
// Many files at once, one after another per file in chunks (8 MiB by default), each chunk
// with an Upload-Checksum (SHA-1, SubtleCrypto); progress with percent and speed; pause and
// resume; a dropped connection is retried from the server's offset; after a reload, choosing
// the same file again finds its upload by a fingerprint (name, size, lastModified) kept in
// localStorage and resumes it where the server says it stopped.
(function () {
  "use strict";
  var root = document.getElementById("tus-uploader");
  if (!root) { return; }
  var endpoint = root.getAttribute("data-endpoint");
  var csrf = root.getAttribute("data-csrf");
  var jobsUrl = root.getAttribute("data-jobs-url");
  var list = root.querySelector(".tus-list");
  var input = root.querySelector("input[type=file]");
  var STORE = "shadowvault-tus:";
  var RETRY_DELAYS = [1000, 2000, 4000, 8000, 15000, 30000, 30000, 30000];
  // Statuses worth trying again: a dropped or busy connection, a chunk that arrived damaged,
  // an offset that moved under us (the server's HEAD says where to go on).
  var RETRYABLE = [0, 409, 423, 460, 500, 502, 503, 504];
  var canHash = !!(window.crypto && window.crypto.subtle);

  function chunkBytes() {
    return Number(root.getAttribute("data-chunk-bytes")) || 8 * 1024 * 1024;
  }

  function fingerprint(file) {
    return STORE + [file.name, file.size, file.lastModified].join("/");
  }

  function base64(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
    return btoa(text);
  }

  function utf8Base64(text) {
    return base64(new TextEncoder().encode(text));
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function human(bytes) {
    var units = ["B", "KB", "MB", "GB", "TB"];
    var i = 0;
    while (bytes >= 1000 && i < units.length - 1) { bytes /= 1000; i++; }
    return (i ? bytes.toFixed(1) : String(bytes)) + " " + units[i];
  }

  // One request; resolves with the XHR whatever the status (0: no answer at all).
  function send(method, url, headers, body, onProgress, upload) {
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      upload.xhr = xhr;
      xhr.open(method, url);
      xhr.setRequestHeader("Tus-Resumable", "1.0.0");
      xhr.setRequestHeader("X-CSRFToken", csrf);
      Object.keys(headers).forEach(function (name) { xhr.setRequestHeader(name, headers[name]); });
      if (onProgress) { xhr.upload.onprogress = onProgress; }
      xhr.onload = xhr.onerror = xhr.onabort = xhr.ontimeout = function () {
        upload.xhr = null;
        resolve(xhr);
      };
      xhr.send(body === undefined ? null : body);
    });
  }

  function Upload(file) {
    this.file = file;
    this.key = fingerprint(file);
    this.url = localStorage.getItem(this.key);
    this.offset = 0;
    this.paused = false;
    this.running = false;
    this.xhr = null;
    this.row = this.render();
  }

  Upload.prototype.render = function () {
    var row = document.createElement("li");
    row.className = "tus-file";
    row.innerHTML =
      '<span class="tus-name"></span> <progress max="100" value="0"></progress> ' +
      '<span class="tus-percent">0%</span> <span class="tus-speed"></span> ' +
      '<button type="button" class="button tus-pause">Pause</button> ' +
      '<span class="tus-status" role="status"></span>';
    row.querySelector(".tus-name").textContent = this.file.name + " (" + human(this.file.size) + ")";
    var self = this;
    this.button = row.querySelector(".tus-pause");
    this.button.addEventListener("click", function () { self.paused ? self.resume() : self.pause(); });
    list.appendChild(row);
    return row;
  };

  Upload.prototype.status = function (text, state) {
    var el = this.row.querySelector(".tus-status");
    el.textContent = text;
    this.row.setAttribute("data-state", state || "");
  };

  Upload.prototype.show = function (sent, speed) {
    var percent = this.file.size ? Math.floor((sent * 100) / this.file.size) : 100;
    this.row.querySelector("progress").value = percent;
    this.row.querySelector(".tus-percent").textContent = percent + "%";
    this.row.querySelector(".tus-speed").textContent = speed ? human(speed) + "/s" : "";
  };

  Upload.prototype.pause = function () {
    this.paused = true;
    this.button.textContent = "Resume";
    if (this.xhr) { this.xhr.abort(); }
    this.status("paused", "paused");
  };

  Upload.prototype.resume = function () {
    this.paused = false;
    this.button.textContent = "Pause";
    this.start();
  };

  // Where the server says this upload stands; false when it no longer knows it.
  Upload.prototype.locate = async function () {
    if (!this.url) { return false; }
    var xhr = await send("HEAD", this.url, {}, undefined, null, this);
    if (xhr.status === 200) {
      this.offset = Number(xhr.getResponseHeader("Upload-Offset"));
      this.job = xhr.getResponseHeader("ShadowVault-Ingest-Job");
      return true;
    }
    if (xhr.status === 404 || xhr.status === 410) {
      localStorage.removeItem(this.key);
      this.url = null;
      return false;
    }
    throw xhr;
  };

  Upload.prototype.create = async function () {
    var publish = document.querySelector("input[name=publish]");
    var metadata = "filename " + utf8Base64(this.file.name) +
      ",publish " + btoa(publish && !publish.checked ? "0" : "1");
    var xhr = await send("POST", endpoint, {
      "Upload-Length": String(this.file.size), "Upload-Metadata": metadata,
    }, undefined, null, this);
    if (xhr.status !== 201) { throw xhr; }
    this.url = xhr.getResponseHeader("Location");
    this.offset = 0;
    localStorage.setItem(this.key, this.url);
  };

  Upload.prototype.sendChunk = async function () {
    var self = this;
    var start = this.offset;
    var blob = this.file.slice(start, Math.min(start + chunkBytes(), this.file.size));
    var headers = { "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(start) };
    var body = blob;
    if (canHash) {
      body = await blob.arrayBuffer();
      headers["Upload-Checksum"] = "sha1 " + base64(await crypto.subtle.digest("SHA-1", body));
    }
    var began = performance.now();
    var xhr = await send("PATCH", this.url, headers, body, function (event) {
      var seconds = (performance.now() - began) / 1000;
      self.show(start + event.loaded, seconds > 0.2 ? event.loaded / seconds : self.speed);
    }, this);
    if (xhr.status !== 204) { throw xhr; }
    this.speed = blob.size / Math.max((performance.now() - began) / 1000, 0.001);
    this.offset = Number(xhr.getResponseHeader("Upload-Offset"));
    this.job = xhr.getResponseHeader("ShadowVault-Ingest-Job");
  };

  Upload.prototype.start = async function () {
    if (this.running) { return; }
    this.running = true;
    var retries = 0;
    this.status(canHash ? "" : "no checksums: this page is not on HTTPS", "uploading");
    while (!this.paused) {
      try {
        if (!(await this.locate())) { await this.create(); }
        this.show(this.offset);
        while (!this.paused && this.offset < this.file.size) {
          this.status("uploading", "uploading");
          await this.sendChunk();
          retries = 0;
        }
        break;
      } catch (failed) {
        if (this.paused) { break; }
        var status = failed && failed.status !== undefined ? failed.status : 0;
        if (RETRYABLE.indexOf(status) < 0 || retries >= RETRY_DELAYS.length) {
          this.fail(failed);
          break;
        }
        this.status("connection lost, trying again…", "retrying");
        await sleep(RETRY_DELAYS[retries++]);
      }
    }
    this.running = false;
    if (!this.paused && this.offset === this.file.size && this.url) { this.done(); }
  };

  Upload.prototype.done = function () {
    localStorage.removeItem(this.key);
    this.show(this.file.size);
    this.button.hidden = true;
    this.status("", "done");
    var el = this.row.querySelector(".tus-status");
    el.textContent = "uploaded: ";
    var link = document.createElement("a");
    link.href = jobsUrl + (this.job ? this.job + "/change/" : "");
    link.textContent = this.job ? "ingest job #" + this.job : "ingest jobs";
    el.appendChild(link);
  };

  Upload.prototype.fail = function (failed) {
    var text = failed && failed.responseText ? failed.responseText.trim() : String(failed);
    this.paused = true;
    this.button.textContent = "Retry";
    this.status("failed: " + (text || "no answer from the server"), "failed");
  };

  input.addEventListener("change", function () {
    Array.prototype.forEach.call(input.files, function (file) { new Upload(file).start(); });
    input.value = "";
  });
})();
