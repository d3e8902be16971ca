// One document: a row per unit, the source and every target language side by side
// (stacked on a phone). Every text is put in as text (textContent, textarea values),
// never as markup. Keyboard first; the keys are listed in the help panel (F1).
import {ApiError, call, el, listen, say, seg} from './api.js';

const root = document.getElementById('units');
const doc = root.dataset.doc;
const sourceLang = root.dataset.source;
const languages = root.dataset.languages.split(' ').filter(Boolean);
const names = new Intl.DisplayNames(['en'], {type: 'language'});
const PLACEHOLDER = /<(\/?)([gx])(\d+)(\/?)>/g;

const units = new Map(); // id -> unit (as the API gives it)
const cells = new Map(); // `${id}/${lang}` -> cell (elements and what it started from)
let order = []; // unit ids in document order
let findings = {};
let brokenLanguages = {};

function languageName(lang) {
  try {
    return names.of(lang) || lang;
  } catch (error) {
    return lang;
  }
}

// -- the source: placeholders as chips, glossary terms marked ---------------------------
function termPattern(terms) {
  const words = terms.map((t) => t.term).filter(Boolean)
    .map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return words.length ? new RegExp(`(${words.join('|')})`, 'gi') : null;
}

function marked(text, pattern, terms) {
  if (!pattern) return [text];
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    const term = terms.find((t) => t.term.toLowerCase() === match[0].toLowerCase());
    const said = term ? Object.entries(term.translations).filter(([, v]) => v)
      .map(([k, v]) => `${k}: ${v}`).join('; ') : '';
    parts.push(el('mark', {class: 'term', title: said ? `Glossary — ${said}` : 'Glossary term'}, match[0]));
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function sourceNodes(unit) {
  const legend = new Map(unit.legend.map((item) => [item.name, item.means]));
  const pattern = termPattern(unit.terms || []);
  const nodes = [];
  let last = 0;
  for (const match of unit.source.matchAll(PLACEHOLDER)) {
    if (match.index > last) nodes.push(...marked(unit.source.slice(last, match.index), pattern, unit.terms));
    const name = `${match[2]}${match[3]}`;
    const means = legend.get(name) || 'markup';
    nodes.push(el('span', {class: 'chip', title: `${match[0]} = ${means}`,
      'aria-label': `placeholder ${match[0]}: ${means}`}, match[0]));
    last = match.index + match[0].length;
  }
  if (last < unit.source.length) nodes.push(...marked(unit.source.slice(last), pattern, unit.terms));
  return nodes;
}

function sourceCell(unit) {
  const cell = el('div', {class: 'source', lang: sourceLang});
  cell.append(el('p', {class: 'text'}, ...sourceNodes(unit)));
  if (unit.legend.length) {
    cell.append(el('dl', {class: 'legend', 'aria-label': 'Placeholders'},
      ...unit.legend.flatMap((item) => [el('dt', {}, `<${item.name}>`), el('dd', {}, item.means)])));
  }
  for (const note of unit.notes) cell.append(el('p', {class: 'note'}, note));
  if (unit.context) cell.append(el('p', {class: 'note'}, `Context: ${unit.context}`));
  return cell;
}

// -- one translation ---------------------------------------------------------------------
function diffNodes(diff) {
  return diff.flatMap(([tag, text]) => [tag === 'equal' ? text
    : el(tag === 'delete' ? 'del' : 'ins', {}, text), ' ']);
}

function targetCell(unit, lang) {
  const key = `${unit.id}/${lang}`;
  const wrap = el('div', {class: 'target', lang, 'data-lang': lang});
  const label = `Translation into ${languageName(lang)} (${lang})`;
  const textarea = el('textarea', {'aria-label': label, rows: 3, spellcheck: 'true',
    'data-unit': unit.id, 'data-lang': lang});
  const badge = el('span', {class: 'state'});
  const meta = el('span', {class: 'meta'});
  const head = el('div', {class: 'target-head'}, el('span', {class: 'lang-code', title: languageName(lang)}, lang), badge, meta);
  const diff = el('p', {class: 'diff', hidden: true});
  const found = el('ul', {class: 'findings', 'aria-label': `Findings (${lang})`});
  const conflict = el('div', {class: 'conflict', hidden: true, role: 'alert'});
  const suggestions = el('ol', {class: 'suggestions', 'aria-label': `Suggestions (${lang})`});
  const actions = el('div', {class: 'actions'},
    el('button', {type: 'button', 'data-action': 'save'}, 'Save'),
    el('button', {type: 'button', 'data-action': 'fuzzy'}, 'Save as fuzzy'));
  wrap.append(head, diff, textarea, conflict, actions, found, suggestions);
  const cell = {unit: unit.id, lang, wrap, textarea, badge, meta, diff, found, conflict,
    suggestions, base: null, state: 'untranslated', loadedSuggestions: false, items: []};
  cells.set(key, cell);
  fill(cell, unit.targets[lang]);
  return wrap;
}

function fill(cell, target) {
  const broken = brokenLanguages[cell.lang];
  if (target === null || target === undefined || broken) {
    cell.textarea.value = '';
    cell.textarea.disabled = true;
    cell.base = null;
    cell.state = 'missing';
    cell.badge.textContent = broken ? 'file broken' : 'not in the catalogue';
    cell.wrap.dataset.state = 'missing';
    return;
  }
  cell.textarea.disabled = false;
  cell.textarea.value = target.text;
  cell.base = target.text;
  cell.state = target.state;
  cell.textarea.readOnly = Boolean(target.plural);
  cell.badge.textContent = target.state;
  cell.wrap.dataset.state = target.state;
  cell.wrap.classList.remove('changed-on-disk');
  const who = [target.author, target.date].filter(Boolean).join(', ');
  cell.meta.textContent = who ? `changed by ${who}` : (target.provenance ? target.provenance : '');
  if (target.diff) {
    cell.diff.replaceChildren('Source changed: ', ...diffNodes(target.diff));
    cell.diff.hidden = false;
  } else {
    cell.diff.replaceChildren();
    cell.diff.hidden = true;
  }
}

function dirty(cell) {
  return cell.base !== null && cell.textarea.value !== cell.base;
}

function showFindings() {
  for (const cell of cells.values()) {
    const list = (findings[cell.unit] || {})[cell.lang] || [];
    cell.found.replaceChildren(...list.map((f) => el('li', {class: `finding ${f.severity}`},
      `${f.severity}[${f.check}]: ${f.message}`)));
    cell.wrap.classList.toggle('has-findings', list.length > 0);
  }
  applyFilter();
}

async function loadFindings() {
  try {
    findings = (await call('GET', `/documents/${seg(doc)}/findings`)).findings;
    showFindings();
  } catch (error) {
    say(`checks: ${error.message}`);
  }
}

// -- drawing the document -----------------------------------------------------------------
function showErrors(errors, missing) {
  const box = document.getElementById('errors');
  const lines = [...Object.values(errors), ...Object.values(missing || {}).map((p) => `${p}: no catalogue (run transkit extract)`)];
  box.replaceChildren(...lines.map((line) => el('p', {}, line)));
}

function draw(data) {
  brokenLanguages = data.errors || {};
  showErrors(brokenLanguages, data.missing);
  cells.clear();
  units.clear();
  order = data.units.map((u) => u.id);
  const rows = data.units.map((unit) => {
    units.set(unit.id, unit);
    const row = el('article', {class: 'unit', id: `u-${unit.id}`, 'data-id': unit.id,
      'aria-label': `Unit ${unit.index + 1}`});
    row.append(sourceCell(unit), ...languages.map((lang) => targetCell(unit, lang)));
    return row;
  });
  root.replaceChildren(...rows);
  root.setAttribute('aria-busy', 'false');
  applyFilter();
}

async function reload() {
  try {
    draw(await call('GET', `/documents/${seg(doc)}/units`));
  } catch (error) {
    document.getElementById('errors').replaceChildren(el('p', {}, error.message));
    root.setAttribute('aria-busy', 'false');
    return;
  }
  loadFindings();
}

// -- filters ------------------------------------------------------------------------------
function applyFilter() {
  const filter = document.getElementById('filter').value;
  const query = document.getElementById('search').value.trim().toLowerCase();
  let shown = 0;
  for (const id of order) {
    const unit = units.get(id);
    const mine = languages.map((lang) => cells.get(`${id}/${lang}`)).filter(Boolean);
    let keep = true;
    if (filter === 'untranslated') keep = mine.some((c) => c.state === 'untranslated');
    else if (filter === 'fuzzy') keep = mine.some((c) => c.state === 'fuzzy');
    else if (filter === 'findings') keep = Boolean(findings[id]);
    if (keep && query) {
      keep = unit.source.toLowerCase().includes(query)
        || mine.some((c) => c.textarea.value.toLowerCase().includes(query));
    }
    document.getElementById(`u-${id}`).hidden = !keep;
    if (keep) shown += 1;
  }
  document.getElementById('counts').textContent = `${shown} of ${order.length} units`;
}

// -- saving -------------------------------------------------------------------------------
async function save(cell, state, next) {
  if (cell.textarea.disabled) return;
  const text = cell.textarea.value;
  if (!text.trim()) {
    say('An empty translation is not saved.');
    return;
  }
  cell.wrap.classList.add('saving');
  try {
    const saved = await call('PUT', `/documents/${seg(doc)}/units/${cell.unit}/${cell.lang}`,
      {text, state, base: cell.base});
    units.get(cell.unit).targets[cell.lang] = saved.target;
    fill(cell, saved.target);
    cell.conflict.hidden = true;
    say(`Saved (${cell.lang}, ${saved.target.state}) in ${saved.path}`);
    loadFindings();
    if (next) move(cell, 1);
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) conflict(cell, error.body);
    else say(error.message);
  } finally {
    cell.wrap.classList.remove('saving');
  }
}

