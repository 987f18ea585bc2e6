import 'reflect-metadata';
import { kafkaServer } from '@ballast/platform-kafka';
import { runService } from '@ballast/platform-runtime';
import { AppModule } from './app.module';
import {
  PORTFOLIO_STATE_GROUP,
  PROPOSAL_GROUP,
  PROPOSAL_KAFKA,
  REJECTION_GROUP,
  REJECTION_KAFKA,
  TAX_SERVICE,
  type TaxConfig,
} from './config/tax.config';

void runService<TaxConfig>({
  name: TAX_SERVICE,
  module: AppModule,
  kafkaServers: (config) => {
    const proposals = kafkaServer(config, TAX_SERVICE, PROPOSAL_GROUP);
    proposals.setTransportId(PROPOSAL_KAFKA);
    const rejections = kafkaServer(config, TAX_SERVICE, REJECTION_GROUP);
    rejections.setTransportId(REJECTION_KAFKA);
    return [kafkaServer(config, TAX_SERVICE, PORTFOLIO_STATE_GROUP), proposals, rejections];
  },
}).catch((error: unknown) => {
  // The Nest logger may not be up yet (a config error is thrown while modules are created).
  process.stderr.write(`${TAX_SERVICE} failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
