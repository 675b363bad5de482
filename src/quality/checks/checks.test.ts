import { describe, expect, it } from 'vitest';
import type { Item } from '../../core/entities.js';
import type { Event } from '../../core/event.js';
import { defaultQualityPolicy } from '../policy.js';
import { DAY, START, tableOf } from '../test-support/synthetic.js';
import { type BatchFacts, type BatchProfile, profileBatch } from './batch-profile.js';
import { checkCompleteness } from './completeness.js';
import { checkDrift } from './drift.js';
import { checkFreshness } from './freshness.js';
import { runChecks } from './run-checks.js';
import { checkUniqueness } from './uniqueness.js';
import { checkValidity } from './validity.js';

const thresholds = defaultQualityPolicy().checks;
const item = (id: string, categoryPath: string[], createdAt?: number): Item => ({
  id,
  title: id,
  categoryPath,
  attributes: {},
  tags: [],
  available: true,
  ...(createdAt === undefined ? {} : { createdAt }),
});
const catalogue = new Map(
  [item('a', ['shoes']), item('b', ['shoes']), item('c', ['books'], START + DAY)].map((entry) => [
    entry.id,
    entry,
  ]),
);

function facts(overrides: Partial<BatchFacts> = {}): BatchFacts {
  return {
    batchId: 1,
    kind: 'event',
    source: 'file.csv',
    read: 100,
    accepted: 100,
    duplicates: 0,
    quarantined: 0,
    quarantinedByReason: {},
    ...overrides,
  };
}

function views(count: number, overrides: Partial<Event> = {}, from = START): Event[] {
  return Array.from({ length: count }, (_, n) => ({
    userId: `u${n % 20}`,
    itemId: ['a', 'b'][n % 2]!,
    type: 'view',
    timestamp: from + n * 60_000,
    dwellMs: 3000,
    sessionId: `s${n % 20}`,
    ...overrides,
  }));
}

function profile(events: readonly Event[], batch: Partial<BatchFacts> = {}): BatchProfile {
  return profileBatch(
    facts({ read: events.length, accepted: events.length, ...batch }),
    tableOf(events),
    catalogue,
    thresholds.nearDuplicateMs,
  );
}

const input = (current: BatchProfile, history: BatchProfile[] = [], now = START + DAY) => ({
  profile: current,
  history,
  thresholds,
  now,
});

describe('batch profile', () => {
  it('counts types, categories, field presence, users and references', () => {
    const current = profile([
      ...views(10),
      { userId: 'x', itemId: 'zz', type: 'click', timestamp: START },
      { userId: 'x', itemId: 'c', type: 'purchase', timestamp: START },
    ]);
    expect(current).toMatchObject({
      events: 12,
      users: 11,
      items: 4,
      types: { view: 10, click: 1, purchase: 1 },
      categories: { shoes: 10, '(unknown item)': 1, books: 1 },
      unknownItems: 1,
      beforeItemCreated: 1,
    });
    expect(current.present).toMatchObject({ itemId: 12, dwellMs: 10, sessionId: 10, value: 0 });
    expect(current.eventsPerUser.reduce((sum, users) => sum + users, 0)).toBe(11);
  });
});

describe('completeness', () => {
  it('passes complete batches and grades missing required fields by share', () => {
    expect(checkCompleteness(input(profile(views(100)))).status).toBe('pass');
    const missing = checkCompleteness(
      input(profile(views(90), { read: 100, quarantined: 10, quarantinedByReason: { missing_field: 10 } })),
    );
    expect(missing.status).toBe('fail');
    expect(missing.summary).toMatch(/10 records .* lack a required field/);
  });

  it('warns when a field earlier batches carried disappears', () => {
    const earlier = [profile(views(200)), profile(views(200))];
    const withoutDwell = views(100).map(({ dwellMs: _dwellMs, ...event }) => event);
    const result = checkCompleteness(input(profile(withoutDwell), earlier));
    expect(result.status).toBe('warn');
    expect(result.findings.map((finding) => finding.code)).toEqual(['field_dropped']);
    expect(result.summary).toMatch(/dwellMs present in 0\.0 % of events, usually 100\.0 %/);
  });
});

describe('uniqueness', () => {
  it('calls a complete re-import a pass and partial re-sends a warning', () => {
    const events = views(50);
    expect(checkUniqueness(input(profile([], { read: 50, accepted: 0, duplicates: 50 }))).summary).toMatch(
      /re-import/,
    );
    const partial = checkUniqueness(input(profile(events, { read: 60, duplicates: 10 })));
    expect(partial.status).toBe('warn');
    expect(partial.findings[0]?.code).toBe('duplicates');
  });

  it('finds near-duplicates the natural key cannot catch', () => {
    const doubled = views(40).flatMap((event) => [event, { ...event, timestamp: event.timestamp + 300 }]);
    const result = checkUniqueness(input(profile(doubled)));
    expect(result.findings.map((finding) => finding.code)).toEqual(['near_duplicates']);
    expect(result.metrics['nearDuplicateShare']).toBeCloseTo(0.5, 2);
  });
});

describe('validity', () => {
  it('grades invalid records by class, references and times', () => {
    const bad = checkValidity(
      input(
        profile(views(80), {
          read: 100,
          quarantined: 20,
          quarantinedByReason: { timestamp_in_future: 12, invalid_type: 8 },
        }),
      ),
    );
    expect(bad.status).toBe('fail');
    expect(bad.metrics).toMatchObject({ 'invalid.time': 12, 'invalid.types': 8 });
    const unknown = checkValidity(input(profile([...views(10), ...views(10, { itemId: 'ghost' })])));
    expect(unknown.findings.map((finding) => [finding.code, finding.status])).toEqual([
      ['unknown_items', 'fail'],
    ]);
    const early = checkValidity(input(profile(views(20, { itemId: 'c' }))));
    expect(early.findings.map((finding) => finding.code)).toEqual(['before_item_created']);
    expect(checkValidity(input(profile(views(20)))).status).toBe('pass');
  });
});

describe('freshness', () => {
  it('warns about stale batches and skips batches without events', () => {
    expect(checkFreshness(input(profile(views(10)), [], START + 3600_000)).status).toBe('pass');
    const stale = checkFreshness(input(profile(views(10)), [], START + 30 * DAY));
    expect(stale.status).toBe('warn');
    expect(stale.summary).toMatch(/30\.0 days old/);
    expect(checkFreshness(input(profile([]))).status).toBe('skip');
  });
});

describe('drift', () => {
  const history = [profile(views(500)), profile(views(500))];

  it('skips without history and passes a batch like the earlier ones', () => {
    expect(checkDrift(input(profile(views(500)))).status).toBe('skip');
    expect(checkDrift(input(profile(views(500)), history)).status).toBe('pass');
  });

  it('fails a batch whose event-type mix and categories moved, with chi-square and KL', () => {
    const shifted = [...views(100), ...views(400, { type: 'purchase', itemId: 'c' })];
    const result = checkDrift(input(profile(shifted), history));
    expect(result.status).toBe('fail');
    expect(result.findings.map((finding) => finding.code)).toEqual(['drift_types', 'drift_categories']);
    expect(result.metrics['types.kl']).toBeGreaterThan(thresholds.klFail);
    expect(result.metrics['types.pValue']).toBeLessThan(thresholds.driftPValue);
  });

  it('runs every check in report order', () => {
    expect(runChecks(input(profile(views(10)))).map((result) => result.check)).toEqual([
      'completeness',
      'uniqueness',
      'validity',
      'freshness',
      'drift',
    ]);
  });
});
