import { Injectable, Logger } from '@nestjs/common';
import {
  type EnvelopeMetadata,
  type OrdersExecutedPayload,
  type OrdersRejectedPayload,
  type PortfolioStatePayload,
} from '@ballast/contracts';
import { Decimal, toDecimal, toDecimalString } from '@ballast/domain-portfolio';
import { UnprocessableMessageError } from '@ballast/platform-kafka';
import { type EntityManager } from 'typeorm';
import { applyTrade, LedgerError } from '../portfolios/ledger';
import { InvalidPortfolioStateError, PortfolioLedger } from '../portfolios/portfolio-ledger';
import { ApprovalsService } from './approvals.service';
import { AppliedFill, type LegState, Proposal } from './proposal.entities';

/**
 * The ledger side of execution: orders.executed fills are booked once each (by client order id and
 * fill id, whatever message carries them), sells relieving the lots the tax service selected, and a
 * new portfolio.state follows; orders.rejected marks the leg.
 */
@Injectable()
export class FillsService {
  private readonly logger = new Logger(FillsService.name);

  constructor(
    private readonly ledger: PortfolioLedger,
    private readonly approvals: ApprovalsService,
  ) {}

  async onOrdersExecuted(
    manager: EntityManager,
    executed: OrdersExecutedPayload,
    cause: EnvelopeMetadata,
  ): Promise<void> {
    const proposal = await this.lockProposal(manager, executed.proposalId, executed.portfolioId);
    const order = proposal.payload.orders.find((candidate) => candidate.leg === executed.leg);
    if (
      order === undefined ||
      order.symbol !== executed.symbol ||
      order.side !== executed.side ||
      order.accountId !== executed.accountId
    ) {
      throw new UnprocessableMessageError(
        `orders.executed leg ${executed.leg} (${executed.side} ${executed.symbol} in ${executed.accountId}) matches no order of proposal ${executed.proposalId}`,
      );
    }
    const stored = await this.ledger.lock(manager, executed.portfolioId);
    if (stored === null)
      throw new UnprocessableMessageError(`portfolio ${executed.portfolioId} does not exist`);

    const leg = proposal.legs.find((candidate) => candidate.leg === executed.leg) ?? newLeg(executed.leg);
    let state: PortfolioStatePayload = stored.state;
    const applied: string[] = [];
    for (const fill of executed.fills) {
      const already = await manager.existsBy(AppliedFill, {
        clientOrderId: executed.clientOrderId,
        fillId: fill.fillId,
      });
      if (already) continue;
      const date = fill.at.slice(0, 10);
      // What is left of the tax service's selection after the earlier fills of this leg.
      const selection = order.lots.map((lot) => ({
        lotId: lot.lotId,
        quantity: toDecimalString(
          Decimal.max(
            0,
            toDecimal(lot.quantity, 'lot').minus(toDecimal(leg.relieved[lot.lotId] ?? '0', 'relieved')),
          ),
        ),
      }));
      try {
        const booked = applyTrade(state, {
          accountId: executed.accountId,
          symbol: executed.symbol,
          side: executed.side,
          quantity: fill.quantity,
          price: fill.price,
          fee: fill.fee,
          date,
          lotSelection: selection.filter((lot) => lot.quantity !== '0'),
          newLotId: `${executed.clientOrderId}-${fill.fillId}`,
        });
        state = { ...booked.state, lastRebalance: date };
        for (const relief of booked.relieved) {
          leg.relieved[relief.lotId] = toDecimalString(
            toDecimal(leg.relieved[relief.lotId] ?? '0', 'relieved').plus(
              toDecimal(relief.quantity, 'relief'),
            ),
          );
        }
      } catch (error) {
        if (error instanceof LedgerError) {
          // The broker did trade: an operator must reconcile; the message waits in the dead-letter topic.
          throw new UnprocessableMessageError(
            `fill ${fill.fillId} of ${executed.clientOrderId} cannot be booked: ${error.message}`,
          );
        }
        throw error;
      }
      leg.fills.push({
        fillId: fill.fillId,
        quantity: fill.quantity,
        price: fill.price,
        fee: fill.fee,
        at: fill.at,
      });
      leg.filledQuantity = toDecimalString(
        toDecimal(leg.filledQuantity, 'filled').plus(toDecimal(fill.quantity, 'fill')),
      );
      leg.fees = toDecimalString(toDecimal(leg.fees, 'fees').plus(toDecimal(fill.fee, 'fee')));
      applied.push(fill.fillId);
    }
    if (applied.length === 0) {
      this.logger.log(`orders.executed ${executed.clientOrderId}: every fill already applied`);
      return;
    }
    leg.status = executed.status;
    if (executed.reduction !== undefined) {
      // Execution sent less than approved (a buy cut to the cash known after the sells).
      leg.reduction = {
        approvedQuantity: executed.reduction.approvedQuantity,
        sentQuantity: executed.requestedQuantity,
        reason: executed.reduction.reason,
        detail: executed.reduction.detail,
      };
    }
    let committed: PortfolioStatePayload;
    try {
      committed = await this.ledger.commit(manager, stored, state, {
        cause: 'fill',
        causedBy: `message:${cause.id}`,
        publish: { correlationId: cause.correlationId, causationId: cause.id },
        applying: [executed.clientOrderId],
      });
    } catch (error) {
      if (error instanceof InvalidPortfolioStateError) throw new UnprocessableMessageError(error.message);
      throw error;
    }
    await manager.insert(
      AppliedFill,
      applied.map((fillId) => ({
        clientOrderId: executed.clientOrderId,
        fillId,
        portfolioId: executed.portfolioId,
        portfolioVersion: committed.version,
      })),
    );
    await this.saveLeg(manager, proposal, leg);
    await this.approvals.decide(manager, proposal, 'leg-executed', executed.broker, {
      leg: executed.leg,
      clientOrderId: executed.clientOrderId,
      fills: applied,
      filledQuantity: leg.filledQuantity,
      status: leg.status,
      portfolioVersion: committed.version,
      ...(leg.reduction === undefined ? {} : { reduction: leg.reduction }),
    });
  }

