import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  composeBuild,
  composeDependsOn,
  type ComposeFile,
  composeService,
  composeServiceEnvironment,
  DeployManifestError,
  interpolateCompose,
  loadComposeFile,
  referencedHosts,
} from './deploy-manifests';

// libs/testing/src/lib -> repository root.
const repoRoot = path.resolve(__dirname, '../../../..');
const composePath = path.join(repoRoot, 'docker-compose.yml');
const INFRASTRUCTURE = ['kafka', 'redis', 'postgres'] as const;

/** Every deployable: a folder under services/ with a src/main.ts. */
const deployables = readdirSync(path.join(repoRoot, 'services'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .filter((name) => existsSync(path.join(repoRoot, 'services', name, 'src', 'main.ts')))
  .sort();

describe('docker-compose.yml', () => {
  let compose: ComposeFile;

  beforeAll(() => {
    compose = loadComposeFile(composePath);
  });

  it('finds the deployables to check (a spec over no service checks nothing)', () => {
    expect(deployables).toEqual(expect.arrayContaining(['api', 'market-data', 'monitor']));
  });

  it.each(INFRASTRUCTURE)('runs %s from an image, with a healthcheck', (name) => {
    const service = composeService(compose, name);
    expect(service.image).toMatch(/^[a-z0-9./-]+:[A-Za-z0-9._-]+$/);
    expect(service.healthcheck?.disable).not.toBe(true);
    expect(service.healthcheck?.test).toEqual(expect.arrayContaining([expect.stringMatching(/^CMD/)]));
  });

  it('runs Kafka from the official image as a single KRaft node that creates no topic by itself', () => {
    const kafka = composeService(compose, 'kafka');
    const env = composeServiceEnvironment(compose, 'kafka');
    expect(kafka.image).toMatch(/^apache\/kafka:\d+\.\d+\.\d+$/);
    expect(env['KAFKA_PROCESS_ROLES']?.split(',').sort()).toEqual(['broker', 'controller']);
    expect(env['KAFKA_CONTROLLER_QUORUM_VOTERS']).toMatch(/^1@[\w.-]+:\d+$/);
    expect(env['KAFKA_AUTO_CREATE_TOPICS_ENABLE']).toBe('false');
    expect(env['KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS']).toBe('0');
    for (const factor of [
      'KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR',
      'KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR',
      'KAFKA_TRANSACTION_STATE_LOG_MIN_ISR',
    ]) {
      expect([factor, env[factor]]).toEqual([factor, '1']);
    }
    // The address the services are given must be one the broker advertises.
    expect(env['KAFKA_ADVERTISED_LISTENERS']?.split(',')).toContain('PLAINTEXT://kafka:9092');
    expect(kafka.healthcheck?.test).toEqual(
      expect.arrayContaining(['/opt/kafka/bin/kafka-broker-api-versions.sh']),
    );
  });

  describe.each(deployables)('service %s', (name) => {
    it('is built from the shared Dockerfile with SERVICE set to its name', () => {
      const build = composeBuild(compose, name);
      expect(build).toBeDefined();
      expect(path.resolve(repoRoot, build?.context ?? '')).toBe(repoRoot);
      expect(build?.args['SERVICE']).toBe(name);
      const dockerfile = path.resolve(repoRoot, build?.context ?? '', build?.dockerfile ?? '');
      expect(existsSync(dockerfile)).toBe(true);
    });

    it('has a readiness healthcheck', () => {
      const healthcheck = composeService(compose, name).healthcheck;
      expect(healthcheck?.disable).not.toBe(true);
      expect(JSON.stringify(healthcheck?.test)).toContain('/health/ready');
    });

    it('waits for every container its environment points at to be healthy', () => {
      const env = composeServiceEnvironment(compose, name);
      const hosts = [...referencedHosts(env)].filter((host) => host in compose.services);
      // KAFKA_BROKERS and DATABASE_URL at least: a service config that names neither is a bug here.
      expect(hosts).toEqual(expect.arrayContaining(['kafka', 'postgres']));
      const dependsOn = composeDependsOn(compose, name);
      for (const host of hosts) {
        expect([host, dependsOn[host]]).toEqual([host, 'service_healthy']);
      }
    });

    it('publishes its HTTP port on a host port of its own', () => {
      const published = Object.entries(compose.services).flatMap(([other, service]) =>
        (service.ports ?? []).map(
          (port) =>
            [
              other,
              typeof port === 'object' ? String(port['published']) : String(port).split(':')[0],
            ] as const,
        ),
      );
      const own = published.filter(([other]) => other === name);
      expect(own).toHaveLength(1);
      expect(published.filter(([, port]) => port === own[0]?.[1])).toHaveLength(1);
    });
  });

  it('names no service without a src/main.ts as a build (stale entries fail here)', () => {
    const built = Object.keys(compose.services).filter((name) => composeBuild(compose, name) !== undefined);
    expect(built.sort()).toEqual(deployables);
  });
});

describe('deploy/docker/Dockerfile', () => {
  const dockerfile = readFileSync(path.join(repoRoot, 'deploy/docker/Dockerfile'), 'utf8');

  it('builds any service from one ARG SERVICE', () => {
    expect(dockerfile).toMatch(/^ARG SERVICE$/m);
    expect(dockerfile).toMatch(/node deploy\/build-service\.mjs "?\$\{?SERVICE\}?"?/);
  });

  it('runs on a Node.js LTS image no older than package.json engines allows', () => {
    const major = Number(/^ARG NODE_VERSION=(\d+)$/m.exec(dockerfile)?.[1]);
    // LTS lines are the even majors.
    expect(major % 2).toBe(0);
    const engines = (
      JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
        engines: { node: string };
      }
    ).engines.node;
    expect(major).toBeGreaterThanOrEqual(Number(/(\d+)/.exec(engines)?.[1]));
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
    for (const base of bases.filter((image) => !/^(deps|build|prod-deps)$/.test(image ?? ''))) {
      expect(base).toBe('node:${NODE_VERSION}-bookworm-slim');
    }
  });

  it('runs as the unprivileged node user with a liveness healthcheck', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/health\/live/m);
    expect(runtime).toMatch(/^CMD \["node", "--enable-source-maps", "\/app\/main\.js"\]$/m);
  });

  it('has a BuildKit ignore file that keeps host artefacts out of the context', () => {
    const ignored = readFileSync(path.join(repoRoot, 'deploy/docker/Dockerfile.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim());
    expect(ignored).toEqual(
      expect.arrayContaining([
        '**/node_modules',
        'dist',
        '.nx',
        'deploy/local/.data',
        'test/.results',
        '.git',
      ]),
    );
  });
});

describe('composeServiceEnvironment', () => {
  const compose = parse(`
services:
  listed:
    environment:
      - KAFKA_BROKERS=kafka:9092
      - DATABASE_URL=postgres://u:p=q@db:5432/x
      - FROM_HOST
  mapped:
    environment:
      HTTP_PORT: 3000
      DEBUG: false
      FROM_HOST:
      IMAGE_TAG: \${TAG:-dev}
      PRICE: $$5
`) as ComposeFile;

  it('reads the list form, splitting at the first "=" and leaving host pass-throughs out', () => {
    expect(composeServiceEnvironment(compose, 'listed')).toEqual({
      KAFKA_BROKERS: 'kafka:9092',
      DATABASE_URL: 'postgres://u:p=q@db:5432/x',
    });
  });

  it('reads the map form, numbers and booleans as strings, interpolated', () => {
    expect(composeServiceEnvironment(compose, 'mapped')).toEqual({
      HTTP_PORT: '3000',
      DEBUG: 'false',
      IMAGE_TAG: 'dev',
      PRICE: '$5',
    });
    expect(composeServiceEnvironment(compose, 'mapped', { TAG: '1.2.3' })['IMAGE_TAG']).toBe('1.2.3');
  });

  it('names a missing service', () => {
    expect(() => composeServiceEnvironment(compose, 'nope')).toThrow(/no service "nope"/);
  });

  it('interpolates like Compose, failing on a required variable', () => {
    expect(interpolateCompose('${A}-${B:-b}-${C-c}', { A: 'a', B: '', C: '' })).toBe('a-b-');
    expect(() => interpolateCompose('${SECRET:?set it}')).toThrow(DeployManifestError);
  });

  it('finds the hosts an environment points at', () => {
    expect([...referencedHosts(composeServiceEnvironment(compose, 'listed'))].sort()).toEqual([
      'db',
      'kafka',
    ]);
  });
});
