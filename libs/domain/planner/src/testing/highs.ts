// Loads HiGHS once per spec file. Test-only: the library itself never imports the package.
import highsLoader from 'highs';
import { type LinearSolver } from '../lib/linear-program';
import { createHighsSolver } from '../lib/highs-solver';

let loaded: Promise<LinearSolver> | undefined;

export function loadHighsSolver(): Promise<LinearSolver> {
  loaded ??= highsLoader().then((highs) => createHighsSolver(highs));
  return loaded;
}
