import { Counter, register } from 'prom-client';

/** Bounded labels only (outcome, stage, code, broker): never an order or proposal id. */
function counter<Label extends string>(
  name: string,
  help: string,
  labelNames: readonly Label[],
): Counter<Label> {
  return (
    (register.getSingleMetric(name) as Counter<Label> | undefined) ?? new Counter({ name, help, labelNames })
  );
}

export const finishedOrders = counter(
  'ballast_execution_orders_total',
  'Orders that reached a final state, by outcome (filled, partially-filled, rejected), stage and code',
  ['outcome', 'stage', 'code', 'broker'],
);

export const brokerSubmissions = counter(
  'ballast_execution_broker_submissions_total',
  'Submissions made to the broker (more than one per order only after a request that never arrived)',
  ['broker'],
);

export const unknownOutcomes = counter(
  'ballast_execution_unknown_outcomes_total',
  'Orders whose broker outcome became unknown (timeout, reset, 5xx) and had to be looked up',
  ['broker'],
);
