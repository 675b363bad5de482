import { parentPort, workerData } from 'node:worker_threads';
import { type SgnsCorpus, type SgnsStep, trainSentences } from './sgns.js';

/**
 * A training worker: holds shared views of the corpus, the master weights and its own copy of the
 * weights. Each round it copies the master, trains its share of sentences on its copy and reports;
 * the parent then adds every worker's change to the master (see `train-encoder.ts`).
 */
interface WorkerSetup {
  corpus: SgnsCorpus;
  dimensions: number;
  masterInput: Float32Array;
  masterOutput: Float32Array;
  localInput: Float32Array;
  localOutput: Float32Array;
}

interface RoundMessage {
  sentences: Int32Array;
  step: SgnsStep;
}

const setup = workerData as WorkerSetup;
const port = parentPort;
if (!port) throw new Error('sgns-worker must run in a worker thread');

port.on('message', (message: RoundMessage) => {
  setup.localInput.set(setup.masterInput);
  setup.localOutput.set(setup.masterOutput);
  const result = trainSentences(
    { dimensions: setup.dimensions, input: setup.localInput, output: setup.localOutput },
    setup.corpus,
    message.sentences,
    message.step,
  );
  port.postMessage(result);
});
