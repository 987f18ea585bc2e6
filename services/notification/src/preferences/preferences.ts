import { z } from 'zod';
import {
  type Channel,
  CHANNELS,
  NOTIFICATION_KINDS,
  type NotificationKind,
} from '../notifications/notification-kinds';

/** Household ids are the ledger's (portfolio.state `householdId`): opaque, non-empty, URL-safe. */
export const householdIdSchema = z
  .string()
  .min(1, 'is required')
  .max(200, 'is at most 200 characters')
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, dot, underscore, colon and dash only');

const channelList = z
  .array(z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(', ')}` }))
  .max(CHANNELS.length)
  .refine((channels) => new Set(channels).size === channels.length, 'lists a channel twice');

/**
 * Body of `PUT /households/:id/preferences`: the whole preference set, replaced at once.
 * `routes` maps a notification kind to its channels; a kind left out keeps the default (in-app).
 * An empty list silences the kind. The webhook secret is write-only: never returned.
 */
export const preferencesRequestSchema = z
  .object({
    routes: z.partialRecord(z.enum(NOTIFICATION_KINDS), channelList).default({}),
    email: z
      .object({
        recipients: z
          .array(z.email('must be an email address'))
          .min(1, 'lists at least one recipient')
          .max(20),
      })
      .nullable()
      .default(null),
    webhook: z
      .object({
        url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
        /** HMAC-SHA256 key shared with the receiver; at least 16 characters so it cannot be guessed. */
        secret: z.string().min(16, 'must be at least 16 characters').max(500),
      })
      .nullable()
      .default(null),
  })
  .strict()
  .superRefine((preferences, context) => {
    for (const [kind, channels] of Object.entries(preferences.routes)) {
      if (channels?.includes('email') && preferences.email === null) {
        context.addIssue({
          code: 'custom',
          path: ['routes', kind],
          message: 'routes to email but no email recipients are set',
        });
      }
      if (channels?.includes('webhook') && preferences.webhook === null) {
        context.addIssue({
          code: 'custom',
          path: ['routes', kind],
          message: 'routes to webhook but no webhook is set',
        });
      }
    }
  });

export type PreferencesRequest = z.infer<typeof preferencesRequestSchema>;

/** A household's stored preferences, secret included (never leaves the service). */
export interface HouseholdPreferences {
  householdId: string;
  routes: Partial<Record<NotificationKind, Channel[]>>;
  emailRecipients: string[];
  webhookUrl: string | null;
  webhookSecret: string | null;
  updatedAt: string | null;
}

/** What a household without preferences gets: every kind in the in-app feed, nothing sent out. */
export const DEFAULT_CHANNELS: readonly Channel[] = ['in-app'];

export function defaultPreferences(householdId: string): HouseholdPreferences {
  return {
    householdId,
    routes: {},
    emailRecipients: [],
    webhookUrl: null,
    webhookSecret: null,
    updatedAt: null,
  };
}

/** The channels of one kind: the household's route, else the default. */
export function channelsFor(preferences: HouseholdPreferences, kind: NotificationKind): readonly Channel[] {
  return preferences.routes[kind] ?? DEFAULT_CHANNELS;
}

/** The response of GET/PUT: every kind's effective channels, and whether a webhook secret is set (never its value). */
export function publicView(preferences: HouseholdPreferences) {
  return {
    householdId: preferences.householdId,
    routes: Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, [...channelsFor(preferences, kind)]])),
    email: preferences.emailRecipients.length > 0 ? { recipients: preferences.emailRecipients } : null,
    webhook:
      preferences.webhookUrl === null
        ? null
        : { url: preferences.webhookUrl, secretSet: preferences.webhookSecret !== null },
    updatedAt: preferences.updatedAt,
  };
}
