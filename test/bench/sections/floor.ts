import type { Store } from '../../../core/store/index.js';
import { inProcessRp, warmInProcess } from '../inProcess.js';
import { measureRawCrypto } from '../rawCrypto.js';
import type { Section } from '../section.js';
import { peerOneFlow, warmPeer } from './peers.js';

const ROUNDS = 5;
const PER_ROUND = 200;

/** The audit log switched off: rows are dropped, nothing is chained, checkpointed or written. */
function withoutAudit(store: Store): void {
  let id = 0;
  store.audit.append = (e) => ({ id: ++id, at: e.at, actor: e.actor, action: e.action, outcome: e.outcome, code: e.code ?? null, accountId: e.accountId ?? null, details: e.details ?? {}, prevHash: '', hash: '' });
  store.audit.appendSoon = () => {};
}

interface Variant {
  name: string;
  once: (i: number) => Promise<void>;
  close?: () => void;
}

async function ours(name: string, opts: { memory?: boolean; before?: (store: Store) => void }): Promise<Variant> {
  const fx = await inProcessRp(opts);
  const users = await fx.prepare(ROUNDS * PER_ROUND + 30);
  const once = async (i: number) => {
    await fx.enrol(users[i]!);
    await fx.login(users[i]!);
  };
  // This store's statements and pages (the JIT is already warm).
  for (let i = 0; i < 30; i++) await once(ROUNDS * PER_ROUND + i);
  return { name, once, close: fx.close };
}

/**
 * Issue 15's three missed goals, bounded: ours with parts of its store taken away, interleaved with
 * peer (1) in one process, beside the cost each goal allows an enrol + login. None of the reduced
 * variants is a configuration the product offers (a :memory: store keeps nothing across a restart; no
 * audit log leaves admin actions unrecorded): they show how much of the gap the durable store and the
 * audit log account for, and that a store keeping nothing would still not close it.
 */
export async function run(): Promise<Section> {
  const raw = await measureRawCrypto();
  await warmInProcess();
  const peer = peerOneFlow();
  await warmPeer(peer);
  const variants: Variant[] = [
    await ours('ours, as shipped (SQLite file, WAL, audit log)', {}),
    await ours('ours, store in :memory: (nothing durable)', { memory: true }),
    await ours('ours, :memory: and no audit log', { memory: true, before: withoutAudit }),
    { name: 'peer (1): @simplewebauthn/server + minimal authenticator, no store', once: peer },
  ];
  const samples = variants.map(() => [] as number[]);
  let peerIndex = 1_000_000;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Each round in another order: a slow moment of the shared machine falls on a different variant.
      const order = variants.map((_, i) => (i + round) % variants.length);
      for (const v of order) {
        const start = performance.now();
        for (let i = 0; i < PER_ROUND; i++) await variants[v]!.once(v === variants.length - 1 ? peerIndex++ : round * PER_ROUND + i);
        samples[v]!.push(((performance.now() - start) * 1000) / PER_ROUND);
      }
    }
  } finally {
    for (const v of variants) v.close?.();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const micros = samples.map(median);
  const peerMicros = micros[micros.length - 1]!;
  const allowedByPeer = peerMicros / 1.3;
  const bareMicros = 1e6 / raw.nodeP256Keygen + 1e6 / raw.nodeP256Sign + 1e6 / raw.nodeP256VerifyImport;
  const allowedByCrypto = 5 * bareMicros;
  const fits = (us: number, allowed: number) => (us <= allowed ? 'yes' : `no (+${Math.round(us - allowed)} µs)`);
  const rows = variants.map((v, i) => {
    const us = micros[i]!;
    return i === variants.length - 1 ? [v.name, Math.round(us), '—', '—'] : [v.name, Math.round(us), fits(us, allowedByPeer), fits(us, allowedByCrypto)];
  });
  return {
    title: 'Floor: what the three missed goals would need (one process, interleaved)',
    columns: ['flow', 'µs per enrol + login (median)', `≤ peer (1) ÷ 1.3 = ${Math.round(allowedByPeer)} µs`, `≤ 5 × bare crypto = ${Math.round(allowedByCrypto)} µs`],
    rows,
    notes: [
      `${ROUNDS} rounds × ${PER_ROUND} enrol + logins per flow, order rotated each round, after the shared warm-up; bare crypto = P-256 keygen + sign + verify+import = ${bareMicros.toFixed(0)} µs (this run).`,
      '≥ 20× peer (2) allows 1/20 of peer (2)\'s time per enrol + login; the peers section measures peer (2) (Chromium, ≈ 45 s).',
      'The reduced flows are bounds, not configurations: :memory: keeps nothing across a restart, and without the audit log no action is recorded.',
    ],
  };
}
