import { linalgWat } from '../../tools/gram-wat';
import { compileWat, loadWabt, sha256 } from '../../tools/wabt';
import { LINALG_WASM_BASE64, LINALG_WASM_SHA256, LINALG_WAT_SHA256 } from './gram-wasm.generated';

// The committed module must be what the generator produces today: a changed generator changes the
// WAT's hash, edited bytes change theirs, and wabt (a devDependency, so `npm ci` installs it) compiles
// the WAT afresh to compare the bytes themselves.
describe('committed WebAssembly module', () => {
  const committed = Uint8Array.from(atob(LINALG_WASM_BASE64), (c) => c.charCodeAt(0));

  it('was generated from the current tools/gram-wat.ts (else run tools/generate-gram-wasm.ts)', () => {
    expect(sha256(linalgWat())).toBe(LINALG_WAT_SHA256);
  });

  it('holds the bytes whose hash the generator recorded', () => {
    expect(sha256(committed)).toBe(LINALG_WASM_SHA256);
  });

  it('equals a fresh compilation of the WAT by wabt', async () => {
    const wabt = loadWabt();
    if (wabt === null) throw new Error('wabt is not installed: it is a devDependency, run npm ci');
    const fresh = await compileWat(wabt, linalgWat());
    expect(Buffer.from(fresh).equals(Buffer.from(committed))).toBe(true);
  });
});
