import { READ_POSITION_HEADER } from '@camel/contracts';

export function readPosition(headers: Headers): number {
  const value = Number(headers.get(READ_POSITION_HEADER) ?? 0);
  return Number.isFinite(value) ? value : 0;
}

/** `?a=1&b=2` of the defined values, '' when none. */
export function queryString(query: Readonly<Record<string, string | number | boolean | undefined>>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
