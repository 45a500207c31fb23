// The details panel: an entity (attributes, aliases, timeline) or a
// statement (corroboration and evidence).
import { ApiError, graph, provenance } from './api.js';
import { append, clear, dl, el, formatMicros, safeLink } from './dom.js';
import { cy, shorten } from './graph.js';
import { $, actions, asOfFilter, fullFilter, showError, state } from './state.js';

const TIMELINE_PAGE_SIZE = 50;
const EVIDENCE_PAGE_SIZE = 50;

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
  return el('button', { type: 'button', class: 'linklike', onclick: () => actions.focus(id) }, id);
}

function valueNode(v) {
  return v && v.entity !== undefined ? entityButton(v.entity) : valueText(v);
}

export function selectEdge(statementId) {
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
      ['Story', ev.story || ''],
      ['Extracted by', ev.extractor || ''],
      ['Ingested', [formatMicros(ev.ingestedAt), ev.ingestedBy].filter(Boolean).join(' by ')],
      ['Retracted', retracted ? [formatMicros(retracted), ev.retractedBy, ev.retractionReason]
        .filter(Boolean).join(' — ') : ''],
      ['Revisions', (ev.revisions || []).length ? String(ev.revisions.length) : ''],
    ]));
}

export async function showEvidence(statementId, pageToken = '', container = null) {
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

export async function showEntity(id) {
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
      el('button', { type: 'button', onclick: () => actions.expand(entity.id) }, 'Add its neighbours'),
      el('button', { type: 'button', onclick: () => actions.focus(entity.id) }, 'Focus on it'),
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

// What the details panel shows, read again under the new filter and as_of.
export function showDetailsAgain() {
  const details = $('details');
  if (details.dataset.entity) showEntity(details.dataset.entity);
  else if (details.dataset.statement) showEvidence(details.dataset.statement);
}
