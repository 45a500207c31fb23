// Drives the explorer in Debian's headless Chromium (puppeteer-core, no
// browser download) against a kgd serving the demo graph, as an analyst
// would: token, search, neighbourhood, expanding nodes, an edge's evidence, a
// path, a filter and the as-of slider. Screenshots go to --artifacts.
// Started by explorer_test.py, which passes what the demo data says:
//   node browse.mjs --node_modules DIR --url URL --token T --artifacts DIR
//                   --expect FILE.json
// --expect (written by explorer_test.py from the demo data) holds
// {importStartMicros, walk: [ids to expand], airAttacks: {subject, predicate,
// object, evidence: [...]}, document: {title, date}, disputed: {subject,
// object}, timelineIncident}.
// Prints one line per check and "N passed, N failed"; exits 1 on a failure.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const STEP_TIMEOUT_MS = 20000;  // a hang guard per wait; steps take well under a second

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i + 1 < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const need of ['node_modules', 'url', 'artifacts', 'expect']) {
    if (!args[need]) throw new Error(`browse.mjs: --${need} is required`);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const expect = JSON.parse(fs.readFileSync(args.expect, 'utf8'));
const require = createRequire(path.join(path.resolve(args.node_modules), 'noop.js'));
const puppeteer = require('puppeteer-core');
fs.mkdirSync(args.artifacts, { recursive: true });

let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) {
    passed += 1;
    console.log(`ok   ${what}`);
  } else {
    failed += 1;
    console.log(`FAIL ${what}`);
  }
  return ok;
}

async function shot(page, name) {
  const file = path.join(args.artifacts, name);
  await page.screenshot({ path: file });
  console.log(`     screenshot ${file}`);
}

