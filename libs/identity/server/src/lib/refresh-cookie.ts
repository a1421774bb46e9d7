import { REFRESH_COOKIE, type TokenResponse } from '@camel/contracts';

export interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
  secure?: boolean;
}
export interface HttpResponse {
  setHeader(name: string, value: string | string[]): void;
}

export function readCookie(request: HttpRequest, name: string): string | undefined {
  const header = request.headers['cookie'];
  const text = Array.isArray(header) ? header.join('; ') : header;
  for (const part of text?.split(';') ?? []) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}

/** The refresh token the client sent: in the body (API clients) or the cookie (the console). */
export const refreshTokenOf = (request: HttpRequest, body: { refreshToken?: string }): string | undefined =>
  body.refreshToken ?? readCookie(request, REFRESH_COOKIE);

/** The refresh token also travels as an HttpOnly cookie scoped to /api/auth, so page scripts never hold it. */
export function setRefreshCookie(request: HttpRequest, response: HttpResponse, tokens: TokenResponse | null): void {
  const secure = request.secure ? '; Secure' : '';
  const base = `${REFRESH_COOKIE}=${tokens ? encodeURIComponent(tokens.refreshToken) : ''}; Path=/api/auth; HttpOnly; SameSite=Strict${secure}`;
  response.setHeader(
    'Set-Cookie',
    tokens ? `${base}; Expires=${new Date(tokens.refreshExpiresAt).toUTCString()}` : `${base}; Max-Age=0`,
  );
}
