-- =============================================================================
-- Orleans ADO.NET providers on PostgreSQL 15: tables, routines and query texts.
--
-- Written for (and verified against) these packages:
--   Microsoft.Orleans.Clustering.AdoNet   10.4.2
--   Microsoft.Orleans.Persistence.AdoNet  10.4.2
--   Microsoft.Orleans.Reminders.AdoNet    10.4.2
--   Microsoft.Orleans.Streaming.AdoNet    10.4.2-alpha.1
--   Npgsql 10.0.3, provider Invariant = "Npgsql"
--
-- How the providers use this:
--   At start-up each provider runs "SELECT QueryKey, QueryText FROM OrleansQuery"
--   and from then on executes only those texts, binding @Name parameters. The
--   parameter names it binds and the result column names it reads (matched
--   case-insensitively, so PostgreSQL's lower-case folding is fine) are the
--   contract; everything behind them (tables, routines, indexes) is ours.
--   Several texts here differ from the upstream scripts on purpose because the
--   10.4.2 binaries bind something different (see the per-section notes).
--
-- Running it:
--   Idempotent: every object is created "IF NOT EXISTS" or replaced, and every
--   query row is upserted, so a later version of this file can correct a query
--   text simply by being run again. Run it as ONE transaction:
--     * C#/Npgsql: execute the whole file as a single command. Statements sent
--       together form one implicit transaction, so a failure rolls back all.
--     * psql: psql -1 -v ON_ERROR_STOP=1 -f orleans.sql
--   The advisory lock below serialises silos that start at the same moment;
--   without it two concurrent "CREATE TABLE IF NOT EXISTS" can still collide
--   on the catalog's unique indexes. It is released at commit/rollback.
--   No psql meta-commands, so the file can be embedded and sent as is.
--
-- Changing it later:
--   CREATE OR REPLACE cannot change a function's argument or result types;
--   such a change needs an explicit DROP FUNCTION IF EXISTS first. Columns are
--   never altered by "CREATE TABLE IF NOT EXISTS": add ALTER TABLE ... ADD
--   COLUMN IF NOT EXISTS statements for schema changes.
--
-- Everything lives in the connection's current schema (search_path): the
-- providers query unqualified names, so the objects must be found the same way.
-- =============================================================================

-- Arbitrary key; every copy and every future version of this script must use the same one.
SELECT pg_advisory_xact_lock(7300214510006);

-- -----------------------------------------------------------------------------
-- Query catalogue (shared by all providers)
-- -----------------------------------------------------------------------------
-- text rather than varchar(8000): PostgreSQL stores both alike, and a limit
-- would only add a way for a longer query text to fail.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,

    CONSTRAINT PK_OrleansQuery PRIMARY KEY (QueryKey)
);


-- =============================================================================
-- Clustering (membership)
-- =============================================================================
-- One version row per cluster (DeploymentId = ClusterOptions.ClusterId). Every
-- membership write compares and bumps it: it is the table-wide ETag.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId text        NOT NULL,
    Timestamp    timestamptz NOT NULL DEFAULT now(),
    Version      integer     NOT NULL DEFAULT 0,

    CONSTRAINT PK_OrleansMembershipVersionTable PRIMARY KEY (DeploymentId)
);

-- One row per silo incarnation (address, port, generation).
-- Status values are Orleans' SiloStatus: 3 = Active, 6 = Dead.
-- ProxyPort is NOT NULL because the provider reads it with a non-nullable
-- integer conversion; silos without a gateway write 0.
CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId text        NOT NULL,
    Address      varchar(45) NOT NULL, -- long enough for any textual IPv6 address
    Port         integer     NOT NULL,
    Generation   integer     NOT NULL,
    SiloName     text        NOT NULL,
    HostName     text        NOT NULL,
    Status       integer     NOT NULL,
    ProxyPort    integer     NOT NULL DEFAULT 0,
    SuspectTimes text        NULL,     -- "silo,time|silo,time", written and parsed by Orleans
    StartTime    timestamptz NOT NULL,
    IAmAliveTime timestamptz NOT NULL,

    CONSTRAINT PK_OrleansMembershipTable PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_OrleansMembershipTable_Version FOREIGN KEY (DeploymentId)
        REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- Creates the version row once; false when it already existed (Orleans ignores it).
CREATE OR REPLACE FUNCTION orleans_membership_version_create(p_deployment_id text)
    RETURNS boolean
    LANGUAGE sql
