import { laterRearm, rearmDecision, rearmDue } from './supersede-rearm';

/**
 * The api refused the approval of a proposal computed from ledger v2 because the ledger is at v3: one
 * orders.rejected per leg with stateVersion 2, ledgerVersion 3, and portfolio.state v3 on its own topic.
 */
const refusedAtV3 = { stateVersion: 2, ledgerVersion: 3 };

describe('rearmDecision: when a superseded proposal re-arms its portfolio', () => {
  it('waits for the ledger version when the monitor still holds the proposal’s (v2 held, v3 refused)', () => {
    expect(rearmDecision(2, refusedAtV3)).toEqual({ kind: 'at-version', version: 3 });
  });

  it('re-arms at once when the held snapshot is the ledger version named', () => {
    expect(rearmDecision(3, refusedAtV3)).toEqual({ kind: 'now' });
  });

  it('re-arms at once when the held snapshot is already past it', () => {
    expect(rearmDecision(5, refusedAtV3)).toEqual({ kind: 'now' });
  });

  it('re-arms at once on a rejection without versions (a producer older than the fields)', () => {
    expect(rearmDecision(1, {})).toEqual({ kind: 'now' });
  });
});

describe('rearmDue: a waiting re-arm and an arriving snapshot', () => {
  it.each([
    [null, 7, false], // nothing waits
    [3, 2, false], // still behind the ledger version named
    [3, 3, true], // the version awaited
    [3, 4, true], // a later one (the compacted topic may skip versions)
  ] as const)('waiting for %p, v%p arrives: due %p', (pending, arrived, due) => {
    expect(rearmDue(pending, arrived)).toBe(due);
  });
});

describe('laterRearm: two superseded proposals waiting at once', () => {
  it('waits for the later version, whichever is recorded first', () => {
    expect(laterRearm(null, 3)).toBe(3);
    expect(laterRearm(3, 4)).toBe(4);
    expect(laterRearm(4, 3)).toBe(4);
  });
});
