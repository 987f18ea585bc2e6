import { PROPOSAL_ID_NAMESPACE, proposalIdFor } from './proposal-id';

describe('proposalIdFor', () => {
  it('is the RFC 9562 version-5 UUID of the cause id (golden value from the uuid package, v5("hello", namespace))', () => {
    expect(PROPOSAL_ID_NAMESPACE).toBe('9b0e6f3c-2d41-4a8e-b7c5-3e1f0a9d6c28');
    expect(proposalIdFor('hello')).toBe('3a8ceaef-1e83-58c3-b050-a1f5825803fe');
  });

  it('is the same for a redelivered cause and differs between causes', () => {
    const cause = 'b7e2d4a1-6c3f-4e8b-8d2a-1f9e0c7b5a34';
    expect(proposalIdFor(cause)).toBe(proposalIdFor(cause));
    expect(proposalIdFor(cause)).not.toBe(proposalIdFor('5a8c1e7f-2b4d-4f6a-b3c9-0e1d2f3a4b5c'));
    expect(proposalIdFor(cause)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
