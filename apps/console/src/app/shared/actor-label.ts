import type { Actor } from '@camel/contracts';

/** `you`, or the actor's kind and a short id (`user 1a2b3c4d`), for an actor written `type:id`. */
export function actorLabel(actor: string, me: Actor | undefined | null): string {
  if (me && actor === `${me.type}:${me.id}`) return 'you';
  const [type, id = ''] = actor.split(':');
  return type === 'api-key' ? `API key ${id.slice(0, 8)}` : type === 'user' ? `user ${id.slice(0, 8)}` : type || 'unknown';
}
