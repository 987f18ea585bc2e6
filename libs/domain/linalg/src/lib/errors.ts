/** Base class of the named errors of `@ballast/domain-linalg`. */
export class LinalgError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An array's length does not match the dimensions given with it. */
export class DimensionMismatchError extends LinalgError {
  constructor(
    readonly what: string,
    readonly actual: number,
    readonly expected: number,
  ) {
    super(`${what}: ${actual} values where the dimensions need ${expected}`);
  }
}

/** The WebAssembly SIMD kernel was asked for by name in a runtime that cannot run it. */
export class WasmSimdUnavailableError extends LinalgError {
  constructor() {
    super('WebAssembly SIMD is not available in this runtime; use the js kernel');
  }
}
