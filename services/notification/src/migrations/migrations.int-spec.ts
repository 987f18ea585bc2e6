import { MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { migrationRoundTrip } from '@ballast/testing';
import { NOTIFICATION_MIGRATIONS } from './index';

describe('notification migrations', () => {
  it('apply on an empty schema, revert completely with down(), and apply again', async () => {
    const result = await migrationRoundTrip(
      { serviceName: 'notification', entities: [...MESSAGING_ENTITIES], migrations: NOTIFICATION_MIGRATIONS },
      process.env['DATABASE_URL'] ?? '',
    );
    expect(result.tablesAfterUp).toEqual([
      'household_preferences',
      'inbox_message',
      'notification',
      'notification_delivery',
      'outbox_message',
      'parked_event',
      'portfolio_directory',
    ]);
    expect(result.tablesAfterDown).toEqual([]);
    expect(result.tablesAfterSecondUp).toEqual(result.tablesAfterUp);
  });
});
