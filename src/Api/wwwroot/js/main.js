// The admin portal: a hash router over four views, shown only to a signed-in user.
import { h } from './dom.js';
import { onSignedOut, scheduleExpiry, signOut, user } from './session.js';
import { renderSignIn } from './views/signin.js';
import { renderJobList } from './views/jobs.js';
import { renderSubmit } from './views/submit.js';
import { renderJob } from './views/job.js';

const main = document.getElementById('main');
const flashArea = document.getElementById('flash');
let dispose = null;
let pendingFlash = null;

/** Shows a message above the page; it survives the next navigation (e.g. "Job submitted"). */
export function flash(message, tone = 'ok') {
  pendingFlash = { message, tone };
}

function showFlash() {
  flashArea.replaceChildren();
  if (!pendingFlash) return;
  flashArea.append(h('p', { class: `flash flash-${pendingFlash.tone}` }, pendingFlash.message));
  pendingFlash = null;
}

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = hash.split('?');
  const params = new URLSearchParams(query);
  const job = path.match(/^\/jobs\/([0-9a-fA-F-]{36})$/);
  if (job) return { name: 'job', id: job[1] };
  if (path === '/new') return { name: 'new' };
  if (path === '/' || path === '/jobs') {
    return { name: 'jobs', status: params.get('status') ?? '', page: Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1) };
  }
  return { name: 'missing', path };
}

/** An address the portal has no page for (a mistyped or cut link): say so, rather than show another page. */
function renderMissing(container, path) {
  container.append(
    h('h1', { tabindex: -1 }, 'Page not found'),
    h('p', {}, `The portal has no page at #${path}. `, h('a', { href: '#/' }, 'All migration jobs'), '.'));
}

function renderShell(current) {
  const who = user();
  document.getElementById('nav').hidden = !who;
  document.getElementById('who').hidden = !who;
  if (!who) return;
  document.getElementById('who-name').textContent = who.subject;
  document.getElementById('who-role').textContent = who.isAdmin ? 'admin' : who.roles.includes('platform-viewer') ? 'viewer' : 'no role';
  document.getElementById('nav-new').hidden = !who.isAdmin;
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function render({ focus = true } = {}) {
  // A control marked data-keep-focus that had the focus (the status filter, which changes the route itself) has it
  // again in the new view, so the arrow keys step through it, however quickly the renders follow each other.
  const active = document.activeElement;
  const keep = active?.dataset?.keepFocus && active.id ? active.id : null;
  dispose?.();
  dispose = null;
  const current = route();
  renderShell(current.name);
  showFlash();
  main.replaceChildren();
  if (!user()) {
    dispose = renderSignIn(main, { onSignedIn: () => render() });
  } else if (current.name === 'job') {
    dispose = renderJob(main, current.id);
  } else if (current.name === 'missing') {
    renderMissing(main, current.path);
  } else if (current.name === 'new') {
    dispose = renderSubmit(main, { onSubmitted: (jobId) => { flash('Job submitted. It starts within a second or two; this page follows it live.'); location.hash = `#/jobs/${jobId}`; } });
  } else {
    dispose = renderJobList(main, { status: current.status, page: current.page });
  }
  const heading = main.querySelector('h1');
  document.title = `${heading?.dataset.title ?? heading?.textContent ?? 'Data migration'} · AdManager admin`;
  const control = keep ? document.getElementById(keep) : null;
  if (control) control.focus();
  else if (focus) (heading ?? main).focus({ preventScroll: false });
}

onSignedOut((reason) => {
  if (reason) flash(reason, 'warn');
  render();
});

document.getElementById('sign-out').addEventListener('click', () => signOut('Signed out.'));
// The skip link must not touch the hash: the hash is the route.
document.querySelector('.skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  (main.querySelector('h1') ?? main).focus();
});
window.addEventListener('hashchange', () => render());
scheduleExpiry();
render({ focus: false });
