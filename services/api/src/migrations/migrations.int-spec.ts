import { MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { migrationRoundTrip } from '@ballast/testing';
import { Portfolio } from '../portfolios/portfolio.entity';
import { API_MIGRATIONS } from './index';

describe('api migrations', () => {
  it('apply on an empty schema, revert completely with down(), and apply again', async () => {
    const result = await migrationRoundTrip(
      { serviceName: 'api', entities: [...MESSAGING_ENTITIES, Portfolio], migrations: API_MIGRATIONS },
      process.env['DATABASE_URL'] ?? '',
    );
    expect(result.tablesAfterUp).toEqual(['inbox_message', 'outbox_message', 'portfolio']);
    expect(result.tablesAfterDown).toEqual([]);
    expect(result.tablesAfterSecondUp).toEqual(result.tablesAfterUp);
  });
});
