// Loads HiGHS once per spec file. Test-only: the library itself never imports the package.
import highsLoader from 'highs';
import { type HighsLike } from '../lib/general-qp';

let loaded: Promise<HighsLike> | undefined;

export function loadHighs(): Promise<HighsLike> {
  loaded ??= highsLoader();
  return loaded;
}
