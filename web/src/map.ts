// The map: Natural Earth outlines (world-atlas, shipped with the app — no tile server), then the
// scenario's day from the API as GeoJSON: roads by effective status (each status its own dash, so
// colour is never the only cue), contested roads outlined, the bottleneck, what-if closures, places
// sized by population, checkpoints as a barrier symbol, a route. Labels are laid out here (see
// labels.ts): MapLibre's own text needs glyph files from a server, and there is none.
import maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { feature, mesh } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import countriesUrl from 'world-atlas/countries-50m.json?url';
import type { DayGeo } from './api';

export const STATUS_COLOUR: Record<string, string> = {
  open: '#1b7837',
  restricted: '#d67500',
  closed: '#b2182b',
};
export const CONTESTED = '#762a83';
export const ROUTE = '#1f5fbf';

const empty: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

function checkpointIcon(): ImageData {
  const s = 30;
  const c = document.createElement('canvas');
  c.width = c.height = s;
  const g = c.getContext('2d')!;
  g.fillStyle = '#ffffff';
  g.strokeStyle = '#222222';
  g.lineWidth = 2;
  g.fillRect(3, 3, s - 6, s - 6);
  g.strokeRect(3, 3, s - 6, s - 6);
  // A barrier: a striped bar on a post.
  g.fillStyle = '#222222';
  g.fillRect(7, 9, 3, 14);
  for (let i = 0; i < 4; i++) {
    g.fillStyle = i % 2 ? '#b2182b' : '#ffffff';
    g.fillRect(10 + i * 3.5, 12, 3.5, 5);
  }
  g.strokeRect(10, 12, 14, 5);
  return g.getImageData(0, 0, s, s);
}

export interface MapHandlers {
  click: (e: maplibregl.MapMouseEvent, road: GeoJSON.Feature | undefined) => void;
  hover: (e: maplibregl.MapMouseEvent | null, f: GeoJSON.Feature | undefined) => void;
}

