import {
  api,
  forgetKey,
  loadSettings,
  rememberKey,
  settings,
  storedKey,
  whenUnauthorized,
} from './api.js';
import { clear, h } from './dom.js';
import { renderEconomics } from './economics.js';
import { renderJob, renderJobList } from './jobs.js';
import { renderOverview } from './overview.js';
import { renderRevisions } from './revisions.js';

const app = document.getElementById('app');
let stopPage = null;

/** #/page?query: the page and its filters live in the hash (never the key). */
function parseHash() {
  const raw = window.location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  return {
    parts: path.split('/').filter(Boolean).map(decodeURIComponent),
    params: new URLSearchParams(query),
  };
}

export function navigate(page, params = {}) {
  const query = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
  const q = query.toString();
  window.location.hash = `#/${page}${q ? `?${q}` : ''}`;
}

function renderLogin(message) {
  stopPage?.();
  stopPage = null;
  const input = h('input', {
    type: 'password',
    name: 'api_key',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-label': 'API key',
  });
  const error = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const form = h(
    'form',
    {
      onsubmit: async (e) => {
        e.preventDefault();
        const key = input.value.trim();
        if (!key) return;
        try {
          await api('/v1/jobs', { limit: 1 }, key);
        } catch (err) {
          error.textContent =
            err.status === 401
              ? 'That key was not accepted.'
              : `Could not check the key: ${err.message}`;
          return;
        }
        rememberKey(key);
        input.value = '';
        route();
      },
    },
    h('label', {}, 'API key (one of SWITCHYARD_API_KEYS)', input),
    h('button', { type: 'submit', class: 'primary' }, 'Open the console'),
    h(
      'p',
      { class: 'small muted' },
      'The key is kept in this browser tab’s session storage only, and is sent as an Authorization header.',
    ),
    error,
  );
  clear(app).append(h('section', { class: 'card login' }, h('h1', {}, 'Switchyard console'), form));
  renderSession();
}

function renderSession() {
  const session = clear(document.getElementById('session'));
  if (settings.open_mode) {
    session.append('tenant: default (open mode)');
  } else if (storedKey()) {
    session.append(
      'signed in with an API key',
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            forgetKey();
            renderLogin();
          },
        },
        'Sign out',
      ),
    );
  }
}

const PAGES = {
  overview: (params) => renderOverview(app, params),
  jobs: (params, parts) =>
    parts[1] ? renderJob(app, parts[1]) : renderJobList(app, params, navigate),
  revisions: (params) => renderRevisions(app, params, navigate),
  economics: (params) => renderEconomics(app, params, navigate),
};

async function route() {
  if (!settings.open_mode && !storedKey()) return renderLogin();
  stopPage?.();
  stopPage = null;
  renderSession();
  const { parts, params } = parseHash();
  const page = PAGES[parts[0]] ? parts[0] : 'overview';
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === page) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${page[0].toUpperCase()}${page.slice(1)} · Switchyard console`;
  try {
    const stop = await PAGES[page](params, parts);
    if (typeof stop === 'function') stopPage = stop;
  } catch (err) {
    if (err.status === 401) return;
    clear(app).append(h('p', { class: 'error', role: 'alert' }, `Could not load: ${err.message}`));
  }
  app.setAttribute('data-page', page);
}

async function start() {
  await loadSettings();
  const banner = document.getElementById('banner');
  if (settings.open_mode) {
    banner.hidden = false;
    banner.textContent =
      'Open mode: SWITCHYARD_API_KEYS is not set, so every request is tenant "default" and no key is asked for. Set keys before exposing this service.';
  }
  whenUnauthorized(() => {
    forgetKey();
    renderLogin('The key is no longer accepted; enter it again.');
  });
  window.addEventListener('hashchange', () => void route());
  await route();
}

void start();
