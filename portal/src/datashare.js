// Data sharing in the portal: the public catalog, a request and its grant, and "who used my
// data" — the citizen loads their keystore, the browser derives their subject tags
// (docs/datashare.md "Subject tags"), asks the node for the receipts under them with proofs,
// verifies every proof bundle against the genesis, and opens each receipt's details. The key
// never leaves the browser: only tags are sent.

import { h, fields, mono, table } from './dom.js';
import { t, fmtTime } from './i18n.js';
import { api } from './api.js';
import { trustFromGenesis } from './verify.js';
import { openKeystore, walk } from './whoused-core.js';

async function post(path, body) {
  const r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await r.json();
  if (!r.ok) throw new Error(json?.error?.message || `HTTP ${r.status}`);
  return json;
}

/** `/data`: the catalog. */
export async function catalog(_, params) {
  const q = params.get('q') || '';
  const list = await api(`/v1/datashare/datasets?q=${encodeURIComponent(q)}`);
  const form = h(
    'form',
    { class: 'search', role: 'search', action: '/data' },
    h('label', { for: 'ds-q' }, t('ds_search')),
    h('input', { id: 'ds-q', name: 'q', value: q, type: 'search' }),
    h('button', { type: 'submit' }, t('search_go')),
  );
  const items = list.map((d) =>
    h(
      'article',
      { class: 'card', 'data-dataset': d.id },
      h('h2', {}, d.name),
      fields([
        [t('ds_id'), mono(d.id)],
        [t('ds_owner'), d.owner],
        [t('ds_legal_basis'), d.legal_basis],
        [t('ds_citizens'), d.concerns_citizens ? t('yes') : t('no')],
      ]),
      h('p', {}, d.description),
      table(t('ds_fields'), [t('ds_field'), t('ds_type'), t('ds_sensitivity')], d.fields.map((f) => [mono(f.name), f.type, f.sensitivity])),
    ),
  );
  return [h('h1', {}, t('nav_data')), h('p', {}, t('ds_intro'), ' ', h('a', { href: '/who-used' }, t('nav_who_used'))), form, ...(items.length ? items : [h('p', {}, t('ds_none'))])];
}

/** `/data/requests/{id}`: a request and its grant. */
export async function request([id]) {
  const r = await api(`/v1/datashare/requests/${encodeURIComponent(id)}`);
  const g = r.grant;
  return [
    h('h1', {}, `${t('ds_request')} ${r.id}`),
    fields([
      [t('ds_status'), h('strong', { 'data-status': r.status }, r.status)],
      [t('ds_dataset'), r.dataset],
      [t('ds_requester'), r.requester],
      [t('ds_owner'), r.owner],
      [t('ds_fields'), r.fields.join(', ')],
      [t('ds_purpose'), `${r.purpose_code} — ${r.purpose}`],
      [t('ds_legal_basis'), r.legal_basis],
      [t('ds_scope'), r.scope === 'all' ? t('ds_scope_all') : `${r.scope_subjects}`],
      [t('ds_case'), r.case_ref],
    ]),
    g
      ? h('section', {}, h('h2', {}, t('ds_grant')), fields([[t('ds_status'), g.status], [t('ds_decided_by'), g.decided_by], [t('ds_fields'), g.fields.join(', ')], [t('ds_expires'), fmtTime(g.expires_ms)]]))
      : null,
  ].filter(Boolean);
}

/** `/who-used`: the citizen's verified list. */
export async function whoUsed() {
  const out = h('div', { id: 'who-result', 'aria-live': 'polite' });
  const file = h('input', { id: 'who-key', type: 'file', accept: '.json,application/json' });
  const pass = h('input', { id: 'who-pass', type: 'password', autocomplete: 'off' });
  const button = h('button', { id: 'who-go', type: 'button' }, t('ds_who_go'));
  button.addEventListener('click', async () => {
    out.replaceChildren(h('p', {}, t('ds_who_working')));
    try {
      const text = await file.files[0].text();
      let me;
      try {
        me = await openKeystore(JSON.parse(text), pass.value);
      } catch (e) {
        throw new Error(t(e.message === 'keystore_wrong' ? 'ds_keystore_wrong' : 'ds_keystore_format'));
      }
      const genesis = new Uint8Array(await (await fetch('/v1/genesis')).arrayBuffer());
      const trust = trustFromGenesis(genesis);
      const status = await api('/status');
      const profiles = await api('/v1/datashare/profiles');
      const owners = profiles
        .filter((p) => p.holds_citizen_data)
        .flatMap((p) => p.versions.map((v) => ({ owner: p.org, version: v.version, exchange_key: v.exchange_key })));
      const report = await walk(trust, me, owners, status.height, (body) => post('/v1/datashare/receipts/lookup', body));
      out.replaceChildren(...renderReport(report));
    } catch (e) {
      out.replaceChildren(h('p', { class: 'verdict invalid', role: 'alert', 'data-verdict': 'invalid' }, `${t('ds_who_failed')}: ${e.message}`));
    }
  });
  return [
    h('h1', {}, t('nav_who_used')),
    h('p', {}, t('ds_who_intro')),
    h('p', {}, h('label', { for: 'who-key' }, t('ds_who_key')), ' ', file),
    h('p', {}, h('label', { for: 'who-pass' }, t('ds_who_pass')), ' ', pass),
    button,
    out,
  ];
}

function renderReport(report) {
  const rows = report.found.map((f) => {
    const r = f.receipt;
    const what = r.outcome.outcome === 'refused' ? `${t('ds_refused')} (${r.outcome.code})` : r.outcome.outcome === 'erased' ? t('ds_erased') : t('ds_delivered');
    return [String(f.n), what, r.requester || '—', r.fields.join(', '), r.purpose_code, f.details?.case_ref || '—', fmtTime(r.time_ms)];
  });
  const v = report.verified;
  return [
    h(
      'p',
      { class: 'verdict valid', 'data-verdict': 'valid' },
      t('ds_who_verified', report.height, report.bundles, v ? `${v.power}/${v.total}` : '—'),
    ),
    ...report.counts.map((c) => h('p', { class: 'count', 'data-owner': c.owner }, t('ds_who_count', c.owner, c.receipts))),
    table(t('nav_who_used'), ['#', t('ds_outcome'), t('ds_requester'), t('ds_fields'), t('ds_purpose'), t('ds_case'), t('time')], rows),
  ];
}
