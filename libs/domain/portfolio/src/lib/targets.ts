import { InvalidTargetsError } from './errors';
import { sumFloats } from './float-sum';
import { type TargetWeight } from './holdings';

/**
 * How far above 1 the target weights may sum before they are rejected: room for the rounding of
 * weights such as thirds written as decimals, far below anything a person would mean.
 */
export const TARGET_SUM_TOLERANCE = 1e-9;

/**
 * Checks that target weights describe an allocation: every symbol a non-empty string listed once,
 * every weight a finite number ≥ 0, and the weights summing to at most 1 (+ {@link TARGET_SUM_TOLERANCE}).
 * A sum below 1 is allowed: the remainder is the cash target.
 *
 * @throws InvalidTargetsError listing every problem found, in input order, then the sum.
 */
export function validateTargets(targets: readonly TargetWeight[]): void {
  const problems: string[] = [];
  const firstIndex = new Map<string, number>();
  let allFinite = true;
  targets.forEach((target, index) => {
    const label = `targets[${index}] (${String(target.symbol)})`;
    if (typeof target.symbol !== 'string' || target.symbol.length === 0) {
      problems.push(`targets[${index}]: symbol must be a non-empty string`);
    } else {
      const first = firstIndex.get(target.symbol);
      if (first === undefined) {
        firstIndex.set(target.symbol, index);
      } else {
        problems.push(`${label}: duplicate symbol, already at targets[${first}]`);
      }
    }
    if (typeof target.weight !== 'number' || !Number.isFinite(target.weight)) {
      allFinite = false;
      problems.push(`${label}: weight must be a finite number, got ${String(target.weight)}`);
    } else if (target.weight < 0) {
      problems.push(`${label}: weight must not be negative, got ${target.weight}`);
    }
  });
  if (allFinite) {
    const sum = targetWeightSum(targets);
    if (sum > 1 + TARGET_SUM_TOLERANCE) {
      problems.push(`weights sum to ${sum}, more than 1`);
    }
  }
  if (problems.length > 0) {
    throw new InvalidTargetsError(problems);
  }
}

/**
 * The cash target implied by target weights: `1 − Σ weight`, summed with compensation so that
 * weights that add up to 1 on paper (0.1 + 0.2 + 0.7) give exactly 0 rather than float noise. It is
 * negative, by at most {@link TARGET_SUM_TOLERANCE}, for weights that sum to a hair above 1; it is
 * not clamped, so that drift rows and cash drift always sum to zero.
 */
export function cashTargetWeight(targets: readonly TargetWeight[]): number {
  return 1 - targetWeightSum(targets);
}

function targetWeightSum(targets: readonly TargetWeight[]): number {
  return sumFloats(targets.map((target) => target.weight));
}
