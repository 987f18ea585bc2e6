import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminController } from './admin.controller';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator.service';

@Global()
@Module({
  controllers: [AdminController],
  providers: [Authenticator, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [Authenticator],
})
export class AuthModule {}
