// Governance and certificate types: what changes the consortium approved, and what each
// authority may issue.

import { h, link, mono, fields, table } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';

function actionText(a) {
  const { type, ...rest } = a || {};
  const parts = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`);
  const label = t(`act_${type}`);
  return [h('strong', {}, label === `act_${type}` ? type : label), parts.length ? [' ', mono(parts.join(' '))] : null];
}

/** Governance proposals, newest first, with approvals against the threshold. */
export async function governance() {
  const list = await api('/v1/governance/proposals');
  return [
    h('h1', {}, t('nav_governance')),
    h('p', {}, t('governance_intro')),
    list.length === 0
      ? h('p', { class: 'muted' }, t('no_proposals'))
      : table(
          t('nav_governance'),
          ['#', t('action'), t('reason'), t('approvals'), t('status')],
          list.map((p) => [
            String(p.id),
            actionText(p.action),
            p.reason,
            [`${p.approvals.length} / ${p.required} `, h('span', { class: 'muted' }, p.approvals.join(', '))],
            p.status === 'executed'
              ? `${t('executed')} (${t('block')} ${p.executed_height}; ${t('effective')} ${p.effective_height})`
              : `${t('open')} (${t('expires')} ${p.expires_height})`,
          ]),
        ),
  ];
}

/** Certificate types: schema, issuing organisations, validity. */
export async function certTypes() {
  const list = await api('/v1/certificate-types');
  return [
    h('h1', {}, t('cert_types')),
    list.length === 0
      ? h('p', { class: 'muted' }, t('no_cert_types'))
      : h(
          'ul',
          { class: 'cards' },
          list.map((ct) =>
            h(
              'li',
              {},
              h('h2', {}, ct.name),
              fields([
                ['ID', mono(ct.id)],
                [t('version'), String(ct.version)],
                [t('owner'), link(`/orgs/${ct.owner}`, ct.owner)],
                [t('issuer_org'), ct.issuers.map((o, i) => [i ? ', ' : '', link(`/orgs/${o}`, o)])],
                [t('validity_days'), String(ct.default_validity_days)],
                [t('schema'), h('ul', { class: 'plain' }, ct.fields.map((f) => h('li', {}, mono(f.name), ` · ${f.kind}${f.required ? ` · ${t('required')}` : ''}`)))],
              ]),
            ),
          ),
        ),
  ];
}
