import { type DriftDetectedPayload, type DriftTrigger } from '@ballast/contracts';
import { type LedgerDocument } from '@ballast/platform-ledger-snapshot';

/** A trigger in words, for the explanation: `VTI over (absolute-band)`, `sleeve bonds (sleeve-band)`, `calendar 2024-04-01`. */
export function describeTrigger(trigger: DriftTrigger): string {
  switch (trigger.kind) {
    case 'absolute-band':
    case 'relative-band':
      return `${trigger.symbol} ${trigger.direction} (${trigger.kind})`;
    case 'sleeve-band':
      return `sleeve ${trigger.sleeve} (${trigger.kind})`;
    case 'calendar':
      return `calendar date ${trigger.scheduled}`;
    case 'cash-flow':
      return `cash flow of ${trigger.amount} in ${trigger.accountId}`;
    case 'cash-buffer':
      return `cash buffer of ${trigger.accountId} (${trigger.cash} held, ${trigger.required} required)`;
  }
}

/** The pending cash flow a drift reports, which the run plans with (and adds the cash-flow scenario for). */
export function cashFlowOf(drift: DriftDetectedPayload): { accountId: string; amount: string } | null {
  const trigger = drift.triggers.find((t) => t.kind === 'cash-flow');
  return trigger === undefined ? null : { accountId: trigger.accountId, amount: trigger.amount };
}

/**
 * The bands the monitor actually applied: with adaptive bands, the regime scales the policy's bands
 * (`regime.bandScale`) and its cooldown (`regime.cooldownDays`); the band scenario must trade what is
 * out of those bands, not of the unscaled ones. Every numeric band of the file's `policy.bands`
 * (policy-wide, per symbol, per sleeve) is scaled, capped at 1; `null` (switched off) stays off.
 */
export function withRegimeBands(document: LedgerDocument, drift: DriftDetectedPayload): LedgerDocument {
  const regime = drift.regime;
  if (
    regime === undefined ||
    (regime.bandScale === 1 && document.policy['cooldownDays'] === regime.cooldownDays)
  ) {
    return document;
  }
  const scale = (value: unknown): unknown =>
    typeof value === 'number' ? Math.min(1, value * regime.bandScale) : value;
  const scaleBands = (bands: unknown): unknown => {
    if (typeof bands !== 'object' || bands === null || Array.isArray(bands)) return bands;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(bands as Record<string, unknown>)) {
      out[key] =
        key === 'absolute' || key === 'relative'
          ? scale(value)
          : key === 'symbols' || key === 'sleeves'
            ? mapValues(value, scaleBands)
            : value;
    }
    return out;
  };
  return {
    ...document,
    policy: {
      ...document.policy,
      bands: scaleBands(document.policy['bands']),
      cooldownDays: regime.cooldownDays,
    },
  };
}

function mapValues(value: unknown, map: (entry: unknown) => unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, map(v)]));
}
