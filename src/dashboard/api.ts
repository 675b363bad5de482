/** The dashboard's HTTP client: same-origin JSON calls carrying the API key the operator entered. */

const KEY_STORAGE = 'aisle.apiKey';

/** An API error with its status and the server's error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when a key (or a key with more scopes) would help. */
  get needsKey(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

/** The API key kept for this browser tab (sessionStorage: gone when the tab closes). */
export function apiKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function setApiKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

/** A query string from defined values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  accept = 'application/json',
): Promise<T> {
  const headers: Record<string, string> = { accept };
  const key = apiKey();
  if (key) headers['authorization'] = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok && response.status !== 422) {
    let code = 'HTTP_ERROR';
    let message = `${method} ${path}: HTTP ${response.status}`;
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
      code = parsed.error?.code ?? code;
      message = parsed.error?.message ?? message;
    } catch {
      // Not JSON: keep the status line.
    }
    throw new ApiError(response.status, code, message);
  }
  return (accept === 'application/json' ? JSON.parse(text) : text) as T;
}

/** GET a JSON resource. */
export function getJson<T>(path: string): Promise<T> {
  return call<T>('GET', path);
}

/** GET a text resource (the Prometheus metrics). */
export function getText(path: string): Promise<string> {
  return call<string>('GET', path, undefined, 'text/plain');
}

/** POST JSON; a 422 (a fix that did not validate) is returned, not thrown. */
export function postJson<T>(path: string, body: unknown = {}): Promise<T> {
  return call<T>('POST', path, body);
}
