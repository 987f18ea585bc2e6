import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { type z } from 'zod';

/**
 * Readers for the deployment manifests (docker-compose.yml, deploy/k8s) so that unit specs can
 * check them against the services' config schemas without Docker or a cluster: files are read
 * and parsed, nothing is run.
 */

/** A manifest is missing, malformed, or uses something these readers do not understand. */
export class DeployManifestError extends Error {
  override readonly name = 'DeployManifestError';
}

type YamlRecord = Record<string, unknown>;

function isRecord(value: unknown): value is YamlRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalarToString(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new DeployManifestError(
    `${where}: expected a string, number or boolean, got ${JSON.stringify(value)}`,
  );
}

// ---------------------------------------------------------------------------------------------
// docker-compose.yml
// ---------------------------------------------------------------------------------------------

export interface ComposeHealthcheck {
  test?: string | string[];
  disable?: boolean;
  interval?: string;
  timeout?: string;
  start_period?: string;
  retries?: number;
}

export interface ComposeBuild {
  context?: string;
  dockerfile?: string;
  args?: Record<string, string | number | null> | string[];
}

export interface ComposeService {
  image?: string;
  build?: string | ComposeBuild;
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: ComposeHealthcheck;
  depends_on?: string[] | Record<string, { condition?: string; required?: boolean }>;
  ports?: (string | number | YamlRecord)[];
  command?: string | string[];
  [field: string]: unknown;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  [field: string]: unknown;
}

/** Parses a Compose file (anchors and aliases resolved); throws when it has no `services` map. */
export function loadComposeFile(file: string): ComposeFile {
  const document = parse(readFileSync(file, 'utf8'), { merge: true }) as unknown;
  if (!isRecord(document) || !isRecord(document['services'])) {
    throw new DeployManifestError(`${file}: not a Compose file (no "services" map)`);
  }
  for (const [name, service] of Object.entries(document['services'])) {
    if (!isRecord(service)) throw new DeployManifestError(`${file}: service "${name}" is not a map`);
  }
  return document as ComposeFile;
}

export function composeService(compose: ComposeFile, name: string): ComposeService {
  const service = compose.services[name];
  if (!service) {
    throw new DeployManifestError(
      `docker-compose has no service "${name}" (has: ${Object.keys(compose.services).join(', ')})`,
    );
  }
  return service;
}

/**
 * Compose's variable interpolation over `variables` (not the host environment, so that specs do
 * not depend on the shell they run in): `$$` is a literal `$`; `${VAR}`/`$VAR` is the variable or
 * empty; `${VAR:-default}` / `${VAR-default}` fall back when unset or empty / unset;
 * `${VAR:?message}` / `${VAR?message}` throw.
 */
export function interpolateCompose(value: string, variables: Record<string, string> = {}): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced?: string, operator?: string, operand?: string, bare?: string) => {
      if (match === '$$') return '$';
      const name = braced ?? bare ?? '';
      const current = variables[name];
      const unset = operator?.startsWith(':')
        ? current === undefined || current === ''
        : current === undefined;
      if (operator?.endsWith('-') && unset) return operand ?? '';
      if (operator?.endsWith('?') && unset) {
        throw new DeployManifestError(`required variable ${name} is not set: ${operand ?? ''}`);
      }
      return current ?? '';
    },
  );
}

/**
 * The environment a Compose service's container gets, from both the map form
 * (`KEY: value`) and the list form (`- KEY=value`), interpolated with `variables`. A variable
 * with no value (`KEY:` or `- KEY`) is passed through from the host by Compose, so it is
 * absent here.
 */
export function composeServiceEnvironment(
  compose: ComposeFile,
  name: string,
  variables: Record<string, string> = {},
): Record<string, string> {
  const environment = composeService(compose, name).environment ?? {};
  const entries: [string, string][] = [];
  if (Array.isArray(environment)) {
    for (const entry of environment) {
      const text = scalarToString(entry, `services.${name}.environment`);
      const equals = text.indexOf('=');
      if (equals > 0) entries.push([text.slice(0, equals), text.slice(equals + 1)]);
    }
  } else if (isRecord(environment)) {
    for (const [key, value] of Object.entries(environment)) {
      if (value !== null && value !== undefined) {
        entries.push([key, scalarToString(value, `services.${name}.environment.${key}`)]);
      }
    }
  } else {
    throw new DeployManifestError(`services.${name}.environment must be a map or a list`);
  }
  return Object.fromEntries(entries.map(([key, value]) => [key, interpolateCompose(value, variables)]));
}

