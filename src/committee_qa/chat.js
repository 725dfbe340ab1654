// The chat's behaviour for keyboard and screen-reader users; run by Gradio's HTML component
// with `element` (the component) and `watch` (runs after the conversation re-renders).
const announcer = () => element.querySelector(".chat-announcer");
const replies = () => element.querySelectorAll(".chat-reply");
let shown = replies().length;

// A new reply: move focus to its heading, so the next Tab reaches its sources, and read
// its text once through the live region (cleared first, so a repeated reply is heard).
function arrived(reply) {
  const heading = reply.querySelector(".chat-label");
  const text = reply.querySelector(".chat-text");
  const live = announcer();
  live.textContent = "";
  setTimeout(() => {
    live.replaceChildren(...Array.from(text.childNodes, (node) => node.cloneNode(true)));
  }, 150);
  heading.focus({ preventScroll: true });
  heading.scrollIntoView({ block: "start" });
}

watch("value", () => {
  const all = replies();
  if (all.length > shown) {
    arrived(all[all.length - 1]);
  } else if (all.length === 0 && shown > 0) {
    // A new conversation: back to the question box, ready to type.
    document.querySelector("#question textarea")?.focus();
  }
  shown = all.length;
});

// Escape closes the source that holds the focus and leaves the focus on its button.
element.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const source = event.target.closest("details[open]");
  if (!source) return;
  source.open = false;
  source.querySelector("summary").focus();
  event.preventDefault();
});
