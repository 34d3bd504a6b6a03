/**
 * The ops CLI's argument parsing: each command knows its options, and an option a command does not know is an error
 * (never silently ignored). A token after `--`, and a token starting with a single `-` that is not a known short
 * option, is a positional (case ids may start with `-`).
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../domain/error-codes';

export const OPTIONS = {
  procedure: { type: 'string' },
  version: { type: 'string' },
  agency: { type: 'string' },
  'older-than': { type: 'string' },
  query: { type: 'string' },
  kind: { type: 'string' },
  attempts: { type: 'string' },
  'not-picked-up': { type: 'string' },
  'poller-stale': { type: 'string' },
  closed: { type: 'boolean' },
  json: { type: 'boolean' },
  activity: { type: 'string' },
  'allow-reset': { type: 'boolean' },
  to: { type: 'string' },
  /** `audit verify|anchors`: the first day (YYYY-MM-DD, UTC); `--to` the last. */
  from: { type: 'string' },
  first: { type: 'boolean' },
  'reapply-events': { type: 'boolean' },
  event: { type: 'string' },
  stuck: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  rate: { type: 'string' },
  max: { type: 'string' },
  out: { type: 'string' },
  file: { type: 'string' },
  workflows: { type: 'string' },
  reason: { type: 'string' },
  /** The operator's bearer token (else OPS_TOKEN): every command's Temporal credential, and who acts. */
  token: { type: 'string' },
  all: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type OptionName = keyof typeof OPTIONS;
export type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

const FILTERS: OptionName[] = ['procedure', 'version', 'agency', 'older-than', 'query'];
const ACTOR: OptionName[] = ['reason', 'dry-run', 'json'];

/** The options each command accepts (besides --help and --token, which every command takes). */
const OWN_OPTIONS: Record<string, readonly OptionName[]> = {
  stuck: [...FILTERS, 'kind', 'attempts', 'not-picked-up', 'poller-stale', 'json'],
  cases: [...FILTERS, 'closed', 'json'],
  explain: ['not-picked-up', 'poller-stale', 'json'],
  retry: [...ACTOR, 'activity', 'allow-reset'],
  reset: [...ACTOR, 'to', 'first', 'reapply-events'],
  cancel: ACTOR,
  terminate: ACTOR,
  send: [...ACTOR, 'event'],
  bulk: [...ACTOR, ...FILTERS, 'kind', 'attempts', 'not-picked-up', 'poller-stale', 'closed', 'stuck', 'rate', 'max', 'allow-reset', 'to', 'reapply-events', 'event'],
  export: ['out'],
  replay: [...FILTERS, 'closed', 'file', 'workflows', 'json'],
  audit: ['json', 'from', 'to', 'dry-run'],
  reproject: ['reason', 'dry-run', 'json', 'all'],
};

export const COMMAND_OPTIONS: Record<string, readonly OptionName[]> = Object.fromEntries(
  Object.entries(OWN_OPTIONS).map(([command, names]) => [command, [...names, 'token']]),
);

export { UsageError };

export class UnknownOptionError extends Error {
  readonly code = 'UNKNOWN_OPTION';
  constructor(
    readonly option: string,
    command: string | undefined,
  ) {
    super(
      command && COMMAND_OPTIONS[command]
        ? `"${command}" has no option ${option} (it takes: ${COMMAND_OPTIONS[command].map((o) => `--${o}`).join(' ') || 'none'})`
        : `unknown option ${option}`,
    );
  }
}

const SHORT = new Map(Object.entries(OPTIONS).flatMap(([name, o]) => ('short' in o ? [[`-${o.short}`, name]] : [])));

/** Parses argv: options by name, everything else (in order) positional. Throws UnknownOptionError. */
export function parseOpsArgs(argv: readonly string[]): { values: Values; positionals: string[] } {
  const optionTokens: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const name = a.slice(2).split('=')[0];
      const decl = (OPTIONS as Record<string, { type: string }>)[name];
      if (!decl) throw new UnknownOptionError(`--${name}`, positionals[0]);
      if (decl.type === 'string' && !a.includes('=')) {
        // The next token is the value, even when it starts with "-" (e.g. --query '-…').
        if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
        optionTokens.push(`--${name}=${argv[++i]}`);
      } else optionTokens.push(a);
      continue;
    }
    if (SHORT.has(a)) {
      optionTokens.push(`--${SHORT.get(a)}`);
      continue;
    }
    positionals.push(a); // includes ids beginning with "-"
  }
  const { values } = parseArgs({ args: optionTokens, options: OPTIONS, allowPositionals: false, strict: true });
  const command = positionals[0];
  const allowed = command ? COMMAND_OPTIONS[command] : undefined;
  if (allowed) {
    for (const name of Object.keys(values)) {
      if (name !== 'help' && !allowed.includes(name as OptionName)) throw new UnknownOptionError(`--${name}`, command);
    }
  }
  return { values, positionals };
}
