import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { z } from 'zod';
import { type AisleConfig, configSchema } from './config.js';
import { AisleError } from './errors.js';

/** Settings given on the command line; they win over everything else. */
export interface ConfigFlags {
  config?: string | undefined;
  db?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
}

export interface LoadConfigOptions {
  flags?: ConfigFlags;
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

/** The config file read when none is named: `aisle.toml` in the working directory, if present. */
export const DEFAULT_CONFIG_FILE = 'aisle.toml';

/**
 * Builds the configuration: defaults < config file < environment < CLI flags.
 * The file is `--config-file` (flags.config), else `AISLE_CONFIG`, else `./aisle.toml` when it exists.
 * Environment: `AISLE_DB` or `AISLE_DATABASE_URL` (database), `HOST`, `PORT`.
 *
 * @example
 * const config = loadConfig({ flags: { db: './shop.db' }, env: process.env });
 */
export function loadConfig(options: LoadConfigOptions = {}): AisleConfig {
  const env = options.env ?? {};
  const flags = options.flags ?? {};
  const cwd = options.cwd ?? process.cwd();

  const named = flags.config ?? env['AISLE_CONFIG'];
  const filePath = named !== undefined ? resolve(cwd, named) : resolve(cwd, DEFAULT_CONFIG_FILE);
  let layered: Record<string, unknown> = {};
  if (existsSync(filePath)) layered = readConfigFile(filePath);
  else if (named !== undefined) {
    throw new AisleError('FILE_NOT_FOUND', `Config file not found: ${filePath}`, { path: filePath });
  }

  const database = flags.db ?? env['AISLE_DB'] ?? env['AISLE_DATABASE_URL'];
  if (database !== undefined) layered['database'] = database;
  const server = { ...asObject(layered['server']) };
  const host = flags.host ?? env['HOST'];
  if (host !== undefined) server['host'] = host;
  const port = flags.port ?? parsePort(env['PORT']);
  if (port !== undefined) server['port'] = port;
  layered['server'] = server;

  const parsed = configSchema.safeParse(layered);
  if (!parsed.success) {
    throw new AisleError('CONFIG_INVALID', `Invalid configuration: ${describeIssues(parsed.error)}`, {
      file: existsSync(filePath) ? filePath : null,
    });
  }
  return parsed.data;
}

function readConfigFile(path: string): Record<string, unknown> {
  try {
    return parseToml(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new AisleError(
      'CONFIG_INVALID',
      `Cannot read config file ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { file: path },
      { cause: error },
    );
  }
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AisleError('CONFIG_INVALID', `PORT must be an integer from 0 to 65535, got "${text}"`);
  }
  return port;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}
