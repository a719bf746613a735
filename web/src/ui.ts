// Small DOM helpers: elements, tables, numbers in words a reader can take in at a glance.

type Child = Node | string | number | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') e.className = String(v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} is missing from the page`);
  return e as T;
}

export function fill(target: HTMLElement, ...children: Child[]): void {
  target.replaceChildren();
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    target.append(c instanceof Node ? c : String(c));
  }
}

export interface Column<R> {
  head: string;
  cell: (r: R) => Child;
  numeric?: boolean;
  mark?: (r: R) => boolean; // highlighted (e.g. differs from the reference row)
}

export function table<R>(caption: string, columns: Column<R>[], rows: R[], rowAttrs?: (r: R) => Record<string, string>): HTMLTableElement {
  // Focusable: a table wider than the screen scrolls sideways, by keyboard too.
  const t = el('table', { tabindex: '0' }, el('caption', {}, caption));
  const head = el('tr');
  for (const c of columns) head.append(el('th', { scope: 'col', class: c.numeric ? 'num' : undefined }, c.head));
  t.append(el('thead', {}, head));
  const body = el('tbody');
  for (const r of rows) {
    const tr = el('tr', rowAttrs ? rowAttrs(r) : {});
    columns.forEach((c, i) => {
      const marked = c.mark?.(r) ?? false;
      const cell = el(i === 0 ? 'th' : 'td', {
        scope: i === 0 ? 'row' : undefined,
        class: [c.numeric ? 'num' : '', marked ? 'differs' : ''].filter(Boolean).join(' ') || undefined,
      });
      const v = c.cell(r);
      if (v !== null && v !== undefined && v !== false) cell.append(v instanceof Node ? v : String(v));
      if (marked) cell.append(el('span', { class: 'visually-hidden' }, ' (differs)'));
      tr.append(cell);
    });
    body.append(tr);
  }
  t.append(body);
  return t;
}

const intFmt = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
export const int = (n: number | undefined | null) => (n === undefined || n === null || !Number.isFinite(n) ? '—' : intFmt.format(n));
export const pct = (x: number | undefined | null) => (x === undefined || x === null || !Number.isFinite(x) ? '—' : `${Math.round(x * 100)} %`);
export const days = (x: number | undefined | null) =>
  x === undefined || x === null || !Number.isFinite(x) ? '—' : x >= 100 ? `${Math.round(x)} days` : `${x.toFixed(1)} days`;

// "1.9 bn", "232 m", "4,600": large quantities in a width a table can hold.
export function short(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(a >= 1e10 ? 0 : 1)} bn`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(a >= 1e7 ? 0 : 1)} m`;
  return int(n);
}

// A source is a link when it is one; several are separated by " | " in the scenario's files.
export function sourceLinks(source: string): Node {
  const span = el('span', { class: 'sources' });
  source
    .split(/\s*\|\s*/)
    .filter(Boolean)
    .forEach((s, i) => {
      if (i > 0) span.append(' · ');
      if (/^https?:\/\//.test(s)) {
        let host = s;
        try {
          host = new URL(s).hostname.replace(/^www\./, '');
        } catch {
          /* shown as is */
        }
        span.append(el('a', { href: s, target: '_blank', rel: 'noopener noreferrer' }, host));
      } else {
        span.append(s);
      }
    });
  return span;
}

export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function errorBox(e: unknown): HTMLElement {
  const msg = e instanceof Error ? e.message : String(e);
  return el('p', { class: 'error', role: 'alert' }, msg);
}
