import { MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { migrationRoundTrip } from '@ballast/testing';
import { TAX_ENTITIES } from '../orders/tax.entities';
import { TAX_MIGRATIONS } from './index';

describe('tax migrations', () => {
  it('apply on an empty schema, revert completely with down(), and apply again', async () => {
    const result = await migrationRoundTrip(
      { serviceName: 'tax', entities: [...MESSAGING_ENTITIES, ...TAX_ENTITIES], migrations: TAX_MIGRATIONS },
      process.env['DATABASE_URL'] ?? '',
    );
    expect(result.tablesAfterUp).toEqual([
      'inbox_message',
      'outbox_message',
      'portfolio_snapshot',
      'rejected_leg',
      'tax_decision',
    ]);
    expect(result.tablesAfterDown).toEqual([]);
    expect(result.tablesAfterSecondUp).toEqual(result.tablesAfterUp);
  });
});
