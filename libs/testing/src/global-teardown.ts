/** Stops containers started by the global setup; local servers and given URLs are left running. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__BALLAST_INFRASTRUCTURE__?.stop();
  globalThis.__BALLAST_INFRASTRUCTURE__ = undefined;
}
