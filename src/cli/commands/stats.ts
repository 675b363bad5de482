import type { Command } from 'commander';
import { type GlobalOptions, printJson, withAisle } from '../context.js';

/** `aisle stats [--json]`: items, users, users with protected attributes, events, open quarantine. */
export function registerStatsCommand(program: Command): void {
  program
    .command('stats')
    .description('count items, users, users with protected attributes, events and quarantined records')
    .option('--json', 'print {"items","users","usersWithProtected","events","quarantined"} as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const stats = await withAisle(command.optsWithGlobals<GlobalOptions>(), (aisle) => aisle.store.stats());
      if (options.json) {
        printJson(stats);
        return;
      }
      const rows: [string, number][] = [
        ['items', stats.items],
        ['users', stats.users],
        ['users with protected attributes', stats.usersWithProtected],
        ['events', stats.events],
        ['quarantined (open)', stats.quarantined],
      ];
      for (const [label, value] of rows)
        process.stdout.write(`${label.padEnd(33)}${value.toLocaleString('en-US')}\n`);
    });
}
