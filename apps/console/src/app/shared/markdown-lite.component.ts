import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { markdownLite, type InlineSpan } from '@camel/console-data-access';

/** A line's spans as text, code, strong and links (http(s) only, opened apart). */
@Component({
  selector: 'camel-inline-spans',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@for (span of spans(); track $index) {
    @switch (span.kind) {
      @case ('code') {<code>{{ span.text }}</code>}
      @case ('strong') {<strong>{{ span.text }}</strong>}
      @case ('link') {<a [href]="span.href" target="_blank" rel="noopener noreferrer">{{ span.text }}</a>}
      @default {{{ span.text }}}
    }
  }`,
})
export class InlineSpansComponent {
  readonly spans = input.required<readonly InlineSpan[]>();
}

/**
 * Markdown as a model card writes it (`markdownLite`), rendered as text through the template:
 * never as HTML, so a card cannot inject markup.
 */
@Component({
  selector: 'camel-markdown-lite',
  imports: [InlineSpansComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @for (block of blocks(); track $index) {
      @switch (block.kind) {
        @case ('heading') {
          <p class="heading" [class]="'heading h' + block.level" role="heading" [attr.aria-level]="block.level + headingOffset()"><camel-inline-spans [spans]="block.spans" /></p>
        }
        @case ('paragraph') {
          <p><camel-inline-spans [spans]="block.spans" /></p>
        }
        @case ('list') {
          @if (block.ordered) {
            <ol>@for (item of block.items; track $index) {<li><camel-inline-spans [spans]="item" /></li>}</ol>
          } @else {
            <ul>@for (item of block.items; track $index) {<li><camel-inline-spans [spans]="item" /></li>}</ul>
          }
        }
        @case ('code') {
          <pre><code>{{ block.text }}</code></pre>
        }
        @case ('table') {
          <table class="camel-grid">
            <thead><tr>@for (cell of block.header; track $index) {<th scope="col">{{ cell }}</th>}</tr></thead>
            <tbody>@for (row of block.rows; track $index) {<tr>@for (cell of row; track $index) {<td>{{ cell }}</td>}</tr>}</tbody>
          </table>
        }
      }
    } @empty {
      <p class="camel-muted">{{ emptyText() }}</p>
    }
  `,
  styles: `
    :host {
      display: block;
      overflow-wrap: anywhere;
    }
    .heading {
      font-weight: 600;
    }
    .h1 {
      font-size: 1.25em;
    }
    pre {
      overflow-x: auto;
    }
  `,
})
export class MarkdownLiteComponent {
  readonly text = input.required<string>();
  /** Card headings sit under the page's own: `#` becomes level 1 + offset. */
  readonly headingOffset = input(2);
  readonly emptyText = input('Nothing written.');
  protected readonly blocks = computed(() => markdownLite(this.text()));
}
