// The dashboard: every document with its figures per language, redrawn when files change.
import {call, el, listen, say} from './api.js';

const body = document.querySelector('#documents tbody');

function bar(lang, figures) {
  const done = figures.translated;
  const label = `${lang}: ${done}/${figures.units} translated, ${figures.fuzzy} fuzzy`;
  const meter = el('progress', {max: figures.units || 1, value: done, 'aria-label': label});
  return el('span', {class: 'lang-figure', title: label}, el('span', {class: 'lang-code', text: lang}),
    meter, el('span', {class: 'figure', text: `${Math.floor(figures.percent)}%`}),
    figures.problem ? el('span', {class: 'problem', text: figures.problem}) : null);
}

async function draw() {
  let data;
  try {
    data = await call('GET', '/documents');
  } catch (error) {
    say(error.message);
    return;
  }
  body.replaceChildren(...data.documents.map((doc) => el('tr', {},
    el('th', {scope: 'row'}, el('a', {href: `/documents/${encodeURIComponent(doc.name)}`, text: doc.name})),
    el('td', {text: doc.source_language}),
    el('td', {class: 'figures'}, ...Object.entries(doc.languages).map(([lang, f]) => bar(lang, f))))));
}

let pending = null;
listen(() => {
  clearTimeout(pending);
  pending = setTimeout(draw, 300);
});
draw();
