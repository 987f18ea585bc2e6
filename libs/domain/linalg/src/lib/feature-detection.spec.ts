// Where the runtime has no WebAssembly (or one that cannot validate fixed-width SIMD), every product
// takes the JavaScript path on its own: simulated by loading the library with the global hidden.
describe('feature detection', () => {
  it('falls back to the JavaScript kernels, with the same results, when WebAssembly is absent', () => {
    const x = Float64Array.from([1, 2, 3, 5, 8, 13]);
    const withWasm = jest.requireActual<typeof import('../index')>('../index');
    const expected = withWasm.centredGram(x, 2, 3, [4, 6]);
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'WebAssembly') as PropertyDescriptor;
    Reflect.deleteProperty(globalThis, 'WebAssembly');
    try {
      jest.isolateModules(() => {
        const lib = jest.requireActual<typeof import('../index')>('../index');
        expect(lib.defaultGramKernel()).toBe('js');
        expect(Array.from(lib.centredGram(x, 2, 3, [4, 6]))).toEqual(Array.from(expected));
        expect(lib.choleskySucceeds([4, 2, 2, 3], 2)).toBe(true);
        expect(() => lib.centredGram(x, 2, 3, [4, 6], { kernel: 'wasm-simd' })).toThrow(
          lib.WasmSimdUnavailableError,
        );
      });
    } finally {
      Object.defineProperty(globalThis, 'WebAssembly', saved);
    }
    expect(withWasm.defaultGramKernel()).toBe('wasm-simd');
  });
});
