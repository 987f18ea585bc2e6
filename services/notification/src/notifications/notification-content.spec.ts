import {
  type DriftTrigger,
  driftDetectedPayloadSchema,
  ordersExecutedPayloadSchema,
  ordersProposedPayloadSchema,
  ordersRejectedPayloadSchema,
  priceStalePayloadSchema,
  riskAlertPayloadSchema,
} from '@ballast/contracts';
import {
  aDriftDetected,
  anOrdersExecuted,
  anOrdersProposed,
  anOrdersRejected,
  aPriceStale,
  aRiskAlert,
  PORTFOLIO_ID,
  PROPOSAL_ID,
} from '../testing/events.builder';
import {
  approvalRequiredContent,
  describeTrigger,
  driftContent,
  orderExecutedContent,
  orderRejectedContent,
  priceStaleContent,
  riskAlertContent,
  sumDecimals,
} from './notification-content';

const portfolio = { portfolioId: PORTFOLIO_ID, name: 'Retirement' };

describe('notification content', () => {
  it('uses valid example events (a builder that drifts from the contracts would test nothing)', () => {
    expect(driftDetectedPayloadSchema.safeParse(aDriftDetected()).success).toBe(true);
    expect(ordersProposedPayloadSchema.safeParse(anOrdersProposed()).success).toBe(true);
    expect(ordersExecutedPayloadSchema.safeParse(anOrdersExecuted()).success).toBe(true);
    expect(ordersRejectedPayloadSchema.safeParse(anOrdersRejected()).success).toBe(true);
    expect(riskAlertPayloadSchema.safeParse(aRiskAlert()).success).toBe(true);
    expect(priceStalePayloadSchema.safeParse(aPriceStale()).success).toBe(true);
  });

  it('drift: names the portfolio, the symbol out of band, by how much and the band', () => {
    const content = driftContent(aDriftDetected(), portfolio);
    expect(content.kind).toBe('drift');
    expect(content.title).toBe('Drift in Retirement: VTI out of band');
    // 25137 / 36952 = 68.03%, 8.0 points over the 60% target.
    expect(content.text).toContain('VTI is 8.0 points over its target (band 5.0 points)');
    expect(content.text).toContain('Total value 36952.00 USD');
    expect(content.facts).toMatchObject({ portfolioId: PORTFOLIO_ID, stateVersion: 1 });
  });

  it('drift from other triggers: each described, and a kind not known here still reported by name', () => {
    const calendar = {
      kind: 'calendar',
      frequency: 'quarterly',
      day: 1,
      scheduled: '2024-04-01',
      lastRebalance: null,
    } as unknown as DriftTrigger;
    const future = { kind: 'tracking-band', symbol: 'VTI' } as unknown as DriftTrigger;
    const content = driftContent(aDriftDetected({ triggers: [calendar, future] }), portfolio);
    expect(content.title).toBe('Rebalance triggered for Retirement: calendar, VTI');
    expect(content.text).toContain('the quarterly rebalance scheduled for 2024-04-01 is due (last never)');
    expect(content.text).toContain('trigger tracking-band (VTI)');
    expect(
      describeTrigger({
        kind: 'cash-flow',
        accountId: 'acct-1',
        amount: '5000.00',
      } as unknown as DriftTrigger),
    ).toBe('a cash flow of 5000.00 is pending in account acct-1');
  });

  it('approval required: says how many approvers, lists every order, the tax and the expiry', () => {
    const content = approvalRequiredContent(anOrdersProposed(), portfolio);
    expect(content.kind).toBe('approval-required');
    expect(content.title).toBe('Approval needed: 2 order(s) for Retirement');
    expect(content.text).toContain('two approvers (four eyes)');
    expect(content.text).toContain('leg 1: sell 14 VTI in acct-taxable at about 251.37 (3519.18 USD)');
    expect(content.text).toContain('leg 2: buy 48 BND');
    expect(content.text).toContain('Estimated tax 61.88 USD');
    expect(content.text).toContain(`Proposal ${PROPOSAL_ID} expires at 2024-03-16T14:30:00Z`);
    expect(content.facts).toMatchObject({ proposalId: PROPOSAL_ID, approversRequired: 2 });
  });

  it('executed: the fills and the exact sum of their fees', () => {
    const content = orderExecutedContent(anOrdersExecuted(), portfolio);
    expect(content.title).toBe('Executed: sell 14 VTI for Retirement');
    expect(content.text).toContain('fill paper-1-a: 10 at 251.30, fee 0.50');
    expect(content.text).toContain('Fees 0.75 USD.');
    expect(content.facts).toMatchObject({ fees: '0.75', status: 'filled' });
  });

  it('executed in part: says how much of the request filled', () => {
    const content = orderExecutedContent(
      anOrdersExecuted({
        status: 'partially-filled',
        requestedQuantity: '20',
        filledQuantity: '14',
      }),
      portfolio,
    );
    expect(content.text).toContain('partially-filled: 14 of 20 requested');
  });

  it('executed after a cut to the available cash: says what was approved, what was sent and why', () => {
    const content = orderExecutedContent(
      anOrdersExecuted({
        side: 'buy',
        symbol: 'BND',
        requestedQuantity: '14',
        filledQuantity: '14',
        reduction: {
          approvedQuantity: '20',
          reason: 'reduced-to-available-cash',
          detail: 'buy 20 BND in acct-taxable needs 1441.14; 1010.00 available: 14 sent (1009.10)',
        },
      }),
      portfolio,
    );
    expect(content.text).toContain(
      'Sent 14 of the 20 approved (reduced-to-available-cash): buy 20 BND in acct-taxable needs 1441.14; 1010.00 available: 14 sent (1009.10).',
    );
    expect(content.facts).toMatchObject({ reduction: { approvedQuantity: '20' } });
  });

  it('rejected by the api because the ledger changed: the approval stage and both versions', () => {
    const content = orderRejectedContent(
      anOrdersRejected({
        stage: 'approval',
        code: 'ledger-changed',
        reason:
          'the proposal was computed from ledger version 7; the portfolio is at version 9 (changed: accounts): superseded, a new proposal is needed',
      }),
      portfolio,
    );
    expect(content.title).toBe('Rejected: buy 48 BND for Retirement (ledger-changed)');
    expect(content.text).toContain('rejected at the approval stage: ledger-changed');
    expect(content.text).toContain('ledger version 7; the portfolio is at version 9');
  });

  it('rejected: the code, the stage and the reason for people', () => {
    const content = orderRejectedContent(anOrdersRejected(), portfolio);
    expect(content.title).toBe('Rejected: buy 48 BND for Retirement (price-collar)');
    expect(content.text).toContain('rejected at the pre-trade stage: price-collar');
    expect(content.text).toContain('the collar is 2.0%');
  });

  it('risk alert: the limit, the value and the threshold', () => {
    const content = riskAlertContent(aRiskAlert(), portfolio);
    expect(content.title).toBe('Risk limit breached in Retirement: max-drawdown');
    expect(content.text).toContain('max-drawdown: 0.23 > limit 0.2');
  });

  it('stale price: the symbol, the last price and every portfolio paused', () => {
    const content = priceStaleContent(aPriceStale(), [
      portfolio,
      { portfolioId: PROPOSAL_ID, name: 'College' },
    ]);
    expect(content.title).toBe('Stale price: BND (rebalancing paused for 2 portfolio(s))');
    expect(content.text).toContain('the last price 72.10 is from 2024-03-15T14:30:00Z');
    expect(content.text).toContain('paused until a fresh price arrives for: Retirement, College');
  });

  it('stale price never priced: says so instead of naming a price', () => {
    const content = priceStaleContent(aPriceStale({ lastPrice: null, lastPriceAt: null }), [portfolio]);
    expect(content.text).toContain('no price was ever received');
  });

  it('sums decimal strings exactly', () => {
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimals(['1.005', '2', '-0.005'])).toBe('3');
    expect(sumDecimals([])).toBe('0');
  });
});
