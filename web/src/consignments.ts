// The dashboard's consignments: the pipeline by state, each consignment's signed history checked
// in the browser (hashes, signatures, inclusion proofs against the signed head), and the steps a
// party records from here.
import { api, ApiError, get, hasToken } from './api';
import { state } from './state';
import { byId, el, errorBox, fill, table } from './ui';
import { checkEvent, checkHead, engine } from './verify';
import type { HistoryEvent, TreeHead } from './verify';

// ---- consignments -------------------------------------------------------------------------------

interface ConsignmentRow {
  id: string;
  state: string;
  sender: string;
  receiver: string;
  checkpoint: string;
  destination: string;
  verdict: string;
}

const STEPS: Record<string, string[]> = {
  sender: ['notify', 'arrive'],
  checkpoint: ['approve', 'reject', 'arrive', 'inspect', 'hold', 'clear', 'turn-back', 'cross', 'override'],
  monitor: ['approve', 'reject'],
  receiver: ['deliver'],
};
const ALL_STEPS = ['notify', 'approve', 'reject', 'arrive', 'inspect', 'hold', 'clear', 'turn-back', 'cross', 'deliver', 'override'];

export async function renderPipeline(): Promise<void> {
  const box = byId('pipeline');
  try {
    const stats = await get<{
      consignments: number;
      by_state: Record<string, number>;
      by_verdict: Record<string, number>;
      dwell: { stage: string; count: number; p50_hours: number; p90_hours: number }[];
      rules_cited?: Record<string, number>;
    }>('/v1/consignments/stats');
    const parts: Node[] = [
      table(
        `Consignments by stage (${stats.consignments} in all)`,
        [
          { head: 'Stage', cell: (r: [string, number]) => r[0] },
          { head: 'Count', cell: (r) => r[1], numeric: true },
        ],
        Object.entries(stats.by_state),
      ),
      table(
        'Dwell time between stages',
        [
          { head: 'Stage', cell: (r: (typeof stats.dwell)[number]) => r.stage },
          { head: 'Consignments', cell: (r) => r.count, numeric: true },
          { head: 'Median hours', cell: (r) => r.p50_hours.toFixed(1), numeric: true },
          { head: '90th percentile hours', cell: (r) => r.p90_hours.toFixed(1), numeric: true },
        ],
        stats.dwell,
      ),
      table(
        'Regime decisions and the rules they cite',
        [
          { head: 'Decision or rule', cell: (r: [string, number]) => r[0] },
          { head: 'Count', cell: (r) => r[1], numeric: true },
        ],
        [...Object.entries(stats.by_verdict), ...Object.entries(stats.rules_cited ?? {}).map(([k, v]): [string, number] => [`rule ${k}`, v])],
      ),
    ];
    if (!hasToken()) {
      parts.push(el('p', { class: 'hint' }, 'Each consignment is visible to the parties it concerns: log in with your party’s token to see yours.'));
      fill(box, ...parts);
      return;
    }
    const list = await get<{ consignments: ConsignmentRow[] }>('/v1/consignments');
    const parties = [...new Set(list.consignments.flatMap((c) => [c.sender, c.receiver]))].sort();
    const filter = el('select', { id: 'party-filter' }, el('option', { value: '' }, 'every party'), ...parties.map((p) => el('option', { value: p }, p)));
    const rows = el('div', { id: 'consignment-list' });
    const draw = () => {
      const f = filter.value;
      const shown = list.consignments.filter((c) => !f || c.sender === f || c.receiver === f);
      fill(
        rows,
        table(
          'Your consignments',
          [
            { head: 'Consignment', cell: (c: ConsignmentRow) => el('button', { type: 'button', class: 'link', 'data-consignment': c.id }, c.id) },
            { head: 'Stage', cell: (c) => c.state },
            { head: 'Sender', cell: (c) => c.sender },
            { head: 'Receiver', cell: (c) => c.receiver },
            { head: 'Checkpoint', cell: (c) => c.checkpoint },
            { head: 'Regime decision', cell: (c) => c.verdict },
          ],
          shown,
        ),
      );
    };
    filter.addEventListener('change', draw);
    draw();
    parts.push(el('label', {}, 'Filter by party ', filter), rows);
    fill(box, ...parts);
  } catch (e) {
    fill(box, errorBox(e));
  }
}

