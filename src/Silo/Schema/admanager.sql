-- The application's own tables: migration targets, the job index, idempotency keys, rejections and
-- per-job staging. Idempotent: every silo runs it at start, possibly several at once, so it takes
-- a transaction-scoped advisory lock first.
SELECT pg_advisory_xact_lock(727100002);

-- Targets (the "stored as" columns of the legacy-export spec).
CREATE TABLE IF NOT EXISTS campaign_metadata (
    campaign_id          text        PRIMARY KEY,
    merchant_id          text        NOT NULL,
    name                 text        NOT NULL,
    status               text        NOT NULL,
    daily_budget_micros  bigint      NOT NULL,
    currency             char(3)     NOT NULL,
    start_date           date        NOT NULL,
    end_date             date,
    targeting            jsonb       NOT NULL DEFAULT '{}'::jsonb,
    source_modified_at   timestamptz NOT NULL,
    migration_job_id     uuid        NOT NULL,
    migrated_at          timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS campaign_metadata_merchant ON campaign_metadata (merchant_id);
CREATE INDEX IF NOT EXISTS campaign_metadata_job ON campaign_metadata (migration_job_id);

CREATE TABLE IF NOT EXISTS catalog_metadata (
    catalog_id           text        PRIMARY KEY,
    merchant_id          text        NOT NULL,
    name                 text        NOT NULL,
    country              char(2)     NOT NULL,
    default_currency     char(3)     NOT NULL,
    product_count        bigint      NOT NULL DEFAULT 0,
    source_modified_at   timestamptz NOT NULL,
    migration_job_id     uuid        NOT NULL,
    migrated_at          timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS catalog_metadata_merchant ON catalog_metadata (merchant_id);
CREATE INDEX IF NOT EXISTS catalog_metadata_job ON catalog_metadata (migration_job_id);

-- The job list: the job grain's state is the truth, this index makes "newest first, by status" cheap.
-- service_id keeps deployments that share a database (and test hosts) apart; merchant_ids and
-- data_types let a job find earlier jobs whose data overlaps its own (later jobs load after them).
CREATE TABLE IF NOT EXISTS migration_jobs (
    job_id        uuid        PRIMARY KEY,
    status        text        NOT NULL,
    submitted_at  timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
ALTER TABLE migration_jobs ADD COLUMN IF NOT EXISTS service_id text NOT NULL DEFAULT '';
ALTER TABLE migration_jobs ADD COLUMN IF NOT EXISTS merchant_ids text[] NOT NULL DEFAULT '{}';
ALTER TABLE migration_jobs ADD COLUMN IF NOT EXISTS data_types text[] NOT NULL DEFAULT '{}';
ALTER TABLE migration_jobs ADD COLUMN IF NOT EXISTS dry_run boolean NOT NULL DEFAULT false;
CREATE INDEX IF NOT EXISTS migration_jobs_status ON migration_jobs (status, job_id DESC);
CREATE INDEX IF NOT EXISTS migration_jobs_service ON migration_jobs (service_id, job_id DESC);

CREATE TABLE IF NOT EXISTS migration_idempotency (
    idempotency_key  text        PRIMARY KEY,
    request_hash     text        NOT NULL,
    job_id           uuid        NOT NULL,
    created_at       timestamptz NOT NULL
);

-- Every rejected record of every job, for the rejections endpoint and the report.
-- entity: 0 campaigns, 1 campaign_performance, 2 catalogs, 3 products.
CREATE TABLE IF NOT EXISTS migration_rejections (
    job_id      uuid     NOT NULL,
    entity      smallint NOT NULL,
    line        bigint   NOT NULL,
    record_key  text,
    reason      text     NOT NULL,
    detail      text     NOT NULL,
    -- 0: a record check during extraction; 1: a reference check while resolving (recomputed on resume).
    phase       smallint NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, entity, line)
);
CREATE INDEX IF NOT EXISTS migration_rejections_reason ON migration_rejections (job_id, reason, entity, line);

-- The batches of a resolved job: batch n of an entity is its loaded rows (outcome 0) with staging row
-- number (seq, dense from 0 in line order) in [first_seq, last_seq]. Resolving computes the ranges from
-- the staged count and the rows it excluded, reading no staging row, and a batch (or a run of batches)
-- is one range scan of the staging primary key.
CREATE TABLE IF NOT EXISTS stage_batches (
    job_id      uuid     NOT NULL,
    entity      smallint NOT NULL,
    batch_no    integer  NOT NULL,
    first_seq   bigint   NOT NULL,
    last_seq    bigint   NOT NULL,
    PRIMARY KEY (job_id, entity, batch_no)
);
-- Older versions kept line numbers here; a batch is a range of staging row numbers (seq) now. The rows of
-- a job staged by an older version cannot be read this way, so they go (such a job fails and is re-run).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name = 'stage_batches' AND column_name = 'first_line') THEN
        DELETE FROM stage_batches;
        ALTER TABLE stage_batches RENAME COLUMN first_line TO first_seq;
        ALTER TABLE stage_batches RENAME COLUMN last_line TO last_seq;
    END IF;
END $$;
-- Staging tables are per job now (Stores/Postgres/StagingTables.cs); the shared ones of older versions go.
DROP TABLE IF EXISTS stage_campaigns, stage_performance, stage_catalogs, stage_products;
