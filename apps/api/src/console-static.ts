import type { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Path prefixes that belong to the api, never to the console's client-side router: REST, the live
 * gateway, health and the OpenAI-compatible serving routes. apps/console/nginx.conf proxies the same
 * prefixes (a test compares them).
 */
export const API_PREFIXES = ['api', 'socket.io', 'health', 'v1'] as const;
const API_PATHS = new RegExp(`^/(${API_PREFIXES.map((prefix) => prefix.replace('.', '\\.')).join('|')})(/|$)`);

/**
 * Embedded default: the api also serves the built console, so one URL gives everything. Hashed
 * bundles are cached for good; every other GET that asks for HTML gets index.html (client-side
 * routes survive a reload). Returns false when the directory holds no build.
 */
export function serveConsole(app: NestExpressApplication, dir: string, logger: Logger): boolean {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    logger.warn(`no console build in ${dir} (run \`npm run build:console\`); serving the api only`);
    return false;
  }
  app.useStaticAssets(dir, {
    index: false,
    setHeaders: (res, path) => {
      const hashed = /-[A-Z0-9]{8,}\.(js|css)$/.test(path);
      res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.use((req: { method: string; path: string; accepts(type: string): string | false }, res: { setHeader(name: string, value: string): void; sendFile(path: string): void }, next: () => void) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || API_PATHS.test(req.path) || !req.accepts('html')) return next();
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
  logger.log(`serving the console from ${dir}`);
  return true;
}
