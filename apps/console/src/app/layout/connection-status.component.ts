import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import type { ConnectionState } from '@camel/console-data-access';
import { LiveEventsService } from '../core/live-events.service';

const LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  unauthorized: 'Signed out',
};

/** The live gateway's connection state, for the toolbar. */
@Component({
  selector: 'camel-connection-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <span
      class="status"
      data-testid="connection-status"
      [attr.data-state]="state()"
      role="status"
      [attr.aria-label]="'Live updates: ' + label()"
      [title]="'Live updates: ' + label()"
    >
      <span class="dot" aria-hidden="true"></span>
      <span class="label">{{ label() }}</span>
    </span>
  `,
  styles: `
    .status {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      padding: 2px 10px;
      border-radius: 999px;
      font: var(--mat-sys-label-medium);
      background: rgb(255 255 255 / 0.14);
    }
    .dot {
      width: 10px;
      height: 10px;
      border-radius: 50%;
      background: #f0b429;
    }
    [data-state='connected'] .dot {
      background: #3fb950;
    }
    [data-state='offline'] .dot,
    [data-state='unauthorized'] .dot {
      background: #f85149;
    }
    [data-state='connecting'] .dot,
    [data-state='reconnecting'] .dot {
      animation: pulse 1.2s ease-in-out infinite;
    }
    @keyframes pulse {
      50% {
        opacity: 0.3;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .dot {
        animation: none !important;
      }
    }
  `,
})
export class ConnectionStatusComponent {
  protected readonly state = inject(LiveEventsService).state;
  protected readonly label = computed(() => LABELS[this.state()]);
}