AS $fn$
    WITH created AS
    (
        INSERT INTO OrleansMembershipVersionTable (DeploymentId)
        VALUES (p_deployment_id)
        ON CONFLICT (DeploymentId) DO NOTHING
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM created);
$fn$;

-- Adds a silo row if the caller's table version is still current.
-- The version row is locked first, so concurrent writers queue up behind it
-- and each sees the version left by the previous one; nothing is changed
-- (and false is returned) unless both the version check and the insert succeed.
CREATE OR REPLACE FUNCTION orleans_membership_insert(
    p_deployment_id   text,
    p_address         text,
    p_port            integer,
    p_generation      integer,
    p_silo_name       text,
    p_host_name       text,
    p_status          integer,
    p_proxy_port      integer,
    p_start_time      timestamptz,
    p_i_am_alive_time timestamptz,
    p_version         integer)
    RETURNS boolean
    LANGUAGE plpgsql
AS $fn$
DECLARE
    v_current integer;
BEGIN
    SELECT v.Version INTO v_current
    FROM OrleansMembershipVersionTable AS v
    WHERE v.DeploymentId = p_deployment_id
    FOR UPDATE;

    -- Stale ETag, missing version row, or a version that cannot be bumped.
    IF v_current IS NULL OR v_current <> p_version OR v_current = 2147483647 THEN
        RETURN false;
    END IF;

    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName,
         Status, ProxyPort, StartTime, IAmAliveTime)
    VALUES
        (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name,
         p_status, p_proxy_port, p_start_time, p_i_am_alive_time)
    ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;

    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = now()
    WHERE DeploymentId = p_deployment_id;

    RETURN true;
END;
$fn$;

-- Changes a silo row's status and suspicions under the same version protocol.
-- IAmAliveTime never moves backwards: a delayed write must not undo a newer heartbeat.
CREATE OR REPLACE FUNCTION orleans_membership_update(
    p_deployment_id   text,
    p_address         text,
    p_port            integer,
    p_generation      integer,
    p_status          integer,
    p_suspect_times   text,
    p_i_am_alive_time timestamptz,
    p_version         integer)
    RETURNS boolean
    LANGUAGE plpgsql
AS $fn$
DECLARE
    v_current integer;
BEGIN
    SELECT v.Version INTO v_current
    FROM OrleansMembershipVersionTable AS v
    WHERE v.DeploymentId = p_deployment_id
    FOR UPDATE;

    IF v_current IS NULL OR v_current <> p_version OR v_current = 2147483647 THEN
        RETURN false;
    END IF;

    UPDATE OrleansMembershipTable AS m
    SET Status       = p_status,
        SuspectTimes = p_suspect_times,
        IAmAliveTime = GREATEST(m.IAmAliveTime, p_i_am_alive_time)
    WHERE m.DeploymentId = p_deployment_id
      AND m.Address = p_address
      AND m.Port = p_port
      AND m.Generation = p_generation;

    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = now()
    WHERE DeploymentId = p_deployment_id;

    RETURN true;
END;
$fn$;

-- Clustering query texts.
-- Not bound by 10.4.2 and so absent here: @MetadataJson (newer upstream scripts).
INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
('InsertMembershipVersionKey', $q$
SELECT orleans_membership_version_create(@DeploymentId) AS Created;
$q$),

('InsertMembershipKey', $q$
SELECT orleans_membership_insert(
    @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
    @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS Inserted;
$q$),

('UpdateMembershipKey', $q$
SELECT orleans_membership_update(
    @DeploymentId, @Address, @Port, @Generation,
    @Status, @SuspectTimes, @IAmAliveTime, @Version) AS Updated;
$q$),

-- Heartbeat. Not versioned by design (it would make every heartbeat a table-wide conflict).
('UpdateIAmAlivetimeKey', $q$
UPDATE OrleansMembershipTable
SET IAmAliveTime = GREATEST(IAmAliveTime, @IAmAliveTime)
WHERE DeploymentId = @DeploymentId
  AND Address = @Address
  AND Port = @Port
  AND Generation = @Generation;
$q$),

-- The version row must come back even when the silo row does not exist
-- (Orleans reads the table version from the first row), hence the outer join.
('MembershipReadRowKey', $q$
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName,
       m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime,
       v.Version
FROM OrleansMembershipVersionTable AS v
LEFT JOIN OrleansMembershipTable AS m
       ON m.DeploymentId = v.DeploymentId
      AND m.Address = @Address
      AND m.Port = @Port
      AND m.Generation = @Generation
WHERE v.DeploymentId = @DeploymentId;
$q$),

('MembershipReadAllKey', $q$
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName,
       m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime,
       v.Version
FROM OrleansMembershipVersionTable AS v
LEFT JOIN OrleansMembershipTable AS m
       ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId;
$q$),

('GatewaysQueryKey', $q$
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId
  AND Status = @Status
  AND ProxyPort > 0;
$q$),

-- Used by tooling/tests to wipe one cluster; children first because of the FK.
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
$q$),