/** `depends_on` as service -> condition; the list form means `service_started`. */
export function composeDependsOn(compose: ComposeFile, name: string): Record<string, string> {
  const dependsOn = composeService(compose, name).depends_on ?? [];
  if (Array.isArray(dependsOn)) {
    return Object.fromEntries(dependsOn.map((dependency) => [dependency, 'service_started']));
  }
  return Object.fromEntries(
    Object.entries(dependsOn).map(([dependency, options]) => [
      dependency,
      options?.condition ?? 'service_started',
    ]),
  );
}

/** A service's `build`, normalised: context (default `.`), dockerfile (default `Dockerfile`), args as a map. */
export function composeBuild(
  compose: ComposeFile,
  name: string,
): { context: string; dockerfile: string; args: Record<string, string> } | undefined {
  const build = composeService(compose, name).build;
  if (build === undefined) return undefined;
  if (typeof build === 'string') return { context: build, dockerfile: 'Dockerfile', args: {} };
  const args: Record<string, string> = {};
  if (Array.isArray(build.args)) {
    for (const entry of build.args) {
      const equals = entry.indexOf('=');
      if (equals > 0) args[entry.slice(0, equals)] = entry.slice(equals + 1);
    }
  } else {
    for (const [key, value] of Object.entries(build.args ?? {})) {
      if (value !== null) args[key] = String(value);
    }
  }
  return { context: build.context ?? '.', dockerfile: build.dockerfile ?? 'Dockerfile', args };
}

/**
 * Host names a set of environment values points at: the host of every URL and of every
 * `host:port` entry of a comma-separated list (KAFKA_BROKERS). Used to check that a service
 * depends on the containers it talks to.
 */
export function referencedHosts(environment: Record<string, string>): Set<string> {
  const hosts = new Set<string>();
  for (const value of Object.values(environment)) {
    for (const entry of value.split(',').map((part) => part.trim())) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) {
        try {
          hosts.add(new URL(entry).hostname);
        } catch {
          // Not a URL after all (a free-text value that merely looks like one): it names no host.
          continue;
        }
      } else {
        const hostPort = /^([A-Za-z0-9.-]+):\d+$/.exec(entry);
        if (hostPort?.[1]) hosts.add(hostPort[1]);
      }
    }
  }
  return hosts;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes manifests (kustomize)
// ---------------------------------------------------------------------------------------------

export interface KubernetesResource {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** Every YAML document of one file (`---`-separated); empty documents are skipped. */
export function readYamlDocuments(file: string): unknown[] {
  return parseYamlDocuments(readFileSync(file, 'utf8'), file);
}

function parseYamlDocuments(text: string, where: string): unknown[] {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return [];
  return documents.flatMap((document) => {
    const error = document.errors[0];
    if (error) throw new DeployManifestError(`${where}: ${error.message}`);
    const value = document.toJS() as unknown;
    return value === null || value === undefined ? [] : [value];
  });
}

function asResource(value: unknown, file: string): KubernetesResource {
  if (
    !isRecord(value) ||
    typeof value['apiVersion'] !== 'string' ||
    typeof value['kind'] !== 'string' ||
    !isRecord(value['metadata']) ||
    typeof value['metadata']['name'] !== 'string'
  ) {
    throw new DeployManifestError(`${file}: a document without apiVersion, kind and metadata.name`);
  }
  return value as KubernetesResource;
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
/** Fields applied by {@link loadKustomizeResources}. */
const APPLIED_FIELDS = new Set(['resources', 'patches', 'images', 'replicas', 'namespace']);
/** Fields that cannot change a container's environment, image or replica count: read past. */
const IGNORED_FIELDS = new Set(['apiVersion', 'kind', 'labels', 'commonLabels', 'commonAnnotations']);
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'StorageClass',
  'PersistentVolume',
]);

/**
 * The resources a kustomization renders, for the parts that decide what a container runs with:
 * `resources` (files, multi-document, and directories holding a kustomization, recursively),
 * `patches` given by `path` or inline `patch` as strategic-merge patches (target found by kind
 * and metadata.name; maps merge, `null` deletes a field, lists of objects that all carry a
 * `name` merge by name, other lists are replaced), then `namespace`, `images` and `replicas`.
 * Label and annotation fields are read past. Anything else (generators, JSON6902 patches,
 * patch targets, components, remote bases) throws, rather than checking something that is not
 * what `kustomize build` produces.
 */
