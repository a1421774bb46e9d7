import { Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { Me, Permission, TokenResponse } from '@camel/contracts';
import { ApiError, canAnywhere, canGlobally, canInProject, isOwner } from '@camel/console-data-access';
import { API_CLIENT } from './api-client';
import { LiveEventsService } from './live-events.service';
import { ToastService } from './toast.service';

export type AuthStatus = 'restoring' | 'signed-in' | 'signed-out';

/** Refresh this long before the access token expires (but never later than half its lifetime). */
const REFRESH_AHEAD_S = 60;
/** After a refresh that could not reach the api, try again after this long. */
const RETRY_AFTER_MS = 10_000;
/** One refresh at a time across every tab of this origin: a refresh token works once. */
const REFRESH_LOCK = 'camel-auth-refresh';
const CHANNEL = 'camel-auth';

type ChannelMessage = { readonly kind: 'signed-in' } | { readonly kind: 'signed-out' };

/**
 * The session of the console.
 *
 * - The access token lives in memory only (the REST client holds it); the refresh token is the
 *   HttpOnly `camel_refresh` cookie, which the page cannot read. On start the console restores the
 *   session with POST /api/auth/refresh, so a reload keeps the user signed in.
 * - Refreshes run ~60 s before expiry and after any 401 (the REST client's single flight), and are
 *   serialised across tabs with `navigator.locks`: two tabs presenting the same refresh token would
 *   make the api revoke the whole session as a token replay.
 * - Other tabs hear sign-in and sign-out over a BroadcastChannel.
 */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly client = inject(API_CLIENT);
  private readonly live = inject(LiveEventsService);
  private readonly router = inject(Router);
  private readonly toast = inject(ToastService);

  private readonly statusSignal = signal<AuthStatus>('restoring');
  private readonly meSignal = signal<Me | null>(null);
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private started: Promise<void> | undefined;
  private readonly channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(CHANNEL);

  readonly status = this.statusSignal.asReadonly();
  readonly me = this.meSignal.asReadonly();
  readonly signedIn = computed(() => this.statusSignal() === 'signed-in');
  readonly owner = computed(() => isOwner(this.meSignal()));

  constructor() {
    this.client.setAccessTokenRefresher(() => this.refreshSession());
    this.live.onSubscriptionEnded(() => void this.reloadMe());
    this.channel?.addEventListener('message', (event: MessageEvent<ChannelMessage>) => this.onChannelMessage(event.data));
  }

  /** Restores the session from the refresh cookie, once; guards wait for it. */
  start(): Promise<void> {
    this.started ??= this.client.renewAccessToken().then(() => {
      if (this.statusSignal() === 'restoring') this.statusSignal.set('signed-out');
    });
    return this.started;
  }

  /** Resolves when the first restore attempt has settled. */
  whenReady(): Promise<void> {
    return this.start();
  }

  // ---- permissions --------------------------------------------------------------------------------

  /** Installation-wide permission (owner). */
  canGlobally(permission: Permission): boolean {
    return canGlobally(this.meSignal(), permission);
  }

  canIn(permission: Permission, projectId: string): boolean {
    return canInProject(this.meSignal(), permission, projectId);
  }

  canAnywhere(permission: Permission): boolean {
    return canAnywhere(this.meSignal(), permission);
  }

  // ---- sign-in and out ----------------------------------------------------------------------------

  /** Rejects with the api's `ApiError` (wrong credentials, 429 throttled…). */
  async signIn(email: string, password: string): Promise<void> {
    this.apply(await this.client.login({ email, password }));
    this.post({ kind: 'signed-in' });
  }

  /** Sets the password of an invited user (or after a reset) and signs that user in. */
  async acceptInvite(token: string, password: string): Promise<void> {
    this.apply(await this.client.acceptInvite({ token, password }));
    this.post({ kind: 'signed-in' });
  }

  async signOut(): Promise<void> {
    // First stop what would renew the session: the refresh timer, and the socket the gateway ends
    // (auth-expired) when the session is revoked.
    clearTimeout(this.refreshTimer);
    this.live.disconnect();
    try {
      await this.client.logout();
    } catch {
      // Signed out locally whatever the api says (it may be down, or the session already gone).
    }
    this.clear();
    this.post({ kind: 'signed-out' });
    await this.router.navigateByUrl('/sign-in');
  }

  /** Who am I, again: after a role change or a lost subscription. */
  async reloadMe(): Promise<void> {
    if (!this.signedIn()) return;
    try {
      this.meSignal.set(await this.client.me());
    } catch {
      // A 401 has already ended the session; anything else keeps the last known answer.
    }
  }

  // ---- refresh ------------------------------------------------------------------------------------

  /** The REST client's refresher: runs inside its single flight. Resolves to the new token or null. */
  private async refreshSession(): Promise<string | null> {
    try {
      const tokens = await this.withRefreshLock(() => this.client.refresh());
      this.apply(tokens);
      return tokens.accessToken;
    } catch (error) {
      if (error instanceof ApiError && error.status === 0 && this.statusSignal() === 'signed-in') {
        // The api is unreachable: keep the session and try again later.
        this.schedule(RETRY_AFTER_MS);
        return null;
      }
      this.endSession();
      return null;
    }
  }

  private async withRefreshLock<T>(refresh: () => Promise<T>): Promise<T> {
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    if (!locks) return refresh();
    return locks.request(REFRESH_LOCK, refresh);
  }

  private apply(tokens: TokenResponse): void {
    const previous = this.meSignal();
    this.client.setAccessToken(tokens.accessToken);
    this.meSignal.set(tokens.me);
    this.statusSignal.set('signed-in');
    this.schedule(Math.max(tokens.expiresIn - REFRESH_AHEAD_S, tokens.expiresIn / 2) * 1000);
    const samePrincipal = previous?.actor.type === tokens.me.actor.type && previous.actor.id === tokens.me.actor.id;
    // A token of another principal must not ride on the old socket's subscriptions.
    this.live.connect(previous !== null && !samePrincipal);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.client.renewAccessToken(), delayMs);
  }

  /** The session ended elsewhere (refresh refused): back to sign-in, returning here afterwards. */
  private endSession(): void {
    const wasSignedIn = this.statusSignal() === 'signed-in';
    this.clear();
    if (!wasSignedIn) return;
    this.toast.info('Your session has ended. Please sign in again.');
    const returnUrl = this.router.url;
    void this.router.navigate(['/sign-in'], { queryParams: returnUrl && !returnUrl.startsWith('/sign-in') ? { returnUrl } : {} });
  }

  private clear(): void {
    clearTimeout(this.refreshTimer);
    this.client.setAccessToken(null);
    this.meSignal.set(null);
    this.statusSignal.set('signed-out');
    this.live.disconnect();
  }

  private post(message: ChannelMessage): void {
    this.channel?.postMessage(message);
  }

  private onChannelMessage(message: ChannelMessage): void {
    if (message.kind === 'signed-out' && this.signedIn()) {
      this.clear();
      void this.router.navigateByUrl('/sign-in');
    } else if (message.kind === 'signed-in' && this.statusSignal() === 'signed-out') {
      // Another tab signed in: the cookie is there now.
      void this.client.renewAccessToken().then((token) => {
        if (token && this.router.url.startsWith('/sign-in')) void this.router.navigateByUrl('/home');
      });
    }
  }
}
