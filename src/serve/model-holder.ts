import { SERVING_MODEL_ARTIFACT } from '../models/train.js';
import { type TrainedModel, decodeTrainedModel } from '../models/trained-model.js';
import type { Store } from '../store/store.js';

/** A trained model as served: its version and the id → index map of its items. */
export interface ServedModel {
  trained: TrainedModel;
  version: number;
  itemIndex: Map<string, number>;
  loadedAt: number;
}

/**
 * Holds the model version the API serves and swaps in newer ones. A swap replaces one reference:
 * requests already running finish on the model they started with, new ones get the new model, so a
 * swap never fails or drops a request. `refresh` is called on a timer (and after `aisle train`
 * writes a version, through the store any API node sees).
 */
export class ModelHolder {
  private served: ServedModel | undefined;
  private refreshing: Promise<boolean> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Called after each swap (metrics, logs). */
  onSwap: ((model: ServedModel) => void) | undefined;

  constructor(private readonly store: Store) {}

  get current(): ServedModel | undefined {
    return this.served;
  }

  /** Installs a model directly (after training in this process). */
  install(trained: TrainedModel, version: number): ServedModel {
    const itemIndex = new Map<string, number>();
    trained.itemIds.forEach((id, index) => itemIndex.set(id, index));
    this.served = { trained, version, itemIndex, loadedAt: Date.now() };
    this.onSwap?.(this.served);
    return this.served;
  }

  /** Loads the latest stored version if it is newer than the one served; true when it swapped. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.loadNewer().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Checks for newer versions every `seconds` (errors are reported, serving goes on). */
  start(seconds: number, onError: (error: unknown) => void): void {
    this.stop();
    this.timer = setInterval(() => {
      this.refresh().catch(onError);
    }, seconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async loadNewer(): Promise<boolean> {
    const versions = await this.store.listArtifacts(SERVING_MODEL_ARTIFACT);
    const latest = versions.at(-1);
    if (!latest || (this.served && latest.version <= this.served.version)) return false;
    const artifact = await this.store.loadArtifact(SERVING_MODEL_ARTIFACT, latest.version);
    if (!artifact) return false;
    this.install(decodeTrainedModel(artifact.data), artifact.version);
    return true;
  }
}
