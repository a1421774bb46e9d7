/**
 * Gateway variants the api process can run (`--variant=`), applied before the app starts:
 * - `shipped`: the code as it is — `events` batches written as shared pre-built WebSocket frames
 *   (apps/api/src/live/events-frame.ts).
 * - `plain-emit`: the same gateway with the shared frames switched off, so every batch goes through
 *   `socket.emit` (encoded once per client): the baseline the shared frames were measured against.
 */
import { sharedEventsFrames } from '../../../apps/api/src/live/events-frame';
import type { Variant } from './protocol';

export function applyVariant(variant: Variant): void {
  switch (variant) {
    case 'shipped':
      return;
    case 'plain-emit':
      sharedEventsFrames.enabled = false;
      return;
  }
}
