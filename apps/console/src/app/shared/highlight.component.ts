import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { highlightSegments } from '@camel/console-data-access';

/** A text with the words of a keyword query marked (`<mark>`), as plain text otherwise. */
@Component({
  selector: 'camel-highlight',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@for (segment of segments(); track $index) {@if (segment.match) {<mark data-testid="highlight">{{ segment.text }}</mark>} @else {{{ segment.text }}}}`,
  styles: `
    mark {
      background: #fff3a3;
      color: inherit;
      border-radius: 2px;
    }
  `,
})
export class HighlightComponent {
  readonly text = input.required<string>();
  readonly query = input('');
  protected readonly segments = computed(() => highlightSegments(this.text(), this.query()));
}
