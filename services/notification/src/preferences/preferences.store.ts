import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type Channel, type NotificationKind } from '../notifications/notification-kinds';
import { defaultPreferences, type HouseholdPreferences, type PreferencesRequest } from './preferences';

interface PreferencesRow {
  household_id: string;
  routes: Partial<Record<NotificationKind, Channel[]>>;
  email_recipients: string[];
  webhook_url: string | null;
  webhook_secret: string | null;
  updated_at: Date;
}

/** household_preferences: read by the intake (in the consumer's transaction) and the REST API. */
@Injectable()
export class PreferencesStore {
  async get(manager: EntityManager, householdId: string): Promise<HouseholdPreferences> {
    const rows = await manager.query<PreferencesRow[]>(
      `SELECT household_id, routes, email_recipients, webhook_url, webhook_secret, updated_at
       FROM household_preferences WHERE household_id = $1`,
      [householdId],
    );
    const row = rows[0];
    if (row === undefined) return defaultPreferences(householdId);
    return {
      householdId: row.household_id,
      routes: row.routes,
      emailRecipients: row.email_recipients,
      webhookUrl: row.webhook_url,
      webhookSecret: row.webhook_secret,
      updatedAt: row.updated_at.toISOString(),
    };
  }

  async put(
    manager: EntityManager,
    householdId: string,
    request: PreferencesRequest,
  ): Promise<HouseholdPreferences> {
    await manager.query(
      `INSERT INTO household_preferences (household_id, routes, email_recipients, webhook_url, webhook_secret, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (household_id) DO UPDATE
         SET routes = EXCLUDED.routes, email_recipients = EXCLUDED.email_recipients,
             webhook_url = EXCLUDED.webhook_url, webhook_secret = EXCLUDED.webhook_secret, updated_at = now()`,
      [
        householdId,
        JSON.stringify(request.routes),
        request.email?.recipients ?? [],
        request.webhook?.url ?? null,
        request.webhook?.secret ?? null,
      ],
    );
    return this.get(manager, householdId);
  }
}