-- Required key, but 10.4.2 only runs it when CleanupDefunctSiloEntryKey (below)
-- is missing. Kept equally conservative: only Dead rows with nothing recent.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId
  AND Status = 6
  AND IAmAliveTime < @IAmAliveTime
  AND StartTime < @IAmAliveTime
  AND COALESCE(SuspectTimes, '') = '';
$q$),

-- Optional key that 10.4.2 prefers when present: Orleans reads all rows, picks
-- the Dead ones older than DefunctSiloExpiration, and deletes each one only if
-- it is still exactly what it read (compare-and-delete), so a row that changed
-- meanwhile is left alone.
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId
  AND Address = @Address
  AND Port = @Port
  AND Generation = @Generation
  AND Status = 6
  AND StartTime = @StartTime
  AND IAmAliveTime = @IAmAliveTime
  AND COALESCE(SuspectTimes, '') = COALESCE(@SuspectTimes, '');
$q$)
ON CONFLICT (QueryKey) DO UPDATE
    SET QueryText = EXCLUDED.QueryText
    WHERE OrleansQuery.QueryText IS DISTINCT FROM EXCLUDED.QueryText;


-- =============================================================================
-- Grain persistence
-- =============================================================================
-- 10.4.2 binds and reads only PayloadBinary (its serializer decides the format),
-- so the upstream PayloadJson/PayloadXml columns are not created.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer     NOT NULL,
    GrainIdN0              bigint      NOT NULL,
    GrainIdN1              bigint      NOT NULL,
    GrainTypeHash          integer     NOT NULL,
    GrainTypeString        text        NOT NULL,
    GrainIdExtensionString text        NULL,     -- string keys and key extensions
    ServiceId              text        NOT NULL,
    PayloadBinary          bytea       NULL,     -- NULL after ClearState (row and version kept)
    ModifiedOn             timestamptz NOT NULL DEFAULT now(),
    Version                integer     NOT NULL  -- the grain's ETag
);

-- Upstream has no key at all and guards first inserts with WHERE NOT EXISTS,
-- which two racing activations (split brain) can both pass, leaving two rows
-- that break every later read. This unique index makes the loser's insert do
-- nothing, which the provider reports as InconsistentStateException. The
-- strings go in through md5() so long grain type names or string keys cannot
-- exceed the btree entry size limit; NULLS NOT DISTINCT (PostgreSQL 15) makes
-- "no key extension" one value. The leading hash columns also serve lookups.
CREATE UNIQUE INDEX IF NOT EXISTS UX_OrleansStorage_Grain
    ON OrleansStorage (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, ServiceId,
                       md5(GrainTypeString), md5(GrainIdExtensionString))
    NULLS NOT DISTINCT;

-- Writes a grain's state and returns its new version, or NULL when nothing
-- was written. The provider compares the result with the ETag it sent: NULL
-- (first write lost a race) or an unchanged value both become an
-- InconsistentStateException, which is exactly the optimistic-concurrency
-- contract. p_expected_version NULL means "the grain has never been stored".
CREATE OR REPLACE FUNCTION orleans_storage_write(
    p_grain_id_hash    integer,
    p_grain_id_n0      bigint,
    p_grain_id_n1      bigint,
    p_grain_type_hash  integer,
    p_grain_type       text,
    p_grain_id_ext     text,
    p_service_id       text,
    p_expected_version integer,
    p_payload          bytea)
    RETURNS integer
    LANGUAGE plpgsql
AS $fn$
DECLARE
    v_new_version integer;
