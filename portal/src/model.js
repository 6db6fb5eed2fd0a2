// Decoding of the ledger values the portal proves (records, certificates) and their state keys
// (docs/proofs.md §6.1, docs/encoding.md).

import { bytesToHex } from '@noble/hashes/utils';
import { Reader, DecodeError, concat, utf8Bytes, equalBytes } from './borsh.js';

/** State key of a record version: `records/v/<id>/<version as u32 big-endian>`. */
export function recordKey(id, version) {
  const v = new Uint8Array(4);
  new DataView(v.buffer).setUint32(0, version, false);
  return concat(utf8Bytes(`records/v/${id}/`), v);
}

/** The version in a record key, if the key belongs to record `id`. */
export function recordKeyVersion(key, id) {
  const prefix = utf8Bytes(`records/v/${id}/`);
  if (key.length !== prefix.length + 4 || !equalBytes(key.subarray(0, prefix.length), prefix)) return null;
  return new DataView(key.buffer, key.byteOffset + prefix.length, 4).getUint32(0, false);
}

/** State key of a certificate: `certificates/cert/<id>`. */
export const certificateKey = (id) => utf8Bytes(`certificates/cert/${id}`);

const hex = (b) => bytesToHex(b);

/** Decodes a `Record` value. */
export function decodeRecord(bytes) {
  const r = new Reader(bytes);
  const rec = {
    id: r.string(),
    org: r.string(),
    version: r.u32(),
    category: r.string(),
    title: r.string(),
    body: r.string(),
    attachments: r.vec(() => ({ name: r.string(), hash: hex(r.fixed(32)), size: r.num() })),
    tags: r.vec(() => r.string()),
  };
  const status = r.u8();
  if (status > 1) throw new DecodeError(`record status ${status}`);
  rec.status = status === 0 ? 'active' : 'withdrawn';
  rec.reason = r.string();
  rec.previous = r.option(() => hex(r.fixed(32)));
  rec.author = '0x' + hex(r.fixed(20));
  rec.height = r.num();
  rec.time_ms = r.num();
  rec.published_ms = r.num();
  rec.tx_hash = hex(r.fixed(32));
  r.end();
  return rec;
}

/** Decodes a `Certificate` value (no personal data: holder and commitment are digests). */
export function decodeCertificate(bytes) {
  const r = new Reader(bytes);
  const c = {
    id: r.string(),
    type_id: r.string(),
    type_version: r.u32(),
    issuer_org: r.string(),
    issuer: '0x' + hex(r.fixed(20)),
  };
  const keyTag = r.u8();
  if (keyTag > 1) throw new DecodeError(`public key tag ${keyTag}`);
  c.issuer_key = `${keyTag === 0 ? 'ed25519' : 'sm2'}:${hex(r.fixed(keyTag === 0 ? 32 : 33))}`;
  c.holder = hex(r.fixed(32));
  c.commitment = hex(r.fixed(32));
  c.valid_from_ms = r.num();
  c.valid_until_ms = r.num();
  c.issued_height = r.num();
  const status = r.u8();
  if (status === 0) c.status = { kind: 'active' };
  else if (status === 1 || status === 2) {
    c.status = { kind: status === 1 ? 'suspended' : 'revoked', reason: r.string(), height: r.num() };
  } else throw new DecodeError(`certificate status ${status}`);
  c.previous = r.option(() => r.string());
  c.successor = r.option(() => r.string());
  r.end();
  return c;
}

/** State key of a certificate type version: `certificates/type_v/<id>/<version u32 big-endian>`. */
export function typeVersionKey(id, version) {
  const v = new Uint8Array(4);
  new DataView(v.buffer).setUint32(0, version, false);
  return concat(utf8Bytes(`certificates/type_v/${id}/`), v);
}

/** State key of an account: `identity/acct/<20-byte address>`. */
export const accountKey = (address) => concat(utf8Bytes('identity/acct/'), address);

const FIELD_KINDS = ['text', 'date', 'integer', 'boolean'];

/** Decodes a `CertType` version value. */
export function decodeCertType(bytes) {
  const r = new Reader(bytes);
  const t = { id: r.string(), name: r.string(), version: r.u32(), owner: r.string() };
  t.fields = r.vec(() => {
    const name = r.string();
    const kind = FIELD_KINDS[r.u8()];
    if (!kind) throw new DecodeError('field kind');
    return { name, kind, required: r.u8() === 1 };
  });
  t.issuers = r.vec(() => r.string());
  t.default_validity_days = r.u32();
  t.height = r.num();
  r.end();
  return t;
}

/** Decodes an `Account` value. */
export function decodeAccount(bytes) {
  const r = new Reader(bytes);
  const a = { address: hex(r.fixed(20)) };
  const tag = r.u8();
  if (tag > 1) throw new DecodeError(`public key tag ${tag}`);
  a.public_key = { tag, bytes: r.fixed(tag === 0 ? 32 : 33) };
  a.kind = r.u8();
  a.org = r.string();
  a.roles = r.vec(() => r.string());
  const active = r.u8();
  if (active > 1) throw new DecodeError('bool');
  a.active = active === 1;
  a.registered_at = r.num();
  r.end();
  return a;
}
