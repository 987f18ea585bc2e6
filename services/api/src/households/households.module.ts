import { Module } from '@nestjs/common';
import { HouseholdsController, HouseholdsService } from './households.controller';

@Module({ controllers: [HouseholdsController], providers: [HouseholdsService] })
export class HouseholdsModule {}
