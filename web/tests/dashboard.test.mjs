// The dashboard in a real browser (Debian's chromium, headless, driven by playwright-core) against a
// real `corridor serve` on loopback: every figure the page shows is compared with what the API says.
// Screenshots at 1400 and 400 px go to $CORRIDOR_TEST_OUT (default build/test-output/dashboard).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { launch, ROOT, startWorld } from './world.mjs';

const OUT = process.env.CORRIDOR_TEST_OUT ?? join(ROOT, 'build/test-output/dashboard');
mkdirSync(OUT, { recursive: true });
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SC = '/v1/scenarios/karabakh-2023';
const int = (n) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 }).format(n);

let world, browser;
before(async () => {
  world = await startWorld();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  world?.stop();
});

async function open(width = 1400, token) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  if (token) await page.addInitScript((t) => sessionStorage.setItem('corridor.token', t), token);
  await page.goto(`${world.url}/`);
  await page.waitForSelector('body[data-state=ready]', { timeout: 60000 });
  page.errors = errors;
  return page;
}

// Moves the slider to a date and waits for every view to show it.
async function goTo(page, date) {
  const dates = (await world.json(`${SC}/series`)).dates;
  const i = dates.indexOf(date);
  assert.ok(i >= 0, `${date} is in the run`);
  const step = Number(await page.evaluate(() => document.body.dataset.step));
  await page.$eval('#slider', (s, v) => {
    s.value = String(v);
    s.dispatchEvent(new Event('input', { bubbles: true }));
  }, i);
  await page.waitForFunction(([d, n]) => document.body.dataset.day === d && Number(document.body.dataset.step) > n && document.body.dataset.state === 'ready', [date, step]);
}

const cutOffShown = (page) => page.$$eval('#cutoff li[data-id]', (l) => l.map((x) => x.dataset.id).sort());
const figure = (page, name) =>
  page.$$eval('#figures dt', (dts, n) => dts.find((d) => d.textContent === n)?.nextElementSibling?.textContent ?? null, name);

test('the dashboard loads the bundled scenario on its report day, with no error', async () => {
  const page = await open();
  const sc = (await world.json('/v1/scenarios')).scenarios[0];
  assert.equal(await page.$eval('#scenario option', (o) => o.textContent), sc.name);
  assert.equal(await page.evaluate(() => document.body.dataset.day), sc.report_day);
  assert.equal(await page.$eval('#date', (o) => o.textContent), sc.report_day);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the map has its layers, every place a label, placed labels never overlap, a legend and a scale', async () => {
  const page = await open();
  await page.waitForFunction(() => document.body.dataset.firstFrameMs);
  const layers = await page.evaluate(() => window.corridor.map.getStyle().layers.map((l) => l.id));
  for (const id of ['land', 'borders', 'roads-open', 'roads-restricted', 'roads-closed', 'roads-contested', 'places', 'checkpoints', 'route']) {
    assert.ok(layers.includes(id), `layer ${id}`);
  }
  const day = await world.json(`${SC}/days/${await page.evaluate(() => document.body.dataset.day)}?format=geojson`);
  const rendered = await page.evaluate(() => window.corridor.map.queryRenderedFeatures({ layers: ['places', 'checkpoints'] }).length);
  assert.ok(rendered > 0, 'places are drawn');
  const points = day.features.filter((f) => f.geometry.type === 'Point').map((f) => `${f.properties.kind}:${f.properties.id}`).sort();
  const labels = await page.$$eval('#labels .label', (l) => l.map((x) => ({ id: x.dataset.id, placed: x.dataset.placed === '1', text: x.textContent, r: x.getBoundingClientRect().toJSON() })));
  assert.deepEqual(labels.map((l) => l.id).sort(), points, 'a label for every place and checkpoint');
  const placed = labels.filter((l) => l.placed);
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) {
      const a = placed[i].r;
      const b = placed[j].r;
      const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      assert.ok(!overlap, `labels ${placed[i].id} and ${placed[j].id} overlap`);
    }
  }
  // Labels are names, never ids; the checkpoint's label carries its throughput.
  for (const l of labels) assert.notEqual(l.text, l.id.split(':')[1]);
  const cp = labels.find((l) => l.id === 'checkpoint:hakari_checkpoint');
  assert.ok(cp.placed, 'the checkpoint is labelled');
  assert.match(cp.text, /trucks\/day/);
  // The approaches are in the frame: every road vertex inside the map's bounds.
  const inFrame = await page.evaluate((fc) => {
    const b = window.corridor.map.getBounds();
    return fc.features.filter((f) => f.properties.kind === 'road').every((f) => f.geometry.coordinates.flat().every((c) => b.contains(c)));
  }, day);
  assert.ok(inFrame, 'every road is inside the first frame');
  // More zoom shows more labels.
  const before = placed.length;
  await page.evaluate(() => window.corridor.map.jumpTo({ zoom: window.corridor.map.getZoom() + 2, center: [46.75, 39.82] }));
  await page.waitForTimeout(200);
  assert.ok((await page.$$eval('#labels .label[data-placed="1"]', (l) => l.length)) >= Math.min(before, 1));
  assert.match(await page.$eval('.maplibregl-ctrl-scale', (s) => s.textContent), /\d+\s*k?m/);
  assert.match(await page.$eval('#legend', (l) => l.textContent), /restricted.*closed.*contested.*checkpoint/s);
  await page.close();
});

