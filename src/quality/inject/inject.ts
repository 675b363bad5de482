import { AisleError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { AttackContext } from './attack-context.js';
import { type AttackIntent, type AttackKind, type InjectedAttack, attackKinds } from './attack.js';
import { injectBots } from './bot-attack.js';
import { injectClickFarm } from './clickfarm-attack.js';
import { injectShillingAttack } from './shilling-attack.js';

/** Everything an evaluation may ask of an injected attack. */
export interface AttackOptions {
  kind: AttackKind;
  intent: AttackIntent;
  /** Fake accounts as a share of the real users. */
  size: number;
  /** Shilling: filler items as a share of the catalogue. */
  filler: number;
  /** Shilling and click farms: target items. */
  targets?: number;
  /** Click farms: number of accounts (overrides `size`). */
  accounts?: number;
  /** Click farms: camouflage events per account. */
  camouflage?: number;
}

/**
 * Injects one attack into a data set (as events to import), by kind.
 *
 * @example
 * const attack = injectAttack(createAttackContext(table), { kind: 'average', intent: 'push', size: 0.03, filler: 0.05 }, createRng(1));
 */
export function injectAttack(context: AttackContext, options: AttackOptions, rng: Rng): InjectedAttack {
  if (!(options.size >= 0 && options.size <= 1))
    throw new AisleError('INVALID_ARGUMENT', `--size must be a share between 0 and 1, got ${options.size}`);
  if (!(options.filler > 0 && options.filler <= 1))
    throw new AisleError('INVALID_ARGUMENT', `--filler must be a share in (0, 1], got ${options.filler}`);
  switch (options.kind) {
    case 'random':
    case 'average':
    case 'bandwagon':
    case 'segment':
      return injectShillingAttack(
        context,
        {
          kind: options.kind,
          intent: options.intent,
          size: options.size,
          filler: options.filler,
          ...(options.targets === undefined ? {} : { targets: options.targets }),
        },
        rng,
      );
    case 'clickfarm': {
      if (options.intent === 'nuke')
        throw new AisleError('INVALID_ARGUMENT', 'A click farm pushes its targets; use --intent push');
      const farm: Parameters<typeof injectClickFarm>[1] = { size: options.size };
      if (options.accounts !== undefined) farm.accounts = options.accounts;
      if (options.targets !== undefined) farm.targets = options.targets;
      if (options.camouflage !== undefined) farm.camouflage = options.camouflage;
      return injectClickFarm(context, farm, rng);
    }
    case 'bot':
      return injectBots(context, { size: options.size }, rng);
    default:
      throw new AisleError(
        'INVALID_ARGUMENT',
        `Unknown attack "${String(options.kind)}"; use one of ${attackKinds.join(', ')}`,
      );
  }
}
