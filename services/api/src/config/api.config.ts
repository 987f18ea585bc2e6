import { commonEnv, databaseEnv, kafkaEnv, requireSaslCredentials } from '@ballast/platform-config';
import { z } from 'zod';

const optionalSecret = (minLength: number, what: string) =>
  z.string().min(minLength, `must be at least ${minLength} characters (${what})`).optional();

/** Environment of the API service; validated at boot (see README for each variable). */
export const apiConfigSchema = z
  .object({
    ...commonEnv,
    ...kafkaEnv,
    ...databaseEnv,
    /**
     * An admin API key given to the service from a Secret, so that the first keys can be minted
     * (`POST /admin/api-keys`). Only its SHA-256 is kept in memory. Unset: no bootstrap admin.
     */
    API_BOOTSTRAP_ADMIN_KEY: optionalSecret(32, 'a high-entropy random key'),
    /** The user id the bootstrap key authenticates as. */
    API_BOOTSTRAP_ADMIN_USER: z
      .string()
      .regex(/^[A-Za-z0-9._@:-]{1,100}$/, 'letters, digits and . _ @ : - only')
      .default('bootstrap-admin'),
    /** JWT bearer tokens: `HS256` with JWT_SECRET, or `RS256` with JWT_PUBLIC_KEY (PEM, SPKI). */
    JWT_ALGORITHM: z.enum(['HS256', 'RS256']).default('HS256'),
    JWT_SECRET: optionalSecret(32, 'HS256 needs 256 bits of key'),
    JWT_PUBLIC_KEY: z.string().min(1).optional(),
    /** Checked on every token (`iss`, `aud`); required when JWTs are enabled. */
    JWT_ISSUER: z.string().min(1).optional(),
    JWT_AUDIENCE: z.string().min(1).optional(),
    /**
     * How far a symbol's latest price may have moved since the proposal's `pricesUsed`, in basis
     * points of the price used, before a person's approval is refused as stale (200 = 2%).
     */
    APPROVAL_PRICE_TOLERANCE_BPS: z.coerce.number().int().min(0).max(10_000).default(200),
    /** How long execution may act on an approval (the `expiresAt` of orders.approved). */
    APPROVED_ORDERS_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(10)
      .max(7 * 86_400)
      .default(900),
    /** How often pending proposals past their expiry are marked expired (see ProposalExpirySweeper). */
    API_EXPIRY_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  })
  .superRefine(requireSaslCredentials)
  .superRefine((config, context) => {
    const issue = (path: string, message: string) =>
      context.addIssue({ code: 'custom', path: [path], message });
    const key = config.JWT_ALGORITHM === 'HS256' ? 'JWT_SECRET' : 'JWT_PUBLIC_KEY';
    const other = config.JWT_ALGORITHM === 'HS256' ? 'JWT_PUBLIC_KEY' : 'JWT_SECRET';
    if (config[other] !== undefined) issue(other, `is not used with JWT_ALGORITHM=${config.JWT_ALGORITHM}`);
    if (config[key] !== undefined) {
      // A token from another issuer or for another audience must never be accepted.
      if (config.JWT_ISSUER === undefined) issue('JWT_ISSUER', `is required when ${key} is set`);
      if (config.JWT_AUDIENCE === undefined) issue('JWT_AUDIENCE', `is required when ${key} is set`);
    }
  });

export type ApiConfig = z.infer<typeof apiConfigSchema>;
export const API_SERVICE = 'api';
/** Consumer group of orders.proposed, orders.executed and orders.rejected: replicas split portfolios. */
export const ORDERS_GROUP = 'api';
/** Consumer group of price.tick: the latest price per symbol goes into the shared database, once. */
export const PRICE_TICK_GROUP = 'api-prices';
