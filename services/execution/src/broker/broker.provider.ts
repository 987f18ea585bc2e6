import { type Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { APP_CONFIG } from '@ballast/platform-config';
import { type DataSource } from 'typeorm';
import { type ExecutionConfig } from '../config/execution.config';
import { AlpacaBroker } from './alpaca/alpaca-broker';
import { BROKER, type Broker } from './broker.port';
import { PaperBroker } from './paper/paper-broker';

/** The broker adapter named by EXECUTION_BROKER. */
export const brokerProvider: Provider = {
  provide: BROKER,
  inject: [APP_CONFIG, getDataSourceToken()],
  useFactory: (config: ExecutionConfig, dataSource: DataSource): Broker => {
    switch (config.EXECUTION_BROKER) {
      case 'paper':
        return new PaperBroker(dataSource, {
          commissionPerOrder: config.EXECUTION_COMMISSION_PER_ORDER,
          spreadBps: config.EXECUTION_SPREAD_BPS,
          rejectRate: config.PAPER_REJECT_RATE,
          partialFillRate: config.PAPER_PARTIAL_FILL_RATE,
          timeoutRate: config.PAPER_TIMEOUT_RATE,
          seed: config.PAPER_SEED,
          latencyMs: config.PAPER_LATENCY_MS,
        });
      case 'alpaca':
        return new AlpacaBroker({
          baseUrl: config.ALPACA_BASE_URL,
          // The config schema requires both keys with this broker.
          keyId: config.ALPACA_KEY_ID ?? '',
          secretKey: config.ALPACA_SECRET_KEY ?? '',
          timeoutMs: config.ALPACA_TIMEOUT_MS,
        });
    }
  },
};
