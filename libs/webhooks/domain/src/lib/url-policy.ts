import { isIP } from 'node:net';

/**
 * Addresses a webhook must not reach unless the operator allows it (WEBHOOK_ALLOW_PRIVATE): loopback,
 * private, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, unspecified, multicast
 * and reserved ranges, IPv4 and IPv6 (with IPv4-mapped IPv6). See docs/security.md "Webhooks".
 */
export function isPrivateAddress(address: string): boolean {
  const kind = isIP(address);
  if (kind === 4) return privateV4(address);
  if (kind === 6) {
    const lower = address.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped) return privateV4(mapped[1]);
    if (lower === '::' || lower === '::1') return true;
    const first = parseInt(lower.split(':')[0] || '0', 16);
    // fc00::/7 unique local, fe80::/10 link-local, ff00::/8 multicast
    return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00;
  }
  return false;
}

function privateV4(address: string): boolean {
  const [a, b] = address.split('.').map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

export type UrlCheck = { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly message: string };

/**
 * A receiver URL as registered: absolute http(s), no credentials in it, and — unless private
 * addresses are allowed — not a literal private address or `localhost`. Names are resolved again at
 * every delivery (the name may point elsewhere later), where the same rule applies.
 */
export function checkWebhookUrl(raw: unknown, allowPrivate: boolean): UrlCheck {
  if (typeof raw !== 'string' || raw.length === 0) return { ok: false, message: 'url is required' };
  if (raw.length > 2000) return { ok: false, message: 'url must be at most 2000 characters' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: 'url must be an absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, message: 'url must use http or https' };
  if (url.username || url.password) return { ok: false, message: 'url must not carry credentials' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost') || isPrivateAddress(host))) {
    return { ok: false, message: 'url points to a private or loopback address (allowed only when WEBHOOK_ALLOW_PRIVATE=true)' };
  }
  return { ok: true, url };
}
