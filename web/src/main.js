// kgd explorer: search → neighbourhood graph → evidence, entity details,
// paths, trust filters and an as-of slider, all over kgd's JSON gateway.
import cytoscape from 'cytoscape';
import { ApiError, getToken, graph, provenance, setToken } from './api.js';
import { append, clear, dl, el, formatMicros, safeLink } from './dom.js';

// Bounds on what one view asks for and draws.
const NEIGHBOR_PAGE_SIZE = 500;
const NEIGHBOR_PAGES = 4;         // per expanded node: at most 2,000 edges
const MAX_EXPANDED = 20;          // nodes whose neighbours are drawn
const SEARCH_PAGE_SIZE = 20;
const TIMELINE_PAGE_SIZE = 50;
const EVIDENCE_PAGE_SIZE = 50;
const PATHS_K = 3;
const SLIDER_STEPS = 1000;
const SLIDER_LEAD_MICROS = 60 * 1000000;  // the slider starts a minute before the first record
const LABEL_CHARS = 40;

const $ = (id) => document.getElementById(id);

const state = {
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

// ---------------------------------------------------------------- status

function showStatus(text, isError = false) {
  const footer = $('status');
  footer.textContent = text;
  footer.classList.toggle('error', isError);
}

function showError(what, e) {
  showStatus(`${what}: ${e instanceof ApiError ? e.message : String(e)}`, true);
  if (!(e instanceof ApiError)) console.error(e);
}

// ---------------------------------------------------------------- filter

function splitIds(text) {
  return text.split(/[\s,]+/).filter((s) => s.length > 0);
}

// The Filter message for reads that apply all of it.
function fullFilter() {
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
function asOfFilter() {
  return state.asOf ? { asOf: String(state.asOf) } : {};
}

// ---------------------------------------------------------------- graph

// A hue per kind, spread by the golden angle so that kinds differ visibly.
function kindColor(kind) {
  let h = 0;
  for (const ch of kind || '') h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return `hsl(${Math.round((h * 137.508) % 360)}, 62%, 52%)`;
}

function shorten(text) {
  const chars = Array.from(text || '');
  return chars.length > LABEL_CHARS ? chars.slice(0, LABEL_CHARS - 1).join('') + '…' : chars.join('');
}

const cy = cytoscape({
  container: $('graph'),
  wheelSensitivity: 0.3,
  minZoom: 0.1,
  maxZoom: 4,
  style: [
    {
      selector: 'node',
      style: {
        'background-color': 'data(color)',
        label: 'data(label)',
        'font-size': 10,
        'text-valign': 'bottom',
        'text-margin-y': 3,
        'text-wrap': 'wrap',
        'text-max-width': 140,
        width: 22,
        height: 22,
        'border-width': 1,
        'border-color': '#34404d',
      },
    },
    { selector: 'node.focus', style: { width: 34, height: 34, 'border-width': 3 } },
    { selector: 'node.expanded', style: { 'border-width': 3, 'border-style': 'double' } },
    {
      selector: 'edge',
      style: {
        width: 'data(width)',
        opacity: 'data(opacity)',
        'line-color': '#7b8794',
        'target-arrow-color': '#7b8794',
        'target-arrow-shape': 'triangle',
        'curve-style': 'bezier',
        label: 'data(label)',
        'font-size': 8,
        'text-rotation': 'autorotate',
        'text-background-color': '#fbfbfc',
        'text-background-opacity': 0.8,
        'text-background-padding': 1,
      },
    },
    {
      selector: 'edge.disputed',
      // Shown plainly whatever their confidence: a denial is worth seeing.
      style: { 'line-color': '#c0392b', 'target-arrow-color': '#c0392b', 'line-style': 'dashed',
               opacity: 0.9 },
    },
    {
      selector: 'edge.path',
      style: {
        'line-color': '#1f5fa8', 'target-arrow-color': '#1f5fa8', opacity: 1,
        width: 5, 'z-index': 10,
      },
    },
    { selector: 'node.path', style: { 'border-color': '#1f5fa8', 'border-width': 4 } },
    { selector: ':selected', style: { 'overlay-color': '#f5b700', 'overlay-opacity': 0.35 } },
  ],
});
// For scripted use of the page (the browser test reads positions from it).
window.kgExplorer = { cy, state };

function nodeData(entity) {
  return {
    id: entity.id,
    label: shorten(entity.label || entity.id),
    kind: entity.kind || '',
    color: kindColor(entity.kind),
  };
}

function edgeData(statement) {
  const c = statement.corroboration || {};
  const confidence = Number(c.confidence || 0);
  return {
    id: `s${statement.id}`,
    statementId: String(statement.id),
    source: statement.subject,
    target: statement.object.entity,
    predicate: statement.predicate,
    label: c.disputed ? `${statement.predicate} (disputed)` : statement.predicate,
    confidence,
    sources: Number(c.independentSources || 0),
    disputed: Boolean(c.disputed),
    width: 1 + 5 * confidence,
    opacity: 0.35 + 0.65 * confidence,
  };
}

// Neighbors of `id`, following pages up to NEIGHBOR_PAGES; truncated when
// more were left.
async function neighborsOf(id, filter) {
  const neighbors = [];
  let pageToken = '';
  for (let page = 0; page < NEIGHBOR_PAGES; ++page) {
    const request = { id, direction: 'BOTH', filter, pageSize: NEIGHBOR_PAGE_SIZE };
    if (pageToken) request.pageToken = pageToken;
    let r;
    try {
      r = await graph('Neighbors', request);
    } catch (e) {
      // A kgd with a smaller --max_page_size: its default page size then.
      if (!(e instanceof ApiError && e.status === 'RESOURCE_EXHAUSTED')) throw e;
      delete request.pageSize;
      r = await graph('Neighbors', request);
    }
    neighbors.push(...(r.neighbors || []));
    pageToken = r.nextPageToken || '';
    if (!pageToken) return { neighbors, truncated: false };
  }
  return { neighbors, truncated: true };
}

async function entityOrNull(id) {
  try {
    return await graph('GetEntity', { id, filter: asOfFilter() });
  } catch (e) {
    if (e instanceof ApiError && e.status === 'NOT_FOUND') return null;
    throw e;
  }
}

// Redraws everything from the server: the expanded nodes' neighbourhoods and
// the path, under the current filter and as_of.
async function redraw(refreshDetails = true) {
  const generation = ++state.generation;
  const filter = fullFilter();
  const nodes = new Map();
  const edges = new Map();
  const missing = [];
  let truncated = false;
  const entities = new Map();
  const literals = new Map();
  try {
    for (const id of state.expanded) {
      const entity = await entityOrNull(id);
      if (!entity) {
        missing.push(id);
        continue;
      }
      entities.set(entity.id, entity);
      nodes.set(entity.id, nodeData(entity));
      const r = await neighborsOf(id, filter);
      truncated = truncated || r.truncated;
      for (const n of r.neighbors) {
        const s = n.statement;
        if (!s.object || s.object.entity === undefined) {
          if (!literals.has(s.subject)) literals.set(s.subject, []);
          literals.get(s.subject).push(s);
          continue;
        }
        if (n.entity) {
          entities.set(n.entity.id, n.entity);
          if (!nodes.has(n.entity.id)) nodes.set(n.entity.id, nodeData(n.entity));
        }
        edges.set(`s${s.id}`, edgeData(s));
      }
    }
    const pathEdges = new Set();
    const pathNodes = new Set();
    state.paths = [];
    if (state.pathQuery) {
      let r = {};
      try {
        r = await graph('FindPaths', {
          from: state.pathQuery.from,
          to: state.pathQuery.to,
          maxDepth: state.pathQuery.maxDepth,
          k: PATHS_K,
          direction: 'BOTH',
          filter,
        });
      } catch (e) {
        // An end that does not exist (yet, as of the slider) has no path.
        if (!(e instanceof ApiError && e.status === 'NOT_FOUND')) throw e;
        r = { missing: e.detail };
      }
      state.paths = r.paths || [];
      state.pathsTruncated = Boolean(r.truncated);
      state.pathsMissing = r.missing || '';
      for (const path of state.paths) {
        for (const hop of path.hops || []) {
          for (const id of [hop.from, hop.to]) {
            pathNodes.add(id);
            if (!nodes.has(id)) {
              const entity = entities.get(id) || (await entityOrNull(id));
              if (entity) {
                entities.set(id, entity);
                nodes.set(id, nodeData(entity));
              }
            }
          }
          const edgeId = `s${hop.statementId}`;
          pathEdges.add(edgeId);
          if (!edges.has(edgeId)) {
            const confidence = Number(hop.confidence || 0);
            edges.set(edgeId, {
              id: edgeId,
              statementId: String(hop.statementId),
              source: hop.reversed ? hop.to : hop.from,
              target: hop.reversed ? hop.from : hop.to,
              predicate: hop.predicate,
              label: hop.predicate,
              confidence,
              sources: 0,
              disputed: false,
              width: 1 + 5 * confidence,
              opacity: 0.35 + 0.65 * confidence,
            });
          }
        }
      }
    }
    if (generation !== state.generation) return;  // a newer drawing started
    state.entities = entities;
    state.literals = literals;
    const elements = [];
    for (const data of nodes.values()) {
      const classes = [];
      if (data.id === state.expanded[0]) classes.push('focus');
      else if (state.expanded.includes(data.id)) classes.push('expanded');
      if (pathNodes.has(data.id)) classes.push('path');
      elements.push({ group: 'nodes', data, classes });
    }
    for (const data of edges.values()) {
      // An edge is drawn only between drawn nodes.
      if (!nodes.has(data.source) || !nodes.has(data.target)) continue;
      const classes = [];
      if (data.disputed) classes.push('disputed');
      if (pathEdges.has(data.id)) classes.push('path');
      elements.push({ group: 'edges', data, classes });
    }
    placeAndLayout(elements);
    cy.fit(undefined, 30);
    renderLegend();
    renderPaths();
    const graphEl = $('graph');
    graphEl.dataset.nodes = String(cy.nodes().length);
    graphEl.dataset.edges = String(cy.edges().length);
    const when = state.asOf ? `as of ${formatMicros(state.asOf)}` : 'now';
    let summary = `${cy.nodes().length} nodes, ${cy.edges().length} edges (${when})`;
    if (missing.length) summary += `; not in the graph ${when}: ${missing.join(', ')}`;
    if (truncated) summary += `; more than ${NEIGHBOR_PAGE_SIZE * NEIGHBOR_PAGES} neighbours, the rest left out`;
    $('graph-summary').textContent = summary;
    showStatus('');
    if (refreshDetails) showDetailsAgain();
  } catch (e) {
    if (generation === state.generation) showError('Drawing the graph', e);
  }
}

// Nodes drawn before keep their place; a new node starts beside a placed
// neighbour (or near the middle), then the force layout settles them, so an
// expansion or a redraw does not scramble the picture.
function placeAndLayout(elements) {
  const old = new Map();
  cy.nodes().forEach((n) => old.set(n.id(), { ...n.position() }));
  const placed = new Map();
  const neighbours = new Map();
  for (const e of elements) {
    if (e.group !== 'edges') continue;
    for (const [a, b] of [[e.data.source, e.data.target], [e.data.target, e.data.source]]) {
      if (!neighbours.has(a)) neighbours.set(a, []);
      neighbours.get(a).push(b);
    }
  }
  const jitter = () => (Math.random() - 0.5) * 120;
  for (const e of elements) {
    if (e.group !== 'nodes') continue;
    let p = old.get(e.data.id);
    if (!p) {
      const anchor = (neighbours.get(e.data.id) || []).map((id) => old.get(id) || placed.get(id)).find(Boolean);
      p = anchor ? { x: anchor.x + jitter(), y: anchor.y + jitter() } : { x: jitter() * 3, y: jitter() * 3 };
    }
    placed.set(e.data.id, p);
    e.position = p;
  }
  cy.elements().remove();
  cy.add(elements);
  cy.layout({ name: 'cose', animate: false, randomize: false, nodeRepulsion: () => 40000,
              idealEdgeLength: () => 110, nodeOverlap: 20, padding: 30 }).run();
}

// What the details panel shows, read again under the new filter and as_of.
function showDetailsAgain() {
  const details = $('details');
  if (details.dataset.entity) showEntity(details.dataset.entity);
  else if (details.dataset.statement) showEvidence(details.dataset.statement);
}

function renderLegend() {
  const legend = clear($('legend'));
  const kinds = [...new Set(cy.nodes().map((n) => n.data('kind')))].sort();
  for (const kind of kinds) {
    legend.append(el('li', {}, el('span', { class: 'swatch', style: `background:${kindColor(kind)}` }),
                     kind || '(no kind)'));
  }
}

function labelOf(id) {
  const entity = state.entities.get(id);
  return entity && entity.label ? `${entity.label} (${id})` : id;
}

function renderPaths() {
  const list = clear($('paths'));
  if (!state.pathQuery) return;
  if (!state.paths.length) {
    list.append(el('li', {}, state.pathsMissing ? `No path: ${state.pathsMissing}.`
                                                 : `No path within ${state.pathQuery.maxDepth} hops.`));
    return;
  }
  state.paths.forEach((path, i) => {
    const hops = el('ul');
    for (const hop of path.hops || []) {
      const arrow = hop.reversed ? `←${hop.predicate}—` : `—${hop.predicate}→`;
      hops.append(el('li', {},
        el('button', { type: 'button', class: 'linklike', 'data-statement': hop.statementId,
                       onclick: () => selectEdge(String(hop.statementId)) },
           `${hop.from} ${arrow} ${hop.to}`),
        ` (${Number(hop.confidence || 0).toFixed(2)})`));
    }
    list.append(el('li', {}, `Path ${i + 1}: ${(path.hops || []).length} hop(s)`, hops));
  });
  if (state.pathsTruncated) list.append(el('li', {}, 'The search budget ran out; more paths may exist.'));
}

// ---------------------------------------------------------------- details

function valueText(v) {
  if (!v) return '';
  if (v.entity !== undefined) return v.entity;
  if (v.string !== undefined) return v.string;
  if (v.integer !== undefined) return String(v.integer);
  if (v.decimal !== undefined) return v.decimal;
  if (v.date !== undefined) return v.date;
  if (v.boolean !== undefined) return String(v.boolean);
  return '';
}

function entityButton(id) {
  return el('button', { type: 'button', class: 'linklike', onclick: () => focusEntity(id) }, id);
}

function valueNode(v) {
  return v && v.entity !== undefined ? entityButton(v.entity) : valueText(v);
}

function selectEdge(statementId) {
  cy.elements().unselect();
  const edge = cy.getElementById(`s${statementId}`);
  if (edge.nonempty()) edge.select();
  showEvidence(statementId);
}

function corroborationText(c) {
  const n = (x) => Number(x || 0);
  let text = `confidence ${n(c.confidence).toFixed(2)} from ${n(c.independentSources)} independent ` +
             `source(s), ${n(c.publishers)} publisher(s), ${n(c.claimants)} claimant(s); ` +
             `${n(c.supporting)} supporting, ${n(c.denying)} denying`;
  if (c.firstReported) {
    text += `; reported ${c.firstReported}`;
    if (c.lastReported && c.lastReported !== c.firstReported) text += ` to ${c.lastReported}`;
  }
  return text;
}

function evidenceCard(ev, documents) {
  const stance = ev.stance || 'ASSERTS';
  const confidence = ev.confidence === undefined ? 1 : Number(ev.confidence);
  const grade = `${ev.reliability || 'F'}${ev.credibility || 6}`;
  const doc = documents.get(ev.document) || {};
  const span = ev.spanBegin !== undefined && ev.spanBegin >= 0 ? ` [${ev.spanBegin}, ${ev.spanEnd})` : '';
  const claimant = [ev.claimant, ev.claimantDescription].filter(Boolean).join(' — ');
  const retracted = Number(ev.retractedAt || 0);
  const docText = [doc.title || ev.document, doc.date].filter(Boolean).join(', ');
  return el('div', { class: retracted ? 'evidence retracted' : 'evidence', 'data-evidence': ev.id },
    el('span', { class: `stance ${stance}` }, stance.toLowerCase()),
    ` confidence ${confidence.toFixed(2)}, grading ${grade}`,
    ev.excerpt ? el('blockquote', { class: 'excerpt' }, ev.excerpt) : null,
    dl([
      ['Publisher', ev.publisher || doc.publisher || ''],
      ['Claimant', claimant],
      ['Document', docText],
      ['Document id', ev.document],
      ['URL', doc.url ? safeLink(doc.url) : ''],
      ['Reported on', ev.reportedOn || ''],
      ['Span', span.trim()],
      ['Extracted by', ev.extractor || ''],
      ['Ingested', [formatMicros(ev.ingestedAt), ev.ingestedBy].filter(Boolean).join(' by ')],
      ['Retracted', retracted ? [formatMicros(retracted), ev.retractedBy, ev.retractionReason]
        .filter(Boolean).join(' — ') : ''],
      ['Revisions', (ev.revisions || []).length ? String(ev.revisions.length) : ''],
    ]));
}

async function showEvidence(statementId, pageToken = '', container = null) {
  const generation = container ? state.detailsGeneration : ++state.detailsGeneration;
  const request = { statementId: String(statementId), filter: fullFilter(),
                    evidencePageSize: EVIDENCE_PAGE_SIZE };
  if (pageToken) request.evidencePageToken = pageToken;
  let r;
  try {
    r = await provenance('Explain', request);
  } catch (e) {
    if (generation !== state.detailsGeneration) return;
    if (!container && e instanceof ApiError && e.status === 'NOT_FOUND') {
      showAbsent(`Statement ${statementId}`, e, { statement: String(statementId) });
      return;
    }
    showError(`Explaining statement ${statementId}`, e);
    return;
  }
  if (generation !== state.detailsGeneration) return;
  const s = r.statement || {};
  const documents = new Map((r.documents || []).map((d) => [d.id, d]));
  if (!container) {
    const details = clear($('details'));
    delete details.dataset.entity;
    details.dataset.statement = String(s.id);
    details.append(
      el('h2', {}, `Statement ${s.id}`),
      el('p', { class: 'triple' }, entityButton(s.subject), ` ${s.predicate} `, valueNode(s.object)),
      dl([['Valid', [s.validFrom, s.validTo].some(Boolean) ? `${s.validFrom || '…'} to ${s.validTo || '…'}` : '']]),
      el('p', { class: 'corroboration' }, corroborationText(s.corroboration || {})));
    if (r.disputed) {
      details.append(el('p', { class: 'disputed' }, 'Disputed: ', (r.disputeReasons || []).join('; ')));
    }
    for (const conflict of r.conflicts || []) {
      const cs = conflict.statement || {};
      details.append(el('p', {}, 'Conflicts with ',
        el('button', { type: 'button', class: 'linklike', onclick: () => selectEdge(String(cs.id)) },
           `statement ${cs.id}: ${cs.subject} ${cs.predicate} ${valueText(cs.object)}`)));
    }
    details.append(el('h2', {}, `Evidence (${s.evidenceTotal || (s.evidence || []).length})`));
    container = el('div', { id: 'evidence-list' });
    details.append(container);
  }
  const more = container.querySelector('.more');
  if (more) more.remove();
  append(container, (s.evidence || []).map((ev) => evidenceCard(ev, documents)));
  if (s.evidencePageToken) {
    container.append(el('button', { type: 'button', class: 'more',
      onclick: () => showEvidence(statementId, s.evidencePageToken, container) }, 'More evidence'));
  }
}

async function timelineOf(id) {
  // An actor's timeline or a place's: kgd refuses the other one as
  // INVALID_ARGUMENT (the kind does not fit), so both are asked without
  // knowing the schema; an entity that is neither has no timeline.
  const filter = fullFilter();
  const answers = await Promise.allSettled([
    graph('Timeline', { actor: id, filter, pageSize: TIMELINE_PAGE_SIZE }),
    graph('Timeline', { place: id, filter, pageSize: TIMELINE_PAGE_SIZE }),
  ]);
  const entries = [];
  let more = false;
  for (const a of answers) {
    if (a.status === 'rejected') {
      if (a.reason instanceof ApiError && a.reason.status === 'INVALID_ARGUMENT') continue;
      throw a.reason;
    }
    entries.push(...(a.value.entries || []));
    more = more || Boolean(a.value.nextPageToken || a.value.truncated);
  }
  // Each answer is in date order; undated entries last.
  entries.sort((x, y) => (x.date || '\uffff').localeCompare(y.date || '\uffff'));
  return { entries, more };
}

// The details panel when what it showed is not in the graph as of the
// slider (or was never there); `keep` remembers it for the next redraw.
function showAbsent(what, e, keep) {
  const details = clear($('details'));
  delete details.dataset.entity;
  delete details.dataset.statement;
  Object.assign(details.dataset, keep);
  const when = state.asOf ? `as of ${formatMicros(state.asOf)}` : 'now';
  details.append(el('h2', {}, what), el('p', {}, `Not in the graph ${when}: ${e.detail}`));
}

async function showEntity(id) {
  const generation = ++state.detailsGeneration;
  let entity;
  let timeline;
  try {
    entity = await graph('GetEntity', { id, filter: asOfFilter() });
    timeline = await timelineOf(id);
  } catch (e) {
    if (generation !== state.detailsGeneration) return;
    if (e instanceof ApiError && e.status === 'NOT_FOUND') {
      showAbsent(id, e, { entity: id });
      return;
    }
    showError(`Reading ${id}`, e);
    return;
  }
  if (generation !== state.detailsGeneration) return;
  const details = clear($('details'));
  details.dataset.entity = entity.id;
  delete details.dataset.statement;
  const attrs = Object.entries(entity.attributes || {}).sort(([a], [b]) => a.localeCompare(b));
  const ext = Object.entries(entity.externalIds || {}).sort(([a], [b]) => a.localeCompare(b));
  details.append(
    el('h2', {}, entity.label || entity.id),
    dl([
      ['Id', entity.id],
      ['Kind', entity.kind],
      ['Merged into', entity.mergedInto ? entityButton(entity.mergedInto) : ''],
      ['Coordinates', entity.latitude !== undefined ? `${entity.latitude}, ${entity.longitude}` : ''],
      ['Updated', [formatMicros(entity.updatedAt), entity.updatedBy].filter(Boolean).join(' by ')],
    ]),
    el('div', { class: 'actions' },
      el('button', { type: 'button', onclick: () => expandEntity(entity.id) }, 'Add its neighbours'),
      el('button', { type: 'button', onclick: () => focusEntity(entity.id) }, 'Focus on it'),
      el('button', { type: 'button', onclick: () => { $('path-from').value = entity.id; } }, 'Path from here'),
      el('button', { type: 'button', onclick: () => { $('path-to').value = entity.id; } }, 'Path to here')),
    el('h2', {}, 'Aliases'),
    (entity.aliases || []).length ? el('ul', {}, entity.aliases.map((a) => el('li', {}, a))) : el('p', {}, 'none'),
    el('h2', {}, 'Attributes'),
    attrs.length ? dl(attrs.map(([k, v]) => [k, valueNode(v)])) : el('p', {}, 'none'));
  if (ext.length) details.append(el('h2', {}, 'External ids'), dl(ext));

  const literal = state.literals.get(entity.id) || [];
  const edges = cy.getElementById(entity.id).connectedEdges();
  if (literal.length || edges.length) {
    const list = el('ul', { class: 'statements' });
    for (const s of literal) {
      list.append(el('li', {}, el('button', { type: 'button', class: 'linklike',
        onclick: () => selectEdge(String(s.id)) }, `${s.predicate}: ${shorten(valueText(s.object))}`)));
    }
    edges.forEach((e) => {
      const d = e.data();
      list.append(el('li', {}, el('button', { type: 'button', class: 'linklike',
        onclick: () => selectEdge(d.statementId) }, `${d.source} ${d.label} ${d.target}`)));
    });
    details.append(el('h2', {}, 'Statements drawn here'), list);
  }

  details.append(el('h2', {}, 'Timeline'));
  if (!timeline.entries.length) {
    details.append(el('p', {}, 'No incidents.'));
  } else {
    const list = el('ol', { class: 'timeline' });
    for (const t of timeline.entries) {
      const inc = t.incident || {};
      const dates = t.endDate && t.endDate !== t.date ? `${t.date} to ${t.endDate}` : (t.date || 'undated');
      list.append(el('li', {}, `${dates}: `,
        el('button', { type: 'button', class: 'linklike', onclick: () => showEntity(inc.id) },
           inc.label || inc.id),
        ` — ${t.role}`, t.place ? ` in ${t.place}` : '', ' ',
        el('button', { type: 'button', class: 'linklike', onclick: () => selectEdge(String(t.statementId)) },
           'evidence')));
    }
    details.append(list);
    if (timeline.more) details.append(el('p', { class: 'hint' }, `Only the first ${TIMELINE_PAGE_SIZE} shown.`));
  }
}

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

renderToken();
renderAsOfLabel();
