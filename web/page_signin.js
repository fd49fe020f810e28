// page_signin.js - signing in: the user name and password, POST /v1/session, which sets the
// session's cookies; then the page the user came for.
import { api } from './api.js';
import { h, field, message } from './ui.js';

export async function render(ctx) {
  const user = h('input', { name: 'user', autocomplete: 'username', required: true,
    autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password',
    autocomplete: 'current-password', required: true });
  const note = h('div');
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'signin card', novalidate: true },
    h('h1', {}, 'Sign in to landfall'),
    field('User name', user), field('Password', password), note, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!user.value || !password.value) {
      message(note, 'Enter your user name and password.', 'error');
      return;
    }
    button.disabled = true;
    message(note, 'Signing in…');
    try {
      const s = await api('/v1/session', { method: 'POST',
        body: { user: user.value, password: password.value } });
      ctx.signedIn(s);
      const next = ctx.query.get('next');
      // only a path of this site: never a redirect elsewhere
      ctx.go(next && next.startsWith('/') && !next.startsWith('//') ? next : '/portfolio',
        { replace: true });
    } catch (err) {
      button.disabled = false;
      message(note, err.status === 429 ? err.message : 'Wrong user name or password.', 'error');
      password.select();
    }
  });
  ctx.main.append(form);
  user.focus();
}
