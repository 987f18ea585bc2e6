import { checkStaleness, type StaleCheckInput } from './stale-detector';

const base: StaleCheckInput = {
  lastUpdateMillis: 1_000_000,
  watchedSinceMillis: 0,
  episodeOpen: false,
  marketOpen: true,
  nowMillis: 1_000_000,
  maxAgeMillis: 60_000,
};

describe('checkStaleness', () => {
  it('is fresh up to and including the max age', () => {
    expect(checkStaleness({ ...base, nowMillis: 1_060_000 })).toEqual({ kind: 'fresh' });
  });

  it('opens an episode once the age exceeds the max age while the market is open', () => {
    expect(checkStaleness({ ...base, nowMillis: 1_060_001 })).toEqual({
      kind: 'open-episode',
      ageMillis: 60_001,
    });
  });

  it('never reports while the market is closed, however old the price', () => {
    expect(checkStaleness({ ...base, marketOpen: false, nowMillis: 9_000_000 })).toEqual({
      kind: 'market-closed',
    });
  });

  it('reports an open episode only once: later checks say still-stale, open market or not', () => {
    expect(checkStaleness({ ...base, episodeOpen: true, nowMillis: 9_000_000 })).toEqual({
      kind: 'still-stale',
    });
    expect(checkStaleness({ ...base, episodeOpen: true, marketOpen: false })).toEqual({
      kind: 'still-stale',
    });
  });

  it('measures a never-priced symbol from when it started being watched', () => {
    const never = { ...base, lastUpdateMillis: null, watchedSinceMillis: 500_000 };
    expect(checkStaleness({ ...never, nowMillis: 560_000 })).toEqual({ kind: 'fresh' });
    expect(checkStaleness({ ...never, nowMillis: 560_001 })).toEqual({
      kind: 'open-episode',
      ageMillis: 60_001,
    });
  });

  it('walks a whole episode: fresh, stale once, fresh again after a tick, stale again', () => {
    let episodeOpen = false;
    let lastUpdateMillis = 0;
    const reports: number[] = [];
    // One check per 10 s for 5 minutes; a tick arrives at 150 s; max age 60 s.
    for (let now = 0; now <= 300_000; now += 10_000) {
      if (now === 150_000) {
        lastUpdateMillis = now;
        episodeOpen = false; // what the ingest path does with the episode row
      }
      const verdict = checkStaleness({ ...base, lastUpdateMillis, episodeOpen, nowMillis: now });
      if (verdict.kind === 'open-episode') {
        reports.push(now);
        episodeOpen = true;
      }
    }
    expect(reports).toEqual([70_000, 220_000]);
  });
});
