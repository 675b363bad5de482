import type { Worker } from 'node:worker_threads';
import { AisleError } from '../../core/errors.js';
import { createRng } from '../../core/rng.js';
import { type Analyzer, createAnalyzer } from '../analyzer.js';
import type { CedictEntry } from '../cedict.js';
import { spawnWorker } from '../../core/spawn-worker.js';
import { type SgnsCorpus, type SgnsStepResult, type SgnsWeights, trainSentences } from './sgns.js';
import { TrainedEncoder } from './trained-encoder.js';
import { type EncoderTrainingInput, buildTrainingCorpus } from './training-corpus.js';

/** Progress of a training run, reported after each round. */
export interface TrainingProgress {
  epoch: number;
  epochs: number;
  /** Share of all training done, 0–1. */
  done: number;
  /** Mean loss per trained pair in the last round. */
  loss: number;
}

export interface TrainEncoderOptions {
  dimensions: number;
  epochs: number;
  negatives: number;
  /** Context words per centre word. */
  contexts: number;
  learningRate: number;
  seed: number;
  /** Worker threads (1: train in this thread). */
  threads: number;
  /** Synchronisations of the workers' weights per epoch. */
  roundsPerEpoch: number;
  /** CC-CEDICT for code-switched sentences (cross-language alignment); none: monolingual. */
  dictionary?: readonly CedictEntry[];
  /** Continue from this model: known words and units keep their vectors (incremental training). */
  previous?: TrainedEncoder;
  onProgress?: (progress: TrainingProgress) => void;
}

/** What a training run did. */
export interface TrainingReport {
  sentences: number;
  words: number;
  units: number;
  pairs: number;
  /** Mean loss per pair, per epoch: it should fall. */
  lossPerEpoch: number[];
  seconds: number;
  threads: number;
  warmStart: boolean;
}

export const defaultTrainOptions: TrainEncoderOptions = {
  dimensions: 64,
  epochs: 5,
  negatives: 5,
  contexts: 5,
  learningRate: 0.05,
  seed: 1,
  threads: 2,
  roundsPerEpoch: 4,
};

/**
 * Trains the `trained` encoder: builds the corpus (items, co-interactions, query → click pairs,
 * past queries, pinyin and code-switched copies), then runs skip-gram with negative sampling over
 * subword units for `epochs` passes. With several threads, each worker trains its share of each
 * round on its own copy of the weights and the parent adds every worker's change to the master
 * copy (synchronous delta summation), so a seed and a thread count reproduce a model exactly —
 * unlike lock-free Hogwild updates. With `previous`, known words and units start from their trained
 * vectors: new items and queries are learnt in a few epochs without starting over.
 *
 * @example
 * const { encoder, report } = await trainEncoder(input, { epochs: 5, threads: 2, onProgress: console.log });
 */
export async function trainEncoder(
  input: EncoderTrainingInput,
  options: Partial<TrainEncoderOptions> = {},
  analyzer: Analyzer = createAnalyzer(),
): Promise<{ encoder: TrainedEncoder; report: TrainingReport }> {
  const settings = { ...defaultTrainOptions, ...options };
  if (!Number.isInteger(settings.threads) || settings.threads < 1 || settings.threads > 64) {
    throw new AisleError(
      'INVALID_ARGUMENT',
      `threads must be an integer from 1 to 64, not ${settings.threads}`,
    );
  }
  if (!Number.isInteger(settings.dimensions) || settings.dimensions < 2 || settings.dimensions > 1024) {
    throw new AisleError(
      'INVALID_ARGUMENT',
      `dimensions must be an integer from 2 to 1024, not ${settings.dimensions}`,
    );
  }
  const started = performance.now();
  const built = buildTrainingCorpus(input, analyzer, {
    seed: settings.seed,
    ...(settings.dictionary ? { dictionary: settings.dictionary } : {}),
  });
  if (built.sentences === 0) {
    throw new AisleError(
      'INVALID_ARGUMENT',
      'The encoder has nothing to learn from: no item or query has two or more words',
    );
  }
  const d = settings.dimensions;
  const shared = settings.threads > 1;
  const allocate = (length: number) =>
    shared ? new Float32Array(new SharedArrayBuffer(length * 4)) : new Float32Array(length);
  const master: SgnsWeights = {
    dimensions: d,
    input: allocate(built.units.length * d),
    output: allocate(built.words.length * d),
  };
  const rng = createRng(settings.seed);
  const warmStart = initialise(master, built.units, built.words, rng, settings.previous);

  const corpus = shared ? shareCorpus(built.corpus) : built.corpus;
  const pool = shared ? startWorkers(settings.threads, corpus, master) : undefined;
  const lossPerEpoch: number[] = [];
  let pairs = 0;
  try {
    const sentenceCount = built.sentences;
    const totalRounds = settings.epochs * settings.roundsPerEpoch;
    let round = 0;
    for (let epoch = 0; epoch < settings.epochs; epoch++) {
      const order = rng.shuffle(Array.from({ length: sentenceCount }, (_, i) => i));
      let epochLoss = 0;
      let epochPairs = 0;
      for (let r = 0; r < settings.roundsPerEpoch; r++, round++) {
        const from = Math.floor((r * sentenceCount) / settings.roundsPerEpoch);
        const to = Math.floor(((r + 1) * sentenceCount) / settings.roundsPerEpoch);
        const rate = (at: number) => settings.learningRate * Math.max(1e-4, 1 - at / totalRounds);
        const step = {
          negatives: settings.negatives,
          contexts: settings.contexts,
          learningRateFrom: rate(round),
          learningRateTo: rate(round + 1),
        };
        const roundSentences = Int32Array.from(order.slice(from, to));
        const results = pool
          ? await pool.round(roundSentences, step, rng)
          : [trainSentences(master, corpus, roundSentences, { ...step, seed: rng.int(2 ** 31) })];
        const roundLoss = results.reduce((sum, result) => sum + result.loss, 0);
        const roundPairs = results.reduce((sum, result) => sum + result.pairs, 0);
        epochLoss += roundLoss;
        epochPairs += roundPairs;
        settings.onProgress?.({
          epoch: epoch + 1,
          epochs: settings.epochs,
          done: (round + 1) / totalRounds,
          loss: roundPairs > 0 ? roundLoss / roundPairs : 0,
        });
      }
      pairs += epochPairs;
      lossPerEpoch.push(epochPairs > 0 ? epochLoss / epochPairs : 0);
    }
  } finally {
    await pool?.stop();
  }
  const version = `${settings.seed}-${built.sentences}-${built.words.length}-${d}-${Date.now().toString(36)}`;
  const encoder = new TrainedEncoder(
    {
      dimensions: d,
      words: built.words,
      wordCounts: built.wordCounts,
      units: built.units,
      // Copied off shared memory: the model outlives the training run.
      input: Float32Array.from(master.input),
      output: Float32Array.from(master.output),
      version,
    },
    analyzer,
  );
  return {
    encoder,
    report: {
      sentences: built.sentences,
      words: built.words.length,
      units: built.units.length,
      pairs,
      lossPerEpoch,
      seconds: (performance.now() - started) / 1000,
      threads: settings.threads,
      warmStart,
    },
  };
}

