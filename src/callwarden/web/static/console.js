// callwarden console: small progressive enhancements; every page works without this file.
"use strict";

// Times are written in UTC by the server; show them in the viewer's zone, UTC on hover.
function localiseTimes(root) {
  const format = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    timeZoneName: "short",
  });
  root.querySelectorAll("time[datetime]:not([data-local])").forEach((node) => {
    const moment = new Date(node.getAttribute("datetime"));
    if (!Number.isNaN(moment.getTime())) {
      node.textContent = format.format(moment);
      node.dataset.local = "1";
    }
  });
}

// Tables marked `sortable` sort by a column when its header button is pressed.
function sortKey(cell) {
  const time = cell.querySelector("time[datetime]");
  if (time) return time.getAttribute("datetime");
  const raw = cell.dataset.sort ?? cell.textContent.trim();
  const number = Number(raw.replace(/,/g, ""));
  return raw !== "" && !Number.isNaN(number) ? number : raw.toLowerCase();
}

function makeSortable(root) {
  root.querySelectorAll("table.sortable:not([data-sortable])").forEach((table) => {
    table.dataset.sortable = "1";
    const headers = table.querySelectorAll("thead th");
    headers.forEach((th, index) => {
      if (th.dataset.nosort !== undefined) return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      button.title = "Sort by " + th.textContent.trim();
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach((other) => other.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        rows.sort((a, b) => {
          const x = sortKey(a.cells[index]);
          const y = sortKey(b.cells[index]);
          return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
        });
        rows.forEach((row) => body.appendChild(row));
      });
    });
  });
}

function enhance(root) {
  localiseTimes(root);
  makeSortable(root);
}

document.addEventListener("DOMContentLoaded", () => enhance(document));
// After htmx swaps in a new page of results (filters and paging update the table in place).
document.addEventListener("htmx:afterSettle", () => enhance(document));

// The navigation bar's menus: one open at a time, closed by a click elsewhere or Escape.
function closeMenus(except) {
  document.querySelectorAll(".bar nav details[open]").forEach((menu) => {
    if (menu !== except) menu.removeAttribute("open");
  });
}

document.addEventListener("click", (event) => {
  closeMenus(event.target instanceof Element ? event.target.closest(".bar nav details") : null);
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") closeMenus(null);
});
