import { describe, expect, it } from 'vitest';
import { openStore } from '../store/open-store.js';
import {
  actionWeight,
  defaultQualityPolicy,
  loadQualityPolicy,
  parseQualityPolicy,
  saveQualityPolicy,
} from './policy.js';

describe('quality policy', () => {
  it('has documented defaults per detector', () => {
    const policy = defaultQualityPolicy();
    expect(policy.enabled).toBe(true);
    expect(
      Object.fromEntries(Object.entries(policy.detectors).map(([name, detector]) => [name, detector.action])),
    ).toEqual({
      bot: 'quarantine',
      burst: 'flag',
      lockstep: 'exclude',
      shilling: 'exclude',
    });
    expect(policy.detectors.bot.params.maxPerMinute).toBe(40);
  });

  it('rejects unknown fields and inconsistent thresholds, naming them', () => {
    expect(() => parseQualityPolicy({ detectors: { bot: { params: { maxPerMinut: 50 } } } })).toThrow(
      /detectors\.bot\.params: Unrecognized key/,
    );
    expect(() => parseQualityPolicy({ detectors: { shilling: { actAt: 0.4, reportAt: 0.6 } } })).toThrow(
      /reportAt must not exceed actAt/,
    );
    expect(() => parseQualityPolicy({ detectors: { burst: { action: 'delete' } } })).toThrow(
      /detectors\.burst\.action/,
    );
  });

  it('gives actions their training weights', () => {
    const policy = defaultQualityPolicy().detectors.lockstep;
    expect(actionWeight('flag', policy)).toBe(1);
    expect(actionWeight('down-weight', policy)).toBe(0.25);
    expect(actionWeight('exclude', policy)).toBe(0);
    expect(actionWeight('quarantine', policy)).toBe(0);
  });

  it('is stored per shop and read back with defaults filled in', async () => {
    const store = await openStore('sqlite::memory:');
    expect(await loadQualityPolicy(store)).toEqual(defaultQualityPolicy());
    await saveQualityPolicy(store, { detectors: { bot: { action: 'flag' } } });
    const policy = await loadQualityPolicy(store);
    expect(policy.detectors.bot.action).toBe('flag');
    expect(policy.detectors.bot.actAt).toBe(0.8);
    await expect(saveQualityPolicy(store, { enabled: 'yes' })).rejects.toThrow(/enabled/);
    await store.close();
  });
});
