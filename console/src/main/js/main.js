// The console: a hash router over a few views, the token, and the theme.
import 'uplot/dist/uPlot.min.css';
import '../css/app.css';
import { setToken, token } from './api.js';
import { h } from './dom.js';
import { banner, confirm } from './ui.js';
import { modelsView } from './views/models.js';
import { modelView } from './views/model.js';
import { featuresView } from './views/features.js';

let stopCurrent = null;

function route() {
  if (stopCurrent) stopCurrent();
  stopCurrent = null;
  banner('');
  document.getElementById('live').textContent = '';
  const main = document.getElementById('main');
  const path = decodeURIComponent(location.hash.replace(/^#/, '')) || '/';
  const parts = path.split('/').filter(Boolean);
  let section = 'models';
  if (parts[0] === 'models' && parts[1]) {
    stopCurrent = modelView(main, parts[1], parts[2] || 'versions');
  } else if (parts[0] === 'features') {
    section = 'features';
    stopCurrent = featuresView(main);
  } else {
    stopCurrent = modelsView(main);
  }
  for (const a of document.querySelectorAll('nav a')) {
    a.setAttribute('aria-current', a.dataset.section === section ? 'page' : 'false');
  }
}

async function askToken() {
  const input = h('input', { type: 'password', autocomplete: 'off', id: 'token-input', value: token() });
  const ok = await confirm(
    'Token',
    [
      h('p', { text: 'The bearer token the gateway and registry check. It stays in this browser tab only, and is forgotten when the tab closes.' }),
      h('label', { class: 'field' }, h('span', { text: 'Token' }), input),
    ],
    'Use this token',
  );
  if (ok) {
    setToken(input.value.trim());
    showToken();
    route();
  }
}

function showToken() {
  document.getElementById('token').textContent = token() ? 'Token: set' : 'Token';
}

const THEMES = ['auto', 'light', 'dark'];

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  document.getElementById('theme').textContent = `Theme: ${theme}`;
}

function start() {
  const saved = localStorage.getItem('canopy.console.theme');
  applyTheme(THEMES.includes(saved) ? saved : 'auto');
  document.getElementById('theme').addEventListener('click', () => {
    const next = THEMES[(THEMES.indexOf(document.documentElement.dataset.theme) + 1) % THEMES.length];
    localStorage.setItem('canopy.console.theme', next);
    applyTheme(next);
  });
  document.getElementById('token').addEventListener('click', askToken);
  showToken();
  window.addEventListener('hashchange', route);
  document.addEventListener('keydown', (e) => {
    if (e.key === '/' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName)) {
      const search = document.getElementById('search');
      if (search) {
        e.preventDefault();
        search.focus();
      }
    }
  });
  route();
}

start();
