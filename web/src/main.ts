// corridor's dashboard: one page over the HTTP API (docs/http.md, docs/dashboard.md). The slider's
// day drives every view; each figure is what the API says for that day and that trusted party.
import './style.css';
import type maplibregl from 'maplibre-gl';
import { ApiError, get, hasToken, query, setToken } from './api';
import type { ClaimJson, CompareRow, ConvoyJson, DayGeo, Me, ScenarioInfo, Series } from './api';
import { dayChart, sparkline } from './charts';
import { layoutLabels } from './labels';
import type { LabelItem } from './labels';
import { createMap, fit, placeRadius, setDay, setNetwork, setRoute, STATUS_COLOUR, CONTESTED, ROUTE } from './map';
import { byId, days, el, errorBox, fill, int, pct, short, sourceLinks, table } from './ui';
import { renderPipeline, showHistory } from './consignments';
import { state } from './state';
import type { Closure } from './state';



let map: maplibregl.Map;

const mode = () => (document.querySelector<HTMLInputElement>('input[name=mode]:checked')?.value ?? 'inspect') as 'inspect' | 'route' | 'whatif';
const date = () => state.dates[state.dayIdx] ?? '';
const scPath = () => `/v1/scenarios/${encodeURIComponent(state.sc!.id)}`;

// ---- names: parties, roads, checkpoints and places by name, never by id -------------------------

function partyName(id: string): string {
  if (id === 'operator') return "each road's operator";
  if (id === 'baseline') return "the scenario's baseline (no claim in force)";
  if (id === 'what-if') return 'your what-if';
  const d = state.sc?.parties[id];
  return d ? d.split(' (')[0] : id;
}

function partyLabel(id: string): HTMLElement {
  return el('span', { class: 'party', title: state.sc?.parties[id] ?? id }, partyName(id));
}

function featureName(id: string): string {
  const f = state.byId.get(id);
  if (!f) return id;
  const p = f.properties!;
  if (p.kind === 'road' || p.kind === 'checkpoint') return String(p.name || id);
  return placeName(p);
}

// A place's name in each of the scenario's name columns, in their order (empty where a column has
// none); the reader's chosen column, else the display name.
function columnNames(p: GeoJSON.GeoJsonProperties): string[] {
  return parseList(p?.names_by_column ?? p?.names ?? []);
}

function placeName(p: GeoJSON.GeoJsonProperties): string {
  return columnNames(p)[state.nameIdx] || String(p?.name ?? p?.id ?? '');
}

// Reasons come from the engine with ids in them; the reader gets names.
function named(text: string): string {
  let out = text;
  // Only the ids the text can hold: those of the day's roads with a status, and the points.
  const ids = (state.day?.features ?? [])
    .map((f) => String(f.properties?.id ?? ''))
    .filter((id) => id.length > 2 && text.includes(id))
    .sort((a, b) => b.length - a.length);
  for (const id of ids) out = out.split(id).join(featureName(id));
  for (const p of Object.keys(state.sc?.parties ?? {}).sort((a, b) => b.length - a.length)) {
    out = out.replace(new RegExp(`(^|[\\s(,])${p.replace(/[-_]/g, '\\$&')}(?=[\\s),.]|$)`, 'g'), `$1${partyName(p)}`);
  }
  return out;
}

// ---- the page's frame ---------------------------------------------------------------------------

function legend(): void {
  const swatch = (colour: string, dash: string, text: string) =>
    el('li', {}, el('span', { class: `swatch line ${dash}`, style: `--c:${colour}` }), text);
  const dot = (colour: string, text: string) => el('li', {}, el('span', { class: 'swatch dot', style: `--c:${colour}` }), text);
  fill(
    byId('legend'),
    el(
      'ul',
      {},
      swatch(STATUS_COLOUR.open, 'solid', 'open'),
      swatch(STATUS_COLOUR.restricted, 'dashed', 'restricted to named parties'),
      swatch(STATUS_COLOUR.closed, 'dotted', 'closed'),
      swatch(CONTESTED, 'wide', 'contested: the parties’ claims differ'),
      swatch('#000', 'gap', 'bottleneck (minimum cut)'),
      swatch(ROUTE, 'solid', 'route'),
      dot(STATUS_COLOUR.open, 'settlement reachable (size: population)'),
      dot(STATUS_COLOUR.closed, 'settlement cut off'),
      dot(ROUTE, 'supply source'),
      el('li', {}, el('span', { class: 'swatch checkpoint', 'aria-hidden': 'true' }), 'checkpoint (throughput, queue)'),
      el('li', {}, el('span', { class: 'swatch border', 'aria-hidden': 'true' }), 'borders: Natural Earth 1:50m'),
    ),
  );
}

// The day's labels, made once per day and name convention; the map's moves only lay them out again.
type PlaceLabel = LabelItem & { population: number };
const labelCache = { day: null as DayGeo | null, names: -1, items: [] as PlaceLabel[] };

