import type { Store } from '../store/store.js';
import { arrayOf, packArrays, unpackArrays } from '../text/binary-codec.js';
import { yieldToEventLoop } from '../core/yield.js';
import type { Encoder } from '../text/encoder/encoder.js';
import { DocTable } from './doc-table.js';
import { LexicalIndex } from './lexical-index.js';
import { type SearchConfig, indexFingerprint } from './search-config.js';
import type { SemanticIndex } from './semantic-index.js';
import { SuggestIndex } from './suggest.js';

/** Artifact names in the store. */
export const artifactNames = {
  index: 'search.index',
  suggest: 'search.suggest',
  encoder: 'search.encoder.trained',
  embeddings: 'search.embeddings',
} as const;

/** Everything a search reads: documents, the lexical index, suggestions and the semantic side. */
export interface SearchState {
  docs: DocTable;
  lexical: LexicalIndex;
  suggest: SuggestIndex;
  encoder: Encoder | undefined;
  semantic: SemanticIndex | undefined;
  /** Why there is no semantic side, or which encoder serves it. */
  semanticStatus: string;
  /** The last event (store sequence) counted into popularity. */
  eventSeq: number;
  /** The newest item-writing ingest batch seen. */
  itemBatch: number;
  /**
   * The newest item write (`updated_at`) the index holds, 0 when unknown (an index saved before it
   * was kept): a refresh reads only items written since, less a margin for late commits.
   */
  itemsUpdatedAt: number;
}

/**
 * Saves the lexical index with the documents, and the suggestions, yielding between the parts (a
 * serving thread saves every ten minutes while it has changes; each part of a 50,000-item index
 * takes tens of milliseconds to encode or write). The caller keeps `state` from changing meanwhile,
 * but for searches recorded into the suggestions: `onSuggestEncoded` says which are in.
 */
export async function saveIndex(
  store: Store,
  state: SearchState,
  config: SearchConfig,
  onSuggestEncoded?: () => void,
): Promise<void> {
  // Compacted here in slices, so encoding does not compact in one piece.
  await state.lexical.compactInSlices();
  const lexical = state.lexical.encode();
  await yieldToEventLoop();
  const bytes = packArrays(
    {
      fingerprint: indexFingerprint(config),
      eventSeq: state.eventSeq,
      itemBatch: state.itemBatch,
      itemsUpdatedAt: state.itemsUpdatedAt,
    },
    { lexical, docs: state.docs.encode() },
  );
  await yieldToEventLoop();
  await store.saveArtifact(
    artifactNames.index,
    { items: state.docs.size, terms: state.lexical.index.termCount, eventSeq: state.eventSeq },
    bytes,
  );
  await yieldToEventLoop();
  const suggest = state.suggest.encode();
  // Searches recorded from here on are not in this save (the caller keeps them for the next).
  onSuggestEncoded?.();
  await yieldToEventLoop();
  await store.saveArtifact(artifactNames.suggest, { entries: state.suggest.size }, suggest);
}

/**
 * Loads the stored lexical index and suggestions; undefined when none is stored or it was built with
 * other index settings (fields, weights, stop words …), which calls for a rebuild.
 */
export async function loadIndex(
  store: Store,
  config: SearchConfig,
): Promise<
  Pick<SearchState, 'docs' | 'lexical' | 'suggest' | 'eventSeq' | 'itemBatch' | 'itemsUpdatedAt'> | undefined
> {
  const artifact = await store.loadArtifact(artifactNames.index);
  if (!artifact) return undefined;
  await yieldToEventLoop();
  const { header, arrays } = unpackArrays(artifact.data);
  const meta = header as {
    fingerprint: string;
    eventSeq: number;
    itemBatch: number;
    itemsUpdatedAt?: number;
  };
  if (meta.fingerprint !== indexFingerprint(config)) return undefined;
  const lexical = LexicalIndex.decode(arrayOf(arrays, 'lexical', 'Uint8Array'), config);
  await yieldToEventLoop();
  const docs = DocTable.decode(arrayOf(arrays, 'docs', 'Uint8Array'));
  await yieldToEventLoop();
  const suggestArtifact = await store.loadArtifact(artifactNames.suggest);
  await yieldToEventLoop();
  const suggest = suggestArtifact ? SuggestIndex.decode(suggestArtifact.data) : SuggestIndex.build([]);
  return {
    docs,
    lexical,
    suggest,
    eventSeq: meta.eventSeq,
    itemBatch: meta.itemBatch,
    itemsUpdatedAt: meta.itemsUpdatedAt ?? 0,
  };
}
