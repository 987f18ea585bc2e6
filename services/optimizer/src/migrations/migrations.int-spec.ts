import { MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { migrationRoundTrip } from '@ballast/testing';
import { OPTIMIZER_ENTITIES } from '../proposals/optimizer.entities';
import { OPTIMIZER_MIGRATIONS } from './index';

describe('optimizer migrations', () => {
  it('apply on an empty schema, revert completely with down(), and apply again', async () => {
    const result = await migrationRoundTrip(
      {
        serviceName: 'optimizer',
        entities: [...MESSAGING_ENTITIES, ...OPTIMIZER_ENTITIES],
        migrations: OPTIMIZER_MIGRATIONS,
      },
      process.env['DATABASE_URL'] ?? '',
    );
    expect(result.tablesAfterUp).toEqual([
      'inbox_message',
      'outbox_message',
      'portfolio_snapshot',
      'proposal',
    ]);
    expect(result.tablesAfterDown).toEqual([]);
    expect(result.tablesAfterSecondUp).toEqual(result.tablesAfterUp);
  });
});