function labelItems(): PlaceLabel[] {
  if (labelCache.day === state.day && labelCache.names === state.nameIdx) return labelCache.items;
  const items: PlaceLabel[] = [];
  const queue = checkpointQueues();
  for (const f of state.day?.features ?? []) {
    const p = f.properties!;
    if (f.geometry.type !== 'Point') continue;
    const c = f.geometry.coordinates as [number, number];
    const pop = Number(p.population ?? 0);
    if (p.kind === 'checkpoint') {
      const q = queue.get(String(p.id)) ?? 0;
      items.push({
        id: `checkpoint:${p.id}`,
        text: `${p.name}: ${p.in_force === false ? 'not yet in force' : `${int(Number(p.capacity_per_day))} trucks/day`}${q ? `, ${q} waiting` : ''}`,
        short: `${p.in_force === false ? 'checkpoint not in force' : `${int(Number(p.capacity_per_day))} trucks/day`}${q ? `, ${q} waiting` : ''}`,
        lngLat: c,
        priority: 1e9,
        radius: 15,
        population: 0,
        cls: 'checkpoint',
      });
    } else {
      items.push({
        id: `${p.kind}:${p.id}`,
        text: placeName(p),
        lngLat: c,
        priority: (p.kind === 'source' ? 5e8 : 0) + pop + (p.kind === 'place' ? 1 : 0),
        radius: 0,
        population: pop,
        cls: `${p.kind}${p.cut_off ? ' cut' : ''}`,
      });
    }
  }
  Object.assign(labelCache, { day: state.day, names: state.nameIdx, items });
  return items;
}

function labels(): void {
  if (!state.day) return;
  const zoom = map.getZoom();
  const items = labelItems().map((it) => (it.cls === 'checkpoint' ? it : { ...it, radius: placeRadius(zoom, it.population) }));
  const r = layoutLabels(map, byId('labels'), items);
  byId('map-wrap').dataset.labelsWaiting = String(r.waiting);
  const note = byId('labels-note');
  note.hidden = r.waiting === 0;
  note.textContent = `${r.waiting} label${r.waiting === 1 ? '' : 's'} hidden where places crowd: zoom in`;
}

// Convoys that wait at a checkpoint today: blocked, on the checkpoint's road.
function checkpointQueues(): Map<string, number> {
  const out = new Map<string, number>();
  if (!state.day) return out;
  for (const f of state.day.features) {
    const p = f.properties!;
    if (p.kind !== 'checkpoint') continue;
    const n = state.day.convoys.filter((c) => !c.moved && c.roads.includes(String(p.road))).length;
    out.set(String(p.id), n);
  }
  return out;
}

function tooltip(e: maplibregl.MapMouseEvent | null, f: GeoJSON.Feature | undefined): void {
  const t = byId('tooltip');
  if (!e || !f) {
    t.hidden = true;
    return;
  }
  const p = f.properties!;
  let lines: string[];
  if (p.kind === 'road' && p.status === undefined) {
    lines = [String(p.name), 'open — no claim about it (the scenario’s baseline)'];
  } else if (p.kind === 'road') {
    const by = String(p.by ?? '');
    lines = [
      String(p.name),
      `${p.status}${p.allowed ? ` to ${parseList(p.allowed).map(partyName).join(', ')}` : ''} — according to ${partyName(by)}${p.since ? ` since ${p.since}` : ''}`,
    ];
    if (p.conflict === true || p.conflict === 'true') lines.push('contested: the parties’ claims differ (see Claims)');
  } else if (p.kind === 'checkpoint') {
    lines = [String(p.name), `operated by ${partyName(String(p.operator))}`, `${int(Number(p.capacity_per_day))} trucks a day (the regime’s figure)`, `${p.status ?? 'open'}`];
  } else {
    lines = [placeName(p), parseList(p.names).join(' · '), Number(p.population) > 0 ? `${int(Number(p.population))} people` : '', p.cut_off ? 'cut off' : ''].filter(Boolean);
  }
  fill(t, ...lines.flatMap((l, i): (Node | string)[] => (i ? [el('br'), l] : [el('strong', {}, l)])));
  t.style.transform = `translate(${e.point.x + 12}px, ${e.point.y + 12}px)`;
  t.hidden = false;
}

function parseList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') {
    try {
      const j = JSON.parse(v);
      return Array.isArray(j) ? j.map(String) : [v];
    } catch {
      return [v];
    }
  }
  return [];
}

// ---- one day ------------------------------------------------------------------------------------

function dayUrl(closures: Closure[], format: 'geojson' | 'json' = 'geojson'): string {
  const c = closures;
  return `${scPath()}/days/${date()}${query({
    format,
    trust: state.trust === 'operator' ? undefined : state.trust,
    close: c.length ? c.map((x) => x.target).join(',') : undefined,
    close_from: c.length ? c[0].from : undefined,
    close_to: c.length ? c[0].to : undefined,
  })}`;
}

