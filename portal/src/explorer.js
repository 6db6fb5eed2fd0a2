// Explorer pages: home (live), blocks, a block, a transaction, organisations, accounts.

import { h, link, mono, fields, table } from './dom.js';
import { t, fmtTime } from './i18n.js';
import { api, live } from './api.js';

const LATEST = 10;

async function lastBlocks(top, n) {
  const heights = [];
  for (let x = top; x >= 1 && heights.length < n; x--) heights.push(x);
  return Promise.all(heights.map((x) => api(`/v1/blocks/${x}`)));
}

const blockRow = (b) => [link(`/blocks/${b.height}`, String(b.height)), mono(b.hash, true), String(b.tx_hashes.length), fmtTime(b.header.time_ms)];
const txItem = (hash, height) =>
  h('li', {}, link(`/txs/${hash}`, mono(hash, true)), ' ', h('span', { class: 'muted' }, `${t('in_block')} ${height}`));

function validatorOrgs(status) {
  const m = new Map();
  for (const v of status.validators) m.set(v.address, v);
  return m;
}

/** Home: live height, latest blocks and transactions, organisations and their validators. */
export async function home() {
  const [status, orgs, recent] = await Promise.all([api('/status'), api('/v1/organisations'), api('/v1/records?limit=5')]);
  const blocks = await lastBlocks(status.height, LATEST);
  const heightEl = h('span', { id: 'height', 'data-testid': 'height' }, String(status.height));
  const timeEl = h('span', {}, status.height > 0 ? fmtTime(status.latest_block_time_ms) : '–');
  const pendingEl = h('span', {}, String(status.mempool.txs));
  const tbody = h('tbody', {}, blocks.map((b) => h('tr', {}, blockRow(b).map((c) => h('td', {}, c)))));
  const txs = [];
  for (const b of blocks) for (const x of b.tx_hashes) if (txs.length < LATEST) txs.push([x, b.height]);
  const txList = h('ul', { class: 'plain', id: 'latest-txs' }, txs.map(([x, ht]) => txItem(x, ht)));
  const noTxs = h('p', { class: 'muted', hidden: txs.length > 0 }, t('no_txs'));

  live.onBlock = (b) => {
    heightEl.textContent = String(b.height);
    timeEl.textContent = fmtTime(b.time_ms);
    const row = [link(`/blocks/${b.height}`, String(b.height)), mono(b.hash, true), String(b.tx_count), fmtTime(b.time_ms)];
    tbody.prepend(h('tr', { class: 'new' }, row.map((c) => h('td', {}, c))));
    while (tbody.children.length > LATEST) tbody.lastElementChild.remove();
    for (const x of (b.tx_hashes || []).slice(0, LATEST).reverse()) txList.prepend(txItem(x, b.height));
    while (txList.children.length > LATEST) txList.lastElementChild.remove();
    if (txList.children.length > 0) noTxs.hidden = true;
  };

  const byAddr = validatorOrgs(status);
  return [
    h('h1', { class: 'visually-hidden' }, t('site')),
    h(
      'section',
      { class: 'stats', 'aria-label': t('chain') },
      stat(t('height'), heightEl, true),
      stat(t('latest_time'), timeEl),
      stat(t('chain'), status.chain_id),
      stat(t('validators'), String(status.validators.length)),
      stat(t('pending'), pendingEl),
    ),
    recent.items.length
      ? h(
          'section',
          {},
          h('h2', {}, t('latest_records')),
          h('ul', { class: 'plain' }, recent.items.map((r) => h('li', {}, link(`/records/${r.id}`, r.title), ' ', h('span', { class: 'muted' }, `${r.org} · ${fmtTime(r.time_ms)}`)))),
          link('/search', t('nav_search')),
        )
      : null,
    h(
      'div',
      { class: 'cols' },
      h('section', {}, h('h2', {}, t('latest_blocks')), h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': t('latest_blocks') },
        h('table', {}, h('thead', {}, h('tr', {}, [t('block'), t('hash'), t('txs'), t('time')].map((x) => h('th', { scope: 'col' }, x)))), tbody)),
        link('/blocks', t('more'))),
      h('section', {}, h('h2', {}, t('latest_txs')), txList, noTxs),
    ),
    h(
      'section',
      {},
      h('h2', {}, t('orgs')),
      h(
        'ul',
        { class: 'cards' },
        orgs.map((o) =>
          h(
            'li',
            {},
            h('h3', {}, link(`/orgs/${o.id}`, o.name)),
            h('p', { class: 'muted' }, `${o.id} · ${o.kind}`),
            o.validators.length
              ? h('ul', { class: 'plain' }, o.validators.map((a) => h('li', {}, `${t('validators')}: `, mono(a, true), byAddr.has(a) ? ` · ${t('voting_power')} ${byAddr.get(a).voting_power}` : '')))
              : null,
          ),
        ),
      ),
    ),
  ];
}

function stat(label, value, live = false) {
  return h('div', { class: 'stat' }, h('span', { class: 'label' }, label), h('span', { class: 'value', 'aria-live': live ? 'polite' : null }, value));
}

/** A page of blocks, newest first (`?before=` for older ones). */
export async function blocks(_, params) {
  const status = await api('/status');
  const before = Number(params.get('before')) || status.height + 1;
  const list = await lastBlocks(Math.min(before - 1, status.height), 20);
  const oldest = list.length ? list[list.length - 1].height : 1;
  return [
    h('h1', {}, t('nav_blocks')),
    table(t('nav_blocks'), [t('block'), t('hash'), t('txs'), t('time')], list.map(blockRow)),
    oldest > 1 ? h('p', {}, link(`/blocks?before=${oldest}`, t('older'))) : null,
  ];
}