/**
 * Small random input vectors (uniform ±0.5/d, as word2vec) and zero output vectors; with a previous
 * model, known units and words take their trained vectors instead.
 */
function initialise(
  weights: SgnsWeights,
  units: readonly string[],
  words: readonly string[],
  rng: ReturnType<typeof createRng>,
  previous: TrainedEncoder | undefined,
): boolean {
  const d = weights.dimensions;
  for (let i = 0; i < weights.input.length; i++) weights.input[i] = (rng.next() - 0.5) / d;
  if (!previous || previous.dimensions !== d) return false;
  const oldUnits = new Map(previous.data.units.map((unit, id) => [unit, id]));
  units.forEach((unit, id) => {
    const old = oldUnits.get(unit);
    if (old !== undefined) weights.input.set(previous.data.input.subarray(old * d, old * d + d), id * d);
  });
  const oldWords = new Map(previous.data.words.map((word, id) => [word, id]));
  words.forEach((word, id) => {
    const old = oldWords.get(word);
    if (old !== undefined) weights.output.set(previous.data.output.subarray(old * d, old * d + d), id * d);
  });
  return true;
}

function shareCorpus(corpus: SgnsCorpus): SgnsCorpus {
  const share = <T extends Int32Array | Float32Array>(array: T): T => {
    const copy = new (array.constructor as new (buffer: SharedArrayBuffer) => T)(
      new SharedArrayBuffer(array.byteLength),
    );
    copy.set(array as never);
    return copy;
  };
  return {
    sentenceOffsets: share(corpus.sentenceOffsets),
    sentenceWords: share(corpus.sentenceWords),
    wordUnitOffsets: share(corpus.wordUnitOffsets),
    wordUnits: share(corpus.wordUnits),
    wordUnitWeights: share(corpus.wordUnitWeights),
    keepProbability: share(corpus.keepProbability),
    negativeTable: share(corpus.negativeTable),
  };
}

interface WorkerPool {
  round(
    sentences: Int32Array,
    step: Omit<Parameters<typeof trainSentences>[3], 'seed'>,
    rng: ReturnType<typeof createRng>,
  ): Promise<SgnsStepResult[]>;
  stop(): Promise<void>;
}

function startWorkers(threads: number, corpus: SgnsCorpus, master: SgnsWeights): WorkerPool {
  const d = master.dimensions;
  const locals = Array.from({ length: threads }, () => ({
    input: new Float32Array(new SharedArrayBuffer(master.input.byteLength)),
    output: new Float32Array(new SharedArrayBuffer(master.output.byteLength)),
  }));
  const workers: Worker[] = locals.map((local) =>
    spawnWorker(new URL('./sgns-worker.js', import.meta.url), {
      workerData: {
        corpus,
        dimensions: d,
        masterInput: master.input,
        masterOutput: master.output,
        localInput: local.input,
        localOutput: local.output,
      },
    }),
  );
  const run = (worker: Worker, message: unknown) =>
    new Promise<SgnsStepResult>((resolve, reject) => {
      const onMessage = (result: SgnsStepResult) => {
        worker.off('error', onError);
        resolve(result);
      };
      const onError = (error: Error) => {
        worker.off('message', onMessage);
        reject(
          new AisleError(
            'INTERNAL',
            `An encoder training worker failed: ${error.message}`,
            {},
            { cause: error },
          ),
        );
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.postMessage(message);
    });
  return {
    async round(sentences, step, rng) {
      const results = await Promise.all(
        workers.map((worker, w) => {
          const from = Math.floor((w * sentences.length) / threads);
          const to = Math.floor(((w + 1) * sentences.length) / threads);
          return run(worker, {
            sentences: sentences.slice(from, to),
            step: { ...step, seed: rng.int(2 ** 31) },
          });
        }),
      );
      // Synchronous delta summation: master += Σ_w (local_w − master).
      for (const target of ['input', 'output'] as const) {
        const masterArray = master[target];
        const before = Float32Array.from(masterArray);
        for (const local of locals) {
          const localArray = local[target];
          for (let i = 0; i < masterArray.length; i++) masterArray[i]! += localArray[i]! - before[i]!;
        }
      }
      return results;
    },
    async stop() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
