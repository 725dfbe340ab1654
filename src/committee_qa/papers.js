// The Papers tab's sorting and searching, in the browser: every row the reader may see is in
// the page already. Run by Gradio's HTML component with `element` (the component).
const NUMERIC = new Set(["pages", "passages", "access"]);

function compare(a, b, numeric) {
  if (a === b) return 0;
  if (a === "") return 1;  // unknown values last, whichever way the list is sorted
  if (b === "") return -1;
  return numeric ? Number(a) - Number(b) : a.localeCompare(b, "en", { sensitivity: "base" });
}

function apply() {
  const search = element.querySelector("#papers-search");
  const sort = element.querySelector("#papers-sort");
  const body = element.querySelector(".papers-table tbody");
  if (!search || !sort || !body) return;
  const [key, order] = sort.value.split("-");
  const flip = order === "desc" ? -1 : 1;
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const x = a.dataset[key], y = b.dataset[key];
    if (x === "" || y === "") return compare(x, y, NUMERIC.has(key));
    return flip * compare(x, y, NUMERIC.has(key)) || compare(a.dataset.title, b.dataset.title);
  });
  const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const row of rows) {
    body.appendChild(row);
    const text = row.textContent.toLowerCase();
    row.hidden = !words.every((word) => text.includes(word));
    shown += row.hidden ? 0 : 1;
  }
  for (const th of element.querySelectorAll(".papers-table th[data-key]")) {
    if (th.dataset.key === key) th.setAttribute("aria-sort", flip < 0 ? "descending" : "ascending");
    else th.removeAttribute("aria-sort");
  }
  const noun = rows.length === 1 ? "paper" : "papers";
  element.querySelector("#papers-shown").textContent = `${shown} of ${rows.length} ${noun} shown`;
}

element.addEventListener("input", (event) => {
  if (event.target.id === "papers-search") apply();
});
element.addEventListener("change", (event) => {
  if (event.target.id === "papers-sort") apply();
});
