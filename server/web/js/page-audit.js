// The audit log, for auditors: every console call and change, oldest first, in pages of 200,
// and a check of its SM3 hash chain.
import { t, formatTime } from './i18n.js';
import { ApiError, get } from './api.js';
import { h, table, toast } from './dom.js';

let view = null;

function row (e) {
  return h('tr', { dataset: { seq: e.seq } },
    h('td', { class: 'num' }, e.seq),
    h('td', {}, formatTime(e.at)),
    h('td', {}, e.actor),
    h('td', { class: 'mono' }, e.action),
    h('td', { class: 'mono' }, e.object || t('none')),
    h('td', { class: 'mono' }, e.detail || t('none')));
}

async function loadMore () {
  try {
    const list = await get('/api/v1/audit', { after: view.last });
    if (!view)
      return;
    if (list.length > 0)
      view.last = list[list.length - 1].seq;
    view.rows.push(...list.map(row));
    view.list.replaceChildren(table({
      caption: t('audit.title'),
      columns: ['col.seq', 'col.time', 'col.actor', 'col.action', 'col.object', 'col.detail'].map((k) => ({ title: t(k) })),
      rows: view.rows,
      empty: t('audit.empty'),
      className: 'audit'
    }));
    view.more.hidden = list.length < 200;
  } catch (err) {
    if (!(err instanceof ApiError))
      throw err;
    toast(err.text, 'error');
  }
}

async function verify () {
  try {
    const r = await get('/api/v1/audit/verify');
    view.verdict.textContent = r.intact ? t('audit.intact', { n: r.entries }) : t('audit.broken', { seq: r.first_bad_seq });
    view.verdict.className = r.intact ? 'verdict ok' : 'verdict bad';
  } catch (err) {
    if (!(err instanceof ApiError))
      throw err;
    toast(err.text, 'error');
  }
}

export function enter (main) {
  view = {
    last: 0,
    rows: [],
    list: h('div', { class: 'list-body' }, h('p', { class: 'muted' }, t('loading'))),
    more: h('button', { type: 'button', class: 'secondary', id: 'audit-more', hidden: true, onclick: () => loadMore() }, t('audit.more')),
    verdict: h('p', { class: 'verdict', role: 'status', id: 'audit-verdict' })
  };
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('audit.title')),
      h('button', { type: 'button', class: 'secondary', id: 'audit-verify', onclick: () => verify() }, t('audit.verify'))),
    view.verdict,
    h('section', { class: 'card', 'aria-label': t('audit.title') }, view.list, view.more));
  loadMore();
}

export function leave () {
  view = null;
}
