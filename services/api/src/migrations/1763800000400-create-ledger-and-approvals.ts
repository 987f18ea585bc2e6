import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Authentication (hashed API keys), households and their members, the portfolio's version history,
 * rebalance requests, proposals with their decision record, applied fills and the latest prices.
 * Households already referenced by portfolios are created (without members: an admin adds them).
 */
export class CreateLedgerAndApprovals1763800000400 implements MigrationInterface {
  name = 'CreateLedgerAndApprovals1763800000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_key (
        key_id text PRIMARY KEY,
        key_hash text NOT NULL CHECK (key_hash ~ '^[0-9a-f]{64}$'),
        user_id text NOT NULL,
        role text NOT NULL CHECK (role IN ('viewer', 'advisor', 'approver', 'admin')),
        label text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE household (
        household_id text PRIMARY KEY,
        name text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      INSERT INTO household (household_id, name, created_by)
      SELECT DISTINCT ON (household_id) household_id, name, 'migration' FROM portfolio ORDER BY household_id, created_at`);
    await queryRunner.query(`
      CREATE TABLE household_member (
        household_id text NOT NULL REFERENCES household (household_id) ON DELETE CASCADE,
        user_id text NOT NULL,
        added_by text NOT NULL,
        added_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (household_id, user_id)
      )`);
    await queryRunner.query(`CREATE INDEX household_member_user_id ON household_member (user_id)`);
    await queryRunner.query(`
      CREATE TABLE portfolio_version (
        portfolio_id uuid NOT NULL REFERENCES portfolio (portfolio_id) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version > 0),
        state jsonb NOT NULL,
        cause text NOT NULL,
        caused_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (portfolio_id, version)
      )`);
    await queryRunner.query(`
      INSERT INTO portfolio_version (portfolio_id, version, state, cause, caused_by)
      SELECT portfolio_id, version, state, 'created', 'migration' FROM portfolio`);
    await queryRunner.query(`
      CREATE TABLE rebalance_request (
        request_id uuid PRIMARY KEY,
        portfolio_id uuid NOT NULL,
        requested_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE proposal (
        proposal_id uuid PRIMARY KEY,
        portfolio_id uuid NOT NULL,
        household_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired')),
        state_version integer NOT NULL,
        approvers_required integer NOT NULL CHECK (approvers_required BETWEEN 0 AND 2),
        proposed_by text,
        correlation_id uuid NOT NULL,
        payload jsonb NOT NULL,
        approvals jsonb NOT NULL,
        legs jsonb NOT NULL,
        before_state jsonb,
        expires_at timestamptz NOT NULL,
        decided_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX proposal_household_id ON proposal (household_id, created_at)`);
    await queryRunner.query(`CREATE INDEX proposal_portfolio_id ON proposal (portfolio_id, created_at)`);
    await queryRunner.query(`
      CREATE TABLE proposal_decision (
        decision_id bigserial PRIMARY KEY,
        proposal_id uuid NOT NULL REFERENCES proposal (proposal_id) ON DELETE CASCADE,
        portfolio_id uuid NOT NULL,
        kind text NOT NULL,
        actor text NOT NULL,
        detail jsonb NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX proposal_decision_proposal_id ON proposal_decision (proposal_id)`);
    await queryRunner.query(`
      CREATE TABLE applied_fill (
        client_order_id text NOT NULL,
        fill_id text NOT NULL,
        portfolio_id uuid NOT NULL,
        portfolio_version integer NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (client_order_id, fill_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE latest_price (
        symbol text PRIMARY KEY,
        price text NOT NULL,
        currency text NOT NULL,
        as_of_millis bigint NOT NULL,
        source text NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'latest_price',
      'applied_fill',
      'proposal_decision',
      'proposal',
      'rebalance_request',
      'portfolio_version',
      'household_member',
      'household',
      'api_key',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
