import { defaultEventWeights } from '../core/event.js';
import type { Store } from '../store/store.js';
import { loadCedict } from '../text/cedict.js';
import type { Encoder } from '../text/encoder/encoder.js';
import { createOnnxEncoder, resolveModelDir } from '../text/encoder/onnx-encoder.js';
import { type TrainingReport, trainEncoder } from '../text/encoder/train-encoder.js';
import { TrainedEncoder } from '../text/encoder/trained-encoder.js';
import { AisleError } from '../core/errors.js';
import { yieldToEventLoop } from '../core/yield.js';
import { collectTrainingInput } from './encoder-training.js';
import {
  type SyncProgress,
  applyItemChanges,
  buildLexical,
  buildSuggest,
  followEvents,
  latestItemBatch,
  readAllItems,
  readItemsUpdatedSince,
} from './index-sync.js';
import { itemFingerprint } from './item-text.js';
import { buildProfile } from './personalize.js';
import { type SearchConfig, parseSearchConfig } from './search-config.js';
import { executeSearch } from './search-execution.js';
import type { SearchRequest, SearchResponse } from './search-request.js';
import { type SearchState, artifactNames, loadIndex, saveIndex } from './search-state.js';
import { SemanticIndex } from './semantic-index.js';
import { type Suggestion, SuggestIndex } from './suggest.js';
import { DocTable } from './doc-table.js';
import { LexicalIndex } from './lexical-index.js';

export interface SearchEngineOptions {
  config?: SearchConfig;
  /** Interaction weight per event type (popularity, personalisation); the engine config's. */
  eventWeights?: Readonly<Record<string, number>>;
  /** Where progress and notes go (the CLI's stderr, the server's log). */
  log?: (message: string) => void;
  /** The clock (tests). */
  now?: () => number;
  /**
   * Writes the periodic save from another thread (a serving process on a shared store): it loads
   * the stored index, catches it up with the store, adds `recordedQueries` (this engine's searches
   * since its last save, which a refresh does not read back) and stores it, so this thread never
   * encodes or writes the index (on 100,000 items, parts of 0.1–0.2 s that hold HTTP requests up
   * about a second all told). Resolves once stored. Without it, the save runs on this thread.
   */
  saveInBackground?: (recordedQueries: readonly string[]) => Promise<void>;
}

/**
 * The most searches kept for the next save: beyond it the oldest wait in the store's query log for
 * the next rebuild (a store that cannot be saved to for long enough to reach it has other trouble).
 */
const MAX_RECORDED_QUERIES = 100_000;

/** What a build did. */
export interface BuildReport {
  items: number;
  terms: number;
  lexicalSeconds: number;
  semantic: string;
  training?: TrainingReport;
  embedSeconds: number;
  seconds: number;
}

/**
 * How far back a refresh reads before the newest item write the index holds: a write stamped
 * earlier can commit later (an import's transaction stamps its start; another node's clock may lag).
 */
const LATE_WRITE_MARGIN_MS = 5 * 60_000;

/** What a refresh did. */
export interface RefreshReport {
  changed: number;
  removed: number;
  events: number;
}

/**
 * Product search over one store: owns the lexical index, the documents, the suggestions and the
 * semantic side (encoder + item vectors), keeps them in step with the store, persists them as store
 * artifacts (a restart loads them instead of indexing again) and answers searches and suggestions.
 *
 * @example
 * const engine = await SearchEngine.open(store);
 * await engine.ensureIndex();
 * const { hits } = await engine.search(parseSearchRequest({ q: '红色纯棉T恤' }));
 */
