import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { DatasetDetail, DatasetExportFormat, DatasetPreview, DatasetSplitFilter, DatasetVersionView } from '@camel/contracts';
import { DatasetsApiService } from './datasets-api.service';

/** Saves text as a file through an object URL (the api's answer needs the bearer token, so no plain link). */
function saveFile(text: string, fileName: string, contentType: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: contentType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** One dataset: its versions (counts, hash, lineage), a version's preview and its downloads. */
@Component({
  selector: 'camel-dataset-detail',
  imports: [DatePipe, DecimalPipe, MatButtonModule, MatButtonToggleModule, MatProgressBarModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'dataset-detail', '[attr.data-dataset-id]': 'datasetId()' },
  template: `
    @if (detail(); as d) {
      <h2>{{ d.name }}</h2>
      <table class="camel-grid" data-testid="dataset-versions">
        <caption class="camel-visually-hidden">Versions</caption>
        <thead>
          <tr><th scope="col">Version</th><th scope="col">Origin</th><th scope="col">Pairs</th><th scope="col">Train / test</th><th scope="col">Ties skipped</th><th scope="col" title="Pairs left out because annotators preferred the other way as often or more, unadjudicated">Disagreements skipped</th><th scope="col">Duplicates</th><th scope="col">Lineage</th><th scope="col">Hash</th><th scope="col">Created</th></tr>
        </thead>
        <tbody>
          @for (v of d.versions; track v.version) {
            <tr
              class="clickable"
              tabindex="0"
              [class.selected]="v.version === selected()?.version"
              (click)="pick(v)"
              (keydown.enter)="pick(v)"
              data-testid="dataset-version"
              [attr.data-version]="v.version"
              [attr.data-pairs]="v.counts.pairs"
              [attr.data-hash]="v.contentHash"
            >
              <td>v{{ v.version }}</td>
              <td>{{ v.origin === 'import' ? 'imported' : v.selection?.kind === 'queue' ? 'queue' : 'logs filter' }}</td>
              <td>{{ v.counts.pairs | number }}</td>
              <td>{{ v.counts.train | number }} / {{ v.counts.test | number }} <span class="camel-muted">({{ v.split.testRatio * 100 }} % test, seed {{ v.split.seed }})</span></td>
              <td>{{ v.counts.tiesSkipped | number }}</td>
              <td data-testid="dataset-conflicts">{{ v.counts.conflictsSkipped === undefined ? '—' : (v.counts.conflictsSkipped | number) }}</td>
              <td>{{ v.counts.duplicatesRemoved | number }}</td>
              <td>{{ v.lineage.annotations | number }} annotations · {{ v.lineage.runIds.length }} runs · config v{{ v.lineage.configVersions.join(', v') || '—' }}</td>
              <td><code [title]="v.contentHash">{{ v.contentHash.slice(0, 12) }}…</code></td>
              <td><time [attr.datetime]="v.createdAt">{{ v.createdAt | date: 'short' }}</time></td>
            </tr>
          }
        </tbody>
      </table>
      @if (selected(); as v) {
        <div class="toolbar">
          <mat-button-toggle-group aria-label="Split" [value]="split()" (change)="setSplit($event.value)" hideSingleSelectionIndicator data-testid="dataset-split">
            <mat-button-toggle value="all">All</mat-button-toggle>
            <mat-button-toggle value="train">Train</mat-button-toggle>
            <mat-button-toggle value="test">Test</mat-button-toggle>
          </mat-button-toggle-group>
          <span class="downloads">
            <button mat-stroked-button type="button" [disabled]="downloading()" (click)="download(v, 'standard')" data-testid="dataset-download-standard">JSONL</button>
            <button mat-stroked-button type="button" [disabled]="downloading()" (click)="download(v, 'conversational')" data-testid="dataset-download-conversational">JSONL (conversational)</button>
            <button mat-stroked-button type="button" [disabled]="downloading()" (click)="download(v, 'csv')" data-testid="dataset-download-csv">CSV</button>
          </span>
        </div>
        @if (downloading()) {
          <mat-progress-bar mode="indeterminate" aria-label="Preparing the download" />
        }
        <h3>Preview of v{{ v.version }}</h3>
        @if (loadingPreview()) {
          <mat-progress-bar mode="indeterminate" aria-label="Loading the preview" />
        }
        @for (pair of preview()?.pairs ?? []; track pair.index) {
          <article class="pair" data-testid="dataset-pair" [attr.data-split]="pair.split">
            <p class="camel-muted">#{{ pair.index + 1 }} · {{ pair.split }} · {{ pair.source }}</p>
            <details>
              <summary>Prompt ({{ pair.prompt.length }} messages)</summary>
              @for (message of pair.prompt; track $index) {
                <p class="text"><span class="role">{{ message.role }}</span> {{ message.content }}</p>
              }
            </details>
            <div class="sides">
              <div><h4>Chosen</h4><div class="text" data-testid="dataset-pair-chosen">{{ pair.chosen }}</div></div>
              <div><h4>Rejected</h4><div class="text" data-testid="dataset-pair-rejected">{{ pair.rejected }}</div></div>
            </div>
          </article>
        } @empty {
          @if (!loadingPreview()) {
            <p class="camel-muted">No pair in this split.</p>
          }
        }
      }
    } @else {
      <mat-progress-bar mode="indeterminate" aria-label="Loading the dataset" />
    }
  `,
  styles: `
    :host {
      display: block;
    }
    .clickable {
      cursor: pointer;
    }
    .selected {
      background: var(--mat-sys-surface-container-high);
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      gap: 12px;
      align-items: center;
      margin: 12px 0;
    }
    .downloads {
      display: flex;
      gap: 8px;
    }
    .pair {
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      padding: 8px 0;
    }
    .sides {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 12px;
    }
    .text {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .role {
      font: var(--mat-sys-label-small);
      text-transform: uppercase;
      color: var(--camel-muted);
    }
  `,
})
export class DatasetDetailComponent {
  private readonly datasets = inject(DatasetsApiService);
  readonly projectId = input.required<string>();
  readonly datasetId = input.required<string>();
  /** Changes when the dataset list moved (a new version): the versions are read again. */
  readonly latestVersion = input<number>(0);

  protected readonly detail = signal<DatasetDetail | null>(null);
  private readonly chosen = signal<number | null>(null);
  protected readonly selected = computed(() => {
    const versions = this.detail()?.versions ?? [];
    const chosen = this.chosen();
    return versions.find((v) => v.version === chosen) ?? versions.at(-1) ?? null;
  });
  protected readonly split = signal<DatasetSplitFilter>('all');
  protected readonly preview = signal<DatasetPreview | null>(null);
  protected readonly loadingPreview = signal(false);
  protected readonly downloading = signal(false);

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      const datasetId = this.datasetId();
      this.latestVersion();
      untracked(() => void this.read(projectId, datasetId));
    });
    effect(() => {
      const version = this.selected();
      const split = this.split();
      untracked(() => {
        if (version) void this.readPreview(version, split);
      });
    });
  }

  protected pick(version: DatasetVersionView): void {
    this.chosen.set(version.version);
  }

  protected setSplit(split: DatasetSplitFilter): void {
    this.split.set(split);
  }

  protected async download(version: DatasetVersionView, format: DatasetExportFormat): Promise<void> {
    this.downloading.set(true);
    try {
      const file = await this.datasets.exportFile(this.projectId(), version.datasetId, version.version, version.name, { format, split: this.split() });
      saveFile(file.text, file.fileName, file.contentType);
    } catch {
      // shown by ApiService
    } finally {
      this.downloading.set(false);
    }
  }

  private async read(projectId: string, datasetId: string): Promise<void> {
    try {
      const detail = await this.datasets.getDataset(projectId, datasetId);
      if (this.datasetId() === datasetId) this.detail.set(detail);
    } catch {
      // shown by ApiService
    }
  }

  private async readPreview(version: DatasetVersionView, split: DatasetSplitFilter): Promise<void> {
    this.loadingPreview.set(true);
    try {
      const preview = await this.datasets.preview(this.projectId(), version.datasetId, version.version, { split, limit: 20 });
      if (this.selected()?.version === version.version && this.split() === split) this.preview.set(preview);
    } catch {
      // shown by ApiService
    } finally {
      this.loadingPreview.set(false);
    }
  }
}
