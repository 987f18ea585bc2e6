import { ACTIONS, isRole, roleAllows, ROLES } from './roles';

describe('roles', () => {
  it('let every role read', () => {
    for (const role of ROLES) expect(roleAllows(role, 'read')).toBe(true);
  });

  it('separate editing the ledger from approving orders', () => {
    expect(roleAllows('advisor', 'write-ledger')).toBe(true);
    expect(roleAllows('advisor', 'decide-proposal')).toBe(false);
    expect(roleAllows('approver', 'decide-proposal')).toBe(true);
    expect(roleAllows('approver', 'write-ledger')).toBe(false);
    expect(roleAllows('viewer', 'write-ledger')).toBe(false);
    expect(roleAllows('viewer', 'decide-proposal')).toBe(false);
    expect(roleAllows('viewer', 'request-rebalance')).toBe(false);
  });

  it('keep minting keys to admins, who may do everything', () => {
    for (const role of ROLES) expect(roleAllows(role, 'manage-keys')).toBe(role === 'admin');
    for (const action of ACTIONS) expect(roleAllows('admin', action)).toBe(true);
  });

  it('recognise only the four role names', () => {
    expect(ROLES.every(isRole)).toBe(true);
    for (const value of ['Admin', 'root', '', undefined, 3]) expect(isRole(value)).toBe(false);
  });
});
