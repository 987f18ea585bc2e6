import { loadConfig } from '@ballast/platform-config';
import { describeDeploymentContract, deploymentEnvironment } from '@ballast/testing';
import { EXECUTION_SERVICE, executionConfigSchema } from './execution.config';

// The environments execution is deployed with (docker-compose.yml, deploy/k8s base and overlays)
// must pass the same validation as at boot: see describeDeploymentContract for the shared checks.
const { composeEnvironment, targets } = describeDeploymentContract({
  service: EXECUTION_SERVICE,
  configSchema: executionConfigSchema,
  databaseSchema: 'execution',
  // One replica: proposals are leased, so an overlap is safe, but one broker gateway is the design.
  scaling: { replicas: () => 1, autoscaled: false, podDisruptionBudget: false },
});

describe('execution broker settings', () => {
  it('docker-compose.yml: the paper broker, with the kill switch off', () => {
    const config = loadConfig(executionConfigSchema, composeEnvironment);
    expect([config.EXECUTION_BROKER, config.EXECUTION_KILL_SWITCH]).toEqual(['paper', false]);
  });

  it.each(targets.map((target) => [target.name, target] as const))(
    'deploy/k8s/%s: a broker whose settings validate (Alpaca keys only with Alpaca)',
    (_name, target) => {
      const config = loadConfig(
        executionConfigSchema,
        deploymentEnvironment(target.resources, EXECUTION_SERVICE),
      );
      expect(config.EXECUTION_BROKER === 'paper' || config.ALPACA_KEY_ID !== undefined).toBe(true);
    },
  );
});