export function loadKustomizeResources(dir: string): KubernetesResource[] {
  const file = KUSTOMIZATION_FILES.map((name) => path.join(dir, name)).find((candidate) =>
    existsSync(candidate),
  );
  if (!file) throw new DeployManifestError(`${dir}: no kustomization.yaml`);
  const kustomization = parse(readFileSync(file, 'utf8')) as unknown;
  if (!isRecord(kustomization)) throw new DeployManifestError(`${file}: not a map`);
  for (const field of Object.keys(kustomization)) {
    if (!APPLIED_FIELDS.has(field) && !IGNORED_FIELDS.has(field)) {
      throw new DeployManifestError(`${file}: "${field}" is not supported by loadKustomizeResources`);
    }
  }

  let resources: KubernetesResource[] = [];
  for (const entry of asList(kustomization['resources'], file, 'resources')) {
    const target = path.resolve(dir, scalarToString(entry, `${file}: resources`));
    if (!existsSync(target))
      throw new DeployManifestError(`${file}: resource ${String(entry)} does not exist`);
    const loaded = statSync(target).isDirectory()
      ? loadKustomizeResources(target)
      : readYamlDocuments(target).map((document) => asResource(document, target));
    for (const resource of loaded) {
      if (resources.some((other) => sameResource(other, resource))) {
        throw new DeployManifestError(`${file}: ${describe(resource)} is listed twice`);
      }
      resources.push(resource);
    }
  }

  for (const entry of asList(kustomization['patches'], file, 'patches')) {
    if (!isRecord(entry) || entry['target'] !== undefined) {
      throw new DeployManifestError(`${file}: only strategic-merge patches without "target" are supported`);
    }
    const documents =
      typeof entry['path'] === 'string'
        ? readYamlDocuments(path.resolve(dir, entry['path']))
        : typeof entry['patch'] === 'string'
          ? parseYamlDocuments(entry['patch'], `${file}: inline patch`)
          : [];
    if (documents.length === 0) throw new DeployManifestError(`${file}: a patch with neither path nor patch`);
    for (const document of documents) {
      const patch = asResource(document, file);
      const index = resources.findIndex((resource) => sameResource(resource, patch));
      if (index < 0) throw new DeployManifestError(`${file}: patch target ${describe(patch)} not found`);
      resources[index] = strategicMerge(resources[index], patch) as KubernetesResource;
    }
  }

  const namespace = kustomization['namespace'];
  if (typeof namespace === 'string') {
    resources = resources.map((resource) =>
      CLUSTER_SCOPED_KINDS.has(resource.kind)
        ? resource
        : { ...resource, metadata: { ...resource.metadata, namespace } },
    );
  }

  for (const entry of asList(kustomization['images'], file, 'images')) {
    if (!isRecord(entry) || typeof entry['name'] !== 'string') {
      throw new DeployManifestError(`${file}: an images entry without a name`);
    }
    const { name, newName, newTag, digest } = entry;
    for (const resource of resources) {
      for (const container of workloadContainers(resource)) {
        if (typeof container['image'] === 'string' && imageName(container['image']) === name) {
          const tag =
            typeof digest === 'string'
              ? `@${digest}`
              : newTag !== undefined
                ? `:${scalarToString(newTag, `${file}: images.newTag`)}`
                : imageTagPart(container['image']);
          container['image'] = `${typeof newName === 'string' ? newName : name}${tag}`;
        }
      }
    }
  }

  for (const entry of asList(kustomization['replicas'], file, 'replicas')) {
    if (!isRecord(entry) || typeof entry['name'] !== 'string' || typeof entry['count'] !== 'number') {
      throw new DeployManifestError(`${file}: a replicas entry needs a name and a count`);
    }
    const target = resources.find(
      (resource) =>
        ['Deployment', 'StatefulSet', 'ReplicaSet'].includes(resource.kind) &&
        resource.metadata.name === entry['name'],
    );
    if (!target || !isRecord(target['spec'])) {
      throw new DeployManifestError(`${file}: replicas for unknown workload "${entry['name']}"`);
    }
    target['spec']['replicas'] = entry['count'];
  }
  return resources;
}

