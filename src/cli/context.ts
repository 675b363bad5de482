import { type Aisle, openAisle } from '../aisle.js';
import type { AisleConfig } from '../core/config.js';
import { type ConfigFlags, loadConfig } from '../core/load-config.js';

/** Options every command accepts. */
export interface GlobalOptions {
  db?: string;
  configFile?: string;
  host?: string;
  port?: number;
}

/** The configuration for a command: defaults < aisle.toml < environment < flags. */
export function configFor(options: GlobalOptions): AisleConfig {
  const flags: ConfigFlags = {
    db: options.db,
    host: options.host,
    port: options.port,
    config: options.configFile,
  };
  return loadConfig({ flags, env: process.env });
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
