import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import type { EventTopic, RunDeltaSubscribeRequest, SubscriptionEndedMessage } from '@camel/contracts';
import {
  ApiError,
  LiveEventsClient,
  type ConnectionState,
  type LiveSubscription,
  type RunDeltaHandlers,
  type RunDeltaSubscription,
  type SubscriptionHandlers,
} from '@camel/console-data-access';
import { API_CLIENT } from './api-client';
import { ToastService } from './toast.service';

/**
 * The console's one connection to the live gateway (same origin, path /socket.io). Components
 * follow topics through it; the client resumes every subscription after a reconnect by itself.
 *
 * Auth: the handshake presents the REST client's current access token. When the gateway refuses it
 * or announces its expiry, a token the REST client renewed meanwhile is used as is; otherwise the
 * REST client's single-flight refresh runs. `AuthService` connects after sign-in and disconnects on
 * sign-out.
 */
@Injectable({ providedIn: 'root' })
export class LiveEventsService {
  private readonly api = inject(API_CLIENT);
  private readonly toast = inject(ToastService);
  private handshakeToken: string | null = null;
  private readonly endedListeners = new Set<(message: SubscriptionEndedMessage) => void>();
  private readonly client = new LiveEventsClient({
    autoConnect: false,
    token: () => (this.handshakeToken = this.api.accessToken),
    renewToken: async () => {
      const current = this.api.accessToken;
      // Signed out meanwhile (e.g. the gateway ending the socket of the session just signed out).
      if (!current) return false;
      if (current !== this.handshakeToken) return true;
      return (await this.api.renewAccessToken()) !== null;
    },
  });
  private readonly connection = signal<ConnectionState>(this.client.state);

  /** connecting | connected | reconnecting | offline | unauthorized */
  readonly state = this.connection.asReadonly();

  constructor() {
    const stopListening = this.client.onState((state) => this.connection.set(state));
    inject(DestroyRef).onDestroy(() => {
      stopListening();
      this.client.close();
    });
  }

  /** Connects with the current token (after sign-in); a new principal reconnects. */
  connect(reconnect = false): void {
    if (reconnect) this.client.disconnect();
    this.client.connect();
  }

  disconnect(): void {
    this.client.disconnect();
  }

  /** Hears every subscription the server ended (access lost); returns an unsubscribe. */
  onSubscriptionEnded(listener: (message: SubscriptionEndedMessage) => void): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  /**
   * Follows `topic` from `after` (exclusive) until `destroyRef` is destroyed or the returned
   * subscription is closed. A refused subscription shows the server's message in a toast.
   */
  follow(topic: EventTopic, after: number, handlers: SubscriptionHandlers, destroyRef: DestroyRef): LiveSubscription {
    const subscription = this.client.subscribe(topic, after, {
      ...handlers,
      onError: (error) => {
        this.toast.error(new ApiError(error.statusCode, error));
        handlers.onError?.(error);
      },
      onEnded: (message) => {
        this.toast.info('Access to these live updates has ended (your role changed).');
        for (const listener of this.endedListeners) listener(message);
        handlers.onEnded?.(message);
      },
    });
    const unregister = destroyRef.onDestroy(() => subscription.close());
    return {
      topic: subscription.topic,
      get position() {
        return subscription.position;
      },
      get caughtUp() {
        return subscription.caughtUp;
      },
      close: () => {
        unregister();
        subscription.close();
      },
    };
  }

  /**
   * Follows a run's token deltas until `destroyRef` is destroyed or the subscription is closed; it
   * is subscribed again after every reconnect. A refused subscription shows the server's message.
   */
  followRunDeltas(request: RunDeltaSubscribeRequest, handlers: RunDeltaHandlers, destroyRef: DestroyRef): RunDeltaSubscription {
    const subscription = this.client.subscribeRunDeltas(request, {
      ...handlers,
      onError: (error) => {
        this.toast.error(new ApiError(error.statusCode, error));
        handlers.onError?.(error);
      },
    });
    const unregister = destroyRef.onDestroy(() => subscription.close());
    return {
      runId: subscription.runId,
      close: () => {
        unregister();
        subscription.close();
      },
    };
  }
}
