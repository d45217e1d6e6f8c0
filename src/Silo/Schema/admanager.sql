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

-- Staging: the valid records of a job, typed like their targets. outcome: 0 candidate (loaded once
-- resolved), 1 superseded, 2 rejected by a reference check.
CREATE TABLE IF NOT EXISTS stage_campaigns (
    job_id               uuid        NOT NULL,
    line                 bigint      NOT NULL,
    campaign_id          text        NOT NULL,
    merchant_id          text        NOT NULL,
    name                 text        NOT NULL,
    status               text        NOT NULL,
    daily_budget_micros  bigint      NOT NULL,
    currency             char(3)     NOT NULL,
    start_date           date        NOT NULL,
    end_date             date,
    targeting            jsonb       NOT NULL,
    source_modified_at   timestamptz NOT NULL,
    source_modified_ticks bigint    NOT NULL,
    outcome              smallint    NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, line)
);

CREATE TABLE IF NOT EXISTS stage_performance (
    job_id        uuid     NOT NULL,
    line          bigint   NOT NULL,
    record_key    text     NOT NULL,
    campaign_id   text     NOT NULL,
    merchant_id   text     NOT NULL,
    date          date     NOT NULL,
    impressions   bigint   NOT NULL,
    clicks        bigint   NOT NULL,
    cost_micros   bigint   NOT NULL,
    conversions   bigint   NOT NULL,
    outcome       smallint NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, line)
);

CREATE TABLE IF NOT EXISTS stage_catalogs (
    job_id              uuid        NOT NULL,
    line                bigint      NOT NULL,
    catalog_id          text        NOT NULL,
    merchant_id         text        NOT NULL,
    name                text        NOT NULL,
    country             char(2)     NOT NULL,
    default_currency    char(3)     NOT NULL,
    source_modified_at  timestamptz NOT NULL,
    source_modified_ticks bigint    NOT NULL,
    product_count       bigint      NOT NULL DEFAULT 0,
    outcome             smallint    NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, line)
);

CREATE TABLE IF NOT EXISTS stage_products (
    job_id              uuid        NOT NULL,
    line                bigint      NOT NULL,
    product_id          text        NOT NULL,
    catalog_id          text        NOT NULL,
    merchant_id         text        NOT NULL,
    title               text        NOT NULL,
    description         text,
    price_micros        bigint      NOT NULL,
    sale_price_micros   bigint,
    currency            char(3),
    availability        text        NOT NULL,
    gtin                text,
    link                text        NOT NULL,
    image_link          text,
    source_modified_at  timestamptz NOT NULL,
    source_modified_ticks bigint    NOT NULL,
    outcome             smallint    NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, line)
);
-- The batches of a resolved job: batch n of an entity is its loaded rows (outcome 0) with line in
-- [first_line, last_line], numbered in line order. Numbering reads the staging rows once and rewrites
-- none of them, and a batch (or a run of batches) is one range scan of the staging primary key.
CREATE TABLE IF NOT EXISTS stage_batches (
    job_id      uuid     NOT NULL,
    entity      smallint NOT NULL,
    batch_no    integer  NOT NULL,
    first_line  bigint   NOT NULL,
    last_line   bigint   NOT NULL,
    PRIMARY KEY (job_id, entity, batch_no)
);
-- Staging tables created by older versions: they numbered every staging row (batch_no) and lacked the ticks column.
-- Checked first: an ALTER would wait for (and block) a running job's COPY into staging whenever a silo starts.
DO $$
DECLARE t text;
BEGIN
    FOR t IN SELECT table_name FROM information_schema.columns
             WHERE table_schema = current_schema() AND column_name = 'batch_no'
               AND table_name IN ('stage_campaigns', 'stage_performance', 'stage_catalogs', 'stage_products')
    LOOP
        EXECUTE format('ALTER TABLE %I DROP COLUMN batch_no', t);
    END LOOP;
    FOR t IN SELECT s.name FROM unnest(ARRAY['stage_campaigns', 'stage_catalogs', 'stage_products']) AS s(name)
             WHERE NOT EXISTS (SELECT 1 FROM information_schema.columns c
                               WHERE c.table_schema = current_schema() AND c.table_name = s.name
                                 AND c.column_name = 'source_modified_ticks')
    LOOP
        EXECUTE format('ALTER TABLE %I ADD COLUMN source_modified_ticks bigint NOT NULL DEFAULT 0', t);
    END LOOP;
END $$;
