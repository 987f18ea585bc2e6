/**
 * Thrown at boot when the environment does not satisfy a service's config schema.
 * The message names every bad variable and what is wrong with it, never its value
 * (values may be secrets), so that a failed pod's log says exactly what to fix.
 */
export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';

  constructor(readonly problems: readonly { variable: string; problem: string }[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable}: ${p.problem}`).join('; ')}`);
  }
}