function conflict(cell, body) {
  const theirs = body.theirs;
  const keepTheirs = el('button', {type: 'button'}, 'Take theirs');
  const keepMine = el('button', {type: 'button'}, 'Keep mine (save over theirs)');
  cell.conflict.replaceChildren(
    el('p', {}, body.error || 'Changed on disk meanwhile: nothing was written.'),
    el('p', {class: 'version'}, el('strong', {}, 'Theirs: '), theirs === null ? '(unknown)' : theirs),
    el('p', {class: 'version'}, el('strong', {}, 'Yours: '), body.yours || ''),
    keepTheirs, keepMine);
  cell.conflict.hidden = false;
  keepTheirs.addEventListener('click', () => {
    cell.textarea.value = theirs || '';
    cell.base = theirs;
    cell.conflict.hidden = true;
    cell.textarea.focus();
  });
  keepMine.addEventListener('click', () => {
    cell.base = theirs;
    cell.conflict.hidden = true;
    save(cell, 'translated', false);
  });
  say(`Not saved: ${cell.lang} changed on disk meanwhile`);
}

// -- suggestions ----------------------------------------------------------------------------
async function suggest(cell) {
  if (cell.loadedSuggestions || cell.textarea.disabled) return;
  cell.loadedSuggestions = true;
  cell.suggestions.replaceChildren(el('li', {class: 'pending'}, 'Looking for suggestions…'));
  let data;
  try {
    data = await call('GET', `/documents/${seg(doc)}/units/${cell.unit}/suggestions?lang=${seg(cell.lang)}`);
  } catch (error) {
    cell.suggestions.replaceChildren(el('li', {class: 'problem'}, error.message));
    return;
  }
  cell.items = data.suggestions;
  const items = data.suggestions.map((s, i) => {
    const where = s.kind === 'memory' ? `memory ${s.score}%${s.doc ? `, ${s.doc}` : ''}` : `MT ${s.engine}`;
    const button = el('button', {type: 'button', class: 'insert', title: `Insert (Alt+${i + 1})`},
      el('kbd', {}, `${i + 1}`), ' ', s.text);
    button.addEventListener('click', () => insert(cell, i));
    return el('li', {class: `suggestion ${s.kind}`}, button, el('span', {class: 'from'}, where));
  });
  const terms = data.glossary.filter((t) => t.translation)
    .map((t) => el('li', {class: 'glossary'}, `Glossary: ${t.term} → ${t.translation}`));
  const problems = data.problems.map((p) => el('li', {class: 'problem'}, p));
  cell.suggestions.replaceChildren(...items, ...terms, ...problems);
  if (!items.length && !terms.length && !problems.length) {
    cell.suggestions.replaceChildren(el('li', {class: 'none'}, 'No suggestion'));
  }
}

