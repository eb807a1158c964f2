/** The per-role JSON API, read with the session cookie; a 401 is its own error, so the page can show the login help. */

export class Unauthorized extends Error {}

export async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin', ...init });
  if (res.status === 401) throw new Unauthorized();
  const body = (await res.json()) as T & { code?: string; message?: string };
  if (!res.ok) throw new Error(`${body.code ?? res.status}: ${body.message ?? ''}`);
  return body;
}
