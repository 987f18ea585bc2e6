import { commonEnv, databaseEnv, kafkaEnv, redisEnv, requireSaslCredentials } from '@ballast/platform-config';
import path from 'node:path';
import { z } from 'zod';

/** services/market-data/assets, from src/config in the source tree and in the built output alike. */
export const BUNDLED_ASSETS_DIR = path.resolve(__dirname, '../../assets');

/** Environment of the market-data service; validated at boot (see README for each variable). */
export const marketDataConfigSchema = z
  .object({
    ...commonEnv,
    ...kafkaEnv,
    ...databaseEnv,
    ...redisEnv,
    /**
     * Folder the replay provider may read prices CSV files from (requests name a file inside it).
     * Defaults to the service's bundled assets, wherever the service runs from (source or image).
     */
    REPLAY_DIR: z.string().min(1).default(BUNDLED_ASSETS_DIR),
    /** A file in REPLAY_DIR to replay at boot; unset: replays start through `POST /replay`. */
    REPLAY_AUTOSTART_FILE: z.string().min(1).optional(),
    /** Pause between two trading days of a replay; 0 replays as fast as Kafka takes it. */
    REPLAY_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(1_000),
    /** Currency of replayed prices (the CSV carries none). */
    REPLAY_CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default('USD'),
    /** How long the last price of a symbol stays in Redis after its last update. */
    LAST_PRICE_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .default(7 * 24 * 3600),
  })
  .superRefine(requireSaslCredentials);

export type MarketDataConfig = z.infer<typeof marketDataConfigSchema>;
export const MARKET_DATA_SERVICE = 'market-data';
/** Consumer group of prices.raw. */
export const RAW_PRICES_GROUP = 'market-data';