function insert(cell, index) {
  const item = cell.items[index];
  if (!item || cell.textarea.disabled) return;
  cell.textarea.value = item.text;
  cell.textarea.focus();
  say(`Inserted suggestion ${index + 1}`);
}

// -- moving ----------------------------------------------------------------------------------
function visibleIds() {
  return order.filter((id) => !document.getElementById(`u-${id}`).hidden);
}

function move(cell, step) {
  const ids = visibleIds();
  const at = ids.indexOf(cell.unit);
  const target = ids[at + step];
  if (target === undefined) return;
  const next = cells.get(`${target}/${cell.lang}`);
  if (next) {
    next.textarea.focus();
    next.wrap.scrollIntoView({block: 'nearest'});
  }
}

function sideways(cell, step) {
  const at = languages.indexOf(cell.lang);
  const lang = languages[at + step];
  if (lang !== undefined) cells.get(`${cell.unit}/${lang}`).textarea.focus();
}

function cellOf(node) {
  const area = node.closest ? node.closest('.target') : null;
  if (!area) return null;
  const row = area.closest('.unit');
  return cells.get(`${row.dataset.id}/${area.dataset.lang}`);
}

function toggleHelp(show) {
  const help = document.getElementById('help');
  const visible = show === undefined ? help.hidden : show;
  help.hidden = !visible;
  document.getElementById('help-button').setAttribute('aria-expanded', String(visible));
}

