export { DimensionMismatchError, LinalgError, WasmSimdUnavailableError } from './lib/errors';
export {
  centredColumnGram,
  centredGram,
  crossGram,
  defaultGramKernel,
  type GramKernelName,
  type GramOptions,
} from './lib/gram';
export { choleskyLower, choleskySucceeds, type CholeskyOptions } from './lib/cholesky';
export { householderTridiagonal, type Tridiagonal } from './lib/tridiagonal';