export async function showHistory(id: string): Promise<void> {
  const box = byId('history');
  fill(box, el('p', { class: 'hint' }, `Loading the signed history of ${id}…`));
  try {
    const h = await get<{ id: string; head: TreeHead; events: HistoryEvent[] }>(`/v1/consignments/${encodeURIComponent(id)}/history`);
    const result = el('div', { id: 'verify-result', 'aria-live': 'polite' });
    const verify = el('button', { type: 'button', id: 'verify' }, 'Check signatures and proofs in this browser');
    verify.addEventListener('click', async () => {
      fill(result, 'Checking…');
      const checks = [...(await checkHead(h.head))];
      for (const e of h.events) checks.push(...(await checkEvent(e, h.head)));
      const ok = checks.length > 0 && checks.every((c) => c.ok);
      result.dataset.verified = ok ? 'yes' : 'no';
      fill(
        result,
        el('p', { class: ok ? 'ok' : 'error', role: 'status' }, ok ? `Verified: ${checks.length} checks passed (${await engine()}).` : `NOT verified: ${checks.filter((c) => !c.ok).length} of ${checks.length} checks failed.`),
        el('ul', { class: 'checks' }, ...checks.map((c) => el('li', { class: c.ok ? 'ok' : 'error' }, `${c.ok ? '✓' : '✗'} ${c.what}`))),
      );
    });
    const actions = el('div', { class: 'actions', role: 'group', 'aria-label': 'Record a step' });
    const role = state.me?.role ?? '';
    const offered = STEPS[role] ?? [];
    const reply = el('div', { id: 'action-reply', 'aria-live': 'polite' });
    for (const step of ALL_STEPS) {
      const b = el('button', { type: 'button', 'data-step': step, class: offered.includes(step) ? 'primary' : 'secondary' }, step);
      b.addEventListener('click', async () => {
        try {
          const body: Record<string, unknown> = {};
          if (['reject', 'hold', 'turn-back', 'override'].includes(step)) body.reason = 'recorded from the dashboard';
          // inspect: no lane, so the node records the least the regime's rules and the random draw allow
          if (step === 'turn-back') body.whole = true;
          const r = await api<{ state?: string; seq?: number }>('POST', `/v1/consignments/${encodeURIComponent(id)}/${step}`, body);
          fill(reply, el('p', { class: 'ok', role: 'status' }, `Recorded: ${id} is now ${r.state ?? step} (event ${r.seq}).`));
          await renderPipeline();
        } catch (e) {
          const err = e as ApiError;
          fill(
            reply,
            el(
              'p',
              { class: 'error refusal', role: 'alert' },
              `Refused by the server (${err.status ?? ''}${err.body?.rule ? `, rule ${err.body.rule}` : ''}): ${err.body?.message ?? err.message}`,
            ),
          );
        }
      });
      actions.append(b);
    }
    fill(
      box,
      el('h3', {}, `Signed history of ${id}`),
      table(
        'Events, each signed by the party that made it',
        [
          { head: 'Seq', cell: (e: HistoryEvent) => e.seq, numeric: true },
          { head: 'Time (UTC)', cell: (e) => new Date(e.time * 1000).toISOString().replace('T', ' ').slice(0, 16) },
          { head: 'Step', cell: (e) => e.type.replace('consignment.', '') },
          { head: 'Signed by', cell: (e) => e.actor },
          { head: 'Custodial', cell: (e) => ((e.payload as Record<string, unknown>)?.custody ? 'signed by the node for a web user' : 'own key') },
          { head: 'Hash', cell: (e) => el('code', {}, `${e.hash.slice(0, 16)}…`) },
        ],
        h.events,
      ),
      el('p', { class: 'hint' }, `Tree head: ${h.head.size} events, root ${h.head.root.slice(0, 16)}…, ${h.head.time}.`),
      verify,
      result,
      el('h4', {}, hasToken() ? `Record a step as ${state.me?.party ?? 'you'} (${role || 'no role'})` : 'Record a step (log in first)'),
      actions,
      reply,
    );
  } catch (e) {
    fill(box, errorBox(e));
  }
}

