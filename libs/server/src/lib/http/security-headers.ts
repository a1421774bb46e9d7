import helmet from 'helmet';

/**
 * The Content-Security-Policy the console runs under (apps/console/nginx.conf sends the same one):
 * scripts and connections only from this origin (socket.io included), styles also inline because
 * Angular Material adds <style> elements at run time, no framing, no plugins.
 */
export const CONTENT_SECURITY_POLICY: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

interface SecureRequest {
  secure: boolean;
}
interface HeaderResponse {
  setHeader(name: string, value: string): void;
}
type Middleware = (req: SecureRequest, res: HeaderResponse, next: (error?: unknown) => void) => void;

/**
 * helmet's headers (CSP, nosniff, referrer policy, frame-ancestors, …) for every answer, and HSTS
 * only over TLS (behind a proxy: with TRUST_PROXY, so X-Forwarded-Proto counts): an HSTS header on
 * plain HTTP would be ignored at best, and on localhost would pin every other local service to TLS.
 */
export function securityHeaders(): Middleware[] {
  const headers = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: Object.fromEntries(Object.entries(CONTENT_SECURITY_POLICY).map(([name, values]) => [name, [...values]])) },
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
    // As frame-ancestors 'none' says (helmet's default is SAMEORIGIN); nginx.conf sends the same.
    xFrameOptions: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  }) as unknown as Middleware;
  const hsts: Middleware = (req, res, next) => {
    if (req.secure) res.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
    next();
  };
  return [headers, hsts];
}
