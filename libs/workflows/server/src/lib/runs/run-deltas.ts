import type { RunDelta, RunDeltaCall } from '@camel/contracts';
import type { PlannedCall } from '@camel/workflows';
import { Injectable } from '@nestjs/common';

/** What a delta says of its call: the turn it generates, the agent, the alternative of a regeneration. */
export const deltaCallOf = (call: PlannedCall): RunDeltaCall => ({
  callId: call.callId,
  purpose: call.purpose,
  turnId: call.place?.turnId ?? null,
  index: call.place?.index ?? null,
  agent: call.agent,
  alternativeId: call.alternativeId ?? null,
});

/** The call part of a delta (what the text so far of a call in flight is sent with). */
const callOf = ({ callId, purpose, turnId, index, agent, alternativeId }: RunDeltaCall): RunDeltaCall => ({ callId, purpose, turnId, index, agent, alternativeId });

interface InFlightCall {
  readonly call: RunDeltaCall;
  readonly choices: Map<number, string>;
}

export type DeltaListener = (delta: RunDelta) => void;
export type SettleListener = (runId: string, callId: string) => void;

/**
 * Token deltas while a model generates: ephemeral, never events. The executor publishes; the api's
 * gateway relays to subscribed sockets. In one process (the embedded default) this bus is the
 * channel; with a worker in another process a transport (Redis pub/sub) feeds the same bus on the
 * api side. It also keeps the text so far of every call in flight (and what the call is), so a
 * client subscribing mid-turn starts from it.
 */
@Injectable()
export class RunDeltaBus {
  private readonly listeners = new Map<string, Set<DeltaListener>>();
  private readonly inFlight = new Map<string, Map<string, InFlightCall>>();
  private readonly global = new Set<DeltaListener>();
  private readonly settled = new Set<SettleListener>();

  publish(delta: RunDelta): void {
    const calls = this.inFlight.get(delta.runId) ?? new Map<string, InFlightCall>();
    this.inFlight.set(delta.runId, calls);
    const { choices } = calls.get(delta.callId) ?? { choices: new Map<number, string>() };
    calls.set(delta.callId, { call: callOf(delta), choices });
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
    for (const listener of this.settled) listener(runId, callId);
  }

  /** Every call that settled (a transport forwarding them, so the other side drops the text too). */
  onSettled(listener: SettleListener): () => void {
    this.settled.add(listener);
    return () => this.settled.delete(listener);
  }

  /** Every delta of every run (a transport forwarding them to another process). */
  onAny(listener: DeltaListener): () => void {
    this.global.add(listener);
    return () => this.global.delete(listener);
  }

  /** Deltas of one run; first the text so far of each call in flight (offset 0). */
  subscribe(runId: string, listener: DeltaListener): () => void {
    for (const { call, choices } of this.inFlight.get(runId)?.values() ?? []) {
      for (const [choice, text] of choices) listener({ ...call, runId, choice, offset: 0, text });
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
