import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { ROUTE_ACCESS, type RouteAccess } from '@camel/server';

/** Served outside the `api` prefix (bootstrap.ts excludes them). */
const UNPREFIXED = new Set(['/health/live', '/health/ready', '/v1/models', '/v1/chat/completions']);

export interface RouteEntry {
  readonly method: string;
  /** Express-style, with the global prefix: `/api/projects/:id`. */
  readonly path: string;
  readonly controller: string;
  readonly handler: string;
  /** Undefined = undeclared (the guard refuses it; the matrix test fails on it). */
  readonly access: RouteAccess | undefined;
}

const join = (...parts: string[]) =>
  `/${parts
    .flatMap((part) => part.split('/'))
    .filter(Boolean)
    .join('/')}`;

/** Every HTTP route of the app with its declared access, read from the controllers' metadata. */
export function routeTable(app: INestApplication): RouteEntry[] {
  const routes: RouteEntry[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!type) continue;
      const base = (Reflect.getMetadata(PATH_METADATA, type) as string | undefined) ?? '';
      const classAccess = Reflect.getMetadata(ROUTE_ACCESS, type) as RouteAccess | undefined;
      const prototype = type.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as number | undefined;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (method === undefined || path === undefined) continue;
        const local = join(base, path);
        routes.push({
          method: RequestMethod[method],
          path: UNPREFIXED.has(local) ? local : join('api', local),
          controller: type.name,
          handler: name,
          access: (Reflect.getMetadata(ROUTE_ACCESS, handler) as RouteAccess | undefined) ?? classAccess,
        });
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
