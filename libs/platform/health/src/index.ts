export { BallastHealthModule } from './lib/health.module';
