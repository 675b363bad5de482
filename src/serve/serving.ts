import type { Aisle } from '../aisle.js';
import { SERVING_MODEL_ARTIFACT, trainFromStore } from '../models/train.js';
import { trainInWorker } from './background-training.js';
import { type ServingCatalogue, loadCatalogue } from './catalogue.js';
import { EXPOSURE_STATE_KEY } from './exposure-controllers.js';
import { ModelHolder } from './model-holder.js';
import { RecommendationService } from './recommendation-service.js';
import { isSharedStore } from '../store/open-store.js';
import { ActivityReader } from './user-history.js';

/** What the serving runtime reports (logs). */
export interface ServingLog {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

/** The state of the background training the server runs itself (first model, schedule). */
export interface TrainingStatus {
  running: boolean;
  lastStartedAt: number | null;
  lastFinishedAt: number | null;
  lastVersion: number | null;
  lastError: string | null;
}

/**
 * Everything an API node needs to answer recommendation requests: the served model (hot-swapped),
 * the catalogue in memory, the request-time history reader, and the training it runs itself.
 *
 * Start: load the catalogue and the newest stored model. With events but no stored model, a
 * popularity model is fitted in-process at once (so every endpoint answers from the first second)
 * and the default model trains in a worker thread, swapped in when done. A timer looks for newer
 * versions (from `aisle train` or another node) and, when configured, retrains on a schedule.
 */
export class ServingRuntime {
  readonly models: ModelHolder;
  readonly activity: ActivityReader;
  readonly service: RecommendationService;
  private catalogueValue: ServingCatalogue;
  private retrainTimer: NodeJS.Timeout | undefined;
  private exposureTimer: NodeJS.Timeout | undefined;
  /** `service.exposure.listsObserved` at the last save (or restore): unchanged means nothing to save. */
  private exposureListsAtSave = 0;
  /** Ends the subscription to model versions announced by the store (multi-node, PostgreSQL). */
  private unsubscribeModels: (() => void) | undefined;
  private training: Promise<void> | undefined;
  readonly trainingStatus: TrainingStatus = {
    running: false,
    lastStartedAt: null,
    lastFinishedAt: null,
    lastVersion: null,
    lastError: null,
  };

  private constructor(
    private readonly aisle: Aisle,
    catalogue: ServingCatalogue,
    private readonly log: ServingLog,
  ) {
    this.catalogueValue = catalogue;
    this.models = new ModelHolder(aisle.store);
    this.activity = new ActivityReader(aisle.store, aisle.config);
    // The service reads the catalogue through this getter-backed view, so item updates show at once.
    const current = (): ServingCatalogue => this.catalogueValue;
    const view: ServingCatalogue = {
      get items() {
        return current().items;
      },
      categoryOf: (itemId) => current().categoryOf(itemId),
    };
    this.service = new RecommendationService(aisle.config, this.models, view, this.activity);
  }

  static async start(aisle: Aisle, log: ServingLog): Promise<ServingRuntime> {
    const runtime = new ServingRuntime(aisle, await loadCatalogue(aisle.store), log);
    await runtime.bootstrap();
    const serving = aisle.config.serving;
    if (serving.exposureStateSeconds > 0) {
      await runtime.restoreExposure();
      runtime.exposureTimer = setInterval(() => {
        void runtime.saveExposure();
      }, serving.exposureStateSeconds * 1000);
      runtime.exposureTimer.unref();
    }
    runtime.models.start(serving.modelRefreshSeconds, (error) =>
      log.error('could not load the newest model version', error),
    );
    runtime.subscribeToModelVersions();
    if (serving.retrainEveryMinutes > 0) {
      runtime.retrainTimer = setInterval(() => {
        void runtime.retrain();
      }, serving.retrainEveryMinutes * 60_000);
      runtime.retrainTimer.unref();
    }
    return runtime;
  }

  get catalogue(): ServingCatalogue {
    return this.catalogueValue;
  }

  /** Items were written: re-read them so filters, titles and stock show the change at once. */
  async itemsChanged(itemIds: readonly string[]): Promise<void> {
    if (itemIds.length === 0) return;
    const items = await this.aisle.store.getItems(itemIds);
    for (const item of items) this.catalogueValue.items.set(item.id, item);
  }

  /** Events of these users were written: their next request reads the new history. */
  eventsChanged(userIds: Iterable<string>): void {
    this.activity.invalidate(userIds);
  }

  /** Records of some kind changed in ways not tracked by id (a readmit): re-read what it affects. */
  async dataChanged(kind: string): Promise<void> {
    if (kind === 'item') this.catalogueValue = await loadCatalogue(this.aisle.store);
    if (kind === 'event') this.activity.clear();
  }

