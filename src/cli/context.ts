import { type Aisle, openAisle } from '../aisle.js';
import type { AisleConfig } from '../core/config.js';
import { loadConfig } from '../core/load-config.js';

/** Options every command accepts. */
export interface GlobalOptions {
  db?: string;
  config?: string;
  host?: string;
  port?: number;
}

/** The configuration for a command: defaults < aisle.toml < environment < flags. */
export function configFor(options: GlobalOptions): AisleConfig {
  return loadConfig({ flags: options, env: process.env });
}

/** Opens the engine for one command and always closes it. */
export async function withAisle<T>(options: GlobalOptions, run: (aisle: Aisle) => Promise<T>): Promise<T> {
  const aisle = await openAisle(configFor(options));
  try {
    return await run(aisle);
  } finally {
    await aisle.close();
  }
}

/** Writes a value as JSON on stdout (one document). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
