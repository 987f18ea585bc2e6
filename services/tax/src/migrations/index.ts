import { CreateMessagingTables1763800000000 } from '@ballast/platform-kafka';
import { CreateTaxTables1763800000500 } from './1763800000500-create-tax-tables';
import { PortfolioSnapshotHousehold1763800000510 } from './1763800000510-portfolio-snapshot-household';
import { RejectedLeg1763800000520 } from './1763800000520-rejected-leg';

/** Every migration of the tax schema, oldest first. */
export const TAX_MIGRATIONS = [
  CreateMessagingTables1763800000000,
  CreateTaxTables1763800000500,
  PortfolioSnapshotHousehold1763800000510,
  RejectedLeg1763800000520,
];
