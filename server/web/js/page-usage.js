// Usage: filters (region, dates, category, service), a summary table grouped as asked, and
// CSV / XLSX exports of the same selection. Counts only: usage records carry no personal data.
import { t, getLang, regionName, formatTime, formatNumber, formatDuration } from './i18n.js';
import { ApiError, get, download } from './api.js';
import { h, renderIfChanged, toast, table } from './dom.js';
import * as live from './live.js';

const LEVELS = ['sar', 'province', 'city', 'district', 'town'];
const GROUPS = ['service', 'category', 'kind', 'outcome', 'auth_method'];
const DAY = 86400000;
let view = null;
let filters = null;
let owner = null;

function isoDate (d) {
  const pad = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// Local midnight of a yyyy-mm-dd, in Unix seconds.
function dayStart (value) {
  const [y, m, d] = value.split('-').map(Number);
  return Math.floor(new Date(y, m - 1, d).getTime() / 1000);
}

function defaultFilters () {
  const today = new Date();
  return { region: '', from: isoDate(new Date(today.getTime() - 29 * DAY)), to: isoDate(today), category: '', service: '', group_by: 'service' };
}

function query (f) {
  return {
    region: f.region,
    from: f.from ? dayStart(f.from) : '',
    // The end date is included: up to the next local midnight.
    to: f.to ? dayStart(f.to) + 86400 : '',
    category: f.category,
    service: f.service
  };
}

async function regionOptions () {
  const levels = await Promise.all(LEVELS.map((level) => get('/api/v1/terminals/stats', { level })));
  const all = levels.flatMap((rows, i) => rows.map((r) => ({ ...r, depth: Math.max(0, i - 1) })));
  // Tree order: a code's ancestors sort before it once trailing zero pairs are ignored.
  all.sort((a, b) => a.code.padEnd(9, '0').localeCompare(b.code.padEnd(9, '0')) || a.depth - b.depth);
  return all;
}

async function suggestions (group) {
  try {
    return (await get('/api/v1/usage/summary', { group_by: group })).map((r) => r[group]).filter(Boolean);
  } catch (err) {
    if (err instanceof ApiError)
      return [];
    throw err;
  }
}

function summaryTable (rows, group) {
  let count = 0;
  let duration = 0;
  const body = rows.map((r) => {
    count += r.count;
    duration += r.duration_ms;
    return h('tr', {},
      h('th', { scope: 'row' }, r[group] || t('usage.unknown')),
      h('td', { class: 'num' }, formatNumber(r.count)),
      h('td', { class: 'num' }, formatDuration(r.duration_ms)),
      h('td', { class: 'num' }, formatDuration(r.count ? r.duration_ms / r.count : 0)));
  });
  if (rows.length > 0)
    body.push(h('tr', { class: 'total' },
      h('th', { scope: 'row' }, t('usage.total')),
      h('td', { class: 'num' }, formatNumber(count)),
      h('td', { class: 'num' }, formatDuration(duration)),
      h('td', { class: 'num' }, formatDuration(count ? duration / count : 0))));
  return table({
    caption: t('usage.summary'),
    columns: [{ title: t(`usage.group.${group}`) }, { title: t('usage.col.count'), class: 'num' },
      { title: t('usage.col.duration'), class: 'num' }, { title: t('usage.col.average'), class: 'num' }],
    rows: body,
    empty: t('usage.empty'),
    className: 'summary'
  });
}

async function refresh () {
  if (!view)
    return;
  if (filters.from && filters.to && filters.from > filters.to) {
    view.error.textContent = t('usage.bad.range');
    return;
  }
  view.error.textContent = '';
  try {
    const rows = await get('/api/v1/usage/summary', { ...query(filters), group_by: filters.group_by });
    if (!view)
      return;
    renderIfChanged(view.result, [getLang(), filters.group_by, rows], () => summaryTable(rows, filters.group_by));
    view.updated.textContent = t('updated', { time: formatTime(Date.now() / 1000) });
    view.updated.classList.remove('stale');
  } catch (err) {
    if (!(err instanceof ApiError))
      throw err;
    if (!view)
      return;   // the page was left (signed out, session ended) meanwhile
    view.error.textContent = err.text;
  }
}

async function exportAs (format, button) {
  if (filters.from && filters.to && filters.from > filters.to) {
    view.error.textContent = t('usage.bad.range');
    return;
  }
  const file = `usage-${filters.from.replaceAll('-', '')}-${filters.to.replaceAll('-', '')}.${format}`;
  const label = button.textContent;
  button.disabled = true;
  button.textContent = t('usage.exporting');
  try {
    await download(`/api/v1/usage/export.${format}`, query(filters), file);
    toast(t('usage.exported', { file }), 'ok');
  } catch (err) {
    if (!(err instanceof ApiError))
      throw err;
    toast(err.text, 'error');
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

function field (id, key, control) {
  return h('div', { class: 'field' }, h('label', { for: id }, t(key)), control);
}

export function enter (main, s) {
  if (owner !== s.token) {
    owner = s.token;
    filters = defaultFilters();
  }
  const region = h('select', { id: 'f-region', name: 'region' }, h('option', { value: '' }, t('usage.region.all')));
  const from = h('input', { id: 'f-from', name: 'from', type: 'date', value: filters.from });
  const to = h('input', { id: 'f-to', name: 'to', type: 'date', value: filters.to });
  const category = h('input', { id: 'f-category', name: 'category', list: 'categories', value: filters.category, placeholder: t('usage.any'), maxlength: '64', autocomplete: 'off' });
  const service = h('input', { id: 'f-service', name: 'service', list: 'services', value: filters.service, placeholder: t('usage.any'), maxlength: '64', autocomplete: 'off' });
  const group = h('select', { id: 'f-group', name: 'group_by' },
    GROUPS.map((g) => h('option', { value: g, selected: g === filters.group_by }, t(`usage.group.${g}`))));
  const categories = h('datalist', { id: 'categories' });
  const services = h('datalist', { id: 'services' });
  const csv = h('button', { type: 'button', class: 'secondary', id: 'export-csv' }, t('usage.export.csv'));
  const xlsx = h('button', { type: 'button', class: 'secondary', id: 'export-xlsx' }, t('usage.export.xlsx'));
  view = {
    result: h('div', { class: 'list-body', id: 'usage-result' }, h('p', { class: 'muted' }, t('loading'))),
    error: h('p', { class: 'form-error', role: 'alert', id: 'usage-error' }),
    updated: h('p', { class: 'updated', role: 'status' })
  };
  const form = h('form', { class: 'filters card', id: 'usage-form', 'aria-labelledby': 'filters-title' },
    h('h2', { id: 'filters-title' }, t('usage.filters')),
    h('div', { class: 'filter-grid' },
      field('f-region', 'usage.region', region), field('f-from', 'usage.from', from),
      field('f-to', 'usage.to', to), field('f-category', 'usage.category', category),
      field('f-service', 'usage.service', service), field('f-group', 'usage.group', group)),
    categories, services, view.error,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', id: 'usage-submit' }, t('usage.submit')), csv, xlsx));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    filters = {
      region: region.value, from: from.value, to: to.value, category: category.value.trim(),
      service: service.value.trim(), group_by: group.value
    };
    live.nudge('usage');
  });
  csv.addEventListener('click', () => exportAs('csv', csv));
  xlsx.addEventListener('click', () => exportAs('xlsx', xlsx));
  main.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('usage.title')), view.updated),
    form,
    h('section', { class: 'card', 'aria-labelledby': 'summary-title' }, h('h2', { id: 'summary-title' }, t('usage.summary')), view.result));

  regionOptions().then((list) => {
    for (const r of list)
      region.append(h('option', { value: r.code, selected: r.code === filters.region }, `${'\u3000'.repeat(r.depth)}${regionName(r)}`));
  }, () => {});
  suggestions('category').then((v) => categories.replaceChildren(...v.map((x) => h('option', { value: x }))));
  suggestions('service').then((v) => services.replaceChildren(...v.map((x) => h('option', { value: x }))));
  // Usage is history: once a minute is live enough (a search runs at once).
  live.watch(['usage'], refresh, { every: 12 });
}

export function leave () {
  view = null;
}