export class SearchEngine {
  readonly config: SearchConfig;
  private state: SearchState;
  private readonly eventWeights: Readonly<Record<string, number>>;
  private readonly log: (message: string) => void;
  private readonly now: () => number;
  private lastCheck = 0;
  /** The refresh under way, with the state it works on (a reload may swap another in meanwhile). */
  private refreshing: { state: SearchState; done: Promise<RefreshReport> } | undefined;
  /** Holds on the periodic save, while another thread builds an index to take up (`holdSaves`). */
  private saveHolds = 0;
  /** A refresh was asked for while one ran (`refreshSoon`): another follows it. */
  private refreshAgain = false;
  /**
   * The tail of the queue that refreshes and saves take turns on: a save yields to the event loop
   * between its parts, and a refresh meanwhile would change the documents after the lexical index
   * was written and before they were, so the two never overlap.
   */
  private turn: Promise<unknown> = Promise.resolve();
  private lastSave = 0;
  /** Whether the newest item batch was still open at the last look. */
  private itemBatchOpen = false;
  private unsaved = false;
  /** Counts the changes that made the state unsaved: a save in another thread ends up to date only if none came while it ran. */
  private changes = 0;
  /** Searches recorded into the suggestions since the last save, for a save in another thread. */
  private readonly recordedQueries: string[] = [];
  /** The save running in another thread (`saveInBackground`). */
  private backgroundSave: Promise<void> | undefined;
  private readonly saveInBackground: ((recordedQueries: readonly string[]) => Promise<void>) | undefined;
  private loaded = false;

  private constructor(
    readonly store: Store,
    options: SearchEngineOptions,
  ) {
    this.config = options.config ?? parseSearchConfig({});
    this.eventWeights = options.eventWeights ?? defaultEventWeights;
    this.log = options.log ?? (() => {});
    this.now = options.now ?? Date.now;
    this.saveInBackground = options.saveInBackground;
    this.state = {
      docs: new DocTable(),
      lexical: LexicalIndex.create(this.config),
      suggest: SuggestIndex.build([]),
      encoder: undefined,
      semantic: undefined,
      semanticStatus: 'not built',
      eventSeq: 0,
      itemBatch: 0,
      itemsUpdatedAt: 0,
    };
  }

  /** Opens the engine and loads what the store holds (nothing is indexed yet if nothing is stored). */
  static async open(store: Store, options: SearchEngineOptions = {}): Promise<SearchEngine> {
    const engine = new SearchEngine(store, options);
    await engine.load();
    return engine;
  }

  /** True once an index is loaded or built. */
  get ready(): boolean {
    return this.loaded;
  }

  /** Items indexed. */
  get size(): number {
    return this.state.docs.size;
  }

  /** The encoder serving semantic search, if any. */
  get encoder(): Encoder | undefined {
    return this.state.encoder;
  }

  /** The current state (read-only use: benchmarks and tests inspect it). */
  get current(): Readonly<SearchState> {
    return this.state;
  }

  /** Loads a stored index, or builds one when none fits the configuration; then catches up with the store. */
  async ensureIndex(onProgress?: (progress: SyncProgress) => void): Promise<void> {
    if (!this.loaded) await this.build(onProgress);
    else await this.refresh(true);
  }

  /**
   * Indexes every item from scratch: documents, BM25F index, translations, popularity, suggestions,
   * then the encoder (trained here when none is stored and `semantic.trainOnBuild`) and item vectors.
   * Saves everything to the store.
   */
  async build(onProgress?: (progress: SyncProgress) => void): Promise<BuildReport> {
    const started = performance.now();
    // Before the read: what is written meanwhile is then newer than the mark, and a refresh reads it.
    const mark = await latestItemBatch(this.store);
    const updatedAt = await this.store.latestItemUpdate();
    const items = await readAllItems(this.store, (done) =>
      onProgress?.({ phase: 'read', done, total: done }),
    );
    const lexicalStarted = performance.now();
    const { docs, lexical } = buildLexical(items, this.config, onProgress);
    const lexicalSeconds = (performance.now() - lexicalStarted) / 1000;
    const eventSeq = await followEvents(this.store, docs, 0, this.eventWeights);
    onProgress?.({ phase: 'suggest', done: 0, total: 1 });
    const suggest = await buildSuggest(this.store, docs, lexical);
    const state: SearchState = {
      docs,
      lexical,
      suggest,
      encoder: undefined,
      semantic: undefined,
      semanticStatus: 'off',
      eventSeq,
      itemBatch: mark.batch,
      itemsUpdatedAt: updatedAt,
    };
    this.itemBatchOpen = mark.open;
    let training: TrainingReport | undefined;
    const embedStarted = performance.now();
    const encoder = await this.openEncoder(items.length > 0, async () => {
      const trained = await this.train(items, undefined, onProgress);
      training = trained.report;
      return trained.encoder;
    });
    await this.attachEncoder(state, encoder, items, onProgress, true);
    const embedSeconds = (performance.now() - embedStarted) / 1000 - (training?.seconds ?? 0);
    this.state = state;
    this.loaded = true;
    onProgress?.({ phase: 'save', done: 0, total: 1 });
    await this.save();
    const report: BuildReport = {
      items: docs.size,
      terms: lexical.index.termCount,
      lexicalSeconds,
      semantic: state.semanticStatus,
      embedSeconds: Math.max(0, embedSeconds),
      seconds: (performance.now() - started) / 1000,
    };
    if (training) report.training = training;
    return report;
  }

