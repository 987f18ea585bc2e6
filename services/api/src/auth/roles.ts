/**
 * Roles a credential carries. They are not a ladder: an advisor edits the ledger but cannot
 * approve orders, an approver approves but cannot edit holdings; admin can do both and mints keys.
 * Every role reads, and every household object also needs membership (see HouseholdAccess).
 */
export const ROLES = ['viewer', 'advisor', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ACTIONS = [
  'read',
  'write-ledger',
  'request-rebalance',
  'decide-proposal',
  'manage-keys',
] as const;
export type Action = (typeof ACTIONS)[number];

const ALLOWED: Record<Action, readonly Role[]> = {
  read: ['viewer', 'advisor', 'approver', 'admin'],
  'write-ledger': ['advisor', 'admin'],
  'request-rebalance': ['advisor', 'admin'],
  'decide-proposal': ['approver', 'admin'],
  'manage-keys': ['admin'],
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function roleAllows(role: Role, action: Action): boolean {
  return ALLOWED[action].includes(role);
}

/** Roles that may perform an action, for error messages. */
export function rolesFor(action: Action): readonly Role[] {
  return ALLOWED[action];
}

/** Who is calling: always taken from a verified credential, never from a request body. */
export interface Principal {
  userId: string;
  role: Role;
  /** How the caller authenticated, for the audit trail. */
  via: 'api-key' | 'bootstrap-key' | 'jwt';
}
