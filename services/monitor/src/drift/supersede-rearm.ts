import { type OrdersRejectedPayload } from '@ballast/contracts';

/**
 * What a superseded proposal (orders.rejected, stage `approval`, code `ledger-changed`) does to its
 * portfolio's trigger episode:
 *  - `now`: re-arm and evaluate at once, on the snapshot held;
 *  - `at-version`: re-arm when `portfolio.state` reaches `version`, not before.
 */
export type RearmDecision = { kind: 'now' } | { kind: 'at-version'; version: number };

/**
 * The api publishes portfolio.state (the ledger's new version) and the rejections on separate
 * topics, so the rejection may arrive while the monitor still holds the proposal's own version.
 * Evaluating then would fire drift.detected on that stale version: the proposal computed from it is
 * dropped downstream, and the episode it re-opened keeps the new version from firing at all. So the
 * re-arm waits until the held version has caught up with the ledger's at the refusal. A rejection
 * without `ledgerVersion` (a producer older than the field) cannot say what to wait for: it re-arms
 * at once, as before.
 */
export function rearmDecision(
  heldVersion: number,
  rejected: Pick<OrdersRejectedPayload, 'ledgerVersion'>,
): RearmDecision {
  const { ledgerVersion } = rejected;
  if (ledgerVersion === undefined || heldVersion >= ledgerVersion) return { kind: 'now' };
  return { kind: 'at-version', version: ledgerVersion };
}

/**
 * A re-arm waiting for `pendingVersion` (null: none waits) is due on a snapshot of `arrivedVersion`:
 * any version at or after it (a later one may come first when versions are coalesced on the
 * compacted topic).
 */
export function rearmDue(pendingVersion: number | null, arrivedVersion: number): boolean {
  return pendingVersion !== null && arrivedVersion >= pendingVersion;
}

/**
 * Two superseded proposals may both be waiting: the portfolio waits for the later version, so that
 * it does not re-arm on a version the ledger has already left behind.
 */
export function laterRearm(pendingVersion: number | null, version: number): number {
  return pendingVersion === null ? version : Math.max(pendingVersion, version);
}
