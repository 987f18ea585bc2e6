import { type OrdersProposedPayload, type RejectionCode, type RejectionStage } from '@ballast/contracts';
import { type PendingProposal } from './household-view';

/** An orders.proposed this service published on a portfolio's current state version, not yet expired. */
export interface PublishedProposal {
  readonly proposalId: string;
  readonly portfolioId: string;
  readonly orders: OrdersProposedPayload['orders'];
}

/** One leg refused on orders.rejected. */
export interface LegRejection {
  readonly proposalId: string;
  readonly leg: number;
  readonly stage: RejectionStage;
  readonly code: RejectionCode;
}

/**
 * Whether a refused leg can still trade. Every refusal is final (the api's `ledger-changed` sends
 * nothing to execution; execution's pre-trade checks and the broker's refusal end the leg), except
 * `outcome-unknown`: the broker was unreachable while the order was working, so it may have filled;
 * until someone reconciles it, the leg keeps counting, erring towards flagging a wash.
 */
export function legMayStillTrade(rejection: Pick<LegRejection, 'code'>): boolean {
  return rejection.code === 'outcome-unknown';
}

/**
 * The household's pending proposals for the wash-sale check: each published proposal without the
 * legs that were refused for good. A proposal whose every leg was refused (a proposal the api
 * superseded because the ledger changed, or one execution refused at pre-trade) is no longer
 * pending at all: none of its buys will happen, so none can wash a loss sale (IRS Publication 550,
 * "Wash Sales": the rule is about securities bought, not proposed).
 */
export function pendingProposals(
  published: readonly PublishedProposal[],
  rejections: readonly LegRejection[],
): PendingProposal[] {
  const refused = new Set(
    rejections
      .filter((rejection) => !legMayStillTrade(rejection))
      .map((rejection) => legKey(rejection.proposalId, rejection.leg)),
  );
  const pending: PendingProposal[] = [];
  for (const proposal of published) {
    const orders = proposal.orders.filter((order) => !refused.has(legKey(proposal.proposalId, order.leg)));
    if (orders.length === 0) continue;
    pending.push({ proposalId: proposal.proposalId, portfolioId: proposal.portfolioId, orders });
  }
  return pending;
}

function legKey(proposalId: string, leg: number): string {
  return `${proposalId}#${leg}`;
}
