// A corridor node for the browser tests and the benchmark: the bundled Lachin scenario, a ledger
// with a sender, the checkpoint's operator, a monitor and a receiver (tokens for each, custodial
// keys so their web users can write), one consignment carried to "crossed", and `corridor serve`
// on a loopback port serving the built dashboard.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const CORRIDOR = process.env.CORRIDOR ?? join(ROOT, 'build/corridor');
export const WEB = process.env.CORRIDOR_WEB ?? join(ROOT, 'build/web');
export const DATA = join(ROOT, 'data');
export const SCENARIO = join(DATA, 'scenarios/karabakh-2023/scenario.toml');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const PARTIES = [
  ['icrc', 'sender'],
  ['border-service', 'checkpoint'],
  ['peacekeepers', 'monitor'],
  ['local', 'receiver'],
];

function corridor(...args) {
  return execFileSync(CORRIDOR, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function startWorld({ network, scenario = SCENARIO, extra = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'corridor-web-'));
  const db = join(dir, 'corridor.db');
  const key = (p) => join(dir, `${p}.key`);
  const net = network ?? join(dir, 'net.cgraph');
  if (!network) corridor('import', join(DATA, 'scenarios/karabakh-2023/roads.geojson'), '-o', net);
  for (const [name, role] of PARTIES) corridor('party', 'add', name, '--role', role, '--store', db, '--key-out', key(name));
  corridor('regime', 'publish', join(DATA, 'regimes/example.toml'), '--store', db, '--key', key('border-service'), '--at', '2023-06-01T00:00Z');
  writeFileSync(join(dir, 'places.csv'), 'id,name,population\ntown,Town,1000\nvillage,Village,200\n');
  corridor('supply', 'register', join(dir, 'places.csv'), '--store', db, '--key', key('local'));
  const commodities = join(DATA, 'supply/commodities.csv');
  corridor('supply', 'record', 'opening', 'town', '--commodity', 'wheat_flour', '--tonnes', '12', '--commodities', commodities,
    '--date', '2023-01-10', '--key', key('local'), '--store', db);
  const decl = {
    id: 'c-1', type: 'food-aid', sender: 'icrc', receiver: 'local', origin: 'goris', destination: 'town',
    checkpoint: 'example-bridge', planned_arrival: '2023-07-03T08:00Z', declared_at: '2023-06-25T08:00Z',
    documents: ['manifest', 'waybill', 'driver_id', 'phytosanitary_certificate'], approvals: [],
    items: [{ description: 'wheat flour', hs: '1101', category: 'food', quantity: 20000, unit: 'kg', net_kg: 20000, kcal_per_kg: 3640 }],
  };
  writeFileSync(join(dir, 'c-1.json'), JSON.stringify(decl));
  const steps = [
    [['declare', join(dir, 'c-1.json')], 'icrc', '2023-06-25T08:00Z'],
    [['notify', 'c-1'], 'icrc', '2023-06-25T09:00Z'],
    [['approve', 'c-1'], 'border-service', '2023-06-26T08:00Z'],
    [['approve', 'c-1'], 'peacekeepers', '2023-06-26T09:00Z'],
    [['arrive', 'c-1'], 'icrc', '2023-07-03T06:00Z'],
    [['inspect', 'c-1'], 'border-service', '2023-07-03T07:00Z'],
    [['clear', 'c-1'], 'border-service', '2023-07-03T07:30Z'],
    [['cross', 'c-1'], 'border-service', '2023-07-03T08:00Z'],
  ];
  for (const [args, party, at] of steps) corridor('consign', ...args, '--store', db, '--key', key(party), '--at', at);
  const tokens = Object.fromEntries(PARTIES.map(([name]) => [name, corridor('party', 'token', name, '--store', db).trim()]));
  const proc = spawn(
    CORRIDOR,
    ['serve', '--listen', '127.0.0.1:0', '--store', `sqlite:${db}`, '--network', net, '--scenario', scenario, '--web', WEB,
      '--places', join(dir, 'places.csv'), '--needs', join(DATA, 'supply/needs-sphere.toml'), '--commodities', commodities,
      ...PARTIES.flatMap(([name]) => ['--custodial', `${name}=${key(name)}`]), ...extra],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise((ok, fail) => {
    const rl = createInterface({ input: proc.stdout });
    rl.once('line', ok);
    proc.once('exit', (code) => fail(new Error(`corridor serve exited ${code}`)));
  });
  if (!line.startsWith('listening ')) throw new Error(`corridor serve: ${line}`);
  const url = `http://${line.split(/\s+/)[1]}`;
  return {
    dir, url, tokens, proc,
    async json(path, token) {
      const r = await fetch(url + path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return r.json();
    },
    stop() {
      proc.kill('SIGTERM');
    },
  };
}

export async function launch() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--disable-gpu-sandbox'],
  });
}