test('moving the slider changes the cut-off list and capacity as the API says for that day', async () => {
  const page = await open();
  for (const date of ['2022-12-05', '2023-01-15', '2023-07-26', '2022-12-01']) {
    await goTo(page, date);
    const api = await world.json(`${SC}/days/${date}`);
    assert.deepEqual(await cutOffShown(page), [...api.cut_off].sort(), `cut off on ${date}`);
    assert.match(await figure(page, 'Capacity, roads open to all'), new RegExp(`^${int(api.capacity_trucks_per_day)} trucks/day`));
    assert.match(await figure(page, 'People cut off (traffic in general)'), new RegExp(`^${int(api.cut_off_population)} of`));
  }
  // The first day has no "previous"; the keyboard steps a day.
  await page.focus('#next');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.body.dataset.day === '2022-12-02' && document.body.dataset.state === 'ready');
  await page.click('#prev');
  await page.click('#prev');
  await page.waitForFunction(() => document.body.dataset.day === '2022-12-01' && document.body.dataset.state === 'ready');
  await page.focus('#slider');
  await page.keyboard.press('End');
  const last = (await world.json('/v1/scenarios')).scenarios[0].end;
  await page.waitForFunction((d) => document.body.dataset.day === d && document.body.dataset.state === 'ready', last);
  await page.close();
});

test('the stocks recorded in the ledger, per settlement, as the API says for the day', async () => {
  const page = await open();
  for (const date of ['2023-01-09', '2023-01-15']) {
    await goTo(page, date);
    await page.waitForFunction((d) => document.querySelector('#ledger-supply caption')?.textContent.includes(d), date);
    const api = await world.json(`/v1/supply/status?from=${date}&to=${date}`);
    const rows = await page.$$eval('#ledger-supply tbody tr', (trs) => trs.map((tr) => [tr.dataset.settlement, tr.children[5].textContent]));
    const days = (x) => (x >= 100 ? `${Math.round(x)} days` : `${x.toFixed(1)} days`);
    assert.deepEqual(rows, api.settlements.map((s) => [s.id, days(s.days_of_supply)]));
  }
  const town = (await world.json('/v1/supply/status?from=2023-01-15&to=2023-01-15')).settlements.find((s) => s.id === 'town');
  assert.ok(town.days_of_supply > 0, 'the opening stock of 2023-01-10 counts');
  await page.close();
});

