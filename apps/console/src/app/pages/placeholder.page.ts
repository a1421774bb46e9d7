import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** Every section not built yet: the route's `data.section` names it. */
@Component({
  selector: 'camel-placeholder-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>{{ section() }}</h1>
    <section class="camel-card" data-testid="placeholder">
      <p>The {{ section() }} section is not available yet.</p>
    </section>
  `,
})
export class PlaceholderPage {
  /** Bound from the route data by `withComponentInputBinding`. */
  readonly section = input.required<string>();
}