/** One block: header, transactions, commit signatures. */
export async function block([height]) {
  const [b, status] = await Promise.all([api(`/v1/blocks/${height}`), api('/status')]);
  const byAddr = validatorOrgs(status);
  const hd = b.header;
  const who = (a) => [link(`/accounts/${a}`, mono(a, true)), byAddr.has(a) ? ` (${byAddr.get(a).org})` : ''];
  return [
    h('h1', {}, `${t('block')} ${b.height}`),
    h('p', { class: 'pager' }, b.height > 1 ? link(`/blocks/${b.height - 1}`, `← ${t('prev')}`) : null, ' ', b.height < status.height ? link(`/blocks/${b.height + 1}`, `${t('next')} →`) : null),
    fields([
      [t('hash'), mono(b.hash)],
      [t('time'), fmtTime(hd.time_ms)],
      [t('proposer'), who(hd.proposer)],
      [t('prev'), mono(hd.prev_hash)],
      [t('state_root'), mono(hd.state_root)],
      [t('tx_root'), mono(hd.tx_root)],
      [t('receipts_root'), mono(hd.receipts_root)],
      [t('valset_hash'), mono(hd.validator_set_hash)],
      [t('round'), String(b.certificate.round)],
    ]),
    h('h2', {}, `${t('txs')} (${b.tx_hashes.length})`),
    b.tx_hashes.length ? h('ol', { class: 'plain' }, b.tx_hashes.map((x) => h('li', {}, link(`/txs/${x}`, mono(x))))) : h('p', { class: 'muted' }, t('no_txs')),
    h('h2', {}, t('signatures')),
    h('ul', { class: 'plain' }, b.certificate.signatures.map((s) => h('li', {}, who(s.validator)))),
  ];
}

/** One transaction: status, signer, call, receipt and events. */
export async function tx([hash]) {
  const x = await api(`/v1/txs/${hash}`);
  const r = x.receipt;
  return [
    h('h1', {}, t('tx')),
    x.status === 'committed' ? h('p', {}, link(`/verify?tx=${x.hash}`, h('strong', {}, t('verify_this')))) : null,
    fields([
      [t('hash'), mono(x.hash)],
      [t('status'), x.status],
      [t('in_block'), x.height ? link(`/blocks/${x.height}`, String(x.height)) : null],
      [t('index'), x.index !== undefined ? String(x.index) : null],
      [t('signer'), x.signer ? link(`/accounts/${x.signer}`, mono(x.signer)) : null],
      [t('call'), x.call ? mono(x.call) : null],
      [t('outcome'), r ? [r.outcome, r.code ? ` (${r.code})` : '', r.message ? `: ${r.message}` : ''] : null],
      [t('reason'), x.reason ? `${x.reason_code}: ${x.reason}` : null],
    ]),
    r && r.events.length
      ? [
          h('h2', {}, t('events')),
          table(
            t('events'),
            [t('module'), t('kind'), t('attributes')],
            r.events.map((e) => [e.module, e.kind, h('ul', { class: 'plain' }, e.attributes.map(([k, v]) => h('li', {}, h('span', { class: 'muted' }, `${k}: `), attr(k, v))))]),
          ),
        ]
      : null,
  ];
}

function attr(key, value) {
  if (key === 'id' && /^[a-z0-9_-]+-\d+$/i.test(value)) return link(`/records/${value}`, value);
  return mono(value);
}

/** All organisations. */
export async function orgs() {
  const list = await api('/v1/organisations');
  return [
    h('h1', {}, t('nav_orgs')),
    h('p', {}, link('/certificate-types', t('cert_types')), ' · ', link('/governance', t('nav_governance'))),
    table(
      t('nav_orgs'),
      [t('name'), t('org_id'), t('kind'), t('validators'), t('status')],
      list.map((o) => [link(`/orgs/${o.id}`, o.name), o.id, o.kind, String(o.validators.length), o.active ? t('active') : t('inactive')]),
    ),
  ];
}

/** One organisation: administrators, roles, validators. */
export async function org([id]) {
  const o = await api(`/v1/organisations/${encodeURIComponent(id)}`);
  return [
    h('h1', {}, o.name),
    fields([
      [t('org_id'), o.id],
      [t('kind'), o.kind],
      [t('status'), o.active ? t('active') : t('inactive')],
      [t('admins'), h('ul', { class: 'plain' }, o.admins.map((a) => h('li', {}, link(`/accounts/${a}`, mono(a)))))],
      [t('validators'), o.validators.length ? h('ul', { class: 'plain' }, o.validators.map((a) => h('li', {}, mono(a)))) : '–'],
    ]),
    h('h2', {}, t('roles')),
    table(t('roles'), [t('name'), t('permissions')], o.roles.map((r) => [r.name, r.permissions.join(', ')])),
    h('p', {}, link(`/search?org=${encodeURIComponent(o.id)}`, t('records'))),
  ];
}

/** One account (pseudonymous: an address and a key, the organisation and roles). */
export async function account([address]) {
  const a = await api(`/v1/accounts/${encodeURIComponent(address)}`);
  return [
    h('h1', {}, t('account')),
    fields([
      [t('account'), mono(a.address)],
      [t('public_key'), mono(a.public_key)],
      [t('kind'), a.kind],
      [t('org'), a.org ? link(`/orgs/${a.org}`, a.org) : null],
      [t('roles'), a.roles.join(', ') || '–'],
      [t('status'), a.active ? t('active') : t('inactive')],
      [t('registered_at'), String(a.registered_at)],
      [t('next_nonce'), String(a.next_nonce)],
    ]),
  ];
}
