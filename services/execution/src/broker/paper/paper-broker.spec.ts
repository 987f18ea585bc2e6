import { paperDraw } from './paper-broker';

describe('paperDraw: the paper broker behaves the same for the same seed', () => {
  it('is a pure function of (seed, client order id, attempt, draw)', () => {
    expect(paperDraw(7, 'p-1', 0, 'reject')).toBe(paperDraw(7, 'p-1', 0, 'reject'));
    const others = [
      paperDraw(8, 'p-1', 0, 'reject'),
      paperDraw(7, 'p-2', 0, 'reject'),
      paperDraw(7, 'p-1', 1, 'reject'),
      paperDraw(7, 'p-1', 0, 'timeout'),
    ];
    expect(others).not.toContain(paperDraw(7, 'p-1', 0, 'reject'));
  });

  it('is spread over [0, 1): about the configured share of 10 000 orders falls below a rate', () => {
    const draws = Array.from({ length: 10_000 }, (_, index) => paperDraw(1, `order-${index}`, 0, 'reject'));
    expect(draws.every((draw) => draw >= 0 && draw < 1)).toBe(true);
    const share = draws.filter((draw) => draw < 0.3).length / draws.length;
    // Binomial(10 000, 0.3): standard deviation 0.0046; 0.02 is more than four of them.
    expect(Math.abs(share - 0.3)).toBeLessThan(0.02);
  });
});
