import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** What each section not open yet will do, in the words its page will use. */
const COMING: Readonly<Record<string, string>> = {
  Annotate: 'Read what the agents said in a run and mark it: pick the better of two answers, rate a turn, leave a note. Annotators work through a queue of turns assigned to them.',
  Datasets: 'Turn annotations into preference datasets (chosen / rejected pairs) to export or to train on.',
  Training: 'Train a model on a dataset (DPO) on a queued worker, and follow its progress and loss as it runs.',
  Models: 'The models trained here: where each came from (dataset, run, settings), and which agents use it.',
};

/** A section in the navigation whose page is not built yet: it says what it will do. */
@Component({
  selector: 'camel-placeholder-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>{{ section() }}</h1>
    <section class="camel-card" data-testid="placeholder">
      @if (coming(); as what) {
        <p data-testid="placeholder-coming">{{ what }}</p>
      }
      <p class="camel-muted">This section does not work yet in this version of CAMEL Extensions; it opens here once it does.</p>
    </section>
  `,
})
export class PlaceholderPage {
  /** Bound from the route data by `withComponentInputBinding`. */
  readonly section = input.required<string>();
  protected readonly coming = computed(() => COMING[this.section()]);
}