BEGIN
    IF p_expected_version IS NULL THEN
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
             GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
        VALUES
            (p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type_hash, p_grain_type,
             p_grain_id_ext, p_service_id, p_payload, now(), 1)
        ON CONFLICT DO NOTHING
        RETURNING Version INTO v_new_version;
    ELSE
        UPDATE OrleansStorage AS s
        SET PayloadBinary = p_payload,
            ModifiedOn    = now(),
            Version       = s.Version + 1
        WHERE s.GrainIdHash = p_grain_id_hash
          AND s.GrainTypeHash = p_grain_type_hash
          AND s.GrainIdN0 = p_grain_id_n0
          AND s.GrainIdN1 = p_grain_id_n1
          AND s.ServiceId = p_service_id
          AND s.GrainTypeString = p_grain_type
          AND s.GrainIdExtensionString IS NOT DISTINCT FROM p_grain_id_ext
          AND s.Version = p_expected_version
        RETURNING s.Version INTO v_new_version;
    END IF;

    RETURN v_new_version;
END;
$fn$;

-- Persistence query texts. Bound by 10.4.2: GrainIdHash, GrainIdN0, GrainIdN1,
-- GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, plus
-- GrainStateVersion (write/clear/delete) and PayloadBinary (write). Read
-- columns: PayloadBinary, Version; write: NewGrainStateVersion; clear/delete:
-- the first column is taken as the new version.
INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
('WriteToStorageKey', $q$
SELECT orleans_storage_write(
    @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
    @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary) AS NewGrainStateVersion;
$q$),

('ReadFromStorageKey', $q$
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash
  AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString;
$q$),

-- ClearState keeps the row and bumps the version, so a grain that writes again
-- after clearing still goes through the ETag check. No row returned = conflict.
('ClearStorageKey', $q$
UPDATE OrleansStorage
SET PayloadBinary = NULL,
    ModifiedOn    = now(),
    Version       = Version + 1
WHERE GrainIdHash = @GrainIdHash
  AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
  AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
$q$),

-- Only used with AdoNetGrainStorageOptions.DeleteStateOnClear = true (the
-- provider refuses that option when this key is missing). Returns a value that
-- differs from the caller's ETag so the provider sees success; no row = conflict.
('DeleteStorageKey', $q$
DELETE FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash
  AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
  AND Version = @GrainStateVersion
RETURNING Version + 1 AS NewGrainStateVersion;
$q$)
ON CONFLICT (QueryKey) DO UPDATE
    SET QueryText = EXCLUDED.QueryText
    WHERE OrleansQuery.QueryText IS DISTINCT FROM EXCLUDED.QueryText;


-- =============================================================================
-- Reminders
-- =============================================================================
-- Shape is what the 10.4.2 reminder table binds and reads (GrainId,
-- ReminderName, StartTime, Period, Version); the cron/priority columns of newer
-- upstream scripts belong to a later provider and are not used here.
-- Period is milliseconds. The provider binds it as int, or as bigint once it
-- exceeds int range (about 24.8 days), and reads it as a 64-bit value, so the
-- column is bigint.
CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId    text        NOT NULL,
    GrainId      text        NOT NULL,
    ReminderName text        NOT NULL,
    StartTime    timestamptz NOT NULL,
    Period       bigint      NOT NULL,
    GrainHash    integer     NOT NULL, -- uint hash stored as signed int, as the provider binds it
    Version      integer     NOT NULL, -- the reminder's ETag

    CONSTRAINT PK_OrleansRemindersTable PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