async function loadDay(): Promise<void> {
  if (!state.sc) return;
  state.dayRequest?.abort();
  const ctl = new AbortController();
  state.dayRequest = ctl;
  const started = performance.now();
  document.body.dataset.state = 'loading';
  try {
    const [j, base] = await Promise.all([
      get<DayJson>(dayUrl(state.closures, 'json'), ctl.signal),
      state.closures.length ? get<DayJson>(dayUrl([], 'json'), ctl.signal) : Promise.resolve(null),
    ]);
    if (ctl.signal.aborted) return;
    const day = buildDay(j);
    state.day = day;
    state.baseDay = base ? buildDay(base) : null;
    setDay(map, day);
    if (!state.fitted) {
      // Time from navigation to the first frame with the day's layers drawn (bench/).
      map.once('idle', () => {
        document.body.dataset.firstFrameMs ??= String(Math.round(performance.now()));
      });
      fit(map, { type: 'FeatureCollection', features: [...state.roads, ...state.points] });
      state.fitted = true;
    }
    renderDay();
    labels();
    state.charts.forEach((c) => c.setDay(state.dayIdx));
    renderMultiples();
    await new Promise<void>((r) => requestAnimationFrame(() => r()));
    // The map and the day's figures are drawn: the part of a step the reader waits for first.
    document.body.dataset.mapMs = String(Math.round(performance.now() - started));
    await Promise.all([renderClaims(), renderTrustDay()]);
    if (ctl.signal.aborted) return;
    await new Promise<void>((r) => requestAnimationFrame(() => r()));
    state.steps++;
    document.body.dataset.day = day.date;
    document.body.dataset.step = String(state.steps);
    document.body.dataset.stepMs = String(Math.round(performance.now() - started));
    document.body.dataset.state = 'ready';
  } catch (e) {
    if ((e as Error).name === 'AbortError') return;
    document.body.dataset.state = 'error';
    fill(byId('figures'), errorBox(e));
  }
}

// The day's layer from the day's JSON (a few kilobytes, whatever the network's size): the roads
// with a status, a conflict or in the bottleneck, over the network drawn once; places and checkpoints.
interface DayJson extends Omit<DayGeo, 'type' | 'features'> {
  status: Record<string, Record<string, unknown>>;
  cut_off: string[];
  bottleneck: string[];
}

function buildDay(j: DayJson): DayGeo {
  const conflicted = new Set(j.conflicts.map((c) => c.target));
  const neck = new Set(j.bottleneck);
  const cut = new Set(j.cut_off);
  const roads = state.roads
    .filter((f) => {
      const id = String(f.properties!.id);
      return id in j.status || conflicted.has(id) || neck.has(id);
    })
    .map((f): GeoJSON.Feature => {
      const id = String(f.properties!.id);
      return {
        ...f,
        properties: { ...f.properties, status: 'open', by: 'baseline', claims: [], ...j.status[id], conflict: conflicted.has(id), bottleneck: neck.has(id) },
      };
    });
  const points = state.points.map((f): GeoJSON.Feature => {
    const p = f.properties!;
    const id = String(p.id);
    if (p.kind === 'checkpoint') {
      return { ...f, properties: { ...p, ...(j.status[id] ?? {}), in_force: id in j.status, conflict: conflicted.has(id) } };
    }
    return { ...f, properties: { ...p, cut_off: cut.has(id) } };
  });
  const { status: _s, cut_off: _c, bottleneck: _b, ...figures } = j;
  return { ...figures, type: 'FeatureCollection', features: [...roads, ...points] };
}

// The scenario's roads, places and checkpoints, once: their geometry does not change with the day.
async function loadNetwork(): Promise<void> {
  const fc = await get<DayGeo>(`${scPath()}/days/${state.sc!.start}?format=geojson`);
  const fixed = (f: GeoJSON.Feature): GeoJSON.Feature => {
    const { claims: _c, status: _s, by: _b, since: _n, claim: _l, allowed: _a, fallback: _f, conflict: _x, bottleneck: _k, cut_off: _o, in_force: _i, ...p } = f.properties!;
    return { ...f, properties: p };
  };
  state.roads = fc.features.filter((f) => f.properties?.kind === 'road').map(fixed);
  state.points = fc.features.filter((f) => f.properties?.kind !== 'road').map(fixed);
  state.byId = new Map();
  for (const f of [...state.points, ...state.roads]) {
    if (f.properties!.kind !== 'checkpoint' || !state.byId.has(String(f.properties!.id))) state.byId.set(String(f.properties!.id), f);
  }
  for (const f of state.points) if (f.properties!.kind === 'checkpoint') state.byId.set(String(f.properties!.id), f);
  setNetwork(map, { type: 'FeatureCollection', features: state.roads });
}

