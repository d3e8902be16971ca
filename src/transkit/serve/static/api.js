// The editor's one way to the server: the JSON API under /api/v1, the token in the
// Authorization header (a change is refused on the cookie alone), events as a stream.

const token = document.querySelector('meta[name="transkit-token"]').content;
export const API = '/api/v1';

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

export async function call(method, path, body) {
  const init = {method, headers: {Authorization: `Bearer ${token}`}, credentials: 'same-origin'};
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(API + path, init);
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export function seg(text) {
  return encodeURIComponent(text);
}

// Server-sent events: `on(event)` for each; EventSource reconnects by itself.
export function listen(on) {
  const source = new EventSource(`${API}/events`);
  for (const kind of ['units', 'documents']) {
    source.addEventListener(kind, (message) => on(JSON.parse(message.data)));
  }
  window.addEventListener('pagehide', () => source.close());
  return source;
}

// An element with text children only: whatever a translation holds stays text.
export function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

export function say(message) {
  const status = document.getElementById('status');
  status.textContent = message;
}
