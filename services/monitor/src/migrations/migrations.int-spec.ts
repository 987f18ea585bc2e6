import { MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { migrationRoundTrip } from '@ballast/testing';
import { MONITOR_ENTITIES } from '../drift/monitor.entities';
import { MONITOR_MIGRATIONS } from './index';

describe('monitor migrations', () => {
  it('apply on an empty schema, revert completely with down(), and apply again', async () => {
    const result = await migrationRoundTrip(
      {
        serviceName: 'monitor',
        entities: [...MESSAGING_ENTITIES, ...MONITOR_ENTITIES],
        migrations: MONITOR_MIGRATIONS,
      },
      process.env['DATABASE_URL'] ?? '',
    );
    expect(result.tablesAfterUp).toEqual([
      'daily_close',
      'inbox_message',
      'latest_price',
      'monitored_portfolio',
      'outbox_message',
      'portfolio_symbol',
      'portfolio_value',
      'stale_symbol',
      'superseded_proposal',
    ]);
    expect(result.tablesAfterDown).toEqual([]);
    expect(result.tablesAfterSecondUp).toEqual(result.tablesAfterUp);
  });
});