export async function createMap(container: HTMLElement, handlers: MapHandlers): Promise<maplibregl.Map> {
  const topo = (await (await fetch(countriesUrl)).json()) as Topology<{ countries: GeometryCollection; land: GeometryCollection }>;
  const land = feature(topo, topo.objects.land) as unknown as GeoJSON.FeatureCollection | GeoJSON.Feature;
  const borders = mesh(topo, topo.objects.countries, (a, b) => a !== b);
  const map = new maplibregl.Map({
    container,
    attributionControl: false,
    style: {
      version: 8,
      sources: {
        land: { type: 'geojson', data: land as GeoJSON.GeoJSON },
        borders: { type: 'geojson', data: borders },
        network: { type: 'geojson', data: empty },
        day: { type: 'geojson', data: empty },
        route: { type: 'geojson', data: empty },
      },
      layers: [
        { id: 'sea', type: 'background', paint: { 'background-color': '#dbe6ef' } },
        { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': '#f3f0e8' } },
        { id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': '#7d7390', 'line-width': 1.2, 'line-dasharray': [4, 2] } },
        {
          // Every road, drawn once; the day's layers below draw over those with a status.
          id: 'network',
          type: 'line',
          source: 'network',
          layout: { 'line-cap': 'round', 'line-join': 'round' },
          paint: { 'line-color': STATUS_COLOUR.open, 'line-width': ['interpolate', ['linear'], ['zoom'], 6, 2, 12, 4] },
        },
        {
          id: 'roads-casing',
          type: 'line',
          source: 'day',
          filter: ['==', ['get', 'kind'], 'road'],
          layout: { 'line-cap': 'round', 'line-join': 'round' },
          paint: { 'line-color': '#ffffff', 'line-width': 7 },
        },
        {
          id: 'roads-contested',
          type: 'line',
          source: 'day',
          filter: ['all', ['==', ['get', 'kind'], 'road'], ['==', ['get', 'conflict'], true]],
          layout: { 'line-cap': 'round', 'line-join': 'round' },
          paint: { 'line-color': CONTESTED, 'line-width': 9, 'line-opacity': 0.45 },
        },
        ...(['open', 'restricted', 'closed'] as const).map(
          (st): maplibregl.LayerSpecification => ({
            id: `roads-${st}`,
            type: 'line',
            source: 'day',
            filter: ['all', ['==', ['get', 'kind'], 'road'], ['==', ['get', 'status'], st]],
            layout: { 'line-join': 'round', 'line-cap': st === 'open' ? 'round' : 'butt' },
            paint: {
              'line-color': STATUS_COLOUR[st],
              'line-width': 4,
              ...(st === 'restricted' ? { 'line-dasharray': [3, 1.5] } : st === 'closed' ? { 'line-dasharray': [1, 1.2] } : {}),
            },
          }),
        ),
        {
          id: 'roads-whatif',
          type: 'line',
          source: 'day',
          filter: ['all', ['==', ['get', 'kind'], 'road'], ['==', ['get', 'what_if'], true]],
          paint: { 'line-color': '#000000', 'line-width': 2, 'line-dasharray': [0.5, 1.5] },
        },
        {
          id: 'roads-bottleneck',
          type: 'line',
          source: 'day',
          filter: ['all', ['==', ['get', 'kind'], 'road'], ['==', ['get', 'bottleneck'], true]],
          paint: { 'line-color': '#000000', 'line-width': 1.5, 'line-gap-width': 5 },
        },
        { id: 'route', type: 'line', source: 'route', filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': ROUTE, 'line-width': 5, 'line-opacity': 0.8 } },
        {
          id: 'route-ends',
          type: 'circle',
          source: 'route',
          filter: ['==', ['geometry-type'], 'Point'],
          paint: { 'circle-radius': 6, 'circle-color': ROUTE, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
        },
        {
          id: 'places',
          type: 'circle',
          source: 'day',
          filter: ['in', ['get', 'kind'], ['literal', ['place', 'source', 'other_place']]],
          paint: {
            'circle-radius': [
              'interpolate',
              ['linear'],
              ['zoom'],
              6,
              ['case', ['>', ['get', 'population'], 0], ['+', 2.5, ['/', ['sqrt', ['get', 'population']], 40]], 2.5],
              10,
              ['case', ['>', ['get', 'population'], 0], ['+', 4, ['/', ['sqrt', ['get', 'population']], 12]], 4],
            ],
            'circle-color': [
              'case',
              ['==', ['get', 'cut_off'], true],
              STATUS_COLOUR.closed,
              ['==', ['get', 'kind'], 'source'],
              ROUTE,
              ['==', ['get', 'kind'], 'place'],
              STATUS_COLOUR.open,
              '#8c8c8c',
            ],
            'circle-stroke-color': '#ffffff',
            'circle-stroke-width': 1.5,
          },
        },
        {
          id: 'checkpoints',
          type: 'symbol',
          source: 'day',
          filter: ['==', ['get', 'kind'], 'checkpoint'],
          layout: { 'icon-image': 'checkpoint', 'icon-allow-overlap': true, 'icon-ignore-placement': true },
        },
      ],
    },
    center: [0, 20],
    zoom: 1,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-left');
  map.once('styledata', () => map.addImage('checkpoint', checkpointIcon()));
  const roadLayers = ['roads-open', 'roads-restricted', 'roads-closed', 'roads-contested', 'network'];
  map.on('click', (e) => {
    const f = map.queryRenderedFeatures(e.point, { layers: roadLayers })[0];
    handlers.click(e, f);
  });
  map.on('mousemove', (e) => {
    const f = map.queryRenderedFeatures([[e.point.x - 4, e.point.y - 4], [e.point.x + 4, e.point.y + 4]], {
      layers: ['checkpoints', 'places', ...roadLayers],
    })[0];
    map.getCanvas().style.cursor = f ? 'pointer' : '';
    handlers.hover(e, f);
  });
  map.on('mouseout', () => handlers.hover(null, undefined));
  await new Promise<void>((resolve) => (map.loaded() ? resolve() : map.once('load', () => resolve())));
  return map;
}

// The same radius in pixels as the 'places' layer draws, for the label layout.
export function placeRadius(zoom: number, population: number): number {
  const at = (z: number) => (z <= 6 ? 0 : z >= 10 ? 1 : (z - 6) / 4);
  const t = at(zoom);
  const small = population > 0 ? 2.5 + Math.sqrt(population) / 40 : 2.5;
  const large = population > 0 ? 4 + Math.sqrt(population) / 12 : 4;
  return small + (large - small) * t;
}

export function setDay(map: maplibregl.Map, day: DayGeo): void {
  (map.getSource('day') as maplibregl.GeoJSONSource).setData(day);
}

export function setNetwork(map: maplibregl.Map, fc: GeoJSON.FeatureCollection): void {
  (map.getSource('network') as maplibregl.GeoJSONSource).setData(fc);
}

export function setRoute(map: maplibregl.Map, fc: GeoJSON.FeatureCollection | null): void {
  (map.getSource('route') as maplibregl.GeoJSONSource).setData(fc ?? empty);
}

// Every road and place of the scenario, with their approaches (Yerevan, Vardenis, Yevlakh...).
export function fit(map: maplibregl.Map, day: GeoJSON.FeatureCollection): void {
  const b = new maplibregl.LngLatBounds();
  const add = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') b.extend(c as [number, number]);
    else if (Array.isArray(c)) c.forEach(add);
  };
  for (const f of day.features) if (f.geometry && 'coordinates' in f.geometry) add(f.geometry.coordinates);
  if (!b.isEmpty()) map.fitBounds(b, { padding: { top: 40, bottom: 40, left: 40, right: 40 }, animate: false, maxZoom: 13 });
}