function asList(value: unknown, file: string, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new DeployManifestError(`${file}: "${field}" must be a list`);
  return value;
}

function sameResource(a: KubernetesResource, b: KubernetesResource): boolean {
  return a.kind === b.kind && a.metadata.name === b.metadata.name;
}

function describe(resource: KubernetesResource): string {
  return `${resource.kind}/${resource.metadata.name}`;
}

/** Strategic merge, the subset described at {@link loadKustomizeResources}. Inputs are not modified. */
export function strategicMerge(base: unknown, patch: unknown): unknown {
  if (isRecord(base) && isRecord(patch)) {
    if ('$patch' in patch) throw new DeployManifestError('"$patch" directives are not supported');
    const merged: YamlRecord = structuredClone(base);
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete merged[key];
      else merged[key] = key in base ? strategicMerge(base[key], value) : structuredClone(value);
    }
    return merged;
  }
  if (Array.isArray(base) && Array.isArray(patch) && isNamedList(base) && isNamedList(patch)) {
    const merged: YamlRecord[] = base.map((item) => structuredClone(item));
    for (const item of patch) {
      const index = merged.findIndex((existing) => existing['name'] === item['name']);
      if (index >= 0) merged[index] = strategicMerge(merged[index], item) as YamlRecord;
      else merged.push(structuredClone(item));
    }
    return merged;
  }
  return structuredClone(patch);
}

function isNamedList(list: unknown[]): list is (YamlRecord & { name: string })[] {
  return list.every((item) => isRecord(item) && typeof item['name'] === 'string');
}

function imageName(image: string): string {
  const withoutDigest = image.split('@')[0] ?? image;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon >= 0 ? withoutDigest.slice(0, colon) : withoutDigest;
}

function imageTagPart(image: string): string {
  return image.slice(imageName(image).length);
}

export function findResource(
  resources: readonly KubernetesResource[],
  kind: string,
  name: string,
): KubernetesResource {
  const found = resources.find((resource) => resource.kind === kind && resource.metadata.name === name);
  if (!found) {
    throw new DeployManifestError(
      `no ${kind} "${name}" (have: ${resources.map((resource) => describe(resource)).join(', ')})`,
    );
  }
  return found;
}

/** The pod spec of a workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod). */
export function podSpec(resource: KubernetesResource): YamlRecord {
  const spec = resource['spec'];
  const candidate =
    resource.kind === 'Pod'
      ? spec
      : resource.kind === 'CronJob'
        ? valueAt(spec, ['jobTemplate', 'spec', 'template', 'spec'])
        : valueAt(spec, ['template', 'spec']);
  if (!isRecord(candidate)) throw new DeployManifestError(`${describe(resource)} has no pod spec`);
  return candidate;
}

function valueAt(value: unknown, keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) current = isRecord(current) ? current[key] : undefined;
  return current;
}

function workloadContainers(resource: KubernetesResource): YamlRecord[] {
  if (
    !['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'].includes(resource.kind)
  ) {
    return [];
  }
  const spec = podSpec(resource);
  return [...asRecords(spec['initContainers']), ...asRecords(spec['containers'])];
}