-- Every silo periodically reads the reminders of its hash range; without this
-- index that is a scan of the whole service's reminders.
CREATE INDEX IF NOT EXISTS IX_OrleansRemindersTable_GrainHash
    ON OrleansRemindersTable (ServiceId, GrainHash);

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
-- Insert or overwrite; the new Version is the reminder's ETag.
('UpsertReminderRowKey', $q$
INSERT INTO OrleansRemindersTable
    (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
VALUES
    (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
    SET StartTime = EXCLUDED.StartTime,
        Period    = EXCLUDED.Period,
        GrainHash = EXCLUDED.GrainHash,
        Version   = OrleansRemindersTable.Version + 1
RETURNING Version;
$q$),

('ReadReminderRowsKey', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId
  AND GrainId = @GrainId;
$q$),

('ReadReminderRowKey', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId
  AND GrainId = @GrainId
  AND ReminderName = @ReminderName;
$q$),

-- Range (BeginHash, EndHash] that does not wrap in signed order.
('ReadRangeRows1Key', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId
  AND GrainHash > @BeginHash
  AND GrainHash <= @EndHash;
$q$),

-- Range that wraps around: everything above BeginHash plus everything up to EndHash.
('ReadRangeRows2Key', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId
  AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
$q$),

-- Must return exactly one single-column row: true when the ETag matched.
('DeleteReminderRowKey', $q$
WITH deleted AS
(
    DELETE FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId
      AND GrainId = @GrainId
      AND ReminderName = @ReminderName
      AND Version = @Version
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM deleted) AS Deleted;
$q$),

('DeleteReminderRowsKey', $q$
DELETE FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId;
$q$)
ON CONFLICT (QueryKey) DO UPDATE
    SET QueryText = EXCLUDED.QueryText
    WHERE OrleansQuery.QueryText IS DISTINCT FROM EXCLUDED.QueryText;


-- =============================================================================
-- Streaming (Orleans.Streaming.AdoNet, alpha)
-- =============================================================================
-- A queue is (ServiceId, ProviderId, QueueId). A row is one batch container.
-- Delivery protocol as the 10.4.2 receiver drives it:
--   enqueue  -> row with Dequeued = 0, visible now, expiring after ExpiryTimeout
--   dequeue  -> Dequeued + 1 and hidden for VisibilityTimeout; the new Dequeued
--               value is the "receipt" the receiver must show later
--   confirm  -> row deleted, but only if the receipt still matches (a row that
--               was dequeued again by another agent is left alone)
--   release  -> same query as confirm with the receipt negated (graceful
--               shutdown / queue hand-off): row made visible again at once
--   fail     -> visible again, or dead-lettered once Dequeued >= MaxAttempts
--   evict    -> rows out of attempts or past ExpiresOn move to dead letters;
--               dead letters are deleted after DeadLetterEvictionTimeout
-- All timeouts arrive as whole seconds. Times are timestamptz throughout.

CREATE SEQUENCE IF NOT EXISTS OrleansStreamMessageSequence AS bigint;

CREATE TABLE IF NOT EXISTS OrleansStreamMessage
(
    ServiceId  text        NOT NULL,
    ProviderId text        NOT NULL,
    QueueId    text        NOT NULL,
    MessageId  bigint      NOT NULL,
    Dequeued   integer     NOT NULL,
    VisibleOn  timestamptz NOT NULL,
    ExpiresOn  timestamptz NOT NULL,
    CreatedOn  timestamptz NOT NULL,
    ModifiedOn timestamptz NOT NULL,
    Payload    bytea       NOT NULL,

    -- Also the dequeue index: a queue's rows in MessageId order.
    CONSTRAINT PK_OrleansStreamMessage PRIMARY KEY (ServiceId, ProviderId, QueueId, MessageId)
);

CREATE TABLE IF NOT EXISTS OrleansStreamDeadLetter
(
    ServiceId  text        NOT NULL,
    ProviderId text        NOT NULL,
    QueueId    text        NOT NULL,
    MessageId  bigint      NOT NULL,
    Dequeued   integer     NOT NULL,
    VisibleOn  timestamptz NOT NULL,
    ExpiresOn  timestamptz NOT NULL,
    CreatedOn  timestamptz NOT NULL,
    ModifiedOn timestamptz NOT NULL,
    DeadOn     timestamptz NOT NULL,
    RemoveOn   timestamptz NOT NULL,
    Payload    bytea       NULL,

    CONSTRAINT PK_OrleansStreamDeadLetter PRIMARY KEY (ServiceId, ProviderId, QueueId, MessageId)
);

-- Per-queue schedule for the opportunistic eviction done inside dequeue.
CREATE TABLE IF NOT EXISTS OrleansStreamControl
(
    ServiceId  text        NOT NULL,
    ProviderId text        NOT NULL,
    QueueId    text        NOT NULL,
    EvictOn    timestamptz NOT NULL,

    CONSTRAINT PK_OrleansStreamControl PRIMARY KEY (ServiceId, ProviderId, QueueId)
);

-- Moves up to p_batch_size dead messages of one queue to the dead-letter table
-- and returns how many. A row still hidden (VisibleOn in the future) is held by
-- an agent and is never taken from under it; locked rows are skipped, not
-- waited for, so eviction never stalls a dequeue.
CREATE OR REPLACE FUNCTION orleans_stream_evict(
    p_service_id      text,
    p_provider_id     text,
    p_queue_id        text,
    p_batch_size      integer,
    p_max_attempts    integer,
    p_removal_timeout integer)
    RETURNS integer
    LANGUAGE sql
AS $fn$
    WITH doomed AS
    (
        SELECT m.MessageId
        FROM OrleansStreamMessage AS m
        WHERE m.ServiceId = p_service_id
          AND m.ProviderId = p_provider_id
          AND m.QueueId = p_queue_id
          AND m.VisibleOn <= now()
          AND (m.Dequeued >= p_max_attempts OR m.ExpiresOn <= now())
        ORDER BY m.MessageId
        LIMIT p_batch_size
        FOR UPDATE SKIP LOCKED
    ),
    removed AS
    (
        DELETE FROM OrleansStreamMessage AS m
        USING doomed AS d
        WHERE m.ServiceId = p_service_id
          AND m.ProviderId = p_provider_id
          AND m.QueueId = p_queue_id
          AND m.MessageId = d.MessageId
        RETURNING m.*
    ),
    buried AS
    (
        INSERT INTO OrleansStreamDeadLetter
            (ServiceId, ProviderId, QueueId, MessageId, Dequeued, VisibleOn, ExpiresOn,
             CreatedOn, ModifiedOn, DeadOn, RemoveOn, Payload)
        SELECT r.ServiceId, r.ProviderId, r.QueueId, r.MessageId, r.Dequeued, r.VisibleOn, r.ExpiresOn,
               r.CreatedOn, r.ModifiedOn, now(), now() + p_removal_timeout * interval '1 second', r.Payload
        FROM removed AS r
        RETURNING 1
    )
    SELECT count(*)::integer FROM buried;
$fn$;

-- Deletes up to p_batch_size dead letters of one queue whose retention is over.
CREATE OR REPLACE FUNCTION orleans_stream_evict_dead_letters(
    p_service_id  text,
    p_provider_id text,
    p_queue_id    text,
    p_batch_size  integer)
    RETURNS integer
    LANGUAGE sql
AS $fn$
    WITH expired AS
    (
        SELECT d.MessageId
        FROM OrleansStreamDeadLetter AS d
        WHERE d.ServiceId = p_service_id
          AND d.ProviderId = p_provider_id
          AND d.QueueId = p_queue_id
          AND d.RemoveOn <= now()
        ORDER BY d.MessageId
        LIMIT p_batch_size
        FOR UPDATE SKIP LOCKED
    ),
    removed AS
    (
        DELETE FROM OrleansStreamDeadLetter AS d
        USING expired AS e
        WHERE d.ServiceId = p_service_id
          AND d.ProviderId = p_provider_id
          AND d.QueueId = p_queue_id
          AND d.MessageId = e.MessageId
        RETURNING 1
    )
    SELECT count(*)::integer FROM removed;
$fn$;

-- Dequeues up to p_max_count visible messages, oldest first, and runs the
-- queue's eviction first when it is due (at most once per EvictionInterval per
-- queue, whichever agent gets there first).
-- The batch is locked with plain FOR UPDATE, not SKIP LOCKED: a queue belongs to
-- one pulling agent, and during a hand-off the new owner should wait for the
-- old owner's in-flight dequeue rather than skip its rows and deliver later
-- messages first.
CREATE OR REPLACE FUNCTION orleans_stream_dequeue(
    p_service_id          text,
    p_provider_id         text,
    p_queue_id            text,
    p_max_count           integer,
    p_max_attempts        integer,
    p_visibility_timeout  integer,
    p_removal_timeout     integer,
    p_eviction_interval   integer,
    p_eviction_batch_size integer)
    RETURNS TABLE
    (
        ServiceId  text,
        ProviderId text,
        QueueId    text,
        MessageId  bigint,
        Dequeued   integer,
        VisibleOn  timestamptz,
        ExpiresOn  timestamptz,
        CreatedOn  timestamptz,
        ModifiedOn timestamptz,
        Payload    bytea
    )
    LANGUAGE plpgsql
AS $fn$
-- The output column names are dictated by the provider and equal the table's
-- column names; every column reference below is qualified, and this directive
-- settles any that are not in favour of the table.
#variable_conflict use_column
DECLARE
    v_now      timestamptz := now();
    v_evict_on timestamptz;
    v_due      boolean := false;
BEGIN
    SELECT c.EvictOn INTO v_evict_on
    FROM OrleansStreamControl AS c
    WHERE c.ServiceId = p_service_id
      AND c.ProviderId = p_provider_id
      AND c.QueueId = p_queue_id;

    IF NOT FOUND THEN
        -- First poll of this queue: create its schedule and evict right away.
        INSERT INTO OrleansStreamControl (ServiceId, ProviderId, QueueId, EvictOn)
        VALUES (p_service_id, p_provider_id, p_queue_id,
                v_now + p_eviction_interval * interval '1 second')
        ON CONFLICT DO NOTHING;
        v_due := FOUND;
    ELSIF v_evict_on <= v_now THEN
        -- Several agents may see it due; the conditional update picks one.
        UPDATE OrleansStreamControl AS c
        SET EvictOn = v_now + p_eviction_interval * interval '1 second'
        WHERE c.ServiceId = p_service_id
          AND c.ProviderId = p_provider_id
          AND c.QueueId = p_queue_id
          AND c.EvictOn <= v_now;
        v_due := FOUND;
    END IF;

    IF v_due THEN
        PERFORM orleans_stream_evict(p_service_id, p_provider_id, p_queue_id,
                                     p_eviction_batch_size, p_max_attempts, p_removal_timeout);
        PERFORM orleans_stream_evict_dead_letters(p_service_id, p_provider_id, p_queue_id,
                                                  p_eviction_batch_size);
    END IF;

    RETURN QUERY
    WITH batch AS
    (
        SELECT m.MessageId
        FROM OrleansStreamMessage AS m
        WHERE m.ServiceId = p_service_id
          AND m.ProviderId = p_provider_id
          AND m.QueueId = p_queue_id
          AND m.Dequeued < p_max_attempts
          AND m.VisibleOn <= v_now
          AND m.ExpiresOn > v_now
        ORDER BY m.MessageId
        LIMIT p_max_count
        FOR UPDATE
    )
    UPDATE OrleansStreamMessage AS m
    SET Dequeued   = m.Dequeued + 1,
        VisibleOn  = v_now + p_visibility_timeout * interval '1 second',
        ModifiedOn = v_now
    FROM batch AS b
    WHERE m.ServiceId = p_service_id
      AND m.ProviderId = p_provider_id
      AND m.QueueId = p_queue_id
      AND m.MessageId = b.MessageId
    RETURNING m.ServiceId, m.ProviderId, m.QueueId, m.MessageId, m.Dequeued,
              m.VisibleOn, m.ExpiresOn, m.CreatedOn, m.ModifiedOn, m.Payload;
END;
$fn$;

-- Confirms and releases receipts. p_items is "id:receipt|id:receipt|..."; a
-- positive receipt confirms (delete), a negative one releases (visible now).
-- 10.4.2 sends releases through this same key so that older schemas, which
-- match nothing for a negative receipt, keep working; this schema honours them
-- so a successor agent gets the rows immediately instead of after
-- VisibilityTimeout. A release keeps Dequeued as it is: receipts then only
-- ever grow, so a late confirm from the old owner can never match a newer claim.
-- Returns the rows it acted on; the receiver drops exactly those from its
-- pending set. Rows are locked in MessageId order, like dequeue, to avoid deadlocks.
-- Parsing is done in place instead of through a temporary table, which
-- would cost catalog churn on every confirmation.
CREATE OR REPLACE FUNCTION orleans_stream_confirm(
    p_service_id  text,
    p_provider_id text,
    p_queue_id    text,
    p_items       text)
    RETURNS TABLE
    (
        ServiceId  text,
        ProviderId text,
        QueueId    text,
        MessageId  bigint
    )
    LANGUAGE sql
AS $fn$
    WITH receipts AS
    (
        SELECT split_part(item, ':', 1)::bigint  AS message_id,
               split_part(item, ':', 2)::integer AS receipt
        FROM unnest(string_to_array(p_items, '|')) AS item
        WHERE item <> ''
    ),
    held AS
    (
        SELECT m.MessageId, r.receipt
        FROM OrleansStreamMessage AS m
        JOIN receipts AS r
          ON r.message_id = m.MessageId
         AND abs(r.receipt) = m.Dequeued
        WHERE m.ServiceId = p_service_id
          AND m.ProviderId = p_provider_id
          AND m.QueueId = p_queue_id
        ORDER BY m.MessageId
        FOR UPDATE OF m
    ),
    confirmed AS
    (
        DELETE FROM OrleansStreamMessage AS m
        USING held AS h
        WHERE m.ServiceId = p_service_id
          AND m.ProviderId = p_provider_id
          AND m.QueueId = p_queue_id
          AND m.MessageId = h.MessageId
          AND h.receipt > 0
        RETURNING m.ServiceId, m.ProviderId, m.QueueId, m.MessageId
    ),
    released AS
    (
        UPDATE OrleansStreamMessage AS m
        SET VisibleOn  = now(),
            ModifiedOn = now()
        FROM held AS h
        WHERE m.ServiceId = p_service_id
          AND m.ProviderId = p_provider_id
          AND m.QueueId = p_queue_id
          AND m.MessageId = h.MessageId
          AND h.receipt < 0
        RETURNING m.ServiceId, m.ProviderId, m.QueueId, m.MessageId
    )
    SELECT * FROM confirmed
    UNION ALL
    SELECT * FROM released;
$fn$;

-- Called after delivery of a message kept failing for MaxEventDeliveryTime:
-- retry it at once while it has attempts left, otherwise dead-letter it now.
CREATE OR REPLACE FUNCTION orleans_stream_fail(
    p_service_id      text,
    p_provider_id     text,
    p_queue_id        text,
    p_message_id      bigint,
    p_max_attempts    integer,
    p_removal_timeout integer)
    RETURNS void
    LANGUAGE plpgsql
AS $fn$
BEGIN
    UPDATE OrleansStreamMessage AS m
    SET VisibleOn  = now(),
        ModifiedOn = now()
    WHERE m.ServiceId = p_service_id
      AND m.ProviderId = p_provider_id
      AND m.QueueId = p_queue_id
      AND m.MessageId = p_message_id
      AND m.Dequeued < p_max_attempts;

    IF FOUND THEN
        RETURN;
    END IF;

    WITH removed AS
    (
        DELETE FROM OrleansStreamMessage AS m
        WHERE m.ServiceId = p_service_id
          AND m.ProviderId = p_provider_id
          AND m.QueueId = p_queue_id
          AND m.MessageId = p_message_id
        RETURNING m.*
    )
    INSERT INTO OrleansStreamDeadLetter
        (ServiceId, ProviderId, QueueId, MessageId, Dequeued, VisibleOn, ExpiresOn,
         CreatedOn, ModifiedOn, DeadOn, RemoveOn, Payload)
    SELECT r.ServiceId, r.ProviderId, r.QueueId, r.MessageId, r.Dequeued, r.VisibleOn, r.ExpiresOn,
           r.CreatedOn, r.ModifiedOn, now(), now() + p_removal_timeout * interval '1 second', r.Payload
    FROM removed AS r;
END;
$fn$;

-- Streaming query texts. Result columns read by 10.4.2: ServiceId, ProviderId,
-- QueueId, MessageId (bigint) for enqueue/confirm; plus Dequeued (integer),
-- VisibleOn, ExpiresOn, CreatedOn, ModifiedOn, Payload for dequeue.
INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
-- Runs inside OnNextAsync: once it returns, the event is durable.
('QueueStreamMessageKey', $q$
INSERT INTO OrleansStreamMessage
    (ServiceId, ProviderId, QueueId, MessageId, Dequeued,
     VisibleOn, ExpiresOn, CreatedOn, ModifiedOn, Payload)
VALUES
    (@ServiceId, @ProviderId, @QueueId, nextval('OrleansStreamMessageSequence'), 0,
     now(), now() + @ExpiryTimeout * interval '1 second', now(), now(), @Payload)
RETURNING ServiceId, ProviderId, QueueId, MessageId;
$q$),

('GetStreamMessagesKey', $q$
SELECT * FROM orleans_stream_dequeue(
    @ServiceId, @ProviderId, @QueueId, @MaxCount, @MaxAttempts,
    @VisibilityTimeout, @RemovalTimeout, @EvictionInterval, @EvictionBatchSize);
$q$),

('ConfirmStreamMessagesKey', $q$
SELECT * FROM orleans_stream_confirm(@ServiceId, @ProviderId, @QueueId, @Items);
$q$),

('FailStreamMessageKey', $q$
SELECT orleans_stream_fail(@ServiceId, @ProviderId, @QueueId, @MessageId, @MaxAttempts, @RemovalTimeout);
$q$),

-- Required keys; the 10.4.2 receiver evicts from inside dequeue, these serve
-- explicit calls. 10.4.2 binds the batch size as @MaxCount (upstream PostgreSQL
-- scripts say @BatchSize, which that binary never binds).
('EvictStreamMessagesKey', $q$
SELECT orleans_stream_evict(@ServiceId, @ProviderId, @QueueId, @MaxCount, @MaxAttempts, @RemovalTimeout) AS Evicted;
$q$),

('EvictStreamDeadLettersKey', $q$
SELECT orleans_stream_evict_dead_letters(@ServiceId, @ProviderId, @QueueId, @MaxCount) AS Removed;
$q$)
ON CONFLICT (QueryKey) DO UPDATE
    SET QueryText = EXCLUDED.QueryText
    WHERE OrleansQuery.QueryText IS DISTINCT FROM EXCLUDED.QueryText;
