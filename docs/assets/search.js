// The archive's search page: Pagefind with facets, the query and filters kept in the address
// so that results can be bookmarked and shared. No third-party code: only Pagefind's own files.

const siteRoot = new URL("../", import.meta.url);
const FACETS = [
  ["theme", "Theme"], ["area", "Area"], ["region", "Region"],
  ["year", "Year"], ["kind", "Kind"], ["programme", "Programme"],
];
// Six at first keeps a first search under 300 KB at 10,000 stories (each result costs one
// fragment fetch, about 2.6 KB); "Show more results" adds six at a time.
const PAGE = 6;

const form = document.getElementById("voices-search-form");
const input = document.getElementById("voices-search-input");
const status = document.getElementById("voices-search-status");
const filtersBox = document.getElementById("voices-search-filters");
const list = document.getElementById("voices-search-results");
const more = document.getElementById("voices-search-more");
const order = document.getElementById("voices-search-sort");

// Mirrors voices/search.py normalise_query: the index also holds each word without its
// apostrophe, so "Canvey’s", "Canvey's" and "Canveys" all find the same pages.
const normalise = (query) => query.replace(/['’‘ʼ]/g, "");

let pagefind;
let allFacets = null;
let current = [];
let shown = 0;
let generation = 0;

function readAddress() {
  const params = new URLSearchParams(location.search);
  const chosen = {};
  for (const [key] of FACETS) {
    const values = params.getAll(key);
    if (values.length) chosen[key] = values;
  }
  return { query: params.get("q") || "", chosen, sort: params.get("sort") || "" };
}

function writeAddress(query, chosen) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  if (order.value) params.set("sort", order.value);
  for (const [key] of FACETS) for (const value of chosen[key] || []) params.append(key, value);
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

function chosenFilters() {
  const chosen = {};
  for (const box of filtersBox.querySelectorAll("input[type=checkbox]:checked")) {
    (chosen[box.name] ||= []).push(box.value);
  }
  return chosen;
}

async function run() {
  if (!pagefind) return; // start() runs the search once Pagefind has loaded
  const { query, chosen, sort } = readAddress();
  const mine = ++generation;
  const filters = {};
  for (const [key, values] of Object.entries(chosen)) filters[key] = { any: values };
  const hasFilters = Object.keys(filters).length > 0;
  if (!query.trim() && !hasFilters) {
    list.replaceChildren();
    more.hidden = true;
    status.textContent = "Type a word or two, or choose a filter.";
    // Every facet's values, for browsing without a query. Loaded only here: a search
    // returns its own counts, so a visitor who arrives with a query never pays for this.
    allFacets ||= await pagefind.filters();
    if (mine !== generation) return;
    renderFacets(allFacets, chosen);
    return;
  }
  const response = await pagefind.search(query.trim() ? normalise(query) : null,
    { filters, sort: sort === "oldest" ? { date: "asc" } : sort || !query.trim() ? { date: "desc" } : undefined });
  if (mine !== generation) return; // a newer search has started
  current = response.results;
  shown = 0;
  list.replaceChildren();
  const count = current.length;
  const about = query.trim() ? ` for “${query.trim()}”` : "";
  status.textContent = count === 0
    ? `No results${about}. Try fewer words, or remove a filter.`
    : `${count} result${count === 1 ? "" : "s"}${about}.`;
  renderFacets(response.filters, chosen);
  await showMore();
}

async function showMore() {
  const batch = current.slice(shown, shown + PAGE);
  shown += batch.length;
  const mine = generation;
  const data = await Promise.all(batch.map((result) => result.data()));
  if (mine !== generation) return;
  for (const item of data) list.append(resultItem(item));
  more.hidden = shown >= current.length;
}

function resultItem(item) {
  const li = document.createElement("li");
  li.className = "voices-search__result";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = item.url;
  link.textContent = item.meta.title || item.url;
  heading.append(link);
  const meta = document.createElement("p");
  meta.className = "voices-search__meta";
  meta.textContent = [item.meta.date, item.meta.area].filter(Boolean).join(" · ");
  const excerpt = document.createElement("p");
  excerpt.className = "voices-search__excerpt";
  excerpt.innerHTML = item.excerpt; // Pagefind escapes the page text and adds only <mark>
  li.append(heading, meta, excerpt);
  return li;
}

function renderFacets(counts, chosen) {
  const fragment = document.createDocumentFragment();
  for (const [key, label] of FACETS) {
    const values = Object.entries(counts[key] || {})
      .filter(([value, count]) => count > 0 || (chosen[key] || []).includes(value));
    if (!values.length) continue;
    values.sort(key === "year" ? (a, b) => b[0].localeCompare(a[0]) : (a, b) => a[0].localeCompare(b[0]));
    const fieldset = document.createElement("fieldset");
    fieldset.className = "voices-search__facet";
    const legend = document.createElement("legend");
    legend.textContent = label;
    fieldset.append(legend);
    values.forEach(([value, count], index) => {
      const id = `facet-${key}-${index}`;
      const box = document.createElement("input");
      Object.assign(box, { type: "checkbox", id, name: key, value });
      box.checked = (chosen[key] || []).includes(value);
      const text = document.createElement("label");
      text.htmlFor = id;
      text.textContent = `${value} (${count})`;
      const row = document.createElement("div");
      row.append(box, text);
      fieldset.append(row);
    });
    fragment.append(fieldset);
  }
  const focused = document.activeElement && document.activeElement.id;
  filtersBox.replaceChildren(fragment);
  if (focused && focused.startsWith("facet-")) document.getElementById(focused)?.focus();
}

let timer;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => { writeAddress(input.value, readAddress().chosen); run(); }, 250);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer);
  writeAddress(input.value, readAddress().chosen);
  run();
});
filtersBox.addEventListener("change", () => {
  writeAddress(input.value, chosenFilters());
  run();
});
more.addEventListener("click", () => showMore());
order.addEventListener("change", () => { writeAddress(input.value, readAddress().chosen); run(); });
window.addEventListener("popstate", () => { input.value = readAddress().query; run(); });

async function start() {
  try {
    pagefind = await import(new URL("pagefind/pagefind.js", siteRoot).href);
    // Pagefind 1.4 searches on the page's own thread (no worker script to fetch); it warns
    // about options it does not know, so pass none other.
    await pagefind.options({ baseUrl: siteRoot.pathname });
  } catch (error) {
    status.textContent = "Search is not available in this copy of the archive (its index was not built). "
      + "Browse by area, theme or year instead.";
    return;
  }
  if (!input.value) input.value = readAddress().query; // keep what was typed while loading
  order.value = readAddress().sort;
  run();
}
start();
