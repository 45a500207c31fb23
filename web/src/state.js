// The explorer's shared state, the status line and the Filter the controls
// describe. `actions` is filled in by main.js, so that the drawing and the
// panels can start each other's work without importing each other.
import { ApiError } from './api.js';

export const $ = (id) => document.getElementById(id);

export const state = {
  expanded: [],       // entity ids whose neighbourhood is drawn; [0] is the focus
  asOf: 0,            // transaction time in microseconds; 0 = now
  sliderMin: 0,       // the as-of slider's left end, microseconds
  sliderMax: 0,
  pathQuery: null,    // {from, to, maxDepth} while a path is shown
  paths: [],
  entities: new Map(),  // id -> Entity seen in the current drawing
  literals: new Map(),  // id -> [Statement] with a literal object
  generation: 0,      // drawings started; a slower, older one is dropped
  detailsGeneration: 0,  // the same for the details panel
};

// focus(id), expand(id), selectEdge(statementId), refreshDetails().
export const actions = {};

// ---------------------------------------------------------------- status

export function showStatus(text, isError = false) {
  const footer = $('status');
  footer.textContent = text;
  footer.classList.toggle('error', isError);
}

export function showError(what, e) {
  showStatus(`${what}: ${e instanceof ApiError ? e.message : String(e)}`, true);
  if (!(e instanceof ApiError)) console.error(e);
}

// ---------------------------------------------------------------- filter

function splitIds(text) {
  return text.split(/[\s,]+/).filter((s) => s.length > 0);
}

// The Filter message for reads that apply all of it.
export function fullFilter() {
  const f = asOfFilter();
  const minConfidence = Number($('min-confidence').value);
  if (minConfidence > 0) f.minConfidence = minConfidence;
  const minSources = Math.max(0, Math.floor(Number($('min-sources').value) || 0));
  if (minSources > 0) f.minSources = minSources;
  const allow = splitIds($('publishers-allow').value);
  if (allow.length) f.publishersAllow = allow;
  const deny = splitIds($('publishers-deny').value);
  if (deny.length) f.publishersDeny = deny;
  return f;
}

// The Filter for reads of which only as_of applies.
export function asOfFilter() {
  return state.asOf ? { asOf: String(state.asOf) } : {};
}

