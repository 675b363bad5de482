import { describe, expect, it } from 'vitest';
import { hasField, mapColumns, mapValues } from './columns.js';

describe('column mapping', () => {
  it('matches usual header spellings to event fields and reports the rest', () => {
    expect(mapColumns('event', ['User ID', 'product_id', 'Behavior_Type', 'ts', 'platform'])).toEqual([
      { to: 'field', field: 'userId' },
      { to: 'field', field: 'itemId' },
      { to: 'field', field: 'type' },
      { to: 'field', field: 'timestamp' },
      { to: 'ignored', name: 'platform' },
    ]);
  });

  it('keeps extra item columns as attributes and sensitive user columns as protected', () => {
    const itemTargets = mapColumns('item', ['id', 'title', 'color', 'attr.size']);
    expect(mapValues('item', itemTargets, ['p1', 'Tee', 'red', 'M'])).toEqual({
      input: { id: 'p1', title: 'Tee', attributes: { color: 'red', size: 'M' } },
      ignored: [],
    });
    const userTargets = mapColumns('user', ['userId', 'sex', 'Age', 'tier']);
    expect(mapValues('user', userTargets, ['u1', 'M', '30', 'gold'])).toEqual({
      input: { id: 'u1', attributes: { tier: 'gold' } },
      protectedInput: { userId: 'u1', gender: 'M', age: '30' },
      ignored: [],
    });
  });

  it('treats empty cells as absent', () => {
    expect(mapValues('event', mapColumns('event', ['user', 'item', 'value']), ['u1', '', ''])).toEqual({
      input: { userId: 'u1' },
      ignored: [],
    });
  });

  it('finds fields under any of their names', () => {
    expect(hasField('event', { ts: 1 }, 'timestamp')).toBe(true);
    expect(hasField('event', { when: 1 }, 'timestamp')).toBe(false);
  });
});