test('choosing whose claims decide and which names to show changes the map as the API says', async () => {
  const page = await open();
  const date = '2023-06-20';
  await goTo(page, date);
  const step = Number(await page.evaluate(() => document.body.dataset.step));
  await page.selectOption('#trust', 'az_gov');
  await page.waitForFunction((n) => Number(document.body.dataset.step) > n && document.body.dataset.state === 'ready', step);
  const api = await world.json(`${SC}/days/${date}?trust=az_gov`);
  assert.equal(api.trust, 'az_gov');
  assert.deepEqual(await cutOffShown(page), [...api.cut_off].sort());
  assert.match(await figure(page, 'Statuses as claimed by'), /^Government of Azerbaijan$/);
  // Every place keeps all its names; the reader picks the convention.
  const sc = (await world.json('/v1/scenarios')).scenarios[0];
  const geo = await world.json(`${SC}/days/${date}?format=geojson`);
  const stepanakert = geo.features.find((f) => f.properties.kind === 'place' && f.properties.id === 'stepanakert').properties;
  for (const [i, column] of sc.name_columns.entries()) {
    await page.selectOption('#names', String(i));
    const label = await page.$eval('#labels .label[data-id="place:stepanakert"]', (l) => l.textContent);
    // The name in that column, or the display name where the column has none for this place.
    assert.equal(label, stepanakert.names_by_column[i] || stepanakert.name, `label in ${column}`);
  }
  await page.close();
});

test('the trust table equals the API runs, for the day and for the whole run', async () => {
  const page = await open();
  const date = '2023-01-15';
  await goTo(page, date);
  const api = await world.json(`${SC}/compare?date=${date}`);
  const rows = await page.$$eval('#trust-day tbody tr', (trs) => trs.map((tr) => ({ trust: tr.dataset.trust, cells: [...tr.children].map((c) => c.textContent.replace(' (differs)', '')) })));
  assert.deepEqual(rows.map((r) => r.trust), api.parties.map((p) => p.trust));
  for (const p of api.parties) {
    const r = rows.find((x) => x.trust === p.trust);
    assert.equal(r.cells[1], int(p.cut_off_population), `cut off under ${p.trust}`);
    assert.equal(r.cells[2], int(p.capacity_trucks_per_day), `capacity under ${p.trust}`);
    assert.equal(r.cells[3], int(p.capacity_trucks_per_day_with_restricted));
  }
  const ref = api.parties.find((p) => p.trust === 'operator');
  const differing = api.parties.filter((p) => p.cut_off_population !== ref.cut_off_population).map((p) => p.trust).sort();
  const marked = await page.$$eval('#trust-day tbody tr', (trs) => trs.filter((tr) => tr.children[1].classList.contains('differs')).map((tr) => tr.dataset.trust).sort());
  assert.deepEqual(marked, differing, 'the cells that differ from the operators’ account are marked');
  const whole = await world.json(`${SC}/compare`);
  await page.waitForSelector('#trust-run tbody tr');
  const runRows = await page.$$eval('#trust-run tbody tr', (trs) => trs.map((tr) => [tr.dataset.trust, tr.children[1].textContent.replace(' (differs)', '')]));
  assert.deepEqual(runRows, whole.parties.map((p) => [p.trust, int(p.days_with_people_cut_off)]));
  await page.waitForFunction((n) => document.querySelectorAll('#multiples figure').length === n, whole.parties.length, { timeout: 60000 });
  await page.close();
});

