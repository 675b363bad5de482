import { z } from 'zod';
import type { Analyzer } from './analyzer.js';

/**
 * Operator synonyms: groups of expressions that mean the same in this shop, in any language
 * (`[["tee", "t-shirt", "T恤"], ["手机", "cell phone", "mobile phone"]]`). Each expression may be
 * several words.
 */
export const synonymGroupsSchema = z
  .array(z.array(z.string().trim().min(1).max(100)).min(2, 'a synonym group needs at least two expressions'))
  .max(10_000);

export type SynonymGroups = z.infer<typeof synonymGroupsSchema>;

/** An expression the typed words may stand for: its index terms, all needed together. */
export interface SynonymExpansion {
  terms: string[];
  /** The expression as the operator wrote it, for explanations. */
  text: string;
}

/**
 * Synonym lookup by analysed terms: "T-Shirt", "tshirt" and "t shirt" all analyse to the same key, so
 * one entry serves every spelling. Keys are a word's term or a phrase's terms joined by a space.
 *
 * @example
 * const table = SynonymTable.build([['tee', 't-shirt']], analyzer);
 * table.lookup('tee'); // [{ terms: ['tshirt'], text: 't-shirt' }]
 */
export class SynonymTable {
  private constructor(private readonly byKey: Map<string, SynonymExpansion[]>) {}

  static build(groups: SynonymGroups, analyzer: Analyzer): SynonymTable {
    const byKey = new Map<string, SynonymExpansion[]>();
    for (const group of groups) {
      const members = group
        .map((text) => ({ text, terms: analyzer.analyze(text, 'query').map((word) => word.term) }))
        .filter((member) => member.terms.length > 0);
      for (const member of members) {
        const key = member.terms.join(' ');
        const list = byKey.get(key) ?? [];
        for (const other of members) {
          if (other === member || other.terms.join(' ') === key) continue;
          if (!list.some((known) => known.terms.join(' ') === other.terms.join(' '))) list.push(other);
        }
        byKey.set(key, list);
      }
    }
    return new SynonymTable(byKey);
  }

  /** Expressions equivalent to these terms (one term, or a phrase's terms joined by a space). */
  lookup(key: string): readonly SynonymExpansion[] {
    return this.byKey.get(key) ?? [];
  }

  /** The longest phrase (in words) that has synonyms, so the query planner knows how far to look. */
  get longestKey(): number {
    let longest = 0;
    for (const key of this.byKey.keys()) longest = Math.max(longest, key.split(' ').length);
    return longest;
  }
}
