// Loads HiGHS once per spec file. Test-only: the library itself never imports the package.
import { type LinearSolver, createHighsSolver } from '@ballast/domain-planner';
import highsLoader from 'highs';

let loaded: Promise<LinearSolver> | undefined;

export function loadHighsSolver(): Promise<LinearSolver> {
  loaded ??= highsLoader().then((highs) => createHighsSolver(highs));
  return loaded;
}