test('closing a road on the map changes isolation and capacity as the API says; undo restores', async () => {
  const page = await open();
  const date = '2022-12-05';
  await goTo(page, date);
  const road = 'rd_hakari_bridge';
  const geo = await world.json(`${SC}/days/${date}?format=geojson`);
  const f = geo.features.find((x) => x.properties.id === road);
  // The middle of the road's longest piece: the bridge is short, and its neighbours are drawn wide.
  const line = f.geometry.coordinates[0];
  let best = 0;
  for (let i = 1; i < line.length; i++) {
    const d = Math.hypot(line[i][0] - line[i - 1][0], line[i][1] - line[i - 1][1]);
    if (d > Math.hypot(line[best + 1]?.[0] - line[best][0], line[best + 1]?.[1] - line[best][1]) || i === 1) best = i - 1;
  }
  const mid = [(line[best][0] + line[best + 1][0]) / 2, (line[best][1] + line[best + 1][1]) / 2];
  await page.check('input[name=mode][value=whatif]');
  await page.evaluate((c) => window.corridor.map.jumpTo({ center: c, zoom: 17 }), mid);
  await page.waitForTimeout(300);
  const box = await page.$eval('#map', (m) => m.getBoundingClientRect().toJSON());
  const px = await page.evaluate((c) => window.corridor.map.project(c), mid);
  const step = Number(await page.evaluate(() => document.body.dataset.step));
  await page.mouse.click(box.x + px.x, box.y + px.y);
  await page.waitForFunction((n) => Number(document.body.dataset.step) > n && document.body.dataset.state === 'ready', step);
  const api = await world.json(`${SC}/days/${date}?close=${road}`);
  const base = await world.json(`${SC}/days/${date}`);
  assert.notEqual(api.cut_off_population, base.cut_off_population, 'the what-if matters on this day');
  assert.deepEqual(await cutOffShown(page), [...api.cut_off].sort());
  assert.match(await figure(page, 'Capacity, roads open to all'), new RegExp(`^${int(api.capacity_trucks_per_day)} trucks/day \\(without your what-if: ${int(base.capacity_trucks_per_day)}\\)`));
  assert.match(await page.$eval('#whatif-bar', (b) => b.textContent), /^What-if: Hakari bridge closed /);
  const step2 = Number(await page.evaluate(() => document.body.dataset.step));
  await page.click('#undo');
  await page.waitForFunction((n) => Number(document.body.dataset.step) > n && document.body.dataset.state === 'ready', step2);
  assert.deepEqual(await cutOffShown(page), [...base.cut_off].sort());
  assert.ok(await page.$eval('#whatif-bar', (b) => b.hidden));
  await page.close();
});

test('two clicks in route mode draw the route the API finds', async () => {
  const page = await open();
  await goTo(page, '2022-12-05');
  const box = await page.$eval('#map', (m) => m.getBoundingClientRect().toJSON());
  await page.check('input[name=mode][value=route]');
  const goris = [46.3386, 39.5078];
  const stepanakert = [46.7519, 39.8153];
  for (const c of [goris, stepanakert]) {
    const px = await page.evaluate((p) => window.corridor.map.project(p), c);
    await page.mouse.click(box.x + px.x, box.y + px.y);
  }
  await page.waitForSelector('#route-result');
  const shown = Number(await page.$eval('#route-result', (r) => r.dataset.distanceM));
  await page.waitForFunction(() => window.corridor.map.queryRenderedFeatures({ layers: ['route'] }).length > 0);
  const api = await world.json(`/v1/route?from=${goris[1]},${goris[0]}&to=${stepanakert[1]},${stepanakert[0]}`);
  assert.ok(Math.abs(shown - api.distance_m) < 5000, `shown ${shown} m, the API's route between the same roads ${api.distance_m} m`);
  assert.ok(shown > 40000 && shown < 80000, `Goris–Stepanakert is ${shown} m`);
  await page.close();
});

test('an unauthorised action shows the server’s refusal, and changes nothing', async () => {
  const page = await open(1400, world.tokens.local);
  await page.waitForFunction(() => document.querySelector('#whoami').textContent.startsWith('local (receiver)'));
  await page.click('[data-consignment="c-1"]');
  await page.waitForSelector('button[data-step="clear"]');
  const before = await world.json('/v1/consignments/c-1', world.tokens.local);
  await page.click('button[data-step="clear"]');
  await page.waitForSelector('.refusal');
  const text = await page.$eval('.refusal', (r) => r.textContent);
  assert.match(text, /Refused by the server \(403, rule C-ROLE\)/);
  assert.deepEqual(await world.json('/v1/consignments/c-1', world.tokens.local), before);
  // Without a token: nothing to act on, and the page says why.
  const anon = await open();
  assert.match(await anon.$eval('#pipeline', (p) => p.textContent), /log in with your party’s token/);
  await anon.close();
  await page.close();
});

