// Alarms in the administrator's region scope: severity, terminal, kind, part, when; acknowledge
// (taken on) and clear (fixed, behind a confirmation).
import { t, getLang, formatTime, formatNumber } from './i18n.js';
import { ApiError, get, post } from './api.js';
import { h, renderIfChanged, toast, confirmDialog, table } from './dom.js';
import * as live from './live.js';

const SEVERITY_ORDER = { critical: 0, major: 1, minor: 2, info: 3 };
let openOnly = true;
let view = null;

function stateText (a) {
  if (a.cleared_at)
    return t('alarm.cleared');
  const parts = [a.acked_at ? t('alarm.acked', { who: a.acked_by || t('none') }) : t('alarm.new')];
  if (a.escalated)
    parts.push(t('alarm.escalated'));
  return parts.join(' · ');
}

async function act (action, id) {
  if (action === 'clear') {
    const ok = await confirmDialog({
      title: t('confirm.clear.title', { id }), text: t('confirm.clear.text'), ok: t('action.clear')
    });
    if (!ok)
      return;
  }
  try {
    await post(`/api/v1/alarms/${id}/${action}`);
    toast(t(`done.${action}`, { id }), 'ok');
  } catch (err) {
    if (!(err instanceof ApiError))
      throw err;
    toast(err.text, 'error');
  }
  live.nudge('alarms');
}

function alarmRow (a) {
  const buttons = [];
  if (!a.acked_at && !a.cleared_at)
    buttons.push(h('button', { type: 'button', class: 'small primary', dataset: { action: 'ack', focusKey: `ack-${a.id}` }, onclick: () => act('ack', a.id) },
      t('action.ack'), h('span', { class: 'visually-hidden' }, ` ${a.id}`)));
  if (!a.cleared_at)
    buttons.push(h('button', { type: 'button', class: 'small secondary', dataset: { action: 'clear', focusKey: `clear-${a.id}` }, onclick: () => act('clear', a.id) },
      t('action.clear'), h('span', { class: 'visually-hidden' }, ` ${a.id}`)));
  return h('tr', { dataset: { id: a.id }, class: a.cleared_at ? 'done' : '' },
    h('td', {}, h('span', { class: `badge severity-${a.severity}` }, t(`severity.${a.severity}`))),
    h('th', { scope: 'row', class: 'mono' }, a.number),
    h('td', {}, t(`kind.${a.kind}`)),
    h('td', { class: 'mono' }, a.subject || t('none')),
    h('td', {}, a.detail || t('none')),
    h('td', {}, formatTime(a.raised_at)),
    h('td', {}, stateText(a)),
    h('td', { class: 'actions' }, buttons));
}

async function refresh () {
  try {
    const list = await get('/api/v1/alarms', openOnly ? { open: '1' } : {});
    if (!view)
      return;
    list.sort((x, y) => (!!x.cleared_at - !!y.cleared_at)
      || (SEVERITY_ORDER[x.severity] - SEVERITY_ORDER[y.severity]) || (y.raised_at - x.raised_at));
    view.count.textContent = t('alarms.count', { n: formatNumber(list.length) });
    renderIfChanged(view.list, [getLang(), list], () => table({
      caption: t('alarms.title'),
      columns: ['col.severity', 'col.terminal', 'col.kind', 'col.subject', 'col.detail', 'col.raised', 'col.state', 'col.actions']
        .map((k) => ({ title: t(k) })),
      rows: list.map(alarmRow),
      empty: t('alarms.empty'),
      className: 'alarms'
    }));
    view.updated.textContent = t('updated', { time: formatTime(Date.now() / 1000) });
    view.updated.classList.remove('stale');
  } catch (err) {
    if (!(err instanceof ApiError))
      throw err;
    if (!view)
      return;   // the page was left (signed out, session ended) meanwhile
    view.updated.textContent = t('refresh.failed', { reason: err.text });
    view.updated.classList.add('stale');
  }
}

export function enter (main) {
  const box = h('input', { type: 'checkbox', id: 'open-only', checked: openOnly });
  box.addEventListener('change', () => { openOnly = box.checked; live.nudge('alarms'); });
  view = {
    list: h('div', { class: 'list-body' }, h('p', { class: 'muted' }, t('loading'))),
    count: h('p', { class: 'muted', id: 'alarm-count' }),
    updated: h('p', { class: 'updated', role: 'status' })
  };
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('alarms.title')), view.updated),
    h('section', { class: 'card', 'aria-label': t('alarms.title') },
      h('div', { class: 'list-head' }, view.count,
        h('div', { class: 'check' }, box, h('label', { for: 'open-only' }, t('alarms.open')))),
      view.list));
  live.watch(['alarms'], refresh);
}

export function leave () {
  view = null;
}
