// The console shell: sign-in, navigation by role, language switch, sign-out, routing
// (#/terminals, #/alarms, #/usage, #/audit; the hash never reaches the server).
import { t, setLang, otherLang, onLangChange, translateStatic, regionName } from './i18n.js';
import { ApiError, CODE, get, post, session, saveSession, clearSession } from './api.js';
import { h } from './dom.js';
import * as live from './live.js';
import * as terminals from './page-terminals.js';
import * as alarms from './page-alarms.js';
import * as usage from './page-usage.js';
import * as audit from './page-audit.js';

// Which pages each role has: the same rule as the API's (tm-http.c routes).
const PAGES = {
  terminals: { module: terminals, roles: ['sysadmin', 'bizadmin'] },
  alarms: { module: alarms, roles: ['sysadmin'] },
  usage: { module: usage, roles: ['bizadmin'] },
  audit: { module: audit, roles: ['auditor'] }
};

const main = document.getElementById('main');
let current = null;       // { name, module }
let loginNotice = null;   // key of a message for the next login page

function pagesFor (role) {
  return Object.keys(PAGES).filter((name) => PAGES[name].roles.includes(role));
}

function leavePage () {
  live.stopAll();
  if (current && current.module.leave)
    current.module.leave();
  current = null;
}

function renderChrome () {
  const s = session();
  const nav = document.getElementById('mainnav');
  const who = document.getElementById('who');
  const signout = document.getElementById('signout');
  const lang = document.getElementById('lang-switch');

  lang.textContent = t('lang.other');
  lang.lang = otherLang();
  lang.setAttribute('aria-label', t('lang.other.name'));
  nav.hidden = !s;
  who.hidden = !s;
  signout.hidden = !s;
  if (!s)
    return;
  who.textContent = t('who', { user: s.username, role: t(`role.${s.role}`), region: s.region ? regionName(s.region) : s.region_code });
  const list = document.getElementById('navlist');
  list.replaceChildren(...pagesFor(s.role).map((name) =>
    h('li', {}, h('a', {
      href: `#/${name}`,
      'aria-current': current && current.name === name ? 'page' : false
    }, t(`nav.${name}`)))));
}

// The name of the account's region, for the header: walk down from the top level (at most
// four small calls, once per sign-in).
async function scopeRegion (code) {
  const path = [...new Set([code.slice(0, 2) + '0000', code.slice(0, 4) + '00', code.slice(0, 6), code])];
  let parent = null;
  for (const step of path) {
    const found = (await get('/api/v1/regions', parent ? { parent } : {})).find((r) => r.code === step);
    if (found && step === code)
      return found;
    if (found)
      parent = step;
  }
  return null;
}

function showLogin () {
  leavePage();
  document.title = `${t('login.title')} · ${t('app.title')}`;
  const user = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true, maxlength: '64', autocapitalize: 'none', spellcheck: 'false' });
  const pass = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: '256' });
  const error = h('p', { id: 'login-error', class: 'form-error', role: 'alert' });
  const notice = h('p', { id: 'login-notice', class: 'notice', role: 'status' }, loginNotice ? t(loginNotice) : '');
  const button = h('button', { type: 'submit', class: 'primary', id: 'login-submit' }, t('login.submit'));
  loginNotice = null;

  const form = h('form', { class: 'login-card', id: 'login-form', novalidate: true, 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, t('login.title')),
    h('p', { class: 'muted' }, t('login.intro')),
    notice,
    h('div', { class: 'field' }, h('label', { for: 'login-user' }, t('login.username')), user),
    h('div', { class: 'field' }, h('label', { for: 'login-password' }, t('login.password')), pass),
    error,
    button);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    notice.textContent = '';
    if (!user.value.trim() || !pass.value) {
      error.textContent = t('login.missing');
      (user.value.trim() ? pass : user).focus();
      return;
    }
    button.disabled = true;
    button.textContent = t('login.busy');
    try {
      const r = await post('/api/v1/login', { username: user.value.trim(), password: pass.value });
      const fresh = { token: r.token, role: r.role, region_code: r.region_code, expires_at: r.expires_at, username: user.value.trim() };
      saveSession(fresh);
      if (r.role !== 'auditor') {
        try {
          fresh.region = await scopeRegion(r.region_code);
          saveSession(fresh);
        } catch {
          // The code alone is shown.
        }
      }
      pass.value = '';
      const first = pagesFor(r.role)[0];
      if (location.hash === `#/${first}`)
        route();
      else
        location.hash = `#/${first}`;
    } catch (err) {
      if (!(err instanceof ApiError))
        throw err;
      error.textContent = err.code === CODE.UNAUTHENTICATED ? t('login.wrong')
        : err.code === CODE.ACCOUNT_LOCKED ? t('login.locked') : err.text;
      pass.value = '';
      pass.focus();
      button.disabled = false;
      button.textContent = t('login.submit');
    }
  });
  main.className = 'login';
  main.replaceChildren(form);
  renderChrome();
  user.focus();
}

function route () {
  const s = session();
  if (!s) {
    showLogin();
    return;
  }
  const allowed = pagesFor(s.role);
  const name = location.hash.replace(/^#\//, '');
  if (!allowed.includes(name)) {
    location.replace(`#/${allowed[0]}`);
    return;
  }
  const focusMain = current !== null;   // moving between pages: focus goes to the new content
  leavePage();
  current = { name, module: PAGES[name].module };
  main.className = `page page-${name}`;
  main.replaceChildren();
  document.title = `${t(`nav.${name}`)} · ${t('app.title')}`;
  renderChrome();
  current.module.enter(main, s);
  if (focusMain)
    main.focus();
}

document.getElementById('signout').addEventListener('click', () => {
  clearSession();
  loginNotice = 'login.signedout';
  history.replaceState(null, '', location.pathname);
  showLogin();
});

document.getElementById('lang-switch').addEventListener('click', () => setLang(otherLang()));

onLangChange(() => {
  document.getElementById('toast').className = 'toast';
  if (session() && current)
    route();
  else
    showLogin();
});

window.addEventListener('hashchange', route);
window.addEventListener('tongban-session-ended', () => {
  loginNotice = 'login.expired';
  showLogin();
});

translateStatic();
route();
