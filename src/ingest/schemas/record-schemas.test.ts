import { describe, expect, it } from 'vitest';
import { configSchema } from '../../core/config.js';
import { createRecordSchemas } from '../validators.js';
import { validateRecord } from './validate.js';

const NOW = Date.UTC(2026, 10, 23);
const schemas = createRecordSchemas(configSchema.parse({ events: { earliest: '2000-01-01' } }), () => NOW);
const reasons = (result: ReturnType<typeof validateRecord>) =>
  result.ok ? [] : result.problems.map((problem) => `${problem.field}:${problem.reason}`);

describe('event schema', () => {
  const base = { userId: 'u1', itemId: 'i1', type: 'view', timestamp: 1_700_000_000 };

  it('reads CSV text and JSON values alike', () => {
    const fromText = validateRecord(schemas.event, {
      userId: 'u1',
      itemId: '42',
      type: 'Rating',
      value: '4.5',
      timestamp: '1700000000',
      dwellMs: '1500',
    });
    const fromJson = validateRecord(schemas.event, {
      userId: 'u1',
      itemId: 42,
      type: 'rating',
      value: 4.5,
      timestamp: 1_700_000_000_000,
      dwellMs: 1500,
    });
    expect(fromText).toEqual(fromJson);
    expect(fromText).toEqual({
      ok: true,
      value: {
        userId: 'u1',
        itemId: '42',
        type: 'rating',
        value: 4.5,
        timestamp: 1_700_000_000_000,
        dwellMs: 1500,
      },
    });
  });

  it.each([
    [{ ...base, userId: undefined }, ['userId:missing_field']],
    [{ ...base, userId: '  ' }, ['userId:missing_field']],
    [{ ...base, userId: 'x'.repeat(300) }, ['userId:too_long']],
    [{ ...base, userId: 'a\u0000b' }, ['userId:invalid_value']],
    [{ ...base, userId: { id: 1 } }, ['userId:invalid_type']],
    [{ ...base, type: 'teleport' }, ['type:unknown_event_type']],
    [{ ...base, timestamp: 'soon' }, ['timestamp:invalid_timestamp']],
    [{ ...base, timestamp: undefined }, ['timestamp:missing_field']],
    [{ ...base, timestamp: NOW / 1000 + 2 * 86_400 }, ['timestamp:timestamp_in_future']],
    [{ ...base, timestamp: '1999-12-31' }, ['timestamp:timestamp_too_old']],
    [{ ...base, type: 'rating' }, ['value:missing_field']],
    [{ ...base, type: 'rating', value: 6 }, ['value:out_of_range']],
    [{ ...base, value: 'lots' }, ['value:invalid_type']],
    [{ ...base, itemId: undefined }, ['itemId:missing_field']],
    [{ userId: 'u1', type: 'search', timestamp: 1_700_000_000 }, ['query:missing_field']],
    [{ ...base, dwellMs: 1.5 }, ['dwellMs:out_of_range']],
    [{ ...base, colour: 'red' }, ['colour:unknown_field']],
  ])('rejects %j with %j', (input, expected) => {
    expect(reasons(validateRecord(schemas.event, input))).toEqual(expected);
  });

  it('accepts a search without an item and aliases such as pv and buy', () => {
    expect(
      validateRecord(schemas.event, {
        userId: 'u',
        type: 'search',
        query: '红色T恤',
        timestamp: 1_700_000_000,
      }).ok,
    ).toBe(true);
    expect(validateRecord(schemas.event, { ...base, type: 'PV' })).toMatchObject({
      ok: true,
      value: { type: 'view' },
    });
    expect(validateRecord(schemas.event, { ...base, type: 'buy' })).toMatchObject({
      ok: true,
      value: { type: 'purchase' },
    });
  });
});

describe('item schema', () => {
  it('fills defaults and normalises lists, prices and currency', () => {
    expect(
      validateRecord(schemas.item, {
        id: 'p1',
        title: ' T恤 ',
        categoryPath: '服装/T恤',
        tags: '新品，包邮',
        price: '79',
        currency: 'usd',
      }),
    ).toEqual({
      ok: true,
      value: {
        id: 'p1',
        title: 'T恤',
        categoryPath: ['服装', 'T恤'],
        tags: ['新品', '包邮'],
        attributes: {},
        available: true,
        price: 79,
        currency: 'USD',
      },
    });
  });

  it.each([
    [{ id: 'p1' }, ['title:missing_field']],
    [{ id: 'p1', title: 'x', price: -1 }, ['price:out_of_range']],
    [{ id: 'p1', title: 'x', currency: 'yuan' }, ['currency:too_long']],
    [{ id: 'p1', title: 'x', currency: 'y1' }, ['currency:invalid_value']],
    [{ id: 'p1', title: 'x', available: 'maybe' }, ['available:invalid_type']],
    [{ id: 'p1', title: 'x', attributes: '{bad' }, ['attributes:invalid_type']],
    [{ id: 'p1', title: 'x', attributes: { nested: { a: 1 } } }, ['attributes:invalid_type']],
    [{ id: 'p1', title: 'x', language: 'chinese!' }, ['language:invalid_value']],
  ])('rejects %j', (input, expected) => {
    expect(reasons(validateRecord(schemas.item, input))).toEqual(expected);
  });
});

describe('protected attributes schema', () => {
  it('stores age only as its band and normalises gender', () => {
    expect(validateRecord(schemas.protected, { userId: 'u1', age: '17', gender: 'F' })).toEqual({
      ok: true,
      value: { userId: 'u1', gender: 'female', ageBand: 'under-18', other: {} },
    });
    expect(reasons(validateRecord(schemas.protected, { userId: 'u1', age: 200 }))).toEqual([
      'age:out_of_range',
    ]);
  });
});