const base = new URL(args.url);
const browser = await puppeteer.launch({
  executablePath: process.env.KG_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // Root (CI) cannot use Chromium's sandbox.
  args: [...(process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []),
         '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  defaultViewport: { width: 1600, height: 1000 },
});

let page = null;
try {
  page = await browser.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const pageErrors = [];
  const foreign = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol !== 'data:' && u.origin !== base.origin) foreign.push(r.url());
  });

  const graphCount = (what) => page.$eval('#graph', (g, w) => Number(g.dataset[w]), what);
  const hasNode = (id) => page.evaluate((i) => window.kgExplorer.cy.getElementById(i).nonempty(), id);
  // Page coordinates of a node, or of a point `t` along an edge.
  const nodePoint = (id) => page.evaluate((i) => {
    const p = window.kgExplorer.cy.getElementById(i).renderedPosition();
    const r = document.getElementById('graph').getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, id);

  // ---- the page loads, and only from kgd
  const response = await page.goto(args.url, { waitUntil: 'networkidle0' });
  check(response.ok(), `GET ${args.url} answers ${response.status()}`);
  check((await page.title()) === 'kgd explorer', 'the page is the explorer');

  // ---- without the token the search is refused, with it it answers
  if (args.token) {
    await page.type('#search', 'nusra');
    await page.waitForFunction(() => document.getElementById('status').textContent.includes('UNAUTHENTICATED'));
    check(true, 'a search without a token is UNAUTHENTICATED and says so');
    await page.type('#token', args.token);
    await page.click('#token-save');
    check(await page.evaluate(() => Boolean(sessionStorage.getItem('kgd.explorer.token'))),
          'the token is kept in sessionStorage');
    await page.$eval('#search', (s) => { s.value = ''; });
  }

  // ---- search "nusra" (an alias) and pick the entity
  await page.type('#search', 'nusra');
  await page.waitForSelector('#search-results button[data-id="actor/nusra"]', { visible: true });
  check(true, 'searching "nusra" offers actor/nusra');
  await shot(page, '01-search.png');
  await page.click('#search-results button[data-id="actor/nusra"]');
  await page.waitForFunction(() => Number(document.getElementById('graph').dataset.nodes) > 1);
  await page.waitForFunction(() => document.getElementById('details').dataset.entity === 'actor/nusra');
  const nusraNodes = await graphCount('nodes');
  check(nusraNodes > 1 && (await hasNode('actor/nusra')) && (await hasNode('inc/nusra-buildup')),
        `the neighbourhood of actor/nusra is drawn (${nusraNodes} nodes)`);
  const details = await page.$eval('#details', (d) => d.textContent);
  check(details.includes('Nusra Front') && details.includes('ArmedGroup'),
        'the node panel shows its kind and aliases');
  const timeline = await page.$$eval('#details .timeline li', (ls) => ls.map((l) => l.textContent));
  check(timeline.some((t) => t.includes(expect.timelineIncident)),
        `the node panel's timeline lists ${expect.timelineIncident} (${timeline.length} entries)`);
  await shot(page, '02-neighbourhood.png');

  // ---- expand nodes (double-click) along expect.walk to reach the air attacks
  for (const id of expect.walk.slice(1)) {
    check(await hasNode(id), `${id} is drawn`);
    const p = await nodePoint(id);
    await page.mouse.click(p.x, p.y, { count: 2 });
    await page.waitForFunction((i) => window.kgExplorer.state.expanded.includes(i) &&
      window.kgExplorer.cy.getElementById(i).hasClass('expanded'), {}, id);
  }
  const a = expect.airAttacks;
  const edge = await page.evaluate((s, pr, o) => {
    const e = window.kgExplorer.cy.edges().filter((x) => x.data('source') === s &&
      x.data('predicate') === pr && x.data('target') === o);
    return e.nonempty() ? e.data() : null;
  }, a.subject, a.predicate, a.object);
  check(edge !== null, `the edge ${a.subject} ${a.predicate} ${a.object} is drawn`);

  // The disputed edge (a DENIES record in the demo) is marked.
  const d = expect.disputed;
  const disputed = await page.evaluate((s, o) => window.kgExplorer.cy.edges().filter((x) =>
    x.data('source') === s && x.data('target') === o).map((x) => x.hasClass('disputed')), d.subject, d.object);
  check(disputed.length > 0 && disputed.every(Boolean), `${d.subject} -> ${d.object} is marked disputed`);

  // ---- click the edge; its evidence shows the quoted excerpt
  if (edge) {
    // Zoom to the edge as a user would, then click along it until the panel
    // shows it (another element may lie over one point).
    await page.evaluate((id) => {
      const cy = window.kgExplorer.cy;
      cy.fit(cy.getElementById(id).connectedNodes(), 150);
    }, edge.id);
    let shown = false;
    for (const t of [0.5, 0.4, 0.6, 0.3, 0.7]) {
      const p = await page.evaluate((id, f) => {
        const e = window.kgExplorer.cy.getElementById(id);
        const s = e.sourceEndpoint();
        const g = e.targetEndpoint();
        const pan = window.kgExplorer.cy.pan();
        const z = window.kgExplorer.cy.zoom();
        const r = document.getElementById('graph').getBoundingClientRect();
        return { x: r.left + pan.x + z * (s.x + f * (g.x - s.x)),
                 y: r.top + pan.y + z * (s.y + f * (g.y - s.y)) };
      }, edge.id, t);
      await page.mouse.click(p.x, p.y);
      try {
        await page.waitForFunction((sid) => document.getElementById('details').dataset.statement === sid,
                                   { timeout: 3000 }, edge.statementId);
        shown = true;
        break;
      } catch (e) {
        // try the next point
      }
    }
    check(shown, `clicking the edge shows statement ${edge.statementId}`);
    const cards = await page.$$eval('#details .evidence', (cs) => cs.map((c) => c.textContent));
    const quotes = await page.$$eval('#details .excerpt', (qs) => qs.map((q) => q.textContent));
    for (const ev of a.evidence) {
      check(quotes.includes(ev.excerpt), `the evidence quotes "${ev.excerpt}"`);
      const card = cards.find((c) => c.includes(ev.excerpt)) || '';
      check(card.includes(ev.stance.toLowerCase()) && card.includes(ev.publisher) &&
            card.includes(ev.claimant) && card.includes(`grading ${ev.reliability}${ev.credibility}`) &&
            card.includes(`confidence ${ev.confidence.toFixed(2)}`),
            'its card gives stance, publisher, claimant, grading and confidence');
      check(card.includes(expect.document.title) && card.includes(expect.document.date),
            'and the document title and date');
    }
    const summary = await page.$eval('#details .corroboration', (c) => c.textContent);
    check(summary.includes(`${a.evidence.length} independent source(s)`),
          `the corroboration summary: "${summary}"`);
    await shot(page, '03-evidence.png');
  }

  // ---- a path, highlighted, each hop clickable to its evidence
  await page.$eval('#path-from', (i) => { i.value = ''; });
  await page.type('#path-from', 'actor/turkey');
  await page.type('#path-to', 'actor/nusra');
  await page.click('#find-paths');
  await page.waitForSelector('#paths button[data-statement]');
  const hops = await page.$$eval('#paths button[data-statement]', (bs) => bs.map((b) => b.dataset.statement));
  const highlighted = await page.evaluate(() => window.kgExplorer.cy.edges('.path').map((e) => e.data('statementId')));
  check(hops.length > 0 && hops.every((h) => highlighted.includes(h)),
        `paths from actor/turkey to actor/nusra are listed and highlighted (${hops.length} hops in all)`);
  await page.click(`#paths button[data-statement="${hops[0]}"]`);
  await page.waitForFunction((sid) => document.getElementById('details').dataset.statement === sid &&
    document.querySelectorAll('#details .evidence').length > 0, {}, hops[0]);
  check(true, `its first hop opens the evidence of statement ${hops[0]}`);
  await shot(page, '04-path.png');

  // ---- minimum confidence: only edges that meet it stay
  const before = await graphCount('edges');
  await page.$eval('#min-confidence', (r) => { r.value = '0.5'; r.dispatchEvent(new Event('change')); });
  await page.waitForFunction((n) => Number(document.getElementById('graph').dataset.edges) < n, {}, before);
  const confidences = await page.evaluate(() => window.kgExplorer.cy.edges().map((e) => e.data('confidence')));
  check(confidences.length > 0 && confidences.every((c) => c >= 0.5),
        `minimum confidence 0.5 keeps ${confidences.length} of ${before} edges, each at least 0.5`);
  await page.$eval('#min-confidence', (r) => { r.value = '0'; r.dispatchEvent(new Event('change')); });
  await page.waitForFunction((n) => Number(document.getElementById('graph').dataset.edges) === n, {}, before);

  // ---- never this publisher: only statements someone else supports stay
  await page.type('#publishers-deny', expect.publisherDeny);
  await page.click('#apply-filter');
  await page.waitForFunction((n) => Number(document.getElementById('graph').dataset.edges) < n, {}, before);
  const triples = await page.evaluate(() => window.kgExplorer.cy.edges().map((e) =>
    `${e.data('source')} ${e.data('predicate')} ${e.data('target')}`));
  const surviving = new Set(expect.survivingDeny);
  check(triples.length > 0 && triples.every((t) => surviving.has(t)),
        `denying ${expect.publisherDeny} keeps ${triples.length} of ${before} edges, each backed by ` +
        `another publisher ${JSON.stringify(triples.filter((t) => !surviving.has(t)))}`);
  await page.$eval('#publishers-deny', (i) => { i.value = ''; });
  await page.click('#apply-filter');
  await page.waitForFunction((n) => Number(document.getElementById('graph').dataset.edges) === n, {}, before);

  // ---- the as-of slider at its left end: before the import, nothing
  await page.focus('#as-of');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => Number(document.getElementById('graph').dataset.nodes) === 0 &&
    Number(document.getElementById('as-of-label').dataset.asOf) > 0);
  const asOf = await page.$eval('#as-of-label', (l) => Number(l.dataset.asOf));
  check(asOf < expect.importStartMicros,
        `the slider's left end (${asOf}) is before the demo import (${expect.importStartMicros})`);
  check((await graphCount('nodes')) === 0 && (await graphCount('edges')) === 0,
        'and the graph as of then is empty');
  await shot(page, '05-as-of-before-import.png');
  await page.keyboard.press('End');
  await page.waitForFunction(() => Number(document.getElementById('graph').dataset.nodes) > 0 &&
    document.getElementById('as-of-label').dataset.asOf === '0');
  check(true, 'back at "now" the graph is drawn again');

  check(pageErrors.length === 0, `no script errors ${JSON.stringify(pageErrors)}`);
  check(foreign.length === 0, `nothing fetched from elsewhere ${JSON.stringify(foreign)}`);
} catch (e) {
  check(false, `the walk-through stopped: ${e.stack || e}`);
  if (page) {
    console.log(`     status line: ${await page.$eval('#status', (f) => f.textContent).catch(() => '?')}`);
    await shot(page, 'failure.png').catch(() => {});
  }
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