function renderDay(): void {
  const d = state.day!;
  const sc = state.sc!;
  byId('date').textContent = d.date;
  byId('slider').setAttribute('aria-valuetext', d.date);
  const cp = d.features.filter((f) => f.properties?.kind === 'checkpoint');
  const queues = checkpointQueues();
  const base = state.baseDay;
  const was = (now: number, then: number | undefined) =>
    then === undefined || then === now ? '' : ` (without your what-if: ${int(then)})`;
  const figures: [string, Node | string][] = [
    [
      'People cut off (traffic in general)',
      `${int(d.cut_off_population)} of ${int(sc.area_population)}${was(d.cut_off_population, base?.cut_off_population)}`,
    ],
    ['Capacity, roads open to all', `${int(d.capacity_trucks_per_day)} trucks/day${was(d.capacity_trucks_per_day, base?.capacity_trucks_per_day)}`],
    [
      'Capacity, counting restricted roads',
      `${int(d.capacity_trucks_per_day_with_restricted)} trucks/day${was(d.capacity_trucks_per_day_with_restricted, base?.capacity_trucks_per_day_with_restricted)}`,
    ],
    ...cp.map((f): [string, string] => {
      const p = f.properties!;
      const q = queues.get(String(p.id)) ?? 0;
      return [
        String(p.name),
        p.in_force === false
          ? 'not in force on this day'
          : `${p.status ?? 'open'} (${partyName(String(p.by ?? p.operator))}); ${int(Number(p.capacity_per_day))} trucks/day; ${q} convoy${q === 1 ? '' : 's'} waiting`,
      ];
    }),
    ['Delivered today', `${int(d.delivered_tonnes)} t`],
    ['Stock', `${days(d.supply.days_of_supply)} of need${d.supply.runs_out ? `, runs out ${d.supply.runs_out}` : ''}`],
    ['Statuses as claimed by', partyName(d.trust)],
  ];
  fill(byId('figures'), ...figures.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  const cut = d.features
    .filter((f) => f.properties?.kind === 'place' && f.properties.cut_off)
    .sort((a, b) => Number(b.properties!.population) - Number(a.properties!.population));
  fill(
    byId('cutoff'),
    ...(cut.length
      ? cut.map((f) => el('li', { 'data-id': String(f.properties!.id) }, placeName(f.properties), el('span', { class: 'num' }, int(Number(f.properties!.population)))))
      : [el('li', { class: 'none' }, 'Nobody is cut off on this day.')]),
  );
  fill(byId('convoys'), convoyTable(d.convoys));
  const bar = byId('whatif-bar');
  bar.hidden = !d.what_if;
  if (d.what_if) {
    fill(bar, `What-if: ${d.what_if.close.map(featureName).join(', ')} closed ${d.what_if.from} to ${d.what_if.to}. Figures below include it.`);
  }
}

// One block per convoy, its reasons at full width: in the day's narrow column a table squeezed them
// to a word per line.
function convoyTable(convoys: ConvoyJson[]): Node {
  if (!convoys.length) return el('p', { class: 'none' }, 'No convoy sets out or waits on this day.');
  return el(
    'ul',
    { class: 'convoys' },
    ...convoys.map((c) =>
      el(
        'li',
        { class: c.moved ? 'moved' : 'blocked', 'data-convoy': c.convoy },
        el('strong', {}, c.moved ? 'Moved' : c.waits ? 'Waits' : 'Did not move'),
        `: ${c.convoy}, `,
        partyLabel(c.party),
        `, ${featureName(c.from)} → ${featureName(c.to)}, ${int(c.trucks)} trucks, ${int(c.tonnes)} t`,
        c.reasons.length ? el('ul', { class: 'reasons' }, ...c.reasons.map((r) => el('li', {}, named(r)))) : null,
      ),
    ),
  );
}

// ---- claims -------------------------------------------------------------------------------------

async function renderClaims(): Promise<void> {
  const road = state.selectedRoad;
  const scope = byId('claims-scope');
  try {
    const r = await get<{ claims: ClaimJson[] }>(`${scPath()}/claims${query(road ? { target: road } : { date: date() })}`);
    const conflicted = new Set((state.day?.conflicts ?? []).map((c) => c.target));
    const inForce = (c: ClaimJson) => c.from <= date() && (!c.in_force_until || date() < c.in_force_until);
    scope.textContent = road
      ? `Every claim about ${featureName(road)}; those in force on ${date()} are marked. Click elsewhere on the map for the day’s claims.`
      : `The claims in force on ${date()}. Targets on which they disagree are marked “contested”. Click a road for all its claims.`;
    fill(
      byId('claims'),
      r.claims.length
        ? table(
            road ? `Claims about ${featureName(road)}` : `Claims in force on ${date()}`,
            [
              { head: 'About', cell: (c: ClaimJson) => featureName(c.target ?? ''), mark: (c) => conflicted.has(c.target ?? '') },
              { head: 'Party', cell: (c) => partyLabel(c.party) },
              { head: 'Said by', cell: (c) => c.claimed_by },
              { head: 'Status', cell: (c) => `${c.status}${c.allowed ? ` to ${c.allowed.map(partyName).join(', ')}` : ''}` },
              { head: 'From', cell: (c) => c.from },
              { head: 'In force until', cell: (c) => c.until ?? c.in_force_until ?? 'the party’s next claim (none yet)' },
              { head: 'Source', cell: (c) => sourceLinks(c.source) },
              { head: 'How the statement was mapped', cell: (c) => c.note ?? '' },
              { head: 'Row', cell: (c) => c.origin },
            ],
            r.claims,
            (c) => ({ class: [inForce(c) ? 'in-force' : '', conflicted.has(c.target ?? '') ? 'conflict' : ''].join(' ').trim() }),
          )
        : el('p', { class: 'none' }, road ? 'No party made a claim about this road: it keeps the scenario’s baseline.' : 'No claim is in force on this day.'),
    );
  } catch (e) {
    fill(byId('claims'), errorBox(e));
  }
}

// ---- trust side by side -------------------------------------------------------------------------

// One row per trusted party; a figure that differs from the operators' account is marked.
type Figure = [head: string, key: keyof CompareRow, show: (p: CompareRow) => string];

async function trustTable(box: HTMLElement, path: string, caption: string, figures: Figure[]): Promise<void> {
  try {
    const r = await get<{ parties: CompareRow[] }>(path);
    const ref = r.parties.find((p) => p.trust === 'operator') ?? r.parties[0];
    fill(
      box,
      table(
        caption,
        [
          { head: 'Statuses as claimed by', cell: (p: CompareRow) => partyLabel(p.trust) },
          ...figures.map(([head, key, show]) => ({ head, cell: show, numeric: true, mark: (p: CompareRow) => p !== ref && p[key] !== ref[key] })),
        ],
        r.parties,
        (p) => ({ 'data-trust': p.trust }),
      ),
    );
  } catch (e) {
    fill(box, errorBox(e));
  }
}

function renderTrustDay(): Promise<void> {
  return trustTable(byId('trust-day'), `${scPath()}/compare${query({ date: date() })}`, `On ${date()}, under each party’s claims`, [
    ['People cut off', 'cut_off_population', (p) => int(p.cut_off_population)],
    ['Trucks/day, open roads', 'capacity_trucks_per_day', (p) => int(p.capacity_trucks_per_day)],
    ['Trucks/day, with restricted', 'capacity_trucks_per_day_with_restricted', (p) => int(p.capacity_trucks_per_day_with_restricted)],
    ['Coverage', 'coverage', (p) => pct(p.coverage)],
    ['Convoys moved', 'convoys_moved', (p) => `${p.convoys_moved ?? 0} of ${p.convoys ?? 0}`],
  ]);
}

function renderTrustRun(): Promise<void> {
  const box = byId('trust-run');
  fill(box, el('p', { class: 'hint' }, 'Running the scenario under every party’s claims…'));
  return trustTable(box, `${scPath()}/compare`, `The whole run, ${state.sc!.start} to ${state.sc!.end}`, [
    ['Days with people cut off', 'days_with_people_cut_off', (p) => int(p.days_with_people_cut_off)],
    ['Mean trucks/day, open roads', 'mean_capacity_trucks_per_day', (p) => int(p.mean_capacity_trucks_per_day)],
    ['Coverage of need', 'coverage', (p) => pct(p.coverage)],
    ['Days short', 'days_short', (p) => int(p.days_short)],
  ]);
}

async function loadMultiples(): Promise<void> {
  const parties = ['operator', ...Object.keys(state.sc!.parties)];
  const sc = state.sc!;
  for (const p of parties) {
    if (state.sc !== sc) return;
    try {
      const s = await get<Series>(`${scPath()}/series${query({ trust: p === 'operator' ? undefined : p })}`);
      state.multiples.set(p, s);
      renderMultiples();
    } catch {
      /* the tables above show the error */
    }
  }
}

function renderMultiples(): void {
  const box = byId('multiples');
  if (!state.multiples.size) return;
  const all = [...state.multiples.values()];
  const maxCut = Math.max(1, ...all.flatMap((s) => s.cut_off_population));
  const maxCap = Math.max(1, ...all.flatMap((s) => s.capacity_trucks_per_day.map((v) => Math.asinh(v))));
  fill(
    box,
    el('h3', {}, 'Small multiples: people cut off (red) and trucks a day on open roads (green, asinh scale), same axes'),
    ...[...state.multiples.entries()].map(([p, s]) =>
      el(
        'figure',
        { class: 'multiple', 'data-trust': p },
        el('figcaption', {}, partyName(p)),
        sparkline(s.cut_off_population, maxCut, STATUS_COLOUR.closed, state.dayIdx, `people cut off under ${partyName(p)}’s claims`),
        sparkline(
          s.capacity_trucks_per_day.map((v) => Math.asinh(v)),
          maxCap,
          STATUS_COLOUR.open,
          state.dayIdx,
          `trucks a day under ${partyName(p)}’s claims`,
        ),
      ),
    ),
  );
}

// ---- charts -------------------------------------------------------------------------------------

function renderCharts(): void {
  state.charts.forEach((c) => c.destroy());
  const s = state.series!;
  state.charts = [
    dayChart(
      byId('chart-capacity'),
      'Trucks a day through the corridor (asinh scale: 0, 120 and 10,000 all readable)',
      s.dates,
      [
        { label: 'roads open to all', values: s.capacity_trucks_per_day, colour: STATUS_COLOUR.open, step: true },
        { label: 'counting restricted roads', values: s.capacity_trucks_per_day_with_restricted, colour: STATUS_COLOUR.restricted, dash: [6, 4], step: true },
      ],
      { scale: 'asinh', unit: 'trucks/day' },
    ),
    dayChart(
      byId('chart-cutoff'),
      `People cut off (traffic in general), of ${int(state.sc!.area_population)}`,
      s.dates,
      [{ label: 'people cut off', values: s.cut_off_population, colour: STATUS_COLOUR.closed, step: true }],
      { unit: 'people' },
    ),
    dayChart(
      byId('chart-supply'),
      'Need and deliveries, kcal a day (asinh scale)',
      s.dates,
      [
        { label: 'need', values: s.need_kcal, colour: '#444', dash: [4, 3] },
        { label: 'delivered', values: s.delivered_kcal, colour: ROUTE, step: true },
      ],
      { scale: 'asinh', unit: 'kcal/day' },
    ),
    dayChart(
      byId('chart-dos'),
      'Stock in days of the population’s need',
      s.dates,
      [{ label: 'days of supply', values: s.days_of_supply, colour: '#6a3d9a' }],
      { unit: 'days' },
    ),
  ];
  state.charts.forEach((c) => c.setDay(state.dayIdx));
}

// ---- supply per settlement ----------------------------------------------------------------------

function renderSettlements(): void {
  const d = state.day;
  const s = state.series;
  if (!d || !s) return;
  const places = d.features.filter((f) => f.properties?.kind === 'place').map((f) => f.properties!);
  const total = state.sc!.area_population;
  fill(
    byId('settlements'),
    table(
      'Settlements of the area (stock is pooled across the area in this scenario: an assumption of the scenario)',
      [
        {
          head: 'Settlement',
          cell: (p: GeoJSON.GeoJsonProperties) =>
            el('button', { type: 'button', class: 'link', 'data-place': String(p!.id) }, placeName(p)),
        },
        { head: 'Population', cell: (p) => int(Number(p!.population)), numeric: true },
        { head: 'Share of need', cell: (p) => pct(Number(p!.population) / total), numeric: true },
        { head: `Cut off on ${d.date}`, cell: (p) => (p!.cut_off ? 'yes' : 'no') },
        { head: 'Days cut off in the run', cell: (p) => int(s.places?.[String(p!.id)]?.days_cut_off ?? 0), numeric: true },
      ],
      places,
    ),
  );
}

function showSettlement(id: string): void {
  const f = state.day?.features.find((x) => x.properties?.id === id);
  const s = state.series;
  if (!f || !s) return;
  const p = f.properties!;
  const pop = Number(p.population);
  const share = pop / state.sc!.area_population;
  const pl = s.places?.[id];
  const names = p.names_by_column ? parseList(p.names_by_column) : parseList(p.names);
  fill(
    byId('settlement'),
    el('h3', {}, placeName(p)),
    el(
      'dl',
      { class: 'figures' },
      ...state.sc!.name_columns.flatMap((c, i) => (names[i] ? [el('dt', {}, `name (${c})`), el('dd', {}, names[i])] : [])),
      el('dt', {}, 'Population'),
      el('dd', {}, int(pop)),
      el('dt', {}, 'Need a day'),
      el('dd', {}, `${short(s.need_kcal_per_day * share)} kcal (its share of the area’s ${short(s.need_kcal_per_day)})`),
      el('dt', {}, `Cut off on ${date()}`),
      el('dd', {}, p.cut_off ? 'yes' : 'no'),
      el('dt', {}, 'Days cut off in the run'),
      el('dd', {}, pl && pl.days_cut_off ? `${pl.days_cut_off} (first ${pl.first}, last ${pl.last})` : '0'),
      el('dt', {}, 'Days of supply (pooled stock)'),
      el('dd', {}, days(s.days_of_supply[state.dayIdx])),
    ),
  );
}

// Stocks and deliveries the parties recorded in the ledger, per settlement (the node's supply
// tables: serve --places --needs --commodities), as of the slider's day.
interface LedgerSettlement {
  id: string;
  name?: string;
  population: number;
  need_kcal_per_day: number;
  delivered_kcal: number;
  coverage: number;
  days_of_supply: number;
  runs_out?: string | null;
}

async function renderLedgerSupply(): Promise<void> {
  const box = byId('ledger-supply');
  try {
    const r = await get<{ settlements: LedgerSettlement[] }>(`/v1/supply/status${query({ from: date(), to: date() })}`);
    fill(
      box,
      r.settlements.length
        ? table(
            `Per settlement on ${date()}, from the stocks and deliveries recorded in the ledger`,
            [
              { head: 'Settlement', cell: (x: LedgerSettlement) => x.name || x.id },
              { head: 'Population', cell: (x) => int(x.population), numeric: true },
              { head: 'Need a day', cell: (x) => `${short(x.need_kcal_per_day)} kcal`, numeric: true },
              { head: 'Delivered', cell: (x) => `${short(x.delivered_kcal)} kcal`, numeric: true },
              { head: 'Coverage', cell: (x) => pct(x.coverage), numeric: true },
              { head: 'Days of supply', cell: (x) => days(x.days_of_supply), numeric: true },
              { head: 'Runs out', cell: (x) => x.runs_out ?? '—' },
            ],
            r.settlements,
            (x) => ({ 'data-settlement': x.id }),
          )
        : el('p', { class: 'none' }, 'No settlement is registered in this ledger.'),
    );
  } catch (e) {
    const err = e as ApiError;
    fill(box, err.status === 404 ? el('p', { class: 'hint' }, `This node keeps no supply tables: ${err.body.message}.`) : errorBox(e));
  }
}

// ---- route and what-if --------------------------------------------------------------------------

async function mapClick(e: maplibregl.MapMouseEvent, road: GeoJSON.Feature | undefined): Promise<void> {
  const m = mode();
  if (m === 'inspect') {
    state.selectedRoad = road ? String(road.properties!.id) : null;
    await renderClaims();
    return;
  }
  if (m === 'whatif') {
    if (!road) return;
    const from = byId<HTMLInputElement>('close-from').value || date();
    const to = byId<HTMLInputElement>('close-to').value || from;
    state.closures.push({ target: String(road.properties!.id), from, to });
    renderClosures();
    await loadDay();
    return;
  }
  const pt: [number, number] = [e.lngLat.lat, e.lngLat.lng];
  if (!state.routeFrom) {
    state.routeFrom = pt;
    setRoute(map, { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [pt[1], pt[0]] } }] });
    fill(byId('route'), el('p', { class: 'hint' }, 'Start set. Click the destination.'));
    return;
  }
  const from = state.routeFrom;
  state.routeFrom = null;
  await showRoute(from, pt);
}

