import { CreateMessagingTables1763800000000 } from '@ballast/platform-kafka';
import { CreateMonitorTables1763800000300 } from './1763800000300-create-monitor-tables';
import { MonitorTriggersStaleRisk1763800000310 } from './1763800000310-monitor-triggers-stale-risk';
import { SupersededProposals1763800000320 } from './1763800000320-superseded-proposals';
import { RearmAtVersion1763800000330 } from './1763800000330-rearm-at-version';

/** Every migration of the monitor schema, oldest first. */
export const MONITOR_MIGRATIONS = [
  CreateMessagingTables1763800000000,
  CreateMonitorTables1763800000300,
  MonitorTriggersStaleRisk1763800000310,
  SupersededProposals1763800000320,
  RearmAtVersion1763800000330,
];
