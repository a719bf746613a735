// Charts over the run's days with uPlot. Scales are chosen for what the reader must tell apart:
// capacity and kilocalories use an asinh scale (linear near zero, logarithmic beyond), so 0, 120
// and 10,000 trucks a day are all readable on one axis; a line marks the day on the slider.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Line {
  label: string;
  values: (number | null)[];
  colour: string;
  dash?: number[];
  width?: number;
  step?: boolean;
}

export interface DayChart {
  setDay(i: number): void;
  destroy(): void;
}

const toX = (d: string) => Date.parse(`${d}T00:00:00Z`) / 1000;

export function dayChart(
  container: HTMLElement,
  title: string,
  dates: string[],
  lines: Line[],
  opts: { scale?: 'linear' | 'asinh'; unit?: string; height?: number } = {},
): DayChart {
  container.replaceChildren();
  let day = -1;
  const xs = dates.map(toX);
  const marker: uPlot.Plugin = {
    hooks: {
      draw: (u: uPlot) => {
        if (day < 0 || day >= xs.length) return;
        const x = Math.round(u.valToPos(xs[day], 'x', true));
        const c = u.ctx;
        c.save();
        c.strokeStyle = '#222';
        c.lineWidth = 1.5 * devicePixelRatio;
        c.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
        c.beginPath();
        c.moveTo(x, u.bbox.top);
        c.lineTo(x, u.bbox.top + u.bbox.height);
        c.stroke();
        c.restore();
      },
    },
  };
  const fmt = new Intl.NumberFormat('en-GB', { notation: 'compact', maximumFractionDigits: 1 });
  const width = () => Math.max(280, container.clientWidth || 600);
  const u = new uPlot(
    {
      title,
      width: width(),
      height: opts.height ?? 220,
      plugins: [marker],
      scales: {
        x: { time: true },
        y: opts.scale === 'asinh' ? { distr: 4, asinh: 1 } : { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] },
      },
      axes: [
        {},
        {
          label: opts.unit,
          size: 60,
          values: (_u, vals) => vals.map((v) => (v == null ? '' : fmt.format(v))),
        },
      ],
      series: [
        { label: 'day', value: (_u, v) => (v == null ? '' : new Date(v * 1000).toISOString().slice(0, 10)) },
        ...lines.map(
          (l): uPlot.Series => ({
            label: l.label,
            stroke: l.colour,
            width: l.width ?? 2,
            dash: l.dash,
            paths: l.step ? uPlot.paths.stepped!({ align: 1 }) : undefined,
            value: (_u, v) => (v == null ? '—' : fmt.format(v)),
          }),
        ),
      ],
      legend: { live: true },
    },
    [xs, ...lines.map((l) => l.values)] as uPlot.AlignedData,
    container,
  );
  const ro = new ResizeObserver(() => u.setSize({ width: width(), height: opts.height ?? 220 }));
  ro.observe(container);
  return {
    setDay(i: number) {
      day = i;
      u.redraw(false, false);
    },
    destroy() {
      ro.disconnect();
      u.destroy();
    },
  };
}

// A tiny chart for small multiples: one series, its own y range shared across the set (max).
export function sparkline(values: number[], max: number, colour: string, day: number, label: string): SVGSVGElement {
  const w = 160;
  const h = 40;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('width', String(w));
  svg.setAttribute('height', String(h));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const n = values.length;
  const y = (v: number) => h - 2 - (max > 0 ? (v / max) * (h - 4) : 0);
  let d = '';
  values.forEach((v, i) => {
    const x = n > 1 ? (i / (n - 1)) * w : 0;
    d += `${i ? 'L' : 'M'}${x.toFixed(1)},${y(v).toFixed(1)}`;
  });
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', colour);
  path.setAttribute('stroke-width', '1.5');
  svg.append(path);
  if (day >= 0 && n > 1) {
    const line = document.createElementNS(ns, 'line');
    const x = (day / (n - 1)) * w;
    line.setAttribute('x1', String(x));
    line.setAttribute('x2', String(x));
    line.setAttribute('y1', '0');
    line.setAttribute('y2', String(h));
    line.setAttribute('stroke', '#222');
    line.setAttribute('stroke-dasharray', '2 2');
    svg.append(line);
  }
  return svg;
}