test('a signed history verifies in the browser; a tampered one does not', async () => {
  const page = await open(1400, world.tokens.peacekeepers);
  await page.waitForSelector('[data-consignment="c-1"]');
  const verify = async () => {
    await page.click('[data-consignment="c-1"]');
    await page.waitForSelector('#verify');
    await page.click('#verify');
    await page.waitForFunction(() => document.querySelector('#verify-result')?.dataset.verified);
    return page.$eval('#verify-result', (r) => r.dataset.verified);
  };
  assert.equal(await verify(), 'yes');
  const checks = await page.$$eval('#verify-result li', (l) => l.length);
  const events = (await world.json('/v1/consignments/c-1/history', world.tokens.peacekeepers)).events.length;
  assert.equal(checks, 1 + 4 * events, 'the head and four checks per event');
  // Each tampering on its own: the first event's payload, the last event's signature, a proof path
  // element, the head's root.
  const tamper = {
    payload: (h) => { h.events[0].payload.declaration.items[0].quantity = 1; },
    canonical: (h) => { h.events[0].canonical = h.events[0].canonical.replace('"quantity":20000', '"quantity":1'); },
    signature: (h) => { const e = h.events.at(-1); e.signature = (e.signature[0] === '0' ? '1' : '0') + e.signature.slice(1); },
    path: (h) => { const p = h.events[0].inclusion.path; p[0] = (p[0][0] === '0' ? '1' : '0') + p[0].slice(1); },
    root: (h) => { h.head.root = (h.head.root[0] === '0' ? '1' : '0') + h.head.root.slice(1); },
  };
  for (const [name, change] of Object.entries(tamper)) {
    await page.route('**/v1/consignments/c-1/history', async (route) => {
      const res = await route.fetch();
      const h = await res.json();
      change(h);
      await route.fulfill({ response: res, json: h });
    });
    assert.equal(await verify(), 'no', `tampered ${name}`);
    await page.unrouteAll({ behavior: 'wait' });
  }
  assert.equal(await verify(), 'yes', 'untouched again');
  await page.close();
});

test('screenshots at 1400 and 400 px; at 400 px nothing overflows sideways', async () => {
  for (const width of [1400, 400]) {
    const page = await open(width);
    await page.waitForFunction(() => document.body.dataset.firstFrameMs);
    await page.waitForSelector('#trust-run tbody tr');
    await page.screenshot({ path: join(OUT, `dashboard-${width}.png`) });
    await page.screenshot({ path: join(OUT, `dashboard-${width}-full.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${width} px: the page is ${overflow} px wider than the window`);
    const cp = await page.$eval('#labels .label[data-id="checkpoint:hakari_checkpoint"]', (l) => ({ placed: l.dataset.placed, text: l.textContent }));
    assert.equal(cp.placed, '1', `${width} px: the checkpoint is labelled`);
    assert.match(cp.text, /trucks\/day/);
    const size = await page.$eval('#figures dd', (d) => parseFloat(getComputedStyle(d).fontSize));
    assert.ok(size >= 14, `text is ${size} px`);
    await page.close();
  }
});

test('keyboard navigation and accessible names (axe-core, WCAG 2 A and AA)', async () => {
  const page = await open(1400, world.tokens.peacekeepers);
  await page.waitForSelector('#trust-run tbody tr');
  await page.waitForSelector('[data-consignment="c-1"]');
  await page.click('[data-consignment="c-1"]');
  await page.waitForSelector('#verify');
  // The page's Content-Security-Policy refuses inline scripts: axe is evaluated by the browser's
  // devtools protocol instead (not a script of the page's).
  await page.evaluate(`${AXE}\n;void 0`);
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } }));
  const violations = result.violations.map((v) => `${v.id}: ${v.nodes.length} (${v.nodes[0].target})`);
  assert.deepEqual(violations, []);
  // Tab from the top reaches the skip link first, then the controls, and the slider.
  await page.goto(`${world.url}/`);
  await page.waitForSelector('body[data-state=ready]');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  const seen = new Set();
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    seen.add(await page.evaluate(() => document.activeElement.id || document.activeElement.getAttribute('aria-label') || document.activeElement.tagName));
  }
  for (const id of ['scenario', 'trust', 'names', 'token', 'slider', 'play']) assert.ok(seen.has(id), `Tab reaches #${id}`);
  const day = await page.evaluate(() => document.body.dataset.day);
  await page.focus('#slider');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((d) => document.body.dataset.day !== d && document.body.dataset.state === 'ready', day);
  await page.close();
});

