// Search-box suggestions as you type: titles of this site, and what its other search sources
// find (manga, with a badge). Enter on a suggestion opens it; otherwise the form submits to
// the search page as it does without JavaScript.
(() => {
  "use strict";

  const DEBOUNCE_MS = 150;
  const MIN_CHARS = 2;
  const SHOWN = 8;

  function setup(form) {
    if (form.dataset.typeaheadReady) return;
    form.dataset.typeaheadReady = "1";
    const input = form.querySelector('input[role="combobox"]');
    const list = document.getElementById(input.getAttribute("aria-controls"));
    let timer = null;
    let controller = null;
    let options = [];
    let active = -1;

    function close() {
      list.hidden = true;
      list.replaceChildren();
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      options = [];
      active = -1;
    }

    function titleUrl(slug) {
      return form.dataset.titleUrl.replace("__slug__", encodeURIComponent(slug));
    }

    function render(results) {
      list.replaceChildren();
      options = results.slice(0, SHOWN).map((result, index) => {
        const option = document.createElement("li");
        option.id = `${list.id}-${index}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        const link = document.createElement("a");
        link.href = result.url || titleUrl(result.slug);
        link.tabIndex = -1;
        link.textContent = result.title;
        if (result.year) {
          const year = document.createElement("span");
          year.className = "muted";
          year.textContent = ` ${result.year}`;
          link.append(year);
        }
        if (result.badge) {
          // Another kind than films and series ("Manga"), from a search source.
          const badge = document.createElement("span");
          badge.className = "kind-badge";
          badge.textContent = result.badge;
          link.append(badge);
        }
        option.append(link);
        list.append(option);
        return option;
      });
      if (!options.length) {
        const empty = document.createElement("li");
        empty.className = "suggestions-empty";
        empty.setAttribute("role", "presentation");
        empty.textContent = "Nothing starts like that. Press Enter to search everything.";
        list.append(empty);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function highlight(index) {
      options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    async function suggest(query) {
      if (controller) controller.abort();
      controller = new AbortController();
      const url = `${form.dataset.suggestUrl}?q=${encodeURIComponent(query)}`;
      try {
        const response = await fetch(url, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          signal: controller.signal,
        });
        if (!response.ok) return close();
        const data = await response.json();
        if (input.value.trim() === query) render(data.results || []);
      } catch (error) {
        if (error.name !== "AbortError") close(); // offline: the form still submits
      }
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      const query = input.value.trim();
      if (query.length < MIN_CHARS) return close();
      timer = setTimeout(() => suggest(query), DEBOUNCE_MS);
    });

    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        if (!list.hidden) event.preventDefault();
        close();
      } else if (event.key === "ArrowDown" && options.length) {
        event.preventDefault();
        highlight((active + 1) % options.length);
      } else if (event.key === "ArrowUp" && options.length) {
        event.preventDefault();
        highlight(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.assign(options[active].querySelector("a").href);
      }
    });

    // Keep focus in the box while a suggestion is clicked, then let the link navigate.
    list.addEventListener("mousedown", (event) => event.preventDefault());
    input.addEventListener("blur", close);
  }

  function setupAll() {
    document.querySelectorAll("form.search-form[data-suggest-url]").forEach(setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setupAll);
  else setupAll();
})();
