// Checking a consignment's signed history in the browser, trusting nothing but the arithmetic:
// each event's hash is SHA-256 of its canonical bytes (and those bytes say what the event's fields
// say), its Ed25519 signature by the actor's key, its inclusion proof (RFC 9162 2.1.3.2) up to the
// signed tree head's root, and the head's own signature by the node (docs/formats.md).
// WebCrypto where the browser has it (Ed25519 and SHA-256 need a secure context: https or
// localhost); otherwise @noble/ed25519 and @noble/hashes, small audited libraries.
import * as ed from '@noble/ed25519';
import { sha256 as nobleSha256, sha512 } from '@noble/hashes/sha2.js';

ed.hashes.sha512 = sha512;

export type Bytes = Uint8Array<ArrayBuffer>;

export function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export function unhex(s: string): Bytes {
  if (!/^([0-9a-f]{2})*$/.test(s)) throw new Error(`not hex: ${s.slice(0, 16)}…`);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle;
let webEd25519: boolean | null = null;

export async function sha256(data: Uint8Array): Promise<Bytes> {
  if (subtle) return new Uint8Array(await subtle.digest('SHA-256', data as Bytes));
  return nobleSha256(data) as Bytes;
}

async function hasWebEd25519(): Promise<boolean> {
  if (webEd25519 !== null) return webEd25519;
  webEd25519 = false;
  if (subtle) {
    try {
      await subtle.importKey('raw', new Uint8Array(32).fill(1), { name: 'Ed25519' }, false, ['verify']);
      webEd25519 = true;
    } catch {
      webEd25519 = false;
    }
  }
  return webEd25519;
}

export async function ed25519Verify(publicKey: Bytes, signature: Bytes, message: Bytes): Promise<boolean> {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  if (await hasWebEd25519()) {
    try {
      const key = await subtle!.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
      return await subtle!.verify({ name: 'Ed25519' }, key, signature, message);
    } catch {
      return false;
    }
  }
  try {
    return await ed.verifyAsync(signature, message, publicKey);
  } catch {
    return false;
  }
}

export async function engine(): Promise<string> {
  return (await hasWebEd25519()) ? 'WebCrypto' : '@noble/ed25519';
}

const enc = new TextEncoder();

async function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Bytes> {
  const b = new Uint8Array(65);
  b[0] = 1;
  b.set(left, 1);
  b.set(right, 33);
  return sha256(b);
}

export async function leafHash(eventHash: Uint8Array): Promise<Bytes> {
  const b = new Uint8Array(33);
  b[0] = 0;
  b.set(eventHash, 1);
  return sha256(b);
}

// RFC 9162 2.1.3.2.
export async function inclusionRoot(leafIndex: number, treeSize: number, leaf: Uint8Array, path: Uint8Array[]): Promise<Bytes | null> {
  if (leafIndex >= treeSize || leafIndex < 0) return null;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = new Uint8Array(leaf) as Bytes;
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

export interface TreeHead {
  log: string;
  size: number;
  root: string;
  time: string;
  signatures: { by: string; public_key: string; signature: string }[];
}

export interface HistoryEvent {
  seq: number;
  time: number;
  actor: string;
  type: string;
  subject: string;
  payload: unknown;
  prev_hash: string;
  hash: string;
  signature: string;
  canonical: string;
  actor_public_key: string | null;
  inclusion: { leaf_index: number; tree_size: number; path: string[] };
}

export interface Check {
  what: string;
  ok: boolean;
}

function equalJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object).sort();
  const kb = Object.keys(b as object).sort();
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => equalJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export async function checkHead(h: TreeHead): Promise<Check[]> {
  const time = Math.round(Date.parse(h.time) / 1000);
  const message = await sha256(enc.encode(`corridor tree head v1\n${h.log}\n${h.size}\n${h.root}\n${time}`));
  const out: Check[] = [];
  if (!h.signatures?.length) out.push({ what: 'the tree head carries no signature', ok: false });
  for (const s of h.signatures ?? []) {
    let ok = false;
    try {
      ok = await ed25519Verify(unhex(s.public_key), unhex(s.signature), message);
    } catch {
      ok = false;
    }
    out.push({ what: `tree head of ${h.size} events signed by ${s.by} (${s.public_key.slice(0, 12)}…)`, ok });
  }
  return out;
}

export async function checkEvent(e: HistoryEvent, head: TreeHead): Promise<Check[]> {
  const out: Check[] = [];
  let hashBytes: Bytes;
  try {
    hashBytes = unhex(e.hash);
  } catch {
    return [{ what: `event ${e.seq}: its hash is not hex`, ok: false }];
  }
  const computed = hex(await sha256(enc.encode(e.canonical)));
  out.push({ what: `event ${e.seq}: SHA-256 of its canonical bytes is its hash`, ok: computed === e.hash });
  let said: Record<string, unknown> = {};
  try {
    said = JSON.parse(e.canonical) as Record<string, unknown>;
  } catch {
    said = {};
  }
  const fields: (keyof HistoryEvent)[] = ['seq', 'time', 'actor', 'type', 'subject', 'prev_hash', 'payload'];
  out.push({ what: `event ${e.seq}: the signed bytes say what is shown`, ok: fields.every((f) => equalJson(said[f], e[f])) });
  let sigOk = false;
  if (e.actor_public_key) {
    try {
      sigOk = await ed25519Verify(unhex(e.actor_public_key), unhex(e.signature), hashBytes);
    } catch {
      sigOk = false;
    }
  }
  out.push({ what: `event ${e.seq}: Ed25519 signature by ${e.actor}`, ok: sigOk });
  let incOk = false;
  try {
    const root = await inclusionRoot(e.inclusion.leaf_index, e.inclusion.tree_size, await leafHash(hashBytes), e.inclusion.path.map(unhex));
    incOk = root !== null && hex(root) === head.root && e.inclusion.tree_size === head.size && e.inclusion.leaf_index === e.seq - 1;
  } catch {
    incOk = false;
  }
  out.push({ what: `event ${e.seq}: included in the signed tree of ${head.size} events`, ok: incOk });
  return out;
}