  /**
   * Trains the `trained` encoder again from the store's current text and behaviour, starting from
   * the stored model (incremental), then re-encodes every item and saves both. In a turn of its
   * own: a refresh meanwhile would give an item changed after the read a new fingerprint, and the
   * new vectors would keep its old text.
   */
  async retrainEncoder(onProgress?: (progress: SyncProgress) => void): Promise<TrainingReport> {
    if (this.state.encoder && this.state.encoder.kind !== 'trained') {
      throw new AisleError(
        'CONFLICT',
        'The active encoder is an ONNX model; only the trained encoder is trained here',
      );
    }
    return this.inTurn(async () => {
      const items = await readAllItems(this.store);
      const previous = this.state.encoder instanceof TrainedEncoder ? this.state.encoder : undefined;
      const { encoder, report } = await this.train(items, previous, onProgress);
      await this.attachEncoder(this.state, encoder, items, onProgress, true);
      // In this turn already: `writeState`, not `save`.
      await this.writeState();
      return report;
    });
  }

  /**
   * Catches up with the store: items added, changed or deleted since the index was written (only
   * when an item-writing batch arrived, unless `force`), new events into popularity. Saves at most
   * every ten minutes (and on `close`).
   */
  async refresh(force = false): Promise<RefreshReport> {
    // A refresh of a state swapped out since it began (`reload`) does not catch the new one up.
    while (this.refreshing && this.refreshing.state !== this.state) {
      await this.refreshing.done.catch(() => undefined);
    }
    if (this.refreshing) return this.refreshing.done;
    const state = this.state;
    const running = { state, done: this.inTurn(() => this.doRefresh(state, force)) };
    this.refreshing = running;
    void running.done
      .finally(() => {
        if (this.refreshing === running) this.refreshing = undefined;
        if (this.refreshAgain) {
          this.refreshAgain = false;
          this.refreshSoon();
        }
      })
      .catch(() => undefined);
    return running.done;
  }

  /**
   * Catches up in the background now, not at the next search after `refreshSeconds`: items were
   * written through this process. A refresh under way may have looked at the store before the
   * write, so another follows it. Errors are logged.
   */
  refreshSoon(): void {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refresh().catch((error: unknown) => this.log(`search: refresh failed: ${String(error)}`));
  }

