import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { create, insertMultiple, search as oramaSearch } from '@orama/orama';
import Database from 'better-sqlite3';
import MiniSearch from 'minisearch';
import type { Item } from '../../src/core/entities.js';

/** A search library under comparison, indexing the same items and answering the same queries. */
export interface PeerSystem {
  name: string;
  index(items: readonly Item[]): Promise<void>;
  search(query: string, k: number): Promise<string[]>;
}

/** The fields every system indexes, with the same weights as Aisle's defaults. */
const fieldWeights = { title: 3, brand: 1, category: 1.5, attributes: 2 } as const;
type PeerField = keyof typeof fieldWeights;

const jieba = Jieba.withDict(dict);

/**
 * Pre-tokenises text for the peers, which have no Chinese segmenter: jieba search-mode cuts for
 * documents, the best cut for queries, lower-cased and joined by spaces — so every peer splits
 * Chinese exactly where Aisle does. Nothing else (no traditional → simplified, pinyin, dictionary).
 */
export function pretokenize(text: string, mode: 'index' | 'query'): string {
  const pieces = mode === 'index' ? jieba.cutForSearch(text, true) : jieba.cut(text, true);
  return pieces
    .map((piece) =>
      piece
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim(),
    )
    .filter((piece) => piece.length > 0)
    .join(' ');
}

function fieldsOf(item: Item): Record<PeerField, string> {
  const attributes = [
    ...Object.entries(item.attributes)
      .filter(([key, value]) => key !== 'split' && !/Id$/.test(key) && typeof value !== 'boolean')
      .map(([, value]) => String(value)),
    ...item.tags,
  ].join(' ');
  return {
    title: pretokenize(item.title, 'index'),
    brand: pretokenize(item.brand ?? '', 'index'),
    category: pretokenize(item.categoryPath.join(' '), 'index'),
    attributes: pretokenize(attributes, 'index'),
  };
}

/**
 * Orama 3 with a whitespace tokenizer over the pre-tokenised text (its English tokenizer deletes
 * Han characters), field boosts as Aisle's weights, typo tolerance 1 (its fuzzy matching).
 */
export function createOramaPeer(): PeerSystem {
  let db: ReturnType<typeof createDb> | undefined;
  const createDb = () =>
    create({
      schema: { title: 'string', brand: 'string', category: 'string', attributes: 'string' } as const,
      components: {
        tokenizer: {
          language: 'english',
          normalizationCache: new Map(),
          tokenize: (raw: string) =>
            raw
              .toLowerCase()
              .split(/\s+/)
              .filter((token) => token.length > 0),
        },
      },
    });
  return {
    name: 'orama',
    async index(items) {
      db = createDb();
      await insertMultiple(
        db,
        items.map((item) => ({ id: item.id, ...fieldsOf(item) })),
        5000,
      );
    },
    async search(query, k) {
      if (!db) throw new Error('orama: index first');
      const result = await oramaSearch(db, {
        term: pretokenize(query, 'query'),
        properties: ['title', 'brand', 'category', 'attributes'],
        boost: fieldWeights,
        tolerance: 1,
        limit: k,
      });
      return result.hits.map((hit) => hit.id);
    },
  };
}

/** MiniSearch 7 over the pre-tokenised text: field boosts, fuzzy 0.2 and prefix search (its documented defaults for search-as-you-type). */
export function createMiniSearchPeer(): PeerSystem {
  let index: MiniSearch | undefined;
  return {
    name: 'minisearch',
    async index(items) {
      index = new MiniSearch({
        fields: ['title', 'brand', 'category', 'attributes'],
        idField: 'id',
        tokenize: (text) => text.split(/\s+/).filter((token) => token.length > 0),
        searchOptions: { boost: fieldWeights, fuzzy: 0.2, prefix: true, combineWith: 'OR' },
      });
      index.addAll(items.map((item) => ({ id: item.id, ...fieldsOf(item) })));
    },
    async search(query, k) {
      if (!index) throw new Error('minisearch: index first');
      return index
        .search(pretokenize(query, 'query'))
        .slice(0, k)
        .map((hit) => String(hit.id));
    },
  };
}

/**
 * SQLite FTS5 (better-sqlite3, in memory) over the pre-tokenised text with the unicode61 tokenizer,
 * ranked by its bm25() with Aisle's field weights; query terms are OR-ed (the ranked-retrieval way;
 * FTS5's implicit AND returns nothing for a query with one unmatched word).
 */
export function createFts5Peer(): PeerSystem {
  let db: Database.Database | undefined;
  let ids: string[] = [];
  let statement: Database.Statement | undefined;
  return {
    name: 'sqlite-fts5',
    async index(items) {
      db = new Database(':memory:');
      db.exec(
        "CREATE VIRTUAL TABLE docs USING fts5(title, brand, category, attributes, tokenize = 'unicode61 remove_diacritics 2')",
      );
      const insert = db.prepare(
        'INSERT INTO docs (rowid, title, brand, category, attributes) VALUES (?, ?, ?, ?, ?)',
      );
      ids = items.map((item) => item.id);
      db.transaction(() => {
        items.forEach((item, index) => {
          const fields = fieldsOf(item);
          insert.run(index + 1, fields.title, fields.brand, fields.category, fields.attributes);
        });
      })();
      statement = db.prepare(
        `SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, ${fieldWeights.title}, ${fieldWeights.brand}, ${fieldWeights.category}, ${fieldWeights.attributes}) LIMIT ?`,
      );
    },
    async search(query, k) {
      if (!statement) throw new Error('fts5: index first');
      const terms = pretokenize(query, 'query')
        .split(' ')
        .filter((term) => term.length > 0)
        .map((term) => `"${term.replace(/"/g, '""')}"`);
      if (terms.length === 0) return [];
      const rows = statement.all(terms.join(' OR '), k) as { rowid: number }[];
      return rows.map((row) => ids[row.rowid - 1]!);
    },
  };
}

/** Every peer, fresh. */
export function createPeers(): PeerSystem[] {
  return [createOramaPeer(), createMiniSearchPeer(), createFts5Peer()];
}