document.addEventListener('keydown', (event) => {
  if (event.key === 'F1') {
    event.preventDefault();
    toggleHelp();
    return;
  }
  if (event.key === 'Escape') toggleHelp(false);
  const cell = cellOf(event.target);
  if (!cell) return;
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    save(cell, event.shiftKey ? 'fuzzy' : 'translated', true);
  } else if (event.altKey && /^[1-9]$/.test(event.key)) {
    event.preventDefault();
    insert(cell, Number(event.key) - 1);
  } else if (event.altKey && event.key === 'ArrowDown') {
    event.preventDefault();
    move(cell, 1);
  } else if (event.altKey && event.key === 'ArrowUp') {
    event.preventDefault();
    move(cell, -1);
  } else if (event.altKey && event.key === 'ArrowRight') {
    event.preventDefault();
    sideways(cell, 1);
  } else if (event.altKey && event.key === 'ArrowLeft') {
    event.preventDefault();
    sideways(cell, -1);
  }
});

root.addEventListener('focusin', (event) => {
  const cell = cellOf(event.target);
  if (cell && event.target === cell.textarea) suggest(cell);
});

root.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const cell = cellOf(button);
  if (cell) save(cell, button.dataset.action === 'fuzzy' ? 'fuzzy' : 'translated', false);
});

root.addEventListener('input', (event) => {
  const cell = cellOf(event.target);
  if (cell) cell.wrap.classList.toggle('edited', dirty(cell));
});

document.getElementById('filter').addEventListener('change', applyFilter);
document.getElementById('search').addEventListener('input', applyFilter);
document.getElementById('filters').addEventListener('submit', (event) => event.preventDefault());
document.getElementById('help-button').addEventListener('click', () => toggleHelp());

// -- live: units changed on disk -----------------------------------------------------------
async function refresh(event) {
  if (event.kind === 'documents') return;
  if (event.document !== doc) return;
  if (event.template || event.lang === sourceLang || Boolean(event.error) !== Boolean(brokenLanguages[event.lang])) {
    const typing = [...cells.values()].filter(dirty);
    if (!typing.length) {
      reload();
      return;
    }
  }
  if (event.error) {
    brokenLanguages[event.lang] = event.error;
    showErrors(brokenLanguages);
    return;
  }
  const ids = (event.ids || []).filter((id) => units.has(id));
  if (!ids.length) return;
  let data;
  try {
    data = await call('GET', `/documents/${seg(doc)}/units?ids=${ids.join(',')}`);
  } catch (error) {
    say(error.message);
    return;
  }
  for (const unit of data.units) {
    units.get(unit.id).targets = unit.targets;
    const cell = cells.get(`${unit.id}/${event.lang}`);
    if (!cell) continue;
    const target = unit.targets[event.lang];
    if (dirty(cell)) {
      // What the translator is typing stays; the save will show both versions.
      if (!target || target.text !== cell.base) cell.wrap.classList.add('changed-on-disk');
      cell.meta.textContent = 'changed on disk meanwhile';
    } else {
      fill(cell, target);
    }
  }
  applyFilter();
  loadFindings();
}

listen(refresh);
reload();
