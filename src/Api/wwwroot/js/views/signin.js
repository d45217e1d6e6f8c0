// Sign-in: paste a bearer token; it is checked against the API before it is kept.
import { call, JOBS } from '../api.js';
import { h } from '../dom.js';
import { problemWith, store } from '../session.js';

export function renderSignIn(main, { onSignedIn }) {
  const error = h('p', { class: 'field-error', id: 'token-error', hidden: true });
  const input = h('textarea', {
    id: 'token', name: 'token', rows: 5, spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off',
    class: 'mono', 'aria-describedby': 'token-help token-error', required: true,
  });
  const button = h('button', { type: 'submit', class: 'button' }, 'Sign in');

  const showError = (message) => {
    error.textContent = message;
    error.hidden = !message;
    input.setAttribute('aria-invalid', message ? 'true' : 'false');
    if (message) input.focus();
  };

  const form = h('form', { class: 'panel signin', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const raw = input.value.trim().replace(/^Bearer\s+/i, '');
    const local = problemWith(raw);
    if (local) return showError(local);
    button.disabled = true;
    try {
      // One cheap read proves the token is accepted and carries a platform role.
      await call(`${JOBS}?limit=1`, { bearer: raw });
      store(raw);
      onSignedIn();
    } catch (e) {
      showError(e.status === 403
        ? 'This token is valid but has neither the platform-admin nor the platform-viewer role.'
        : e.problem?.detail ?? e.message);
    } finally {
      button.disabled = false;
    }
  } },
  h('label', { for: 'token' }, 'Bearer token'),
  h('p', { class: 'hint', id: 'token-help' },
    'Paste a token from the platform\'s identity provider (on a local stack: ', h('code', {}, './run.sh token'),
    '). It is kept in this browser tab only, until you sign out or close the tab.'),
  input,
  error,
  h('div', { class: 'actions' }, button));

  main.append(
    h('h1', { tabindex: -1 }, 'Sign in'),
    h('p', { class: 'lede' }, 'Submit and follow migrations of merchants\' campaign and product-catalogue data. Administrators may submit and cancel jobs; viewers may follow them.'),
    form);
  input.focus();
  return () => {};
}
