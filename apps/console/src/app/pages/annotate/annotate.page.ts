import { DecimalPipe, PercentPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, computed, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatChipsModule } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { CORRECTION_MAX_LENGTH, RATIONALE_MAX_LENGTH, type AnnotationFlag, type PreferenceChoice, type QueueItemWork, type QueueProgress } from '@camel/contracts';
import {
  ApiError,
  EMPTY_DRAFT,
  annotateKeyAction,
  annotateKeyHelp,
  applyDraftAction,
  diffWords,
  draftValue,
  queueRowSource,
  type AnnotateAction,
  type AnnotationDraft,
} from '@camel/console-data-access';
import { AuthService } from '../../core/auth.service';
import { injectLiveList } from '../../core/live-list';
import { AnnotationsApiService } from './annotations-api.service';

const CHOICE_LABEL: Readonly<Record<PreferenceChoice, string>> = { A: 'A is better', B: 'B is better', equal: 'Equal', both_bad: 'Both bad' };
const CHOICE_KEY: Readonly<Record<PreferenceChoice, string>> = { A: 'A', B: 'B', equal: 'E', both_bad: 'X' };
const FLAGS: readonly AnnotationFlag[] = ['unsafe', 'broken'];

/** Seconds as m:ss. */
const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

/**
 * Works one queue, built for speed and the keyboard: the shared prompt above, the entry (A) and its
 * alternative (B) side by side, a key for every action (`?` lists them), the judge's suggestion to
 * take or change, a correction editor with its diff against the original, and the next item as soon
 * as one is submitted or skipped. The queue's and your own progress follow the project topic.
 */
