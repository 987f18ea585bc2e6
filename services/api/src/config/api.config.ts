import { commonEnv, databaseEnv, kafkaEnv, requireSaslCredentials } from '@ballast/platform-config';
import { z } from 'zod';

/** Environment of the API service; validated at boot (see README for each variable). */
export const apiConfigSchema = z
  .object({
    ...commonEnv,
    ...kafkaEnv,
    ...databaseEnv,
  })
  .superRefine(requireSaslCredentials);

export type ApiConfig = z.infer<typeof apiConfigSchema>;
export const API_SERVICE = 'api';
