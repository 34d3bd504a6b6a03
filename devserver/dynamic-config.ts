/**
 * The Temporal CLI's `--dynamic-config-value KEY=VALUE` for the limits the devserver enforces, under Temporal's
 * own keys. An unknown key or a value that is not a positive integer is an error, never ignored.
 */
import type { DevServerOptions } from './index';
import type { HistoryLimitOptions } from './engine/history-limits';

const HISTORY_KEYS: Record<string, keyof HistoryLimitOptions> = {
  'limit.historyCount.suggestContinueAsNew': 'countSuggestContinueAsNew',
  'limit.historySize.suggestContinueAsNew': 'sizeSuggestContinueAsNew',
  'limit.historyCount.warn': 'countWarn',
  'limit.historySize.warn': 'sizeWarn',
  'limit.historyCount.error': 'countError',
  'limit.historySize.error': 'sizeError',
  'history.maxInFlightUpdates': 'maxInFlightUpdates',
  'history.maxTotalUpdates': 'maxTotalUpdates',
};
const BLOB_KEYS: Record<string, 'blobSizeLimitBytes' | 'blobSizeWarnBytes'> = {
  'limit.blobSize.error': 'blobSizeLimitBytes',
  'limit.blobSize.warn': 'blobSizeWarnBytes',
};

export const DYNAMIC_CONFIG_KEYS = [...Object.keys(HISTORY_KEYS), ...Object.keys(BLOB_KEYS)];

export function parseDynamicConfig(values: readonly string[]): Pick<DevServerOptions, 'historyLimits' | 'blobSizeLimitBytes' | 'blobSizeWarnBytes'> {
  const out: Pick<DevServerOptions, 'historyLimits' | 'blobSizeLimitBytes' | 'blobSizeWarnBytes'> = {};
  for (const pair of values) {
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq) : pair;
    const raw = eq > 0 ? pair.slice(eq + 1) : '';
    if (!HISTORY_KEYS[key] && !BLOB_KEYS[key]) throw new Error(`--dynamic-config-value: unknown key "${key}" (known: ${DYNAMIC_CONFIG_KEYS.join(', ')})`);
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || !(value > 0)) throw new Error(`--dynamic-config-value ${key}: "${raw}" is not a positive integer`);
    const h = HISTORY_KEYS[key];
    if (h) out.historyLimits = { ...out.historyLimits, [h]: value };
    else out[BLOB_KEYS[key]!] = value;
  }
  return out;
}