function asRecords(value: unknown): YamlRecord[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** A container of a workload: the named one, or the first. */
export function workloadContainer(resource: KubernetesResource, name?: string): YamlRecord {
  const containers = asRecords(podSpec(resource)['containers']);
  const container = name === undefined ? containers[0] : containers.find((c) => c['name'] === name);
  if (!container) {
    throw new DeployManifestError(`${describe(resource)} has no container ${name ?? ''}`.trimEnd());
  }
  return container;
}

/**
 * Stand-ins for Secret values, which are not in git (they are created in the cluster, see
 * deploy/k8s/README.md): syntactically valid values, so that a config schema can check the rest.
 */
export const SECRET_PLACEHOLDERS: Readonly<Record<string, string>> = {
  DATABASE_URL: 'postgres://ballast:placeholder@postgres.invalid:5432/ballast',
  REDIS_URL: 'redis://:placeholder@redis.invalid:6379',
};

export interface WorkloadEnvironmentOptions {
  /** The container to read; the first one when omitted. */
  container?: string;
  /**
   * Values of Secrets that are not among the resources, by Secret name then key. A `secretKeyRef`
   * to an unknown Secret falls back to {@link SECRET_PLACEHOLDERS} by key; an `envFrom.secretRef`
   * to one needs an entry here, since nothing says which keys it holds.
   */
  secrets?: Record<string, Record<string, string>>;
}

/**
 * The environment a workload's container starts with, resolved from the manifests as the kubelet
 * does: `envFrom` sources in order (a later one wins), then `env` entries (which win over
 * `envFrom`), with `$(VAR)` references to earlier variables expanded. Values come from literals,
 * ConfigMaps and Secrets among the resources, Secrets' placeholders (see
 * {@link WorkloadEnvironmentOptions.secrets}) and the downward API (`metadata.name` is
 * `<workload>-pod`). An optional reference that cannot be resolved is left out; any other
 * unresolvable reference throws, naming it.
 */
export function workloadEnvironment(
  resources: readonly KubernetesResource[],
  kind: string,
  name: string,
  options: WorkloadEnvironmentOptions = {},
): Record<string, string> {
  const workload = findResource(resources, kind, name);
  const container = workloadContainer(workload, options.container);
  const where = `${describe(workload)} container ${String(container['name'])}`;
  const environment: Record<string, string> = {};

  for (const source of asRecords(container['envFrom'])) {
    const prefix = typeof source['prefix'] === 'string' ? source['prefix'] : '';
    const values = envFromValues(resources, source, options, where);
    for (const [key, value] of Object.entries(values ?? {})) environment[`${prefix}${key}`] = value;
  }

  for (const variable of asRecords(container['env'])) {
    const variableName = variable['name'];
    if (typeof variableName !== 'string')
      throw new DeployManifestError(`${where}: an env entry without a name`);
    const value = envValue(resources, workload, variable, options, `${where} env ${variableName}`);
    if (value === undefined) continue;
    environment[variableName] = value.replace(
      /\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
      (match, ref?: string) =>
        match === '$$' ? '$' : ref !== undefined && ref in environment ? (environment[ref] ?? '') : match,
    );
  }
  return environment;
}

/** {@link workloadEnvironment} of a Deployment. */
export function deploymentEnvironment(
  resources: readonly KubernetesResource[],
  name: string,
  options: WorkloadEnvironmentOptions = {},
): Record<string, string> {
  return workloadEnvironment(resources, 'Deployment', name, options);
}

function envFromValues(
  resources: readonly KubernetesResource[],
  source: YamlRecord,
  options: WorkloadEnvironmentOptions,
  where: string,
): Record<string, string> | undefined {
  const configMapRef = source['configMapRef'];
  const secretRef = source['secretRef'];
  const ref = isRecord(configMapRef) ? configMapRef : isRecord(secretRef) ? secretRef : undefined;
  if (!ref || typeof ref['name'] !== 'string') {
    throw new DeployManifestError(`${where}: envFrom needs configMapRef or secretRef with a name`);
  }
  const optional = ref['optional'] === true;
  if (ref === configMapRef) {
    const data = configMapData(resources, ref['name']);
    if (data === undefined && !optional) {
      throw new DeployManifestError(`${where}: ConfigMap ${ref['name']} is not among the resources`);
    }
    return data;
  }
  const data = secretData(resources, ref['name']) ?? options.secrets?.[ref['name']];
  if (data === undefined && !optional) {
    throw new DeployManifestError(
      `${where}: Secret ${ref['name']} is not in the repository; give its keys in options.secrets`,
    );
  }
  return data;
}

function envValue(
  resources: readonly KubernetesResource[],
  workload: KubernetesResource,
  variable: YamlRecord,
  options: WorkloadEnvironmentOptions,
  where: string,
): string | undefined {
  if ('value' in variable) {
    return variable['value'] === null ? '' : scalarToString(variable['value'], where);
  }
  const from = variable['valueFrom'];
  if (!isRecord(from)) return '';
  const configMapKeyRef = from['configMapKeyRef'];
  if (isRecord(configMapKeyRef)) {
    const { name, key, optional } = configMapKeyRef;
    const value =
      typeof name === 'string' && typeof key === 'string' ? configMapData(resources, name)?.[key] : undefined;
    if (value === undefined && optional !== true) {
      throw new DeployManifestError(`${where}: ConfigMap ${String(name)} key ${String(key)} not found`);
    }
    return value;
  }
  const secretKeyRef = from['secretKeyRef'];
  if (isRecord(secretKeyRef)) {
    const { name, key, optional } = secretKeyRef;
    if (typeof name !== 'string' || typeof key !== 'string') {
      throw new DeployManifestError(`${where}: secretKeyRef needs a name and a key`);
    }
    const value =
      secretData(resources, name)?.[key] ?? options.secrets?.[name]?.[key] ?? SECRET_PLACEHOLDERS[key];
    if (value === undefined && optional !== true) {
      throw new DeployManifestError(
        `${where}: Secret ${name} key ${key} is not in the repository and has no placeholder (SECRET_PLACEHOLDERS)`,
      );
    }
    return value;
  }
  const fieldRef = from['fieldRef'];
  if (isRecord(fieldRef) && typeof fieldRef['fieldPath'] === 'string') {
    return downwardField(workload, fieldRef['fieldPath'], where);
  }
  throw new DeployManifestError(`${where}: unsupported valueFrom ${Object.keys(from).join(', ')}`);
}

function downwardField(workload: KubernetesResource, fieldPath: string, where: string): string {
  if (fieldPath === 'metadata.name') return `${workload.metadata.name}-pod`;
  if (fieldPath === 'metadata.namespace') return workload.metadata.namespace ?? 'default';
  if (fieldPath === 'status.podIP' || fieldPath === 'status.hostIP') return '10.0.0.1';
  if (fieldPath === 'spec.nodeName') return 'node-1';
  if (fieldPath === 'spec.serviceAccountName') return 'default';
  const label = /^metadata\.(labels|annotations)\['([^']+)'\]$/.exec(fieldPath);
  if (label?.[1] && label[2]) {
    const template = workload.kind === 'Pod' ? workload : valueAt(workload['spec'], ['template']);
    const values = valueAt(template, ['metadata', label[1]]);
    if (isRecord(values) && typeof values[label[2]] === 'string') return values[label[2]] as string;
  }
  throw new DeployManifestError(`${where}: unsupported fieldRef ${fieldPath}`);
}