  /**
   * Trains the default model in a worker thread and swaps it in. One training at a time: a call
   * while one runs waits for it. Errors are logged and kept in `trainingStatus`; serving goes on.
   */
  retrain(): Promise<void> {
    this.training ??= this.runTraining().finally(() => {
      this.training = undefined;
    });
    return this.training;
  }

  /** Waits for a training started by the runtime (tests, shutdown). */
  async settled(): Promise<void> {
    await this.training;
  }

  async stop(): Promise<void> {
    this.unsubscribeModels?.();
    this.models.stop();
    if (this.retrainTimer) clearInterval(this.retrainTimer);
    if (this.exposureTimer) {
      clearInterval(this.exposureTimer);
      await this.saveExposure();
    }
    await this.training;
  }

  /**
   * Saves the amortized-exposure controllers when they observed lists since the last save, so a
   * restart resumes from what they learned rather than starting cold (docs/fairness.md). A failed
   * save is logged; serving goes on and the next one tries again.
   */
  async saveExposure(): Promise<void> {
    const { exposure } = this.service;
    const observed = exposure.listsObserved;
    if (observed === this.exposureListsAtSave) return;
    try {
      await this.aisle.store.saveServingState(EXPOSURE_STATE_KEY, exposure.snapshot());
      this.exposureListsAtSave = observed;
    } catch (error) {
      this.log.error('could not save the amortized-exposure controllers; retrying at the next save', error);
    }
  }

  /**
   * Takes up the controllers an earlier process saved. A state that cannot be read (written by
   * another Aisle version, edited by hand) is logged and ignored, and the controllers start cold;
   * this process's next save replaces it.
   */
  private async restoreExposure(): Promise<void> {
    try {
      const saved = await this.aisle.store.loadServingState(EXPOSURE_STATE_KEY);
      if (!saved) return;
      const restored = this.service.exposure.restore(saved.body);
      const minutes = Math.max(0, Math.round((Date.now() - saved.updatedAt) / 60_000));
      this.log.info(`amortized-exposure: resuming ${restored} controller(s) saved ${minutes} minute(s) ago`);
    } catch (error) {
      this.log.error(
        `ignoring the saved amortized-exposure controllers (store key ${EXPOSURE_STATE_KEY}); they start cold`,
        error,
      );
    }
  }

  /**
   * Multi-node hand-off: when the store announces a new serving-model version (PostgreSQL
   * LISTEN/NOTIFY, from `aisle train --publish` or another node), load it now rather than at the
   * next poll; the refresh timer stays as the fallback for a missed notification. Refreshes twice in
   * a row because one already running may have looked before this version was committed.
   */
  private subscribeToModelVersions(): void {
    this.unsubscribeModels = this.aisle.store.onArtifactSaved?.((artifact) => {
      if (artifact.name !== SERVING_MODEL_ARTIFACT) return;
      this.models
        .refresh()
        .then(() => this.models.refresh())
        .catch((error: unknown) => this.log.error('could not load the announced model version', error));
    });
  }

  private async bootstrap(): Promise<void> {
    await this.models.refresh();
    const served = this.models.current;
    if (served) {
      this.log.info(
        `serving ${served.trained.info.model} version ${served.version} (${served.trained.itemIds.length} items)`,
      );
      return;
    }
    const stats = await this.aisle.store.stats();
    if (stats.events === 0) {
      this.log.info('no events yet: recommendations start once events are imported and a model is trained');
      return;
    }
    // Popularity answers every endpoint at once; the real model follows from the worker.
    const { trained } = await trainFromStore(this.aisle.store, this.aisle.config, {
      model: 'popularity',
      seed: this.aisle.config.serving.seed,
      calibrate: false,
      save: false,
    });
    this.models.install(trained, 0);
    this.log.info('no trained model stored: serving popularity while the default model trains');
    if (this.aisle.config.serving.trainIfMissing) void this.retrain();
  }

  private async runTraining(): Promise<void> {
    const { config, store } = this.aisle;
    const model = config.serving.defaultModel;
    this.trainingStatus.running = true;
    this.trainingStatus.lastStartedAt = Date.now();
    this.log.info(`training ${model} in the background`);
    try {
      if ((await store.stats()).events === 0) throw new Error('there are no events to train on');
      const request = { config, model, modelConfig: {}, seed: config.serving.seed };
      const { version } = isSharedStore(config.database)
        ? await trainInWorker(request)
        : await trainFromStore(store, config, { model, seed: request.seed });
      await this.models.refresh();
      this.trainingStatus.lastVersion = version;
      this.trainingStatus.lastError = null;
      this.log.info(
        `trained ${model} version ${version}; now serving version ${this.models.current?.version}`,
      );
    } catch (error) {
      this.trainingStatus.lastError = error instanceof Error ? error.message : String(error);
      this.log.error(`training ${model} failed; serving goes on with the current model`, error);
    } finally {
      this.trainingStatus.running = false;
      this.trainingStatus.lastFinishedAt = Date.now();
    }
  }
}