test('static files and API replies are compressed with gzip, not brotli, whatever the browser accepts', async () => {
  // cpp-httplib compresses brotli at quality 11 on every request: 1.5 s for the 1.2 MB bundle on
  // this machine, which made the first load seconds slower than the network allows.
  const { request } = await import('node:http');
  const head = (path) =>
    new Promise((ok, fail) => {
      const r = request(`${world.url}${path}`, { headers: { 'accept-encoding': 'br, gzip, deflate' } }, (res) => {
        res.resume();
        res.on('end', () => ok(res.headers));
      });
      r.on('error', fail);
      r.end();
    });
  const index = readFileSync(join(process.env.CORRIDOR_WEB ?? join(ROOT, 'build/web'), 'index.html'), 'utf8');
  const script = index.match(/src="\.\/(assets\/[^"]+\.js)"/)[1];
  for (const path of [`/${script}`, `${SC}/series`]) {
    const h = await head(path);
    assert.equal(h['content-encoding'], 'gzip', path);
  }
});

test('what-if windows: inclusive at both ends, checked, never cached into the plain day', async () => {
  const get = async (q) => {
    const r = await fetch(`${world.url}${SC}/days/${q}`);
    return [r.status, await r.json()];
  };
  const road = 'rd_hakari_bridge';
  const [s1, first] = await get(`2022-12-05?close=${road}&close_from=2022-12-05&close_to=2022-12-07`);
  const [, last] = await get(`2022-12-07?close=${road}&close_from=2022-12-05&close_to=2022-12-07`);
  const [, after] = await get(`2022-12-08?close=${road}&close_from=2022-12-05&close_to=2022-12-07`);
  const [, before] = await get(`2022-12-04?close=${road}&close_from=2022-12-05&close_to=2022-12-07`);
  assert.equal(s1, 200);
  assert.equal(first.status[road].by, 'what-if');
  assert.equal(last.status[road].by, 'what-if', 'the last day of the window is closed');
  assert.notEqual(after.status[road]?.by, 'what-if', 'the day after the window is not');
  assert.notEqual(before.status[road]?.by, 'what-if', 'the day before the window is not');
  const [, plain] = await get('2022-12-05');
  assert.notEqual(plain.status[road]?.by, 'what-if', 'a what-if never leaks into the plain day');
  const [bad, e1] = await get('2022-12-05?close=no_such_road');
  assert.equal(bad, 404);
  assert.match(e1.error.message, /no_such_road/);
  const [inverted, e2] = await get(`2022-12-05?close=${road}&close_from=2022-12-07&close_to=2022-12-05`);
  assert.equal(inverted, 400);
  assert.match(e2.error.message, /ends .* before it starts/);
  const [outside] = await get(`2022-12-05?close=${road}&close_to=2030-01-01`);
  assert.equal(outside, 404);
  const [empty] = await get('2022-12-05?close=');
  assert.equal(empty, 400);
});
