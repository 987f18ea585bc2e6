import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A household: the unit of visibility. Its portfolios, proposals and orders are seen only by its members. */
@Entity({ name: 'household' })
export class Household {
  @PrimaryColumn({ name: 'household_id', type: 'text' })
  householdId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** Membership: the object-level check of every household route reads this table. */
@Entity({ name: 'household_member' })
export class HouseholdMember {
  @PrimaryColumn({ name: 'household_id', type: 'text' })
  householdId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'added_by', type: 'text' })
  addedBy!: string;

  @CreateDateColumn({ name: 'added_at', type: 'timestamptz' })
  addedAt!: Date;
}