async function showRoute(from: [number, number], to: [number, number]): Promise<void> {
  const closed = (state.day?.features ?? [])
    .filter((f) => f.properties?.kind === 'road' && f.properties.status !== 'open')
    .map((f) => `way:${f.properties!.id}`);
  try {
    const r = await get<GeoJSON.Feature | GeoJSON.FeatureCollection>(
      `/v1/route${query({ from: from.join(','), to: to.join(','), format: 'geojson', close: closed })}`,
    );
    const features = r.type === 'FeatureCollection' ? r.features : [r];
    const ends: GeoJSON.Feature[] = [from, to].map((p) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [p[1], p[0]] } }));
    setRoute(map, { type: 'FeatureCollection', features: [...features, ...ends] });
    const props = (features[0]?.properties ?? {}) as Record<string, unknown>;
    const dist = Number(props.distance_m ?? 0);
    const dur = Number(props.duration_s ?? 0);
    fill(
      byId('route'),
      el(
        'p',
        { id: 'route-result', role: 'status', 'data-distance-m': String(dist) },
        `Route on ${date()} avoiding roads not open to all: ${(dist / 1000).toFixed(1)} km, ${Math.round(dur / 60)} min, by ${parseList(props.roads).join(' → ')}.`,
      ),
    );
  } catch (e) {
    setRoute(map, null);
    fill(byId('route'), errorBox(e));
  }
}

