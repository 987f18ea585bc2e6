import { LINALG_WASM_BASE64 } from './gram-wasm.generated';

/**
 * The part of the WebAssembly JavaScript API used here, typed locally: the workspace compiles
 * against ES2023 and @types/node 20, neither of which declares the `WebAssembly` global.
 */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  /** Adds `pages` 64 KiB pages; throws RangeError beyond the engine's limit. */
  grow(pages: number): number;
}

/** The exports of the kernel module (tools/gram-wat.ts); addresses in bytes. */
export interface LinalgExports {
  readonly memory: WasmMemory;
  gramTiles(
    a: number,
    b: number,
    acc: number,
    ld: number,
    lenP: number,
    gi0: number,
    gi1: number,
    gj0: number,
    gj1: number,
    lower: number,
    negate: number,
  ): void;
  tridiagonalRows(a: number, n: number, off: number, v: number, q: number, pv: number, pq: number): void;
  panelColumn(np: number, n: number, k0: number, c: number): void;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

let instance: LinalgExports | null | undefined;

/**
 * The process's one instance of the kernel module, or null where this runtime cannot run it
 * (`WebAssembly.validate` fails without fixed-width SIMD, or there is no WebAssembly at all). One
 * instance, so that its memory, grown to the largest product asked for so far, is reused by every
 * later call rather than allocated again.
 */
export function linalgWasm(): LinalgExports | null {
  if (instance !== undefined) return instance;
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  const bytes = decodeBase64(LINALG_WASM_BASE64);
  if (api === undefined || !api.validate(bytes)) {
    instance = null;
    return instance;
  }
  instance = new api.Instance(new api.Module(bytes), {}).exports as LinalgExports;
  return instance;
}

const PAGE_BYTES = 65536;

/**
 * A zero-based Float64Array view of at least `elements` f64 of the instance's memory, growing it
 * when needed; null if the memory cannot grow that far (wasm32 addresses 4 GiB at most), so the
 * caller can take the JavaScript path instead of failing.
 */
export function reserveWasmMemory(wasm: LinalgExports, elements: number): Float64Array | null {
  const bytes = elements * 8;
  const memory = wasm.memory;
  const missing = Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES);
  if (missing > 0) {
    try {
      memory.grow(missing);
    } catch (error) {
      if (error instanceof RangeError) return null;
      throw error;
    }
  }
  return new Float64Array(memory.buffer, 0, elements);
}
