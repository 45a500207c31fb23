// The drawing: cytoscape, the neighbourhoods of the expanded nodes and the
// paths, read from kgd under the current filter and as_of.
import cytoscape from 'cytoscape';
import { ApiError, graph } from './api.js';
import { clear, el, formatMicros } from './dom.js';
import { $, actions, asOfFilter, fullFilter, showError, showStatus, state } from './state.js';

// Bounds on what one drawing asks for.
const NEIGHBOR_PAGE_SIZE = 500;
const NEIGHBOR_PAGES = 4;  // per expanded node: at most 2,000 edges
const PATHS_K = 3;
const LABEL_CHARS = 40;

// A hue per kind, spread by the golden angle so that kinds differ visibly.
function kindColor(kind) {
  let h = 0;
  for (const ch of kind || '') h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return `hsl(${Math.round((h * 137.508) % 360)}, 62%, 52%)`;
}

export function shorten(text) {
  const chars = Array.from(text || '');
  return chars.length > LABEL_CHARS ? chars.slice(0, LABEL_CHARS - 1).join('') + '…' : chars.join('');
}

export const cy = cytoscape({
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
export async function redraw(refreshDetails = true) {
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
    if (refreshDetails) actions.refreshDetails();
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

function renderLegend() {
  const legend = clear($('legend'));
  const kinds = [...new Set(cy.nodes().map((n) => n.data('kind')))].sort();
  for (const kind of kinds) {
    legend.append(el('li', {}, el('span', { class: 'swatch', style: `background:${kindColor(kind)}` }),
                     kind || '(no kind)'));
  }
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
                       onclick: () => actions.selectEdge(String(hop.statementId)) },
           `${hop.from} ${arrow} ${hop.to}`),
        ` (${Number(hop.confidence || 0).toFixed(2)})`));
    }
    list.append(el('li', {}, `Path ${i + 1}: ${(path.hops || []).length} hop(s)`, hops));
  });
  if (state.pathsTruncated) list.append(el('li', {}, 'The search budget ran out; more paths may exist.'));
}