function configMapData(
  resources: readonly KubernetesResource[],
  name: string,
): Record<string, string> | undefined {
  const configMap = resources.find(
    (resource) => resource.kind === 'ConfigMap' && resource.metadata.name === name,
  );
  if (!configMap) return undefined;
  return stringMap(configMap['data'], `ConfigMap ${name}`);
}

function secretData(
  resources: readonly KubernetesResource[],
  name: string,
): Record<string, string> | undefined {
  const secret = resources.find((resource) => resource.kind === 'Secret' && resource.metadata.name === name);
  if (!secret) return undefined;
  const decoded = Object.fromEntries(
    Object.entries(stringMap(secret['data'], `Secret ${name}`)).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString('utf8'),
    ]),
  );
  return { ...decoded, ...stringMap(secret['stringData'], `Secret ${name}`) };
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new DeployManifestError(`${where}: data must be a map`);
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [
      key,
      entry === null ? '' : scalarToString(entry, `${where}.${key}`),
    ]),
  );
}

/**
 * The kustomizations under a deploy/k8s folder: `base` and every folder under `overlays`, by
 * their path relative to it (`base`, `overlays/dev`, ...).
 */
export function kustomizeTargets(k8sDir: string): { name: string; dir: string }[] {
  const overlaysDir = path.join(k8sDir, 'overlays');
  const overlays = existsSync(overlaysDir)
    ? readdirSync(overlaysDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  return [
    { name: 'base', dir: path.join(k8sDir, 'base') },
    ...overlays.map((overlay) => ({ name: `overlays/${overlay}`, dir: path.join(overlaysDir, overlay) })),
  ];
}

/** {@link kustomizeTargets} with each one's rendered resources. */
export function loadKustomizeTargets(
  k8sDir: string,
): { name: string; dir: string; resources: KubernetesResource[] }[] {
  return kustomizeTargets(k8sDir).map((target) => ({
    ...target,
    resources: loadKustomizeResources(target.dir),
  }));
}

// ---------------------------------------------------------------------------------------------
// Environments against config schemas
// ---------------------------------------------------------------------------------------------

/** The variables of an environment schema that have neither a default nor `.optional()`. */
export function requiredVariables(schema: z.ZodObject): string[] {
  return (Object.entries(schema.shape) as [string, z.ZodType][])
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([name]) => name);
}

/** A copy of an environment without one variable. */
export function withoutVariable(environment: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(environment).filter(([key]) => key !== name));
}
