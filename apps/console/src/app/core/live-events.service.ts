import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import type { EventTopic } from '@camel/contracts';
import {
  ApiError,
  LiveEventsClient,
  type ConnectionState,
  type LiveSubscription,
  type SubscriptionHandlers,
} from '@camel/console-data-access';
import { ToastService } from './toast.service';

/**
 * The console's one connection to the live gateway (same origin, path /socket.io). Components
 * follow topics through it; the client resumes every subscription after a reconnect by itself.
 */
@Injectable({ providedIn: 'root' })
export class LiveEventsService {
  private readonly client = new LiveEventsClient();
  private readonly toast = inject(ToastService);
  private readonly connection = signal<ConnectionState>(this.client.state);

  /** connecting | connected | reconnecting | offline */
  readonly state = this.connection.asReadonly();

  constructor() {
    const stopListening = this.client.onState((state) => this.connection.set(state));
    inject(DestroyRef).onDestroy(() => {
      stopListening();
      this.client.close();
    });
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
}
