export { ConsumerGroupJoinTimeoutError, runService, type ServiceDefinition } from './lib/run-service';
export { ZodBodyPipe } from './lib/zod-body.pipe';
