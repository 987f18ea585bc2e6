/**
 * Compiles the WAT of tools/gram-wat.ts with wabt's JavaScript build (npm `wabt`), when it can be
 * loaded: from the workspace's node_modules, or from the module path in `WABT_MODULE` (for example a
 * copy installed outside the repository with `npm install --prefix /tmp/wabt wabt@1.0.37`).
 */
import { createHash } from 'node:crypto';

interface WabtModule {
  validate(): void;
  toBinary(options: Record<string, never>): { buffer: Uint8Array };
  destroy(): void;
}
interface Wabt {
  parseWat(filename: string, text: string, features: { simd: boolean }): WabtModule;
}

/** The version of wabt the committed bytes were produced with. */
export const WABT_VERSION = '1.0.37';

/** wabt's factory, or null when the package cannot be found. */
export function loadWabt(): (() => Promise<Wabt>) | null {
  const location = process.env['WABT_MODULE'] ?? 'wabt';
  try {
    require.resolve(location);
  } catch {
    // Not installed: callers fall back to the recorded hashes (see gram-wasm.spec.ts).
    return null;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(location) as () => Promise<Wabt>;
}

export async function compileWat(factory: () => Promise<Wabt>, text: string): Promise<Uint8Array> {
  const wabt = await factory();
  const module = wabt.parseWat('linalg.wat', text, { simd: true });
  try {
    module.validate();
    return Uint8Array.from(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
