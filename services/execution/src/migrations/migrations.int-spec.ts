import { MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { migrationRoundTrip } from '@ballast/testing';
import { PAPER_BROKER_ENTITIES } from '../broker/paper/paper-broker.entities';
import { EXECUTION_ENTITIES } from '../execution/execution.entities';
import { EXECUTION_MIGRATIONS } from './index';

describe('execution migrations', () => {
  it('apply on an empty schema, revert completely with down(), and apply again', async () => {
    const result = await migrationRoundTrip(
      {
        serviceName: 'execution',
        entities: [...MESSAGING_ENTITIES, ...EXECUTION_ENTITIES, ...PAPER_BROKER_ENTITIES],
        migrations: EXECUTION_MIGRATIONS,
      },
      process.env['DATABASE_URL'] ?? '',
    );
    expect(result.tablesAfterUp).toEqual([
      'execution_order',
      'execution_proposal',
      'inbox_message',
      'kill_switch',
      'last_price',
      'outbox_message',
      'paper_order',
      'paper_submission',
      'portfolio_snapshot',
    ]);
    expect(result.tablesAfterDown).toEqual([]);
    expect(result.tablesAfterSecondUp).toEqual(result.tablesAfterUp);
  });
});
