import { API_ENTITIES } from '../entities';
import { migrationRoundTrip } from '@ballast/testing';
import { API_MIGRATIONS } from './index';

describe('api migrations', () => {
  it('apply on an empty schema, revert completely with down(), and apply again', async () => {
    const result = await migrationRoundTrip(
      { serviceName: 'api', entities: API_ENTITIES, migrations: API_MIGRATIONS },
      process.env['DATABASE_URL'] ?? '',
    );
    expect(result.tablesAfterUp).toEqual([
      'api_key',
      'applied_fill',
      'household',
      'household_member',
      'inbox_message',
      'latest_price',
      'outbox_message',
      'portfolio',
      'portfolio_version',
      'proposal',
      'proposal_decision',
      'rebalance_request',
    ]);
    expect(result.tablesAfterDown).toEqual([]);
    expect(result.tablesAfterSecondUp).toEqual(result.tablesAfterUp);
  });
});