function renderClosures(): void {
  fill(
    byId('closures'),
    ...state.closures.map((c) => el('li', {}, `${featureName(c.target)} closed ${c.from} to ${c.to}`)),
  );
  byId<HTMLButtonElement>('undo').disabled = !state.closures.length;
  byId<HTMLButtonElement>('reset').disabled = !state.closures.length;
}

// ---- wiring -------------------------------------------------------------------------------------

function goTo(i: number): void {
  const n = state.dates.length;
  if (!n) return;
  state.dayIdx = Math.max(0, Math.min(n - 1, i));
  const slider = byId<HTMLInputElement>('slider');
  slider.value = String(state.dayIdx);
  byId('date').textContent = date();
  void loadDay().then(() => {
    renderSettlements();
    void renderLedgerSupply();
  });
}

async function loadScenario(id: string): Promise<void> {
  state.sc = state.scenarios.find((s) => s.id === id) ?? null;
  if (!state.sc) return;
  const sc = state.sc;
  state.fitted = false;
  state.closures = [];
  state.selectedRoad = null;
  state.multiples.clear();
  byId('note').textContent = sc.note;
  fill(byId('trust'), el('option', { value: 'operator' }, "each road's operator"), ...Object.keys(sc.parties).map((p) => el('option', { value: p, title: sc.parties[p] }, partyName(p))));
  fill(byId('names'), ...sc.name_columns.map((c, i) => el('option', { value: String(i), selected: c === sc.display_name }, c)));
  state.nameIdx = Math.max(0, sc.name_columns.indexOf(sc.display_name));
  state.series = await get<Series>(`${scPath()}/series`);
  state.dates = state.series.dates;
  const slider = byId<HTMLInputElement>('slider');
  slider.max = String(state.dates.length - 1);
  const report = state.dates.indexOf(sc.report_day);
  await loadNetwork();
  renderCharts();
  renderClosures();
  goTo(report >= 0 ? report : 0);
  void renderTrustRun();
  void loadMultiples();
  void renderPipeline();
}

