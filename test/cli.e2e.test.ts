import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, dataset } from './support/datasets.js';
import { tempDir } from './support/temp.js';

/** The built `aisle` command, run as a user runs it. */
const temp = tempDir('aisle-cli-');
afterAll(() => temp.cleanup());

function aisle(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    cwd: temp.dir,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ml100k = dataset('ml-100k');
describe.skipIf(!ml100k.present)('aisle import movielens (real ML-100K)', () => {
  it('yields 100,000 events, 943 users with protected attributes and 1,682 items; twice changes no counts', () => {
    const db = join(temp.dir, 'ml.db');
    const first = aisle(['--db', db, 'import', 'movielens', ml100k.path]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/read 100,000 · accepted 100,000/);
    const expected = { items: 1682, users: 943, usersWithProtected: 943, events: 100_000, quarantined: 0 };
    expect(JSON.parse(aisle(['--db', db, 'stats', '--json']).stdout)).toEqual(expected);
    expect(aisle(['--db', db, 'import', 'movielens', ml100k.path]).code).toBe(0);
    expect(JSON.parse(aisle(['stats', '--json'], { AISLE_DB: db }).stdout)).toEqual(expected);
  });
});

describe.skipIf(!ml100k.present)('aisle fairness choose-lift (real ML-100K)', () => {
  it('prints every lift’s validation gain, the pick (or none) and the advantaged threshold as JSON', () => {
    const result = aisle([
      'fairness',
      'choose-lift',
      '--data',
      ml100k.path,
      '--model',
      'popularity',
      '--folds',
      '2',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const chosen = JSON.parse(result.stdout) as {
      folds: number;
      lifts: { liftBy: string; lift: number; users: number; gain: number; ci: [number, number] }[];
      chosen: { liftBy: string; lift: number } | null;
      activeMinInteractions: number;
    };
    expect(chosen.folds).toBe(2);
    expect(chosen.lifts).toHaveLength(17);
    for (const lift of chosen.lifts) expect(lift.ci[0]).toBeLessThanOrEqual(lift.gain);
    if (chosen.chosen) expect(chosen.lifts).toContainEqual(expect.objectContaining(chosen.chosen));
    // 47 of the 943 users (5 %) rated at least this many films; ML-100K's 47th most active rated 311.
    expect(chosen.activeMinInteractions).toBe(311);
    const usage = aisle(['fairness', 'choose-lift', '--data', ml100k.path, '--folds', '0']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--folds: /);
  }, 120_000);
});

describe('aisle import and quarantine', () => {
  const db = join(temp.dir, 'bad.db');
  const file = temp.file(
    'bad.jsonl',
    Buffer.concat([
      Buffer.from(
        [
          '{"userId":"u1","itemId":"i1","type":"view","timestamp":1700000000}',
          '{"userId":"u2","itemId":"i2","type":"rating","value":"x","timestamp":1700000001}',
          '{"itemId":"i3","type":"view","timestamp":1700000002}',
          '{"userId":"u4","itemId":"i4","type":"teleport","timestamp":1700000003}',
          '{"userId":"u5","itemId":"i5","type":"view","timestamp":4070908800}',
          '{"userId":"u6","itemId":"caf',
        ].join('\n'),
      ),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('","type":"view","timestamp":1700000005}\n{"userId":"u7","itemId":"i7","type":"cl'),
    ]),
  );

  it('imports every good row and lists every bad row with its line and reason', () => {
    const result = aisle(['--db', db, 'import', 'events', file, '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { steps: { accepted: number; quarantined: number }[] };
    expect(summary.steps[0]).toMatchObject({ accepted: 1, quarantined: 6 });
    const listed = JSON.parse(aisle(['--db', db, 'quarantine', 'list', '--json']).stdout) as {
      id: number;
      line: number;
      problems: { reason: string }[];
    }[];
    expect(listed.map((entry) => [entry.line, entry.problems[0]?.reason])).toEqual([
      [2, 'invalid_type'],
      [3, 'missing_field'],
      [4, 'unknown_event_type'],
      [5, 'timestamp_in_future'],
      [6, 'invalid_utf8'],
      [7, 'truncated_record'],
    ]);
    const text = aisle(['--db', db, 'quarantine', 'list']).stdout;
    expect(text).toMatch(/bad\.jsonl:4 — \[unknown_event_type\]/);
  });

  it('re-admits a fixed record, keeps an unfixed one, and discards on request', () => {
    const listed = JSON.parse(
      aisle(['--db', db, 'quarantine', 'list', '--json', '--reason', 'unknown_event_type']).stdout,
    ) as { id: number }[];
    const id = String(listed[0]!.id);
    const stillBad = aisle(['--db', db, 'quarantine', 'readmit', id, '--set', 'type=warp']);
    expect(stillBad.code).toBe(1);
    expect(stillBad.stdout).toMatch(/still invalid: \[unknown_event_type\]/);
    const fixed = aisle(['--db', db, 'quarantine', 'readmit', id, '--set', 'type=click']);
    expect(fixed).toMatchObject({ code: 0, stdout: `#${id} readmitted\n` });
    expect(JSON.parse(aisle(['--db', db, 'stats', '--json']).stdout)).toMatchObject({
      events: 2,
      quarantined: 5,
    });
    const show = aisle(['--db', db, 'quarantine', 'show', id]);
    expect(show.stdout).toMatch(/\(readmitted\)/);
    const discarded = aisle([
      '--db',
      db,
      'quarantine',
      'discard',
      String(listed[0]!.id + 1),
      '--note',
      'test row',
    ]);
    expect(discarded.code).toBe(0);
    expect(JSON.parse(aisle(['--db', db, 'stats', '--json']).stdout)).toMatchObject({ quarantined: 4 });
  });

  it('exits 2 on bad usage and 1 on a missing file, saying what is wrong', () => {
    const usage = aisle(['--db', db, 'import', 'widgets', file]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Unknown import "widgets"/);
    const missing = aisle(['--db', db, 'import', 'events', join(temp.dir, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no such file/);
    expect(aisle(['--db', db, 'import', 'events', join(temp.dir, 'x.bin')]).stderr).toMatch(
      /--format csv\|tsv\|jsonl|no such file/,
    );
    // A bad flag value is named as the user typed the flag, before any data is read.
    const fairness = aisle(['fairness', 'audit', '--data', temp.dir, '--lift-by', 'lottery']);
    expect(fairness.code).toBe(2);
    expect(fairness.stderr).toMatch(/--lift-by: .*"calibration"\|"popularity"/);
    const passes = aisle(['fairness', 'audit', '--data', temp.dir, '--passes', '0']);
    expect(passes.code).toBe(2);
    expect(passes.stderr).toMatch(/--passes: /);
    const curve = aisle(['fairness', 'audit', '--data', temp.dir, '--curve', '0,0.5']);
    expect(curve.code).toBe(2);
    expect(curve.stderr).toMatch(/--curve: needs --rerank/);
  });
});

describe('aisle demo', () => {
  it('creates the demo shop, serves it over HTTP and stops on SIGTERM', async () => {
    const db = join(temp.dir, 'demo.db');
    const child: ChildProcess = spawn(
      process.execPath,
      [cliPath, '--db', db, 'demo', '--port', '0', '--no-log'],
      { cwd: temp.dir },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address after 150 s:\n${output}`)), 150_000);
      child.stdout?.on('data', () => {
        const match = /serving on (http:\/\/[^\s]+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
    });
    const health = (await (await fetch(`${address}/health`)).json()) as { status: string };
    expect(health.status).toBe('ok');
    const stats = (await (await fetch(`${address}/stats`)).json()) as {
      items: number;
      users: number;
      usersWithProtected: number;
      events: number;
    };
    expect(stats.items).toBe(3000);
    expect(stats.usersWithProtected).toBe(1500);
    expect(stats.events).toBeGreaterThan(50_000);
    expect(await (await fetch(`${address}/`)).text()).toMatch(/Aisle/);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 180_000);
});
