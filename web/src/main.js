// kgd explorer: search → neighbourhood graph → evidence, entity details,
// paths, trust filters and an as-of slider, all over kgd's JSON gateway.
// This file wires the controls; graph.js draws, details.js fills the panel,
// state.js holds what they share, api.js calls kgd, dom.js builds elements.
import { getToken, graph, provenance, setToken } from './api.js';
import { clear, el, formatMicros } from './dom.js';
import { selectEdge, showDetailsAgain, showEntity, showEvidence } from './details.js';
import { cy, redraw } from './graph.js';
import { $, actions, asOfFilter, showError, showStatus, state } from './state.js';

const MAX_EXPANDED = 20;  // nodes whose neighbours are drawn
const SEARCH_PAGE_SIZE = 20;
const SLIDER_STEPS = 1000;
const SLIDER_LEAD_MICROS = 60 * 1000000;  // the slider starts a minute before the first record

// ---------------------------------------------------------------- as of

function sliderToMicros(v) {
  if (v >= SLIDER_STEPS) return 0;
  return Math.round(state.sliderMin + ((state.sliderMax - state.sliderMin) * v) / SLIDER_STEPS);
}

function renderAsOfLabel() {
  $('as-of-label').textContent = state.asOf ? `as of ${formatMicros(state.asOf)}` : 'now';
  $('as-of-label').dataset.asOf = String(state.asOf);
}

// The slider runs from a minute before the focused entity's first
// recorded change (so its left end shows the graph before it existed) to now.
async function resetSlider(id) {
  const slider = $('as-of');
  try {
    const r = await provenance('History', { entity: id, pageSize: 1 });
    const first = Number(((r.events || [])[0] || {}).at || 0);
    const now = Date.now() * 1000;
    if (!first) {
      slider.disabled = true;
      return;
    }
    state.sliderMin = first - SLIDER_LEAD_MICROS;
    state.sliderMax = Math.max(now, first + 1000000);
    slider.disabled = false;
    slider.dataset.min = String(state.sliderMin);
  } catch (e) {
    slider.disabled = true;
    showError(`Reading the history of ${id}`, e);
  }
}

let asOfTimer = null;
function onAsOfInput() {
  state.asOf = sliderToMicros(Number($('as-of').value));
  renderAsOfLabel();
  clearTimeout(asOfTimer);
  asOfTimer = setTimeout(() => redraw(), 250);
}

// ---------------------------------------------------------------- actions

async function focusEntity(id) {
  state.expanded = [id];
  $('search-results').hidden = true;
  if (!state.pathQuery) $('path-from').value = id;
  await resetSlider(id);
  await redraw(false);
  await showEntity(id);
}

async function expandEntity(id) {
  if (!state.expanded.includes(id)) {
    if (state.expanded.length >= MAX_EXPANDED) {
      showStatus(`At most ${MAX_EXPANDED} nodes can be expanded; focus on one to start over.`, true);
      return;
    }
    state.expanded.push(id);
  }
  await redraw();
}

let searchTimer = null;
let searchGeneration = 0;
async function search() {
  const query = $('search').value.trim();
  const results = $('search-results');
  if (!query) {
    results.hidden = true;
    return;
  }
  const generation = ++searchGeneration;
  try {
    const r = await graph('SearchEntities', { query, pageSize: SEARCH_PAGE_SIZE, filter: asOfFilter() });
    if (generation !== searchGeneration) return;
    clear(results);
    const entities = r.entities || [];
    if (!entities.length) results.append(el('li', {}, `Nothing named "${query}…"`));
    for (const e of entities) {
      results.append(el('li', { role: 'option' },
        el('button', { type: 'button', 'data-id': e.id, onclick: () => focusEntity(e.id) },
           `${e.label} — ${e.kind} — ${e.id}`)));
    }
    results.hidden = false;
    showStatus('');
  } catch (e) {
    showError('Searching', e);
  }
}

function findPaths() {
  const from = $('path-from').value.trim();
  const to = $('path-to').value.trim();
  if (!from || !to) {
    state.pathQuery = null;
    showStatus('A path needs both ends (entity ids).', true);
    return;
  }
  const maxDepth = Math.min(6, Math.max(1, Math.floor(Number($('path-depth').value) || 4)));
  state.pathQuery = { from, to, maxDepth };
  if (!state.expanded.length) state.expanded = [from];
  redraw();
}

function renderToken() {
  $('token-box').classList.toggle('active', Boolean(getToken()));
}

// ---------------------------------------------------------------- wiring

$('search').addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(search, 200);
});
$('search').addEventListener('keydown', (e) => {
  if (e.key === 'Enter') {
    clearTimeout(searchTimer);
    search();
  }
});
$('min-confidence').addEventListener('input', () => {
  $('min-confidence-value').textContent = Number($('min-confidence').value).toFixed(2);
});
$('apply-filter').addEventListener('click', () => redraw());
$('min-confidence').addEventListener('change', () => redraw());
$('min-sources').addEventListener('change', () => redraw());
$('as-of').addEventListener('input', onAsOfInput);
$('as-of-now').addEventListener('click', () => {
  $('as-of').value = String(SLIDER_STEPS);
  onAsOfInput();
});
$('find-paths').addEventListener('click', findPaths);
$('token-save').addEventListener('click', () => {
  setToken($('token').value.trim());
  $('token').value = '';
  renderToken();
  if (state.expanded.length) redraw();
});
$('token-clear').addEventListener('click', () => {
  setToken('');
  renderToken();
});

cy.on('tap', 'edge', (evt) => showEvidence(evt.target.data('statementId')));
cy.on('tap', 'node', (evt) => showEntity(evt.target.id()));
cy.on('dbltap', 'node', (evt) => expandEntity(evt.target.id()));

Object.assign(actions, {
  focus: focusEntity,
  expand: expandEntity,
  selectEdge,
  refreshDetails: showDetailsAgain,
});
renderToken();
renderAsOfLabel();
