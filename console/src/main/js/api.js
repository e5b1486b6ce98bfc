// The gateway's HTTP API, as the console calls it. The token lives in this tab's sessionStorage
// only (gone when the tab closes) and travels as an Authorization header — never a cookie, so a
// page on another site cannot make the browser send it.

const TOKEN = 'canopy.console.token';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN) || '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN, value);
  else sessionStorage.removeItem(TOKEN);
}

function headers(extra) {
  const out = { ...extra };
  const t = token();
  if (t) out.authorization = `Bearer ${t}`;
  return out;
}

async function call(method, path, body) {
  const init = { method, headers: headers({}), credentials: 'omit', cache: 'no-store' };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, `the gateway did not answer (${e.message})`);
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    throw new ApiError(res.status, (json && json.error) || `HTTP ${res.status}`);
  }
  return json;
}

/** A path segment: names go into URLs encoded. */
export const seg = (s) => encodeURIComponent(String(s));

export const api = {
  get: (path) => call('GET', path),
  put: (path, body) => call('PUT', path, body),
  post: (path, body) => call('POST', path, body),
  del: (path) => call('DELETE', path),
};

/** Uploads a file as the raw body, reporting progress (0..1); resolves with the reply's JSON. */
export function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [k, v] of Object.entries(headers({ 'content-type': 'application/octet-stream' }))) {
      xhr.setRequestHeader(k, v);
    }
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, 'the upload was cut off'));
    xhr.onload = () => {
      let json = null;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        json = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(json);
      else reject(new ApiError(xhr.status, (json && json.error) || `HTTP ${xhr.status}`));
    };
    xhr.send(file);
  });
}

/** What to tell a person about a failed call. */
export function explain(err) {
  if (!(err instanceof ApiError)) return String(err && err.message ? err.message : err);
  if (err.status === 401) return `A valid token is needed (use the Token button): ${err.message}`;
  if (err.status === 403) return `This token may not do that: ${err.message}`;
  if (err.status === 0) return err.message;
  return `${err.message} (HTTP ${err.status})`;
}

/** Every model, following page tokens (bounded: at most 50 pages). */
export async function allModels() {
  const out = [];
  let page = '';
  for (let i = 0; i < 50; i++) {
    const r = await api.get(`/v1/models?page_size=500${page ? `&page_token=${seg(page)}` : ''}`);
    out.push(...r.models);
    if (!r.next_page_token) break;
    page = r.next_page_token;
  }
  return out;
}
