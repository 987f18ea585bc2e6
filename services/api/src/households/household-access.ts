import { NotFoundException } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type Principal } from '../auth/roles';
import { HouseholdMember } from './household.entities';

/**
 * The object-level check: a household's objects exist, for a caller, only if the caller is one of
 * its members. Another household's object answers exactly like a missing one (404), so that ids
 * cannot be probed. Admins are no exception: the role manages keys and members, not client data.
 */
export async function assertMember(
  manager: EntityManager,
  principal: Principal,
  householdId: string,
  notFound: () => NotFoundException,
): Promise<void> {
  const member = await manager.existsBy(HouseholdMember, { householdId, userId: principal.userId });
  if (!member) throw notFound();
}

/** Households the caller belongs to. */
export async function memberHouseholdIds(manager: EntityManager, principal: Principal): Promise<string[]> {
  const rows = await manager.findBy(HouseholdMember, { userId: principal.userId });
  return rows.map((row) => row.householdId);
}
