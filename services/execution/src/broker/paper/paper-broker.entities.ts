import { type Fill, type OrderSide } from '@ballast/contracts';
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The paper broker's order book. It lives in the service's schema, written in the broker's own
 * transactions (never the executor's), so it survives a crash of the service exactly as a real
 * broker's book would, and the client order id is unique in it as at a real broker.
 */
@Entity({ name: 'paper_order' })
export class PaperOrder {
  @PrimaryColumn({ name: 'client_order_id', type: 'text' })
  clientOrderId!: string;

  @Column({ name: 'broker_order_id', type: 'text', unique: true })
  brokerOrderId!: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId!: string;

  @Column({ type: 'text' })
  symbol!: string;

  @Column({ type: 'text' })
  side!: OrderSide;

  @Column({ type: 'numeric' })
  quantity!: string;

  @Column({ name: 'limit_price', type: 'numeric' })
  limitPrice!: string;

  /** `filled`, `canceled` (the rest of a partial fill) or `rejected`. */
  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'filled_quantity', type: 'numeric' })
  filledQuantity!: string;

  @Column({ type: 'jsonb' })
  fills!: Fill[];

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** Every submission the paper broker received, including refused duplicates: the tests' evidence. */
@Entity({ name: 'paper_submission' })
export class PaperSubmission {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'client_order_id', type: 'text' })
  clientOrderId!: string;

  /** `accepted`, `duplicate` (refused: the id is taken) or `lost` (a simulated request that never arrived). */
  @Column({ type: 'text' })
  outcome!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;
}

export const PAPER_BROKER_ENTITIES = [PaperOrder, PaperSubmission];
