// Talking to corridor's HTTP API (docs/http.md): JSON in, JSON out, the bearer token when logged in,
// and the server's refusal kept whole (status, code, message, rule) so the page can show it.

export interface ApiErrorBody {
  code: string;
  message: string;
  pointer?: string;
  rule?: string;
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public body: ApiErrorBody,
  ) {
    super(`${status} ${body.code}: ${body.message}${body.rule ? ` (rule ${body.rule})` : ''}`);
  }
}

let token: string | null = sessionStorage.getItem('corridor.token');

export function setToken(t: string | null): void {
  token = t;
  if (t) sessionStorage.setItem('corridor.token', t);
  else sessionStorage.removeItem('corridor.token');
}

export function hasToken(): boolean {
  return token !== null;
}

export function query(params: Record<string, string | number | undefined | string[]>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
    else q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export async function api<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(res.status, { code: 'bad_reply', message: `${path}: the server's reply is not JSON` });
  }
  if (!res.ok) {
    const e = (parsed as { error?: ApiErrorBody } | null)?.error;
    throw new ApiError(res.status, e ?? { code: String(res.status), message: text.slice(0, 200) });
  }
  return parsed as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => api<T>('GET', path, undefined, signal);

// ---- what the endpoints return (the parts the dashboard reads) --------------------------------

export interface ScenarioInfo {
  id: string;
  name: string;
  note: string;
  start: string;
  end: string;
  report_day: string;
  area_population: number;
  parties: Record<string, string>;
  name_columns: string[];
  display_name: string;
}

export interface ClaimJson {
  party: string;
  status: string;
  from: string;
  until?: string;
  allowed?: string[];
  claimed_by: string;
  source: string;
  origin: string;
  target?: string;
  note?: string;
  in_force_until?: string | null;
}

export interface ConvoyJson {
  convoy: string;
  party: string;
  from: string;
  to: string;
  set_out: string;
  trucks: number;
  tonnes: number;
  kcal: number;
  moved: boolean;
  waits: boolean;
  reasons: string[];
  reason_kinds: string[];
  roads: string[];
}

export interface SupplyDay {
  need_kcal: number;
  delivered_kcal: number;
  stock_kcal: number;
  days_of_supply: number;
  coverage: number;
  runs_out?: string | null;
  shortfall_kcal: number;
}

export interface DayGeo extends GeoJSON.FeatureCollection {
  date: string;
  trust: string;
  cut_off_population: number;
  capacity_trucks_per_day: number;
  capacity_trucks_per_day_with_restricted: number;
  delivered_tonnes: number;
  supply: SupplyDay;
  convoys: ConvoyJson[];
  conflicts: { target: string; claims: ClaimJson[] }[];
  what_if?: { close: string[]; from: string; to: string };
}

export interface Series {
  trust: string;
  need_kcal_per_day: number;
  opening_stock_kcal: number;
  dates: string[];
  cut_off_population: number[];
  capacity_trucks_per_day: number[];
  capacity_trucks_per_day_with_restricted: number[];
  delivered_tonnes: number[];
  delivered_kcal: number[];
  need_kcal: number[];
  stock_kcal: number[];
  days_of_supply: number[];
  coverage: number[];
  convoys_moved: number[];
  convoys_blocked: number[];
  places?: Record<string, { days_cut_off: number; first?: string; last?: string }>;
}

export interface CompareRow {
  trust: string;
  date?: string;
  cut_off_population?: number;
  capacity_trucks_per_day?: number;
  capacity_trucks_per_day_with_restricted?: number;
  coverage?: number;
  convoys_moved?: number;
  convoys?: number;
  days_with_people_cut_off?: number;
  mean_capacity_trucks_per_day?: number;
  days_short?: number;
}

export interface Me {
  party: string;
  role: string;
  sees_all: boolean;
  custodial: boolean;
}