  async onOrdersRejected(manager: EntityManager, rejected: OrdersRejectedPayload): Promise<void> {
    const proposal = await this.lockProposal(manager, rejected.proposalId, rejected.portfolioId);
    const leg = proposal.legs.find((candidate) => candidate.leg === rejected.leg);
    if (leg === undefined) {
      throw new UnprocessableMessageError(
        `orders.rejected leg ${rejected.leg} is not a leg of proposal ${rejected.proposalId}`,
      );
    }
    if (leg.status === 'rejected') return;
    leg.status = 'rejected';
    leg.rejection = {
      code: rejected.code,
      stage: rejected.stage,
      reason: rejected.reason,
      at: rejected.rejectedAt,
    };
    await this.saveLeg(manager, proposal, leg);
    await this.approvals.decide(manager, proposal, 'leg-rejected', rejected.stage, {
      leg: rejected.leg,
      clientOrderId: rejected.clientOrderId,
      code: rejected.code,
      reason: rejected.reason,
    });
  }

  private async lockProposal(
    manager: EntityManager,
    proposalId: string,
    portfolioId: string,
  ): Promise<Proposal> {
    const proposal = await manager.findOne(Proposal, {
      where: { proposalId },
      lock: { mode: 'pessimistic_write' },
    });
    if (proposal === null || proposal.portfolioId !== portfolioId) {
      throw new UnprocessableMessageError(
        `no proposal ${proposalId} for portfolio ${portfolioId} was approved here`,
      );
    }
    return proposal;
  }

  private async saveLeg(manager: EntityManager, proposal: Proposal, leg: LegState): Promise<void> {
    const legs = proposal.legs.some((candidate) => candidate.leg === leg.leg)
      ? proposal.legs.map((candidate) => (candidate.leg === leg.leg ? leg : candidate))
      : [...proposal.legs, leg];
    proposal.legs = legs;
    await manager.update(Proposal, { proposalId: proposal.proposalId }, { legs });
  }
}

function newLeg(leg: number): LegState {
  return {
    leg,
    status: 'approved',
    filledQuantity: '0',
    fees: '0',
    fills: [],
    relieved: {},
    rejection: null,
  };
}
