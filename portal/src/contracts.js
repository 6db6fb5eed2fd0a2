// A smart contract's page: code hash and size, creator, its transactions with status and gas,
// and its events decoded in the browser once the visitor pastes the contract's ABI (viem).

import { decodeEventLog } from 'viem';
import { h, link, mono, fields, table } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';

function decode(abi, log) {
  try {
    const d = decodeEventLog({ abi, topics: log.topics, data: log.data });
    const args = Object.entries(d.args || {}).map(([k, v]) => `${k}=${typeof v === 'bigint' ? v.toString() : String(v)}`);
    return `${d.eventName}(${args.join(', ')})`;
  } catch {
    return null;
  }
}

/** `/contracts/{address}`. */
export async function contract([address]) {
  const c = await api(`/v1/evm/contracts/${address}`);
  const txs = await Promise.all(c.transactions.map((x) => api(`/v1/evm/txs/${x}`).then((v) => v.tx)));
  const logs = txs.flatMap((x) => x.logs.map((l) => ({ ...l, tx: x.hash })));
  const rows = (abi) =>
    logs.map((l) => [mono(l.tx, true), mono(l.address, true), abi ? decode(abi, l) || h('span', { class: 'muted' }, t('evm_undecoded')) : mono(l.topics[0] || '', true)]);
  const tbody = h('div', { id: 'contract-events' }, table(t('events'), [t('tx'), t('evm_contract'), t('evm_event')], rows(null)));
  const abiBox = h('textarea', { id: 'abi', rows: '4', cols: '60', 'aria-label': t('evm_abi') });
  const status = h('p', { id: 'abi-status', role: 'status' });
  const decodeBtn = h('button', { id: 'decode', type: 'button' }, t('evm_decode'));
  decodeBtn.addEventListener('click', () => {
    let abi;
    try {
      const parsed = JSON.parse(abiBox.value);
      abi = Array.isArray(parsed) ? parsed : parsed.abi;
      if (!Array.isArray(abi)) throw new Error('no abi');
    } catch {
      status.textContent = t('evm_abi_bad');
      return;
    }
    status.textContent = '';
    tbody.replaceChildren(table(t('events'), [t('tx'), t('evm_contract'), t('evm_event')], rows(abi)));
  });
  return [
    h('h1', {}, t('evm_contract')),
    fields([
      [t('evm_address'), mono(c.address)],
      [t('evm_code_hash'), mono(c.code_hash)],
      [t('evm_code_size'), String(c.code_size)],
      [t('evm_creator'), c.creator ? mono(c.creator) : null],
      [t('in_block'), c.created_height ? link(`/blocks/${c.created_height}`, String(c.created_height)) : null],
    ]),
    h('h2', {}, t('evm_transactions')),
    table(
      t('evm_transactions'),
      [t('hash'), t('status'), t('evm_gas'), t('in_block')],
      txs.map((x) => [mono(x.hash, true), x.status, String(x.gas_used), link(`/blocks/${x.height}`, String(x.height))]),
    ),
    h('h2', {}, t('events')),
    h('p', {}, h('label', { for: 'abi' }, t('evm_abi'))),
    abiBox,
    h('p', {}, decodeBtn),
    status,
    tbody,
  ];
}
