import { Module } from '@nestjs/common';
import { PORTFOLIO_STATE_TOPIC } from '@ballast/contracts';
import { BallastConfigModule } from '@ballast/platform-config';
import { BallastDatabaseModule } from '@ballast/platform-database';
import { BallastHealthModule } from '@ballast/platform-health';
import { BallastKafkaModule, MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { BallastLoggingModule } from '@ballast/platform-logging';
import { API_SERVICE, apiConfigSchema } from './config/api.config';
import { API_MIGRATIONS } from './migrations';
import { Portfolio } from './portfolios/portfolio.entity';
import { PortfoliosModule } from './portfolios/portfolios.module';

@Module({
  imports: [
    BallastConfigModule.forRoot(apiConfigSchema),
    BallastLoggingModule.forRoot(API_SERVICE),
    BallastDatabaseModule.forRoot({
      serviceName: API_SERVICE,
      entities: [...MESSAGING_ENTITIES, Portfolio],
      migrations: API_MIGRATIONS,
    }),
    BallastKafkaModule.forRoot({
      serviceName: API_SERVICE,
      topics: [PORTFOLIO_STATE_TOPIC],
      consumerGroups: [],
    }),
    BallastHealthModule,
    PortfoliosModule,
  ],
})
export class AppModule {}
