import { DatePipe, KeyValuePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { HealthIndicatorReport, ProjectionStatus, ReadinessReport } from '@camel/contracts';
import { ApiService } from '../../core/api.service';
import { errorMessage } from '../../core/toast.service';

export const HEALTH_REFRESH_MS = 5000;

type Readiness =
  | { readonly kind: 'loading' }
  | { readonly kind: 'report'; readonly httpStatus: number; readonly report: ReadinessReport; readonly at: Date }
  | { readonly kind: 'unreachable'; readonly message: string; readonly at: Date };

const OVERALL_LABELS: Record<string, string> = {
  ok: 'Ready',
  error: 'Not ready',
  shutting_down: 'Shutting down',
  unreachable: 'API unreachable',
  loading: 'Checking…',
};

/** `/health/ready`, refreshed every few seconds: the 503 report is shown like the 200 one. */
@Component({
  selector: 'camel-status-page',
  imports: [DatePipe, KeyValuePipe, MatButtonModule, MatProgressBarModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './status.page.html',
  styleUrl: './status.page.scss',
})
export class StatusPage {
  private readonly api = inject(ApiService);

  protected readonly refreshSeconds = HEALTH_REFRESH_MS / 1000;
  protected readonly readiness = signal<Readiness>({ kind: 'loading' });
  protected readonly checking = signal(false);

  protected readonly report = computed(() => {
    const readiness = this.readiness();
    return readiness.kind === 'report' ? readiness.report : undefined;
  });
  protected readonly overall = computed(() => {
    const readiness = this.readiness();
    return readiness.kind === 'report' ? readiness.report.status : readiness.kind;
  });
  protected readonly overallLabel = computed(() => OVERALL_LABELS[this.overall()] ?? this.overall());
  protected readonly database = computed(() => this.report()?.details.database);
  protected readonly projectionsHealth = computed(() => this.report()?.details.projections);
  protected readonly projections = computed<ProjectionStatus[]>(() =>
    Object.values(this.projectionsHealth()?.projections ?? {}).sort((a, b) => a.name.localeCompare(b.name)),
  );
  /** Indicators other than the two this page lays out. */
  protected readonly otherIndicators = computed(() => {
    const others: Record<string, HealthIndicatorReport> = {};
    for (const [name, indicator] of Object.entries(this.report()?.details ?? {})) {
      if (indicator && name !== 'database' && name !== 'projections') others[name] = indicator;
    }
    return others;
  });

  constructor() {
    const timer = setInterval(() => void this.refresh(), HEALTH_REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
    void this.refresh();
  }

  protected async refresh(): Promise<void> {
    if (this.checking()) return;
    this.checking.set(true);
    try {
      const { httpStatus, report } = await this.api.readiness();
      this.readiness.set({ kind: 'report', httpStatus, report, at: new Date() });
    } catch (error) {
      // ApiService has shown it in a toast too.
      this.readiness.set({ kind: 'unreachable', message: errorMessage(error), at: new Date() });
    } finally {
      this.checking.set(false);
    }
  }

  protected isUp(indicator: HealthIndicatorReport | undefined): boolean {
    return indicator?.status === 'up';
  }
}
