import { type Command } from 'commander';
import { type CliContext } from '../cli-context';
import { registerBacktestCommand } from './backtest.command';
import { registerHarvestCommand } from './harvest.command';
import { registerOptimizeCommand } from './optimize.command';
import { registerPlanCommand } from './plan.command';
import { registerRiskCommand } from './risk.command';
import { registerSignalsCommand } from './signals.command';

/** Adds one subcommand (with its options and action) to the `ballast` program. */
export type RegisterCommand = (program: Command, context: CliContext) => void;

/** Every `ballast` subcommand, in the order `ballast --help` lists them. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerPlanCommand,
  registerOptimizeCommand,
  registerRiskCommand,
  registerSignalsCommand,
  registerHarvestCommand,
  registerBacktestCommand,
];
