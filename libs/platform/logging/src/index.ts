export { BallastLoggingModule } from './lib/logging.module';