  /**
   * Holds the periodic save until the returned release is called, once a save under way (here or
   * in another thread) has finished: while another thread builds an index for this engine to take up (`reload`), a save
   * of the state being replaced would write over the new index, or tear it for the thread reading
   * it. Nothing is lost by holding: the store keeps every item and event, and the next save writes
   * all the engine has.
   */
  async holdSaves(): Promise<() => void> {
    this.saveHolds++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.saveHolds--;
    };
    await this.inTurn(async () => undefined);
    await this.backgroundSave;
    return release;
  }

  /** Answers a search; checks the store for changes in the background (at most every `refreshSeconds`). */
  async search(request: SearchRequest): Promise<SearchResponse> {
    this.maybeRefreshInBackground();
    let profile;
    if (request.userId && this.config.personalization.enabled) {
      const events = await this.store.userEvents(request.userId, this.config.personalization.historyEvents);
      profile = buildProfile(events, this.state.docs, this.eventWeights);
    }
    return executeSearch(this.state, this.config, request, profile);
  }

  /** Completions of a typed prefix from catalogue terms and past queries (pinyin too). */
  suggest(prefix: string, limit = 10): Suggestion[] {
    this.maybeRefreshInBackground();
    return this.state.suggest.suggest(prefix, limit);
  }

  /**
   * Logs a search: a `search` event for the user (through the normal validated ingestion, so it
   * feeds the behaviour log) and the query into the query log and suggestions.
   */
  async recordSearch(query: string, userId: string | undefined, timestamp: number): Promise<void> {
    const text = query.trim();
    if (text.length === 0) return;
    this.state.suggest.add({ text, source: 'query', weight: 1 });
    if (this.recordedQueries.push(text) > MAX_RECORDED_QUERIES) {
      this.recordedQueries.splice(0, MAX_RECORDED_QUERIES / 10);
    }
    await this.store.appendQueries([
      { id: `search:${userId ?? '-'}:${timestamp}:${text}`, text, timestamp, ...(userId ? { userId } : {}) },
    ]);
  }

  /** What /health reports. */
  status(): Record<string, unknown> {
    return {
      ready: this.loaded,
      items: this.state.docs.size,
      terms: this.state.lexical.index.termCount,
      semantic: this.state.semanticStatus,
      encoder: this.state.encoder?.describe(),
      vectors: this.state.semantic
        ? { count: this.state.semantic.size, mode: this.state.semantic.vectors.mode }
        : undefined,
    };
  }

  /** Saves pending changes and releases the encoder. */
  async close(): Promise<void> {
    await this.refreshing?.done.catch(() => undefined);
    // Ends before the last save here, which is then the newer of the two.
    await this.backgroundSave;
    if (this.unsaved) await this.save();
    await this.state.encoder?.close();
  }

  /**
   * Takes up the index another thread or process stored (a rebuild in a worker thread): loads it
   * into a new state and swaps that in whole, so a search under way finishes on the state it began
   * with. False, and nothing changes, when the store holds no index that fits this configuration.
   * `suggestionsFromStore`: the stored suggestions were built from the store's query log (a
   * rebuild); otherwise the searches recorded here since the last save are added to them again.
   */
  async reload(options: { suggestionsFromStore?: boolean } = {}): Promise<boolean> {
    const loaded = await this.loadState();
    if (!loaded) return false;
    const previous = this.state.encoder;
    this.state = loaded.state;
    this.loaded = true;
    this.unsaved = false;
    this.lastSave = this.now();
    if (options.suggestionsFromStore) {
      // Built from the store's query log, which holds every search recorded before it was read.
      this.recordedQueries.length = 0;
    } else if (this.recordedQueries.length > 0) {
      // Saved by the other thread before the searches recorded here since this engine's last save.
      for (const text of this.recordedQueries) this.state.suggest.add({ text, source: 'query', weight: 1 });
      this.markUnsaved();
    }
    if (loaded.reembedded) this.markUnsaved();
    if (previous && previous !== loaded.state.encoder) await previous.close();
    return true;
  }

  private async load(): Promise<void> {
    const loaded = await this.loadState();
    if (!loaded) return;
    this.state = loaded.state;
    this.loaded = true;
    if (loaded.reembedded) this.markUnsaved();
  }

  private markUnsaved(): void {
    this.unsaved = true;
    this.changes++;
  }

  /** Reads what the store holds, yielding between the parts: a serving thread answers in between. */
  private async loadState(): Promise<{ state: SearchState; reembedded: boolean } | undefined> {
    const stored = await loadIndex(this.store, this.config);
    if (!stored) return undefined;
    const state: SearchState = {
      ...stored,
      encoder: undefined,
      semantic: undefined,
      semanticStatus: this.semanticUnavailable(),
    };
    await yieldToEventLoop();
    const encoder = await this.openEncoder(false, undefined, stored.lexical.analyzer);
    if (!encoder) return { state, reembedded: false };
    await yieldToEventLoop();
    const embeddings = await this.store.loadArtifact(artifactNames.embeddings);
    await yieldToEventLoop();
    const semantic = embeddings
      ? SemanticIndex.decode(embeddings.data, encoder, this.config.semantic.exactBelow)
      : undefined;
    state.encoder = encoder;
    if (!semantic) {
      // Stored vectors came from another encoder: encode every item again.
      await this.attachEncoder(state, encoder, await readAllItems(this.store), undefined, false);
      return { state, reembedded: true };
    }
    state.semantic = semantic;
    state.semanticStatus = `${encoder.kind} (${encoder.id})`;
    return { state, reembedded: false };
  }

  private semanticUnavailable(): string {
    return this.config.semantic.encoder === 'none'
      ? 'off (semantic.encoder = none)'
      : 'unavailable: no trained encoder yet (run `aisle search-index` or POST /search/index)';
  }

  /**
   * The encoder the configuration asks for: an ONNX model directory when one is found (auto/onnx),
   * else the stored trained encoder, else (when `train` is given and allowed) a newly trained one.
   */
  private async openEncoder(
    allowTraining: boolean,
    train: (() => Promise<TrainedEncoder>) | undefined,
    analyzer = this.state.lexical.analyzer,
  ): Promise<Encoder | undefined> {
    const choice = this.config.semantic.encoder;
    if (choice === 'none') return undefined;
    if (choice === 'onnx' || choice === 'auto') {
      const dir = resolveModelDir(this.config.semantic.model);
      if (dir) {
        this.log(`search: ONNX encoder from ${dir}`);
        return createOnnxEncoder({ modelDir: dir });
      }
      if (choice === 'onnx') {
        throw new AisleError(
          'CONFIG_INVALID',
          `semantic.encoder is onnx but no model was found: set AISLE_MODEL_DIR or place the model in ./models/${this.config.semantic.model}`,
        );
      }
    }
    const stored = await this.store.loadArtifact(artifactNames.encoder);
    if (stored) {
      this.log(`search: trained encoder version ${stored.version}`);
      await yieldToEventLoop();
      return TrainedEncoder.decodeModel(stored.data, analyzer);
    }
    if (train && allowTraining && this.config.semantic.trainOnBuild) return train();
    return undefined;
  }

  private async train(
    items: Awaited<ReturnType<typeof readAllItems>>,
    previous: TrainedEncoder | undefined,
    onProgress?: (progress: SyncProgress) => void,
  ): Promise<{ encoder: TrainedEncoder; report: TrainingReport }> {
    const input = await collectTrainingInput(this.store, items);
    const semantic = this.config.semantic;
    const result = await trainEncoder(
      input,
      {
        dimensions: semantic.dimensions,
        epochs: previous ? Math.max(1, Math.ceil(semantic.epochs / 2)) : semantic.epochs,
        seed: semantic.seed,
        threads: semantic.threads,
        dictionary: loadCedict(),
        ...(previous ? { previous } : {}),
        onProgress: (progress) =>
          onProgress?.({
            phase: 'train',
            done: Math.round(progress.done * 1000),
            total: 1000,
            loss: progress.loss,
          }),
      },
      this.state.lexical.analyzer,
    );
    await this.store.saveArtifact(
      artifactNames.encoder,
      { items: items.length, version: result.encoder.id, report: { ...result.report } },
      result.encoder.encodeModel(),
    );
    this.log(
      `search: trained encoder on ${result.report.sentences} sentences in ${result.report.seconds.toFixed(1)} s (loss ${result.report.lossPerEpoch.map((loss) => loss.toFixed(3)).join(' → ')})`,
    );
    return result;
  }

  private async attachEncoder(
    state: SearchState,
    encoder: Encoder | undefined,
    items: Awaited<ReturnType<typeof readAllItems>>,
    onProgress: ((progress: SyncProgress) => void) | undefined,
    replace: boolean,
  ): Promise<void> {
    if (!encoder) {
      state.semanticStatus = this.semanticUnavailable();
      return;
    }
    if (replace && state.encoder && state.encoder !== encoder) await state.encoder.close();
    const semantic = SemanticIndex.create(encoder, this.config.semantic.exactBelow);
    const docs: number[] = [];
    const fingerprints: number[] = [];
    const live = items.filter((item) => state.docs.docOf(item.id) !== undefined);
    for (const item of live) {
      docs.push(state.docs.docOf(item.id)!);
      fingerprints.push(itemFingerprint(item));
    }
    await semantic.embed(docs, live, fingerprints, this.config.semantic.batchSize, (done, total) =>
      onProgress?.({ phase: 'embed', done, total }),
    );
    state.encoder = encoder;
    state.semantic = semantic;
    state.semanticStatus = `${encoder.kind} (${encoder.id})`;
  }

  private maybeRefreshInBackground(): void {
    const interval = this.config.refreshSeconds * 1000;
    if (interval <= 0 || this.refreshing || this.now() - this.lastCheck < interval) return;
    this.refresh().catch((error: unknown) => this.log(`search: refresh failed: ${String(error)}`));
  }

  private async doRefresh(state: SearchState, force: boolean): Promise<RefreshReport> {
    this.lastCheck = this.now();
    const report: RefreshReport = { changed: 0, removed: 0, events: 0 };
    const mark = await latestItemBatch(this.store);
    // A batch still open at the last look may have written more since.
    if (force || mark.batch > state.itemBatch || this.itemBatchOpen) {
      // Only here: the newest write time takes a scan of the items (10 ms per 100,000).
      const updatedAt = await this.store.latestItemUpdate();
      // Every item when forced (a start checks the whole store) or when the index does not know its
      // newest write; else only the items written since, less a margin for writes that committed
      // after a later one was seen (a long import transaction, another node's clock).
      const partial = !force && state.itemsUpdatedAt > 0;
      const items = partial
        ? await readItemsUpdatedSince(this.store, state.itemsUpdatedAt - LATE_WRITE_MARGIN_MS)
        : await readAllItems(this.store);
      const changes = await applyItemChanges(state, items, !partial);
      report.changed = changes.changed.length;
      report.removed = changes.removed;
      if (state.semantic && changes.changed.length > 0) {
        const stale = changes.changed.filter(
          (change) => !state.semantic!.isCurrent(change.doc, change.fingerprint),
        );
        await state.semantic.embed(
          stale.map((change) => change.doc),
          stale.map((change) => change.item),
          stale.map((change) => change.fingerprint),
          this.config.semantic.batchSize,
        );
      }
      state.itemBatch = mark.batch;
      state.itemsUpdatedAt = Math.max(state.itemsUpdatedAt, updatedAt);
      this.itemBatchOpen = mark.open;
      if (report.changed > 0 || report.removed > 0) this.markUnsaved();
    }
    const before = state.eventSeq;
    state.eventSeq = await followEvents(this.store, state.docs, before, this.eventWeights);
    report.events = state.eventSeq - before;
    if (report.events > 0) this.markUnsaved();
    const saveDue = this.unsaved && this.now() - this.lastSave > 10 * 60_000 && !this.backgroundSave;
    if (saveDue && this.saveHolds === 0 && state === this.state) {
      if (this.saveInBackground) this.startBackgroundSave(this.saveInBackground);
      // In the refresh's own turn: `writeState`, not `save`, which would wait for this turn to end.
      else await this.writeState();
    }
    return report;
  }

  /**
   * Starts the periodic save in another thread, which reads the store, not this state: it ends up
   * as up to date as this state unless a refresh here saw changes while it ran (those stay unsaved
   * for the next save). A failure is logged, and the save is tried again when next due.
   */
  private startBackgroundSave(save: (recordedQueries: readonly string[]) => Promise<void>): void {
    const changes = this.changes;
    const sent = this.recordedQueries.length;
    this.lastSave = this.now();
    this.backgroundSave = save(this.recordedQueries.slice())
      .then(
        () => {
          this.recordedQueries.splice(0, sent);
          if (this.changes === changes) this.unsaved = false;
        },
        (error: unknown) => this.log(`search: saving the index in a worker thread failed: ${String(error)}`),
      )
      .finally(() => {
        this.backgroundSave = undefined;
      });
  }

  /**
   * Catches up with the store (every item checked) and saves, with searches another engine on this
   * store recorded since its last save added to the suggestions: the save a serving engine asks
   * of a worker thread (`saveInBackground`). Writes nothing when nothing changed.
   */
  async saveCaughtUp(recordedQueries: readonly string[]): Promise<RefreshReport> {
    for (const text of recordedQueries) this.state.suggest.add({ text, source: 'query', weight: 1 });
    if (recordedQueries.length > 0) this.markUnsaved();
    const report = await this.refresh(true);
    if (this.unsaved) await this.save();
    return report;
  }

  private save(): Promise<void> {
    return this.inTurn(() => this.writeState());
  }

  /** Runs `work` once the refreshes and saves queued before it have ended. */
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work, work);
    this.turn = result.catch(() => undefined);
    return result;
  }

  private async writeState(): Promise<void> {
    const { state } = this;
    let included = 0;
    await saveIndex(this.store, state, this.config, () => {
      included = this.recordedQueries.length;
    });
    if (state.semantic) {
      await yieldToEventLoop();
      const embeddings = state.semantic.encode();
      await yieldToEventLoop();
      await this.store.saveArtifact(
        artifactNames.embeddings,
        { encoderId: state.semantic.encoder.id, count: state.semantic.size },
        embeddings,
      );
    }
    this.recordedQueries.splice(0, included);
    this.lastSave = this.now();
    this.unsaved = false;
  }
}
