import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { repoRoot } from '../../test/support/datasets.js';
import { tempDir } from '../../test/support/temp.js';
import { defaultConfig } from './config.js';
import { loadConfig } from './load-config.js';

const temp = tempDir('aisle-config-');
afterAll(() => temp.cleanup());

describe('loadConfig', () => {
  it('fills every default from nothing', () => {
    const config = loadConfig({ cwd: temp.dir });
    expect(config).toEqual(defaultConfig());
    expect(config.database).toBe('./aisle.db');
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(config.events.weights).toMatchObject({ view: 1, purchase: 6, search: 0 });
  });

  it('layers defaults < file < environment < flags', () => {
    const file = temp.file(
      'layers.toml',
      'database = "file.db"\n[server]\nport = 9000\nhost = "0.0.0.0"\n[events.weights]\nshare = 5\n[events]\nratingMax = 10\n',
    );
    const fromFile = loadConfig({ flags: { config: file }, cwd: temp.dir });
    expect(fromFile).toMatchObject({
      database: 'file.db',
      server: { port: 9000, host: '0.0.0.0' },
      events: { ratingMax: 10 },
    });
    expect(fromFile.events.weights).toMatchObject({ share: 5, view: 1 });
    const fromEnv = loadConfig({
      flags: { config: file },
      env: { AISLE_DB: 'env.db', PORT: '9100' },
      cwd: temp.dir,
    });
    expect(fromEnv).toMatchObject({ database: 'env.db', server: { port: 9100, host: '0.0.0.0' } });
    const fromFlags = loadConfig({
      flags: { config: file, db: 'flag.db', port: 9200 },
      env: { AISLE_DB: 'env.db', PORT: '9100' },
      cwd: temp.dir,
    });
    expect(fromFlags).toMatchObject({ database: 'flag.db', server: { port: 9200 } });
  });

  it('reads ./aisle.toml when present', () => {
    const dir = tempDir('aisle-config-cwd-');
    dir.file('aisle.toml', 'database = "cwd.db"\n');
    expect(loadConfig({ cwd: dir.dir }).database).toBe('cwd.db');
    dir.cleanup();
  });

  it('documents every default in aisle.example.toml', () => {
    const example = join(repoRoot, 'aisle.example.toml');
    expect(loadConfig({ flags: { config: example }, cwd: temp.dir })).toEqual(defaultConfig());
  });

  it('says what is wrong with a bad config', () => {
    const bad = temp.file('bad.toml', '[server]\nport = "high"\nunknown = 1\n');
    expect(() => loadConfig({ flags: { config: bad }, cwd: temp.dir })).toThrow(/server\.port/);
    const broken = temp.file('broken.toml', 'database = \n');
    expect(() => loadConfig({ flags: { config: broken }, cwd: temp.dir })).toThrow(/Cannot read config file/);
    expect(() => loadConfig({ flags: { config: 'nope.toml' }, cwd: temp.dir })).toThrow(
      /Config file not found/,
    );
    expect(() => loadConfig({ env: { PORT: 'x' }, cwd: temp.dir })).toThrow(/PORT must be/);
  });
});
