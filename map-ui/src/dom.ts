type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

/**
 * Makes an element: `h("button", { type: "button", onclick: f }, "Play")`.
 * Text goes in as text nodes, never as HTML, so names from the API cannot inject markup.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

/** A definition list of statistics: [term, value] pairs. */
export function statList(rows: Array<[string, string]>, attrs: Attrs = {}): HTMLDListElement {
  return h("dl", { class: "stats", ...attrs }, ...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

/** replaceChildren that skips null, undefined and false. */
export function setChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}
