// The short card between chapters: "End of Ch. 12 — Next: Ch. 13", with a button that reads
// on, or, after the last chapter, a way back to the series.

export function endCard(manifest, onContinue) {
  const card = document.createElement("div");
  card.className = "reader-end";
  const eyebrow = document.createElement("p");
  eyebrow.className = "eyebrow";
  eyebrow.textContent = `End of ${manifest.chapter.label}`;
  const heading = document.createElement("h2");
  card.append(eyebrow, heading);
  if (manifest.next) {
    heading.textContent = `Next: ${manifest.next.label}`;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.dataset.action = "continue";
    button.textContent = "Continue reading";
    button.addEventListener("click", (event) => {
      event.stopPropagation();
      onContinue();
    });
    card.append(button);
  } else {
    heading.textContent = "That is the latest chapter.";
    const back = document.createElement("a");
    back.className = "button button-ghost";
    back.href = manifest.series.url;
    back.textContent = `Back to ${manifest.series.title}`;
    card.append(back);
  }
  return card;
}
