// Sorts and filters the report's tables in the page itself: a click on a column's header sorts
// by it (again: the other way), the controls above a table hide the rows they do not match.
// Every value compared is the cell's data-v; the columns and controls come from the page, so a
// new column (a question's domain) needs no change here.
(function () {
  "use strict";
  for (const bar of document.querySelectorAll(".filters[data-for]")) {
    const table = document.getElementById(bar.dataset.for);
    if (!table || !table.tHead || !table.tBodies.length) continue;
    const heads = Array.from(table.tHead.rows[0].cells);
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    const first = new Map(rows.map((r, i) => [r, i]));
    const count = bar.querySelector(".count");
    const column = (key) => heads.findIndex((h) => h.dataset.key === key);
    const value = (row, i) => (row.cells[i] && row.cells[i].dataset.v) || "";
    const matches = (row, control) => {
      const want = control.value.trim();
      const i = column(control.dataset.key);
      if (want === "" || i < 0) return true;
      const v = value(row, i);
      switch (control.dataset.filter) {
        case "contains":
          return v.toLowerCase().includes(want.toLowerCase());
        case "choice":
          return v === want;
        case "min":
          return Number(v) >= Number(want);
        case "max":
          return Number(v) <= Number(want);
        default:
          return true;
      }
    };
    const apply = () => {
      const controls = Array.from(bar.querySelectorAll("[data-filter]"));
      let shown = 0;
      for (const row of rows) {
        row.hidden = !controls.every((c) => matches(row, c));
        if (!row.hidden) shown += 1;
      }
      if (count) count.textContent = shown + " of " + rows.length + " shown";
    };
    const sortBy = (head) => {
      const i = heads.indexOf(head);
      const dir = head.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      for (const h of heads) if (h.dataset.sort) h.setAttribute("aria-sort", "none");
      head.setAttribute("aria-sort", dir);
      const sign = dir === "ascending" ? 1 : -1;
      const numeric = head.dataset.sort === "num";
      const sorted = rows.slice().sort((a, b) => {
        const x = value(a, i);
        const y = value(b, i);
        const c = numeric ? Number(x) - Number(y) : x.localeCompare(y, undefined, { numeric: true });
        return sign * c || first.get(a) - first.get(b);
      });
      for (const row of sorted) body.appendChild(row);
    };
    for (const head of heads) {
      const button = head.querySelector("button");
      if (button) button.addEventListener("click", () => sortBy(head));
    }
    bar.addEventListener("input", apply);
    bar.addEventListener("change", apply);
    apply();
  }
})();
