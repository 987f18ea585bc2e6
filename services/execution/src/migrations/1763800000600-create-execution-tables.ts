import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateExecutionTables1763800000600 implements MigrationInterface {
  name = 'CreateExecutionTables1763800000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE last_price (
        symbol text PRIMARY KEY,
        price numeric NOT NULL CHECK (price > 0),
        currency text NOT NULL,
        as_of timestamptz NOT NULL,
        as_of_millis bigint NOT NULL,
        received_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE portfolio_snapshot (
        portfolio_id uuid PRIMARY KEY,
        version integer NOT NULL CHECK (version > 0),
        state jsonb NOT NULL,
        received_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE execution_proposal (
        proposal_id uuid PRIMARY KEY,
        portfolio_id uuid NOT NULL,
        state_version integer NOT NULL,
        base_currency text NOT NULL,
        expires_at timestamptz NOT NULL,
        prices_used jsonb NOT NULL,
        correlation_id uuid NOT NULL,
        approval_message_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'done')),
        claimed_by text,
        lease_until timestamptz,
        created_at timestamptz NOT NULL,
        completed_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX execution_proposal_open ON execution_proposal (created_at) WHERE status = 'open'`,
    );
    await queryRunner.query(`
      CREATE TABLE execution_order (
        client_order_id text PRIMARY KEY,
        proposal_id uuid NOT NULL REFERENCES execution_proposal (proposal_id),
        portfolio_id uuid NOT NULL,
        leg integer NOT NULL CHECK (leg >= 1),
        account_id text NOT NULL,
        symbol text NOT NULL,
        side text NOT NULL CHECK (side IN ('buy', 'sell')),
        quantity numeric NOT NULL CHECK (quantity > 0),
        reference_price numeric NOT NULL CHECK (reference_price > 0),
        status text NOT NULL CHECK (status IN ('received', 'pending', 'submitted', 'unknown', 'filled', 'partially-filled', 'rejected')),
        reserved_cash numeric,
        limit_price numeric,
        broker text,
        broker_order_id text,
        filled_quantity numeric NOT NULL DEFAULT 0,
        fills jsonb NOT NULL DEFAULT '[]',
        cash_effect numeric,
        rejection_stage text CHECK (rejection_stage IN ('pre-trade', 'broker')),
        rejection_code text,
        rejection_reason text,
        submit_attempts integer NOT NULL DEFAULT 0,
        applied boolean NOT NULL DEFAULT false,
        final_snapshot_version integer,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        unknown_since timestamptz,
        submitted_at timestamptz,
        finalized_at timestamptz,
        UNIQUE (proposal_id, leg)
      )`);
    // The cash and holdings check reads a portfolio's orders the ledger does not include yet.
    await queryRunner.query(
      `CREATE INDEX execution_order_unapplied ON execution_order (portfolio_id) WHERE applied = false`,
    );
    await queryRunner.query(`
      CREATE TABLE kill_switch (
        id smallint PRIMARY KEY CHECK (id = 1),
        engaged boolean NOT NULL,
        reason text,
        changed_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE paper_order (
        client_order_id text PRIMARY KEY,
        broker_order_id text NOT NULL UNIQUE,
        account_id text NOT NULL,
        symbol text NOT NULL,
        side text NOT NULL,
        quantity numeric NOT NULL,
        limit_price numeric NOT NULL,
        status text NOT NULL,
        filled_quantity numeric NOT NULL,
        fills jsonb NOT NULL,
        reason text,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE paper_submission (
        id bigserial PRIMARY KEY,
        client_order_id text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('accepted', 'duplicate', 'lost')),
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX paper_submission_by_order ON paper_submission (client_order_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE paper_submission`);
    await queryRunner.query(`DROP TABLE paper_order`);
    await queryRunner.query(`DROP TABLE kill_switch`);
    await queryRunner.query(`DROP TABLE execution_order`);
    await queryRunner.query(`DROP TABLE execution_proposal`);
    await queryRunner.query(`DROP TABLE portfolio_snapshot`);
    await queryRunner.query(`DROP TABLE last_price`);
  }
}
