// Place and checkpoint labels with collision handling, as HTML over the map: each label tries four
// positions around its point (right, left, above, below) in order of importance (checkpoints,
// sources, then by population); a label that fits nowhere without covering another label or point
// waits for the reader to zoom in. The count of waiting labels is shown.
import type maplibregl from 'maplibre-gl';

export interface LabelItem {
  id: string;
  text: string;
  lngLat: [number, number];
  priority: number;
  radius: number;
  cls: string;
  short?: string; // tried when the whole text fits nowhere (a narrow screen)
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

const FONT = '600 12px system-ui, sans-serif';
const H = 16;
let ctx: CanvasRenderingContext2D | null = null;
const widths = new Map<string, number>();
function width(text: string): number {
  let w = widths.get(text);
  if (w === undefined) {
    ctx ??= document.createElement('canvas').getContext('2d');
    if (ctx) ctx.font = FONT;
    w = Math.ceil((ctx?.measureText(text).width ?? text.length * 7) + 8);
    widths.set(text, w);
  }
  return w;
}

export function layoutLabels(map: maplibregl.Map, layer: HTMLElement, items: LabelItem[]): { placed: number; waiting: number } {
  const W = layer.clientWidth;
  const Hh = layer.clientHeight;
  const points = items.map((it) => ({ it, p: map.project(it.lngLat) }));
  const obstacles: Box[] = points.map(({ it, p }) => ({ x: p.x - it.radius, y: p.y - it.radius, w: 2 * it.radius, h: 2 * it.radius }));
  const placed: Box[] = [];
  const seen = new Set<string>();
  let waiting = 0;
  const sorted = [...points].sort((a, b) => b.it.priority - a.it.priority);
  for (const { it, p } of sorted) {
    seen.add(it.id);
    let div = layer.querySelector<HTMLDivElement>(`div[data-id="${CSS.escape(it.id)}"]`);
    if (!div) {
      div = document.createElement('div');
      div.dataset.id = it.id;
      layer.append(div);
    }
    div.className = `label ${it.cls}`;
    const r = it.radius + 2;
    const around = (w: number): Box[] => [
      { x: p.x + r, y: p.y - H / 2, w, h: H },
      { x: p.x - r - w, y: p.y - H / 2, w, h: H },
      { x: p.x - w / 2, y: p.y - r - H, w, h: H },
      { x: p.x - w / 2, y: p.y + r, w, h: H },
    ];
    const inside = p.x >= 0 && p.y >= 0 && p.x <= W && p.y <= Hh;
    const fits = (c: Box, strict: boolean) =>
      c.x >= 0 &&
      c.y >= 0 &&
      c.x + c.w <= W &&
      c.y + c.h <= Hh &&
      !placed.some((b) => overlaps(b, c)) &&
      (!strict || !obstacles.some((o, i) => points[i].it.id !== it.id && overlaps(o, c)));
    // The most important labels (checkpoints) may cover a point, or shorten, rather than go unlabelled.
    const texts = it.short ? [it.text, it.short] : [it.text];
    let spot: Box | undefined;
    let text = it.text;
    for (const t of inside ? texts : []) {
      const candidates = around(width(t));
      spot = candidates.find((c) => fits(c, true)) ?? (it.priority >= 1e9 ? candidates.find((c) => fits(c, false)) : undefined);
      text = t;
      if (spot) break;
    }
    if (div.textContent !== text) div.textContent = text;
    if (spot) {
      placed.push(spot);
      div.style.transform = `translate(${Math.round(spot.x)}px, ${Math.round(spot.y)}px)`;
      div.hidden = false;
      div.dataset.placed = '1';
    } else {
      div.hidden = true;
      div.dataset.placed = '0';
      if (inside) waiting++;
    }
  }
  for (const div of Array.from(layer.querySelectorAll<HTMLDivElement>('div.label'))) {
    if (!seen.has(div.dataset.id ?? '')) div.remove();
  }
  return { placed: placed.length, waiting };
}
