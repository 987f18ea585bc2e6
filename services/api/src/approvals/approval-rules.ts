import { type Approval, type PortfolioStatePayload, type PriceUsed } from '@ballast/contracts';
import { Decimal, parseDecimal } from '@ballast/domain-portfolio';
import { type Principal } from '../auth/roles';

/**
 * The rules of approving a proposal, as pure functions (no I/O, clock passed in), so that each
 * rule is tested on its own and the service only loads, decides and stores.
 */

/** `superseded`: the ledger changed after the proposal was computed; its orders were never sent. */
export const PROPOSAL_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'superseded'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

export interface ApprovableProposal {
  status: ProposalStatus;
  /** 0, 1 or 2 people (orders.proposed `approval.approversRequired`). */
  approversRequired: number;
  /** The user who requested the rebalance this proposal answers, when a person did. */
  proposedBy: string | null;
  approvals: readonly Approval[];
  expiresAt: Date;
}

export type ApprovalCheck =
  { ok: true; complete: boolean } | { ok: false; status: 403 | 409; code: ApprovalRefusal; message: string };

export type ApprovalRefusal = 'not-pending' | 'expired' | 'proposer-four-eyes' | 'already-approved';

/**
 * May `principal` add an approval now, and does it complete the proposal? Refusals:
 * - not pending (decided or expired before): 409;
 * - past `expiresAt`: 409 (the service marks the proposal expired);
 * - above the four-eyes threshold (two approvers), the person who requested the rebalance: 403;
 * - a person who already approved it: 409 (a second approval needs a second person).
 */
export function checkApproval(proposal: ApprovableProposal, principal: Principal, now: Date): ApprovalCheck {
  if (proposal.status !== 'pending') {
    return { ok: false, status: 409, code: 'not-pending', message: `the proposal is ${proposal.status}` };
  }
  if (now.getTime() >= proposal.expiresAt.getTime()) {
    return {
      ok: false,
      status: 409,
      code: 'expired',
      message: `the proposal expired at ${proposal.expiresAt.toISOString()}`,
    };
  }
  if (proposal.approversRequired >= 2 && proposal.proposedBy === principal.userId) {
    return {
      ok: false,
      status: 403,
      code: 'proposer-four-eyes',
      message: `${principal.userId} requested this rebalance; above the four-eyes threshold two other people approve it`,
    };
  }
  const people = proposal.approvals.flatMap((approval) =>
    approval.kind === 'person' ? [approval.userId] : [],
  );
  if (people.includes(principal.userId)) {
    return {
      ok: false,
      status: 409,
      code: 'already-approved',
      message: `${principal.userId} has already approved; a second, different approver is needed`,
    };
  }
  return { ok: true, complete: people.length + 1 >= proposal.approversRequired };
}

export interface MovedPrice {
  symbol: string;
  priceUsed: string;
  latestPrice: string;
  /** |latest - used| / used, in basis points (rounded to 0.01). */
  movedBps: number;
}

/**
 * Symbols whose latest price moved more than `toleranceBps` from the price the proposal was
 * computed with. A symbol with no newer price than the proposal's has not moved (nothing says it
 * did); the move is measured exactly in decimals, compared strictly (a move of exactly the
 * tolerance passes).
 */
export function movedPrices(
  pricesUsed: readonly PriceUsed[],
  latest: ReadonlyMap<string, { price: string; asOfMillis: number }>,
  toleranceBps: number,
): MovedPrice[] {
  const moved: MovedPrice[] = [];
  for (const used of pricesUsed) {
    const current = latest.get(used.symbol);
    if (current === undefined || current.asOfMillis <= Date.parse(used.asOf)) continue;
    const before = parseDecimal(used.price);
    const after = parseDecimal(current.price);
    if (before === undefined || after === undefined || before.lte(0)) continue;
    const bps = after.minus(before).abs().dividedBy(before).times(10_000);
    if (bps.gt(new Decimal(toleranceBps))) {
      moved.push({
        symbol: used.symbol,
        priceUsed: used.price,
        latestPrice: current.price,
        movedBps: bps.toDecimalPlaces(2).toNumber(),
      });
    }
  }
  return moved;
}

/**
 * The parts of a snapshot a proposal's orders depend on: what each account holds (cash, positions,
 * lots), the targets and the policies. Everything else is metadata the orders do not depend on:
 * the name, the household, `transactions` and `lastRebalance` (they change only together with the
 * holdings), `appliedOrderIds`, `version` and `updatedAt`. A change of targets or policy counts even
 * though no price is involved: the orders were planned toward the old ones.
 */
export const MATERIAL_STATE_FIELDS = ['accounts', 'targets', 'policy', 'planningPolicy', 'sleeves'] as const;
export type MaterialStateField = (typeof MATERIAL_STATE_FIELDS)[number];

export interface LedgerChange {
  proposalVersion: number;
  currentVersion: number;
  /** The material fields that differ; every one of them when the proposal's version is unknown. */
  changed: MaterialStateField[];
  message: string;
}

/**
 * Has the ledger changed, since the version a proposal was computed from, in a way its orders
 * depend on? `proposed` is the snapshot at the proposal's `stateVersion` (null when the ledger does
 * not hold that version: then any other version counts as changed). Null when nothing material
 * changed, however many versions passed (a rename bumps the version but moves no money).
 */
export function ledgerChange(
  proposalVersion: number,
  proposed: PortfolioStatePayload | null,
  current: PortfolioStatePayload,
): LedgerChange | null {
  if (current.version === proposalVersion) return null;
  const changed =
    proposed === null
      ? [...MATERIAL_STATE_FIELDS]
      : MATERIAL_STATE_FIELDS.filter((field) => canonical(proposed[field]) !== canonical(current[field]));
  if (changed.length === 0) return null;
  return {
    proposalVersion,
    currentVersion: current.version,
    changed,
    message:
      `the proposal was computed from ledger version ${proposalVersion}; the portfolio is at version ${current.version} ` +
      `(${proposed === null ? `version ${proposalVersion} is not in the history` : `changed: ${changed.join(', ')}`}): ` +
      'superseded, a new proposal is needed',
  };
}

/** JSON with object keys sorted, so that two equal snapshots compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
