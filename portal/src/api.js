// Access to the node's public API (the one /openapi.json describes) and shared page state.

/** An API failure: the HTTP status and the API's error code. */
export class ApiFailure extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** GET a JSON document from the public API. */
export async function api(path) {
  const resp = await fetch(path, { headers: { accept: 'application/json' } });
  if (!resp.ok) {
    let code = `http_${resp.status}`;
    let message = resp.statusText;
    try {
      const body = await resp.json();
      code = body.error.code;
      message = body.error.message;
    } catch {
      /* not a JSON error body */
    }
    throw new ApiFailure(resp.status, code, message);
  }
  return resp.json();
}

/** GET bytes (proof bundles, the genesis file) from the public API. */
export async function apiBytes(path) {
  const resp = await fetch(path);
  if (!resp.ok) {
    let message = resp.statusText;
    try {
      message = (await resp.json()).error.message;
    } catch {
      /* not JSON */
    }
    throw new ApiFailure(resp.status, `http_${resp.status}`, message);
  }
  return new Uint8Array(await resp.arrayBuffer());
}

/** Live state shared by pages: the latest height and a per-page block listener. */
export const live = { height: null, onBlock: null };

/** Set by the application: navigates to an internal path, or renders the current one again,
 * without reloading. */
export const router = { navigate: (href) => location.assign(href), refresh: () => location.reload() };
