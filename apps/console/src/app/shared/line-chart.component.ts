import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';
import { chartGeometry, formatTick, nearestPoints, type ChartSeries } from '@camel/console-data-access';

/** Series colours: distinguishable, and dashed from the second on, so colour is not the only cue. */
const COLOURS = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3', '1 2'];

let nextId = 0;

/**
 * A small line chart in SVG: shared x axis (e.g. the step), one y axis, several series with a
 * legend, a tooltip of the nearest points on hover. Accessible: `role="img"` with a title and a
 * description that states each series' latest value; `data-points` (all series) for tests.
 */
@Component({
  selector: 'camel-line-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'line-chart', '[attr.data-chart]': 'name()', '[attr.data-points]': 'pointCount()' },
  template: `
    <figure>
      <figcaption>{{ title() }}</figcaption>
      <svg
        [attr.viewBox]="'0 0 ' + width + ' ' + height"
        role="img"
        [attr.aria-labelledby]="uid + '-title ' + uid + '-desc'"
        (mousemove)="hover($event)"
        (mouseleave)="hoverX.set(null)"
      >
        <title [id]="uid + '-title'">{{ title() }}</title>
        <desc [id]="uid + '-desc'">{{ description() }}</desc>
        @let g = geometry();
        @if (g.empty) {
          <text class="empty" [attr.x]="width / 2" [attr.y]="height / 2" text-anchor="middle">No data yet</text>
        } @else {
          @for (tick of g.yTicks; track tick.value) {
            <line class="grid" [attr.x1]="g.plot.left" [attr.x2]="g.plot.right" [attr.y1]="tick.at" [attr.y2]="tick.at" />
            <text class="tick" [attr.x]="g.plot.left - 6" [attr.y]="tick.at" text-anchor="end" dominant-baseline="middle">{{ tick.label }}</text>
          }
          @for (tick of g.xTicks; track tick.value) {
            <text class="tick" [attr.x]="tick.at" [attr.y]="g.plot.bottom + 16" text-anchor="middle">{{ tick.label }}</text>
          }
          <line class="axis" [attr.x1]="g.plot.left" [attr.x2]="g.plot.right" [attr.y1]="g.plot.bottom" [attr.y2]="g.plot.bottom" />
          <line class="axis" [attr.x1]="g.plot.left" [attr.x2]="g.plot.left" [attr.y1]="g.plot.top" [attr.y2]="g.plot.bottom" />
          <text class="tick" [attr.x]="g.plot.right" [attr.y]="height - 4" text-anchor="end">{{ xLabel() }}</text>
          @for (s of g.series; track s.name; let i = $index) {
            @if (s.points.length === 1) {
              <circle [attr.cx]="s.points[0].px" [attr.cy]="s.points[0].py" r="3" [attr.fill]="colour(i)" />
            } @else {
              <path [attr.d]="s.d" fill="none" [attr.stroke]="colour(i)" [attr.stroke-dasharray]="dash(i)" stroke-width="2" data-testid="line-chart-series" [attr.data-series]="s.name" />
            }
          }
          @if (tooltip(); as tip) {
            <line class="cursor" [attr.x1]="tip.px" [attr.x2]="tip.px" [attr.y1]="g.plot.top" [attr.y2]="g.plot.bottom" />
            @for (row of tip.rows; track row.name; let i = $index) {
              <circle [attr.cx]="row.px" [attr.cy]="row.py" r="4" [attr.fill]="colour(row.index)" />
            }
          }
        }
      </svg>
      <div class="legend">
        @for (s of series(); track s.name; let i = $index) {
          <span class="key"><svg width="24" height="8" aria-hidden="true"><line x1="0" x2="24" y1="4" y2="4" [attr.stroke]="colour(i)" [attr.stroke-dasharray]="dash(i)" stroke-width="2" /></svg>{{ s.name }}</span>
        }
        @if (tooltip(); as tip) {
          <span class="tip" data-testid="line-chart-tooltip">{{ xLabel() }} {{ tip.x }}: @for (row of tip.rows; track row.name) {<span class="tip-row">{{ row.name }} {{ row.label }}</span>}</span>
        }
      </div>
    </figure>
  `,
  styles: `
    :host {
      display: block;
      min-width: 0;
    }
    figure {
      margin: 0;
    }
    figcaption {
      font: var(--mat-sys-title-small);
      margin-bottom: 4px;
    }
    svg {
      width: 100%;
      height: auto;
      display: block;
      overflow: visible;
    }
    .grid {
      stroke: var(--mat-sys-outline-variant);
      stroke-width: 1;
    }
    .axis,
    .cursor {
      stroke: var(--mat-sys-outline);
      stroke-width: 1;
    }
    .tick,
    .empty {
      fill: var(--camel-muted);
      font-size: 11px;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 12px;
      font: var(--mat-sys-body-small);
      align-items: center;
    }
    .key {
      display: inline-flex;
      align-items: center;
      gap: 4px;
    }
    .tip-row + .tip-row::before {
      content: ' · ';
    }
  `,
})
export class LineChartComponent {
  readonly series = input.required<readonly ChartSeries[]>();
  readonly title = input.required<string>();
  /** For tests and styling (`data-chart`). */
  readonly name = input<string>('');
  readonly xLabel = input<string>('step');

  protected readonly width = 480;
  protected readonly height = 200;
  protected readonly uid = `camel-chart-${nextId++}`;
  protected readonly hoverX = signal<number | null>(null);
  protected readonly geometry = computed(() => chartGeometry(this.series(), { width: this.width, height: this.height, margin: { top: 8, right: 12, bottom: 34, left: 52 } }));
  protected readonly pointCount = computed(() => this.series().reduce((sum, s) => sum + s.points.length, 0));
  protected readonly description = computed(() => {
    const parts = this.series().map((s) => {
      const last = s.points[s.points.length - 1];
      return last ? `${s.name}: ${formatTick(last.y)} at ${this.xLabel()} ${formatTick(last.x)} (${s.points.length} points)` : `${s.name}: no data`;
    });
    return parts.join('; ');
  });
  protected readonly tooltip = computed(() => {
    const x = this.hoverX();
    if (x === null) return null;
    const nearest = nearestPoints(this.geometry(), x);
    const first = nearest[0];
    if (!first) return null;
    const names = this.series().map((s) => s.name);
    return {
      px: first.point.px,
      x: formatTick(first.point.x),
      rows: nearest.map(({ name, point }) => ({ name, px: point.px, py: point.py, label: formatTick(point.y), index: names.indexOf(name) })),
    };
  });

  protected colour(index: number): string {
    return COLOURS[index % COLOURS.length] ?? '#1f6feb';
  }

  protected dash(index: number): string {
    return DASHES[index % DASHES.length] ?? '';
  }

  protected hover(event: MouseEvent): void {
    const svg = event.currentTarget as SVGSVGElement;
    const rect = svg.getBoundingClientRect();
    if (rect.width === 0) return;
    this.hoverX.set(((event.clientX - rect.left) / rect.width) * this.width);
  }
}
