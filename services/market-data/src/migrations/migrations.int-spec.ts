import { MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { migrationRoundTrip } from '@ballast/testing';
import { MARKET_DATA_ENTITIES_EXTRA } from '../history/daily-bar.entity';
import { LastPrice } from '../prices/last-price.entity';
import { MARKET_DATA_MIGRATIONS } from './index';

describe('market-data migrations', () => {
  it('apply on an empty schema, revert completely with down(), and apply again', async () => {
    const result = await migrationRoundTrip(
      {
        serviceName: 'market-data',
        entities: [...MESSAGING_ENTITIES, LastPrice, ...MARKET_DATA_ENTITIES_EXTRA],
        migrations: MARKET_DATA_MIGRATIONS,
      },
      process.env['DATABASE_URL'] ?? '',
    );
    expect(result.tablesAfterUp).toEqual([
      'daily_bar',
      'inbox_message',
      'last_price',
      'outbox_message',
      'portfolio_symbols',
      'stale_episode',
    ]);
    expect(result.tablesAfterDown).toEqual([]);
    expect(result.tablesAfterSecondUp).toEqual(result.tablesAfterUp);
  });
});