async function login(token: string | null): Promise<void> {
  setToken(token);
  state.me = null;
  const who = byId('whoami');
  if (token) {
    try {
      state.me = await get<Me>('/v1/me');
      who.textContent = `${state.me.party} (${state.me.role})${state.me.custodial ? '' : ' — this node holds no key for you: writes need your own signature (CLI --server)'}`;
    } catch (e) {
      setToken(null);
      who.textContent = `Refused: ${(e as Error).message}`;
    }
  } else {
    who.textContent = '';
  }
  byId('logout').hidden = !hasToken();
  fill(byId('history'));
  await renderPipeline();
}

async function main(): Promise<void> {
  legend();
  byId('attribution').append(
    'Country outlines: Natural Earth 1:50m (public domain) via world-atlas. Roads, places, claims: the scenario’s files, each claim with its source. ',
    'Figures depend on the scenario’s stated assumptions (see the note at the top).',
  );
  const r = await get<{ scenarios: ScenarioInfo[] }>('/v1/scenarios');
  state.scenarios = r.scenarios;
  fill(byId('scenario'), ...r.scenarios.map((s) => el('option', { value: s.id }, s.name)));
  map = await createMap(byId('map'), {
    click: (e, f) => void mapClick(e, f),
    hover: tooltip,
  });
  // For the browser tests and the benchmark: the map, to project coordinates and read its layers.
  (window as unknown as { corridor: unknown }).corridor = { map };
  map.on('move', labels);
  map.on('resize', labels);
  document.body.dataset.map = 'ready';
  if (!r.scenarios.length) {
    fill(byId('figures'), el('p', {}, 'This node serves no scenario (corridor serve --scenario FILE).'));
    return;
  }
  const slider = byId<HTMLInputElement>('slider');
  slider.addEventListener('input', () => goTo(Number(slider.value)));
  byId('prev').addEventListener('click', () => goTo(state.dayIdx - 1));
  byId('next').addEventListener('click', () => goTo(state.dayIdx + 1));
  const play = byId<HTMLButtonElement>('play');
  play.addEventListener('click', () => {
    if (state.playing) {
      clearInterval(state.playing);
      state.playing = 0;
      play.textContent = '▶ Play';
      play.setAttribute('aria-label', 'Play');
      return;
    }
    play.textContent = '❚❚ Pause';
    play.setAttribute('aria-label', 'Pause');
    state.playing = window.setInterval(() => {
      if (state.dayIdx >= state.dates.length - 1) play.click();
      else goTo(state.dayIdx + 1);
    }, 400);
  });
  document.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement;
    if (t && ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName) && t !== slider) return;
    if (t === slider) return; // the range input moves itself
    if (e.key === 'ArrowRight' || e.key === '.') goTo(state.dayIdx + 1);
    else if (e.key === 'ArrowLeft' || e.key === ',') goTo(state.dayIdx - 1);
    else if (e.key === ' ' && t.tagName !== 'BUTTON') {
      e.preventDefault();
      play.click();
    }
  });
  byId<HTMLSelectElement>('scenario').addEventListener('change', (e) => void loadScenario((e.target as HTMLSelectElement).value));
  byId<HTMLSelectElement>('trust').addEventListener('change', (e) => {
    state.trust = (e.target as HTMLSelectElement).value;
    void loadDay();
  });
  byId<HTMLSelectElement>('names').addEventListener('change', (e) => {
    state.nameIdx = Number((e.target as HTMLSelectElement).value);
    renderDay();
    labels();
    renderSettlements();
  });
  byId('login').addEventListener('submit', (e) => {
    e.preventDefault();
    const t = byId<HTMLInputElement>('token').value.trim();
    byId<HTMLInputElement>('token').value = '';
    void login(t || null);
  });
  byId('logout').addEventListener('click', () => void login(null));
  byId('pipeline').addEventListener('click', (e) => {
    const id = (e.target as HTMLElement).closest<HTMLElement>('[data-consignment]')?.dataset.consignment;
    if (id) void showHistory(id);
  });
  byId('settlements').addEventListener('click', (e) => {
    const id = (e.target as HTMLElement).closest<HTMLElement>('[data-place]')?.dataset.place;
    if (id) showSettlement(id);
  });
  byId('undo').addEventListener('click', () => {
    state.closures.pop();
    renderClosures();
    void loadDay();
  });
  byId('reset').addEventListener('click', () => {
    state.closures = [];
    renderClosures();
    void loadDay();
  });
  for (const r of document.querySelectorAll<HTMLInputElement>('input[name=mode]')) {
    r.addEventListener('change', () => {
      state.routeFrom = null;
      byId('map-wrap').dataset.mode = mode();
    });
  }
  if (hasToken()) await login(sessionStorage.getItem('corridor.token'));
  await loadScenario(r.scenarios[0].id);
}

main().catch((e) => {
  document.body.dataset.state = 'error';
  document.body.prepend(errorBox(e));
});
