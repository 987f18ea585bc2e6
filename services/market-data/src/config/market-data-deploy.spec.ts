import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '@ballast/platform-config';
import { describeDeploymentContract, deploymentEnvironment, workloadEnvironment } from '@ballast/testing';
import { MARKET_DATA_SERVICE, marketDataConfigSchema } from './market-data.config';

// The environments market-data is deployed with (docker-compose.yml, deploy/k8s base and overlays)
// must pass the same validation as at boot: see describeDeploymentContract for the shared checks.
const { repoRoot, composeEnvironment, targets } = describeDeploymentContract({
  service: MARKET_DATA_SERVICE,
  configSchema: marketDataConfigSchema,
  databaseSchema: 'market_data',
  connectionVariables: ['KAFKA_BROKERS', 'DATABASE_URL', 'DATABASE_SCHEMA', 'REDIS_URL'],
  configMapVariables: ['KAFKA_BROKERS', 'REDIS_URL'],
  // Exactly one replica, never two side by side: the replay provider is a single writer.
  scaling: { replicas: () => 1, autoscaled: false, strategy: 'Recreate', podDisruptionBudget: false },
});

/**
 * Where the image holds the service's assets: deploy/build-service.mjs copies
 * services/market-data/assets to dist/market-data/services/market-data/assets, and the
 * Dockerfile copies dist/market-data to /app/dist/market-data.
 */
const IMAGE_ASSETS_DIR = '/app/dist/market-data/services/market-data/assets';
const MIGRATION_JOB = `${MARKET_DATA_SERVICE}-migrate`;

/** The replay settings must name a file that the image actually holds. */
function expectReplayFileInImage(config: { REPLAY_DIR: string; REPLAY_AUTOSTART_FILE?: string | undefined }) {
  expect(config.REPLAY_DIR).toBe(IMAGE_ASSETS_DIR);
  if (config.REPLAY_AUTOSTART_FILE !== undefined) {
    const inRepository = path.join(repoRoot, 'services/market-data/assets', config.REPLAY_AUTOSTART_FILE);
    expect([inRepository, existsSync(inRepository)]).toEqual([inRepository, true]);
  }
}

describe('market-data replay settings', () => {
  it('docker-compose.yml: connects to Redis and replays the bundled history from boot', () => {
    const config = loadConfig(marketDataConfigSchema, composeEnvironment);
    expect(config.REDIS_URL).toBe('redis://redis:6379');
    expect(config.REPLAY_AUTOSTART_FILE).toBe('etf-prices-2008-2016.csv');
    expect(config.REPLAY_INTERVAL_MS).toBe(1_000);
    expectReplayFileInImage(config);
  });

  describe.each(targets)('deploy/k8s/$name', ({ resources }) => {
    it('replays, if at all, a file the image holds', () => {
      expectReplayFileInImage(
        loadConfig(marketDataConfigSchema, deploymentEnvironment(resources, MARKET_DATA_SERVICE)),
      );
    });

    it('does not give the migration Job a replay to start', () => {
      // Boot starts no replay in migrate mode, but the Job must not carry the setting either.
      expect(
        loadConfig(marketDataConfigSchema, workloadEnvironment(resources, 'Job', MIGRATION_JOB))
          .REPLAY_AUTOSTART_FILE,
      ).toBeUndefined();
    });
  });
});
