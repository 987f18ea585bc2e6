import { Module } from '@nestjs/common';
import { OrdersConsumers } from './orders.consumers';
import { OrdersService } from './orders.service';

@Module({
  controllers: [OrdersConsumers],
  providers: [OrdersService],
})
export class OrdersModule {}
