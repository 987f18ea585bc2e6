export { redisKey } from './lib/redis-keys';
export {
  BallastRedisModule,
  REDIS_CLIENT,
  RedisUnavailableError,
  connectRedis,
  createRedisClient,
} from './lib/redis.module';