@Component({
  selector: 'camel-annotate-page',
  imports: [
    DecimalPipe,
    PercentPipe,
    RouterLink,
    MatButtonModule,
    MatButtonToggleModule,
    MatChipsModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(document:keydown)': 'onKey($event)' },
  templateUrl: './annotate.page.html',
  styleUrls: ['../../shared/project-page.scss', './annotate.page.scss'],
})
export class AnnotatePage {
  private readonly annotations = inject(AnnotationsApiService);
  private readonly auth = inject(AuthService);

  /** Route parameters. */
  readonly projectId = input.required<string>();
  readonly queueId = input.required<string>();

  protected readonly progressStore = injectLiveList((projectId: string, queueId: string) =>
    queueRowSource<QueueProgress>(projectId, queueId, () => this.annotations.getProgress(projectId, queueId)),
  );
  protected readonly work = signal<QueueItemWork | null>(null);
  /** 'loading' until the first answer of next-item; 'done' when nothing is left for you. */
  protected readonly phase = signal<'loading' | 'working' | 'done' | 'closed' | 'error'>('loading');
  /** Your last answer while its item is still open: it may be taken back (withdrawn). */
  protected readonly lastAnswer = signal<{ readonly annotationId: string } | null>(null);
  protected readonly busy = signal(false);
  protected readonly draft = signal<AnnotationDraft>(EMPTY_DRAFT);
  protected readonly missing = signal<string | null>(null);
  protected readonly helpOpen = signal(false);
  protected readonly labels = signal<readonly string[]>([]);
  protected readonly submitted = signal(0);
  protected readonly lastResult = signal<string | null>(null);
  private readonly now = signal(Date.now());

  protected readonly rationaleField = viewChild<ElementRef<HTMLTextAreaElement>>('rationale');
  protected readonly correctionField = viewChild<ElementRef<HTMLTextAreaElement>>('correction');
  protected readonly workArea = viewChild<ElementRef<HTMLElement>>('workArea');

  protected readonly choices: readonly PreferenceChoice[] = ['A', 'B', 'equal', 'both_bad'];
  protected readonly choiceLabel = CHOICE_LABEL;
  protected readonly choiceKey = CHOICE_KEY;
  protected readonly flags = FLAGS;
  protected readonly rationaleMax = RATIONALE_MAX_LENGTH;
  protected readonly correctionMax = CORRECTION_MAX_LENGTH;

  protected readonly queue = computed(() => this.work()?.queue ?? null);
  protected readonly pairwise = computed(() => !!this.work()?.alternative);
  protected readonly progress = computed(() => this.progressStore.items().at(0) ?? null);
  protected readonly mine = computed(() => {
    const progress = this.progress();
    const me = this.auth.me()?.actor.id;
    return progress?.annotators.find((annotator) => annotator.annotator === me) ?? null;
  });
  /** Your counted answers over the queue's items. */
  protected readonly mineFraction = computed(() => {
    const items = this.progress()?.counts.items ?? 0;
    return items === 0 ? 0 : Math.min(1, (this.mine()?.responses ?? 0) / items);
  });
  protected readonly ratings = computed(() => {
    const scale = this.queue()?.ratingScale;
    if (!scale) return [];
    return Array.from({ length: scale.max - scale.min + 1 }, (_, i) => scale.min + i);
  });
  protected readonly keyContext = computed(() => ({
    pairwise: this.pairwise(),
    ratingMax: this.queue() ? Math.min(9, this.queue()?.ratingScale.max ?? 0) : null,
    tags: Math.min(9, this.labels().length),
    suggestion: !!this.work()?.suggestion,
  }));
  protected readonly help = computed(() => annotateKeyHelp(this.keyContext()));
  protected readonly secondsLeft = computed(() => {
    const until = this.work()?.reservedUntil;
    if (!until) return null;
    return Math.max(0, Math.ceil((Date.parse(until) - this.now()) / 1000));
  });
  protected readonly countdown = computed(() => {
    const seconds = this.secondsLeft();
    return seconds === null ? '' : clock(seconds);
  });
  protected readonly diff = computed(() => {
    const correction = this.draft().correction;
    const original = this.work()?.entry.content ?? '';
    return correction === null ? [] : diffWords(original, correction);
  });
  /** The messages before the compared answers (the shared history). */
  protected readonly prompt = computed(() => this.work()?.entry.prompt ?? []);

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      const queueId = this.queueId();
      untracked(() => {
        void this.progressStore.load(projectId, queueId);
        void this.loadLabels(projectId);
        void this.next();
      });
    });
    const timer = setInterval(() => this.now.set(Date.now()), 1000);
    inject(DestroyRef).onDestroy(() => {
      clearInterval(timer);
      // Leaving with an item reserved gives it back to the pool at once.
      const work = this.work();
      if (work && work.reservedUntil) void this.annotations.releaseItem(this.projectId(), this.queueId(), work.item.id).catch(() => undefined);
    });
  }

  protected onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement | null;
    const tag = target?.tagName ?? '';
    const typing = tag === 'TEXTAREA' || tag === 'INPUT' || tag === 'SELECT' || !!target?.isContentEditable;
    // A focused button or link acts on Enter / Space itself.
    if ((tag === 'BUTTON' || tag === 'A') && (event.key === 'Enter' || event.key === ' ') && !event.ctrlKey && !event.metaKey) return;
    if (document.querySelector('.cdk-overlay-container .mat-mdc-select-panel')) return;
    const action = annotateKeyAction(event, { ...this.keyContext(), typing });
    if (!action) return;
    if (this.helpOpen() && action.kind !== 'help' && action.kind !== 'escape') return;
    event.preventDefault();
    this.act(action);
  }

  protected act(action: AnnotateAction): void {
    switch (action.kind) {
      case 'help':
        this.helpOpen.update((open) => !open);
        return;
      case 'escape':
        if (this.helpOpen()) this.helpOpen.set(false);
        else this.workArea()?.nativeElement.focus();
        return;
      case 'submit':
        void this.submit();
        return;
      case 'skip':
        void this.skip();
        return;
      case 'focus':
        this.focusField(action.field);
        return;
      case 'rate': {
        const min = this.queue()?.ratingScale.min ?? 1;
        if (action.rating < min) return;
        break;
      }
      default:
        break;
    }
    const work = this.work();
    if (!work || this.phase() !== 'working') return;
    const suggestion = work.suggestion ? { id: work.suggestion.id, value: work.suggestion.value } : null;
    this.draft.update((draft) => applyDraftAction(draft, action, this.labels(), suggestion));
    this.missing.set(null);
  }

  protected choose(choice: PreferenceChoice): void {
    this.act({ kind: 'choose', choice });
  }

  protected rate(rating: number): void {
    this.act({ kind: 'rate', rating });
  }

  protected toggleTag(index: number): void {
    this.act({ kind: 'tag', index });
  }

  protected toggleFlag(flag: AnnotationFlag): void {
    this.act({ kind: 'flag', flag });
  }

  protected takeSuggestion(): void {
    this.act({ kind: 'accept-suggestion' });
  }

  protected setRationale(event: Event): void {
    const rationale = (event.target as HTMLTextAreaElement).value;
    this.draft.update((draft) => ({ ...draft, rationale }));
  }

  protected setCorrection(event: Event): void {
    const correction = (event.target as HTMLTextAreaElement).value;
    this.draft.update((draft) => ({ ...draft, correction }));
  }

  protected discardCorrection(): void {
    this.draft.update((draft) => ({ ...draft, correction: null }));
  }

  protected focusField(field: 'rationale' | 'correction'): void {
    if (field === 'correction' && this.draft().correction === null) {
      const original = this.work()?.entry.content ?? '';
      this.draft.update((draft) => ({ ...draft, correction: original }));
    }
    // The correction editor renders on the draft change: focus it once it is there.
    queueMicrotask(() => setTimeout(() => (field === 'rationale' ? this.rationaleField() : this.correctionField())?.nativeElement.focus()));
  }

  protected async submit(): Promise<void> {
    const work = this.work();
    if (!work || this.busy() || this.phase() !== 'working') return;
    const result = draftValue(this.draft(), {
      original: work.entry.content,
      alternativeEntryId: work.alternative?.id ?? null,
      requireChoice: work.queue.kind === 'pairwise',
    });
    if ('missing' in result) {
      this.missing.set(result.missing);
      return;
    }
    this.busy.set(true);
    const fromSuggestion = this.draft().fromSuggestion;
    try {
      const answer = await this.annotations.submitResponse(this.projectId(), this.queueId(), work.item.id, {
        value: result.value,
        ...(fromSuggestion ? { fromSuggestion } : {}),
      });
      this.submitted.update((n) => n + 1);
      this.lastAnswer.set(answer.completed ? null : { annotationId: answer.id });
      this.lastResult.set(answer.extra ? 'Submitted (extra: the item already had its answers).' : answer.completed ? 'Submitted; the item is complete.' : 'Submitted.');
    } catch {
      // ApiService has shown the server's message; the draft stays for another try.
      this.busy.set(false);
      return;
    }
    await this.next(true);
  }

  /** Takes your last answer back (its item was not complete): the item may come to you again. */
  protected async undoLast(): Promise<void> {
    const last = this.lastAnswer();
    if (!last || this.busy()) return;
    this.busy.set(true);
    try {
      await this.annotations.withdrawAnnotation(this.projectId(), last.annotationId);
      this.submitted.update((n) => Math.max(0, n - 1));
      this.lastResult.set('Your last answer was withdrawn.');
    } catch {
      // shown by ApiService (e.g. the item completed meanwhile)
    } finally {
      this.lastAnswer.set(null);
      this.busy.set(false);
    }
  }

  protected async skip(): Promise<void> {
    const work = this.work();
    if (!work || this.busy() || this.phase() !== 'working') return;
    this.busy.set(true);
    try {
      await this.annotations.skipItem(this.projectId(), this.queueId(), work.item.id);
      this.lastAnswer.set(null);
      this.lastResult.set('Skipped.');
    } catch {
      // shown by ApiService
      this.busy.set(false);
      return;
    }
    await this.next(true);
  }

  /**
   * Reserves and shows the next item for you (none: the queue is done for you). The page takes keys
   * again from the moment the item shows: a quick S or Enter acts on it.
   */
  protected async next(afterAnswer = false): Promise<void> {
    if (!afterAnswer) this.phase.set('loading');
    try {
      const { work } = await this.annotations.nextItem(this.projectId(), this.queueId());
      this.work.set(work);
      this.draft.set(EMPTY_DRAFT);
      this.missing.set(null);
      this.phase.set(work ? 'working' : 'done');
      if (work) setTimeout(() => this.workArea()?.nativeElement.focus());
    } catch (error) {
      this.phase.set(error instanceof ApiError && error.body.code === 'queue.closed' ? 'closed' : 'error');
    } finally {
      this.busy.set(false);
    }
  }

  protected othersLabel(work: QueueItemWork): string {
    if (work.withheld > 0) return `${work.withheld} answer${work.withheld === 1 ? '' : 's'} of others withheld until the item completes (blind queue).`;
    return '';
  }

  private async loadLabels(projectId: string): Promise<void> {
    try {
      const set = await this.annotations.getLabelSet(projectId);
      if (this.projectId() === projectId) this.labels.set(set.labels.map((label) => label.name));
    } catch {
      // shown by ApiService; the page works without tags
    }
  }
}
