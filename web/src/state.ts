// The dashboard's state: what is shown (scenario, day, trust, names) and what was loaded for it.
import type { DayGeo, Me, ScenarioInfo, Series } from './api';
import type { DayChart } from './charts';

export interface Closure {
  target: string;
  from: string;
  to: string;
}

export const state = {
  scenarios: [] as ScenarioInfo[],
  sc: null as ScenarioInfo | null,
  trust: 'operator',
  nameIdx: 0,
  dates: [] as string[],
  dayIdx: 0,
  day: null as DayGeo | null,
  baseDay: null as DayGeo | null,
  roads: [] as GeoJSON.Feature[], // every road of the scenario's network, geometry only (loaded once)
  points: [] as GeoJSON.Feature[], // places and checkpoints, their fixed properties
  byId: new Map<string, GeoJSON.Feature>(),
  series: null as Series | null,
  selectedRoad: null as string | null,
  closures: [] as Closure[],
  routeFrom: null as [number, number] | null,
  me: null as Me | null,
  fitted: false,
  dayRequest: null as AbortController | null,
  playing: 0,
  charts: [] as DayChart[],
  multiples: new Map<string, Series>(),
  steps: 0,
};
