import { Command, CommanderError } from 'commander';
import { type CliContext, CliUsageError } from './cli-context';
import { COMMANDS } from './commands';

/** Exit codes: 0 success, 1 the input was read but cannot be answered (a named domain error), 2 bad usage or unreadable input, 70 a bug. */
export const EXIT = { ok: 0, domainError: 1, usage: 2, internal: 70 } as const;

/** JavaScript's own error classes signal a bug in Ballast, never a problem with the user's input. */
const BUG_CLASSES = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'EvalError',
]);

/** Builds the `ballast` program: every command in {@link COMMANDS}, output routed through `context`. */
export function buildProgram(context: CliContext): Command {
  const program = new Command('ballast')
    .description(
      'Ballast from the command line: plan a household rebalance, optimize allocations, measure risk and signals, find tax-loss harvests, backtest rebalancing policies (`ballast demo` is what `npm start` runs).',
    )
    .showHelpAfterError('(run with --help for the options)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout(text),
      writeErr: (text) => context.stderr(text),
    });
  for (const register of COMMANDS) register(program, context);
  // Subcommands inherit the output routing and the exit override.
  for (const command of program.commands) {
    command.exitOverride().configureOutput({
      writeOut: (text) => context.stdout(text),
      writeErr: (text) => context.stderr(text),
    });
  }
  return program;
}

/**
 * Runs `ballast` with the arguments after the program name and returns the exit code; never throws
 * and never calls `process.exit`, so specs run commands in-process exactly as the binary does.
 * With `--json`, stdout holds one JSON document and nothing else; every error goes to stderr.
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  const program = buildProgram(context);
  if (argv.length === 0) {
    context.stdout(program.helpInformation());
    return EXIT.ok;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    return reportError(error, argv, context);
  }
}

function reportError(error: unknown, argv: readonly string[], context: CliContext): number {
  if (error instanceof CommanderError) {
    // Commander already wrote its message (or the help, for --help and --version).
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const command = argv.find((arg) => !arg.startsWith('-')) ?? '';
  const prefix = command === '' ? 'ballast' : `ballast ${command}`;
  if (error instanceof CliUsageError) {
    context.stderr(`${prefix}: ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof Error && !BUG_CLASSES.has(error.name)) {
    context.stderr(`${prefix}: ${error.name}: ${error.message}\n`);
    return EXIT.domainError;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  context.stderr(`${prefix}: internal error, please report it with the input that caused it:\n${detail}\n`);
  return EXIT.internal;
}
