import type { RunDelta } from '@camel/contracts';
import { Injectable } from '@nestjs/common';

export type DeltaListener = (delta: RunDelta) => void;

/**
 * Token deltas while a model generates: ephemeral, never events. The executor publishes; the api's
 * gateway relays to subscribed sockets. In one process (the embedded default) this bus is the
 * channel; with a worker in another process a transport (Redis pub/sub) feeds the same bus on the
 * api side. It also keeps the text so far of every call in flight, so a client subscribing
 * mid-turn starts from it.
 */
@Injectable()
export class RunDeltaBus {
  private readonly listeners = new Map<string, Set<DeltaListener>>();
  private readonly inFlight = new Map<string, Map<string, Map<number, string>>>();
  private readonly global = new Set<DeltaListener>();

  publish(delta: RunDelta): void {
    const calls = this.inFlight.get(delta.runId) ?? new Map<string, Map<number, string>>();
    this.inFlight.set(delta.runId, calls);
    const choices = calls.get(delta.callId) ?? new Map<number, string>();
    calls.set(delta.callId, choices);
    if (delta.reset) choices.clear();
    else choices.set(delta.choice, (choices.get(delta.choice) ?? '') + delta.text);
    for (const listener of this.global) listener(delta);
    for (const listener of this.listeners.get(delta.runId) ?? []) listener(delta);
  }

  /** The call ended (its turn is an event now, or it failed): its text is no longer in flight. */
  settle(runId: string, callId: string): void {
    const calls = this.inFlight.get(runId);
    calls?.delete(callId);
    if (calls?.size === 0) this.inFlight.delete(runId);
  }

  /** Every delta of every run (a transport forwarding them to another process). */
  onAny(listener: DeltaListener): () => void {
    this.global.add(listener);
    return () => this.global.delete(listener);
  }

  /** Deltas of one run; first the text so far of each call in flight (offset 0). */
  subscribe(runId: string, listener: DeltaListener): () => void {
    for (const [callId, choices] of this.inFlight.get(runId) ?? []) {
      for (const [choice, text] of choices) listener({ runId, callId, choice, offset: 0, text });
    }
    const set = this.listeners.get(runId) ?? new Set<DeltaListener>();
    set.add(listener);
    this.listeners.set(runId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(runId);
    };
  }
}
