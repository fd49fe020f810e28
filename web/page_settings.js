// page_settings.js - settings: who you are; the workspace's time zone, locale, currency and
// value milestone; for admins, the API keys (create, revoke, scopes) and the users and roles.
import { api } from './api.js';
import { setWorkspace } from './format.js';
import { h, clear, field, select, section, table, message, facts } from './ui.js';

const scopes = [['read', 'read: metrics and resources'], ['write', 'write: ingestion only'],
  ['admin', 'admin: everything']];
const roles = ['admin', 'lead', 'csm', 'viewer'];

export async function render(ctx) {
  const me = ctx.session.user;
  const admin = me.role === 'admin';
  ctx.main.append(h('h1', {}, 'Settings'));
  ctx.main.append(section('me', 'Your account', facts([
    ['User name', 'text', me.name, null, 'name'], ['Role', 'text', me.role, null, 'role'],
    ['Email', 'text', me.email, null, 'email']], { source: '/v1/session', path: 'user' })));
  const ws = await api('/v1/workspace');
  ctx.main.append(workspaceSection(ctx, ws, admin));
  if (admin) {
    const keys = section('keys', 'API keys');
    const users = section('users', 'Users and roles');
    ctx.main.append(keys, users);
    await Promise.all([showKeys(keys), showUsers(users, me)]);
  }
}

function workspaceSection(ctx, ws, admin) {
  const s = section('workspace', `Workspace “${ws.name}”`);
  if (!admin) {
    s.append(facts([['Time zone', 'text', ws.time_zone, null, 'time_zone'],
      ['Locale', 'text', ws.locale, null, 'locale'], ['Currency', 'text', ws.currency, null,
        'currency'], ['Value milestone', 'text', ws.milestone, null, 'milestone']],
    { source: '/v1/workspace', path: '' }));
    return s;
  }
  const zones = Intl.supportedValuesOf ? Intl.supportedValuesOf('timeZone') : [];
  const tz = h('input', { name: 'time_zone', value: ws.time_zone, list: 'zones', required: true });
  const locale = h('input', { name: 'locale', value: ws.locale, required: true });
  const currency = h('input', { name: 'currency', value: ws.currency, required: true,
    maxlength: 3, pattern: '[A-Z]{3}' });
  const milestone = h('input', { name: 'milestone', value: ws.milestone || '' });
  const note = h('div');
  const form = h('form', { class: 'stack', id: 'workspace-form' },
    h('datalist', { id: 'zones' }, zones.map((z) => h('option', { value: z }))),
    field('Time zone', tz, 'days, weeks and months are cut at its midnight'),
    field('Locale', locale, 'how numbers and dates are written, e.g. en-US, de-DE'),
    field('Currency', currency, 'ISO 4217, for figures over several accounts'),
    field('Value milestone', milestone, 'the event that marks value, for time to value'),
    note, h('button', { type: 'submit', class: 'primary' }, 'Save workspace settings'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const after = await api('/v1/workspace', { method: 'PATCH', body: {
        time_zone: tz.value, locale: locale.value, currency: currency.value,
        milestone: milestone.value || null } });
      setWorkspace(after);
      ctx.session.workspace = after;
      message(note, 'Saved.');
    } catch (err) {
      message(note, err.message, 'error');
    }
  });
  s.append(form);
  return s;
}

async function showKeys(s) {
  const list = (await api('/v1/keys?limit=1000')).data;
  const note = h('div', { id: 'key-note' });
  const name = h('input', { name: 'name', maxlength: 200 });
  const scope = select('scope', scopes, 'read');
  const form = h('form', { class: 'inline', id: 'key-form' }, field('Name', name),
    field('Scope', scope), h('button', { type: 'submit', class: 'primary' }, 'Create key'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const k = await api('/v1/keys', { method: 'POST', body: { scope: scope.value,
        name: name.value || null } });
      await showKeys(s);
      const shown = s.querySelector('#key-note');
      clear(shown, h('div', { class: 'msg info', role: 'status' },
        h('p', {}, `The new ${k.scope} key; it is not shown again:`),
        h('code', { class: 'secret', id: 'new-key' }, k.key)));
    } catch (err) {
      message(note, err.message, 'error');
    }
  });
  const rows = list.map((k) => ({ ...k, action: k.revoked ? null : k.prefix }));
  const t = table({ id: 'keys-table', caption: 'Keys (only their first characters are kept '
    + 'readable)', rows, source: '/v1/keys?limit=1000', path: 'data', columns: [
    { key: 'prefix', label: 'Key' }, { key: 'name', label: 'Name' },
    { key: 'scope', label: 'Scope' }, { key: 'created', label: 'Created', kind: 'time' },
    { key: 'revoked', label: 'Revoked', kind: 'time' },
    { key: 'action', label: 'Action', derived: true }] });
  for (const cell of t.querySelectorAll('tbody tr td:last-child')) {
    const prefix = cell.dataset.value;
    if (!prefix) {
      cell.textContent = '';
      continue;
    }
    clear(cell, h('button', { type: 'button', 'data-revoke': prefix,
      'aria-label': `Revoke key ${prefix}`, onclick: async () => {
        try {
          await api(`/v1/keys/${encodeURIComponent(prefix)}`, { method: 'DELETE' });
          await showKeys(s);
          message(s.querySelector('#key-note'), `Revoked ${prefix}.`);
        } catch (err) {
          message(note, err.message, 'error');
        }
      } }, 'Revoke'));
  }
  clear(s, h('h2', { id: 'keys-h' }, 'API keys'), form, note, t);
}

async function showUsers(s, me) {
  const list = (await api('/v1/users')).data;
  const note = h('div');
  const name = h('input', { name: 'name', required: true, maxlength: 64,
    autocomplete: 'off' });
  const email = h('input', { name: 'email', type: 'email' });
  const role = select('role', roles, 'csm');
  const password = h('input', { name: 'password', type: 'password', minlength: 8, required: true,
    autocomplete: 'new-password' });
  const form = h('form', { class: 'inline', id: 'user-form' }, field('User name', name),
    field('Email', email), field('Role', role), field('Password', password),
    h('button', { type: 'submit', class: 'primary' }, 'Add user'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('/v1/users', { method: 'POST', body: { name: name.value, role: role.value,
        email: email.value || null, password: password.value } });
      await showUsers(s, me);
    } catch (err) {
      message(note, err.message, 'error');
    }
  });
  const t = table({ id: 'users-table', caption: 'Users', rows: list, source: '/v1/users',
    path: 'data', columns: [
    { key: 'name', label: 'User name' }, { key: 'display_name', label: 'Name' },
    { key: 'email', label: 'Email' }, { key: 'role', label: 'Role' },
    { key: 'created', label: 'Added', kind: 'time' }] });
  for (const cell of t.querySelectorAll('td[data-col="role"]')) {
    const user = list[cell.parentElement.rowIndex - 1];
    if (!user) continue;
    const choose = select('role', roles, user.role, { 'aria-label': `Role of ${user.name}` });
    choose.addEventListener('change', async () => {
      try {
        await api(`/v1/users/${encodeURIComponent(user.name)}`, { method: 'PATCH',
          body: { role: choose.value } });
        message(note, `${user.name} is now ${choose.value}.`);
      } catch (err) {
        choose.value = user.role;
        message(note, err.message, 'error');
      }
    });
    cell.replaceChildren(choose);
  }
  clear(s, h('h2', { id: 'users-h' }, 'Users and roles'), form, note, t);
}
