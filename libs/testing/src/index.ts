export {
  InfrastructureUnavailableError,
  portAnswers,
  resolveInfrastructure,
  type ResolvedService,
  type TestInfrastructure,
} from './lib/infrastructure';
export { waitFor, WaitTimeoutError } from './lib/wait-for';
export { KafkaTestClient, type ReceivedMessage } from './lib/kafka-test-client';
export { buildService, ServiceProcess } from './lib/service-process';
export { randomPort, uniqueRunId } from './lib/ids';
export { migrationRoundTrip, type MigrationRoundTrip } from './lib/migrations';
