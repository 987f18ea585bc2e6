import { commonEnv, databaseEnv, kafkaEnv } from '@ballast/platform-config';
import { z } from 'zod';

/** Environment of the monitor service; validated at boot (see README for each variable). */
export const monitorConfigSchema = z.object({
  ...commonEnv,
  ...kafkaEnv,
  ...databaseEnv,
});

export type MonitorConfig = z.infer<typeof monitorConfigSchema>;
export const MONITOR_SERVICE = 'monitor';
/** Consumer group of portfolio.state: replicas split the portfolios between them. */
export const PORTFOLIO_STATE_GROUP = 'monitor';
/**
 * Base of the per-instance group of price.tick: every replica reads every tick, since any
 * replica may hold a portfolio with any symbol.
 */
export const PRICE_TICK_GROUP = 'monitor-ticks';
