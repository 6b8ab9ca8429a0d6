// The watch party's panel under the player (the page's `.watch-party` section, which
// already holds the invite link): the connection line, who is here, "X is buffering", and
// the chat. Every text from other people goes in as textContent, never as HTML.

const CHAT_LINES = 100; // older lines go: a long film's chat would grow the page for ever
const CHAT_MAX = 500; // characters; the server cuts longer lines anyway (parties.room)

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Builds the panel in `section`; `onChat(text)` sends a chat line. */
export function createPartyPanel(section, { onChat }) {
  const status = element("p", "muted party-status", "Connecting to the party…");
  status.setAttribute("role", "status");
  const membersHeading = element("h3", "party-members-heading", "Watching");
  const members = element("ul", "party-members");
  const buffering = element("p", "muted party-buffering");
  buffering.setAttribute("aria-live", "polite");
  const log = element("ol", "party-chat-log");
  log.setAttribute("aria-label", "Party chat");
  log.setAttribute("aria-live", "polite");
  // A list that scrolls inside itself, so the page does not grow with the chat.
  Object.assign(log.style, { maxHeight: "12rem", overflowY: "auto", listStyle: "none", padding: "0" });

  const form = element("form", "party-chat-form");
  const field = element("div", "field");
  const label = element("label", "", "Chat");
  label.htmlFor = "party-chat-text";
  const input = element("input");
  Object.assign(input, { id: "party-chat-text", type: "text", maxLength: CHAT_MAX, autocomplete: "off" });
  const send = element("button", "button button-small", "Send");
  send.type = "submit";
  field.append(label, input);
  form.append(field, send);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text && onChat(text)) input.value = "";
  });
  section.append(status, membersHeading, members, buffering, log, form);

  return {
    status(text) {
      status.textContent = text;
    },
    /** `list`: the members' names. */
    members(list) {
      members.replaceChildren(...list.map((name) => element("li", "", name)));
    },
    buffering(text) {
      buffering.textContent = text;
    },
    chat(name, text) {
      const line = element("li", "party-chat-line");
      line.append(element("strong", "", `${name}: `), document.createTextNode(text));
      log.append(line);
      while (log.children.length > CHAT_LINES) log.firstElementChild.remove();
      log.scrollTop = log.scrollHeight;
    },
    note(text) {
      const line = element("li", "muted party-chat-note", text);
      log.append(line);
      log.scrollTop = log.scrollHeight;
    },
  };
}
