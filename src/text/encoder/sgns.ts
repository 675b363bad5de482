/**
 * The training corpus in typed arrays (shareable with worker threads): sentences as word ids, each
 * word's subword units, word2vec's subsampling keep-probabilities and the negative-sampling table.
 */
export interface SgnsCorpus {
  /** CSR: sentence s holds `sentenceWords[sentenceOffsets[s] .. sentenceOffsets[s + 1])`. */
  sentenceOffsets: Int32Array;
  sentenceWords: Int32Array;
  /** CSR: word w is embedded from units `wordUnits[wordUnitOffsets[w] .. wordUnitOffsets[w + 1])`. */
  wordUnitOffsets: Int32Array;
  wordUnits: Int32Array;
  /** Weight of each unit in its word's vector (parallel to `wordUnits`, summing to 1 per word). */
  wordUnitWeights: Float32Array;
  /** Probability of keeping an occurrence of each word (frequent words are subsampled). */
  keepProbability: Float32Array;
  /** Word ids drawn in proportion to count^0.75. */
  negativeTable: Int32Array;
}

/** The trained parameters: unit (input) vectors and word (output, context) vectors, row-major. */
export interface SgnsWeights {
  dimensions: number;
  input: Float32Array;
  output: Float32Array;
}

export interface SgnsStep {
  negatives: number;
  /** Context words drawn per centre word from its sentence (titles are bags of related words). */
  contexts: number;
  /** Learning rate at the start and end of this step (linear in between). */
  learningRateFrom: number;
  learningRateTo: number;
  /** Seed of this step's random draws (subsampling, contexts, negatives). */
  seed: number;
}

export interface SgnsStepResult {
  /** Sum of the negative log-likelihood over positive and negative pairs. */
  loss: number;
  /** (centre, context) pairs trained. */
  pairs: number;
}

const MAX_EXP = 8;

/**
 * Skip-gram with negative sampling (Mikolov et al. 2013) over subword units (Bojanowski et al. 2017,
 * fastText): for each kept centre word, its hidden vector is the weighted mean of its unit vectors; for each
 * sampled context word and `negatives` noise words, one logistic-regression step moves the output
 * vectors, and the summed gradient moves every unit of the centre word. Trains `sentences` in order,
 * in place on `weights`. Pure arithmetic on typed arrays with preallocated scratch; the random draws
 * come from an xorshift generator seeded by `step.seed`, so a run is reproducible.
 */
export function trainSentences(
  weights: SgnsWeights,
  corpus: SgnsCorpus,
  sentences: Int32Array,
  step: SgnsStep,
): SgnsStepResult {
  const d = weights.dimensions;
  const input = weights.input;
  const output = weights.output;
  const {
    sentenceOffsets,
    sentenceWords,
    wordUnitOffsets,
    wordUnits,
    wordUnitWeights,
    keepProbability,
    negativeTable,
  } = corpus;
  const hidden = new Float32Array(d);
  const gradient = new Float32Array(d);
  let kept = new Int32Array(64);
  let state = step.seed >>> 0 || 0x9e3779b9;
  const random = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const tableSize = negativeTable.length;
  let loss = 0;
  let pairs = 0;
  const total = sentences.length;
  for (let s = 0; s < total; s++) {
    const learningRate =
      step.learningRateFrom + ((step.learningRateTo - step.learningRateFrom) * s) / Math.max(total, 1);
    const sentence = sentences[s]!;
    const start = sentenceOffsets[sentence]!;
    const end = sentenceOffsets[sentence + 1]!;
    if (end - start > kept.length) kept = new Int32Array(end - start);
    let length = 0;
    for (let p = start; p < end; p++) {
      const word = sentenceWords[p]!;
      if (random() < keepProbability[word]!) kept[length++] = word;
    }
    if (length < 2) continue;
    for (let i = 0; i < length; i++) {
      const centre = kept[i]!;
      const unitStart = wordUnitOffsets[centre]!;
      const unitEnd = wordUnitOffsets[centre + 1]!;
      if (unitEnd === unitStart) continue;
      hidden.fill(0);
      let heaviest = 0;
      for (let u = unitStart; u < unitEnd; u++) {
        const row = wordUnits[u]! * d;
        const unitWeight = wordUnitWeights[u]!;
        if (unitWeight > heaviest) heaviest = unitWeight;
        for (let k = 0; k < d; k++) hidden[k]! += unitWeight * input[row + k]!;
      }
      gradient.fill(0);
      const draws = Math.min(step.contexts, length - 1);
      for (let c = 0; c < draws; c++) {
        let j: number;
        if (length - 1 <= step.contexts) j = c < i ? c : c + 1;
        else {
          j = Math.floor(random() * (length - 1));
          if (j >= i) j++;
        }
        const context = kept[j]!;
        for (let n = 0; n <= step.negatives; n++) {
          let target: number;
          let label: number;
          if (n === 0) {
            target = context;
            label = 1;
          } else {
            target = negativeTable[Math.floor(random() * tableSize)]!;
            if (target === context) continue;
            label = 0;
          }
          const row = target * d;
          let dot = 0;
          for (let k = 0; k < d; k++) dot += hidden[k]! * output[row + k]!;
          const clamped = dot > MAX_EXP ? MAX_EXP : dot < -MAX_EXP ? -MAX_EXP : dot;
          const sigmoid = 1 / (1 + Math.exp(-clamped));
          loss -= label === 1 ? Math.log(sigmoid + 1e-7) : Math.log(1 - sigmoid + 1e-7);
          const g = (label - sigmoid) * learningRate;
          for (let k = 0; k < d; k++) {
            gradient[k]! += g * output[row + k]!;
            output[row + k]! += g * hidden[k]!;
          }
        }
        pairs++;
      }
      // The heaviest unit takes the whole gradient, lighter ones in proportion (fastText gives every
      // unit the whole gradient of the mean; with weights that would over-step the light n-grams).
      for (let u = unitStart; u < unitEnd; u++) {
        const row = wordUnits[u]! * d;
        const share = wordUnitWeights[u]! / heaviest;
        for (let k = 0; k < d; k++) input[row + k]! += share * gradient[k]!;
      }
    }
  }
  return { loss, pairs };
}
