-- TotalCount without a hot row (issue 17). Migration 2 kept one count row per (project, env,
-- type, sub-type, status): every update that changed Status or EnvType locked two of them
-- until commit, so concurrent updates of one project queued on those rows. The counts are now
-- split into 64 shards per key, the shard being the connection id % 64: two updates wait on
-- each other only when their connections share a shard (and a key), and a connection always
-- counts in the same shard, so every shard stays exact (never negative). ListConnections sums
-- the shards of the keys it filters on; `connection_counts` stays as a view of the sums.

CREATE TABLE connection_count_shards (
    project_id       BIGINT   NOT NULL,
    env_type         INTEGER  NOT NULL,
    connection_type  TEXT     NOT NULL,
    sub_type         TEXT     NOT NULL,
    status           INTEGER  NOT NULL,
    shard            SMALLINT NOT NULL,
    n                BIGINT   NOT NULL,
    PRIMARY KEY (project_id, env_type, connection_type, sub_type, status, shard)
);

-- Recounted from the rows (the migration runs in one transaction under the schema lock).
INSERT INTO connection_count_shards
    (project_id, env_type, connection_type, sub_type, status, shard, n)
SELECT project_id, env_type, connection_type, COALESCE(sub_type, ''), status,
       (id % 64)::smallint, count(*)
FROM connections
GROUP BY 1, 2, 3, 4, 5, 6;

DROP TRIGGER connection_counts_insert ON connections;
DROP TRIGGER connection_counts_delete ON connections;
DROP TRIGGER connection_counts_update ON connections;
DROP FUNCTION connection_counts_inserted();
DROP FUNCTION connection_counts_deleted();
DROP FUNCTION connection_counts_moved();
DROP FUNCTION connection_counts_add(BIGINT, INTEGER, TEXT, TEXT, INTEGER, BIGINT);
DROP TABLE connection_counts;

CREATE VIEW connection_counts AS
SELECT project_id, env_type, connection_type, sub_type, status, sum(n)::bigint AS n
FROM connection_count_shards
GROUP BY 1, 2, 3, 4, 5;

-- Inserts and deletes: once per statement from the transition table (see migration 2).
CREATE FUNCTION connection_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO connection_count_shards AS cc
        (project_id, env_type, connection_type, sub_type, status, shard, n)
    SELECT project_id, env_type, connection_type, COALESCE(sub_type, ''), status,
           (id % 64)::smallint, count(*)
    FROM added
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (project_id, env_type, connection_type, sub_type, status, shard)
    DO UPDATE SET n = cc.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;

CREATE FUNCTION connection_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE connection_count_shards cc SET n = cc.n - d.n
    FROM (SELECT project_id, env_type, connection_type, COALESCE(sub_type, '') AS sub_type,
                 status, (id % 64)::smallint AS shard, count(*) AS n
          FROM removed GROUP BY 1, 2, 3, 4, 5, 6) d
    WHERE (cc.project_id, cc.env_type, cc.connection_type, cc.sub_type, cc.status, cc.shard)
        = (d.project_id, d.env_type, d.connection_type, d.sub_type, d.status, d.shard);
    RETURN NULL;
END;
$$;

CREATE TRIGGER connection_counts_insert
AFTER INSERT ON connections REFERENCING NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION connection_counts_inserted();

CREATE TRIGGER connection_counts_delete
AFTER DELETE ON connections REFERENCING OLD TABLE AS removed
FOR EACH STATEMENT EXECUTE FUNCTION connection_counts_deleted();

-- A move is ONE statement: both shard rows (-1 for the old key, +1 for the new) in one
-- upsert, taken in key order so that two transactions moving rows in opposite directions
-- cannot deadlock. A change that leaves the counted key equal (a NULL sub-type set to '')
-- moves nothing.
CREATE FUNCTION connection_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.project_id, OLD.env_type, OLD.connection_type, COALESCE(OLD.sub_type, ''), OLD.status)
        = (NEW.project_id, NEW.env_type, NEW.connection_type, COALESCE(NEW.sub_type, ''), NEW.status) THEN
        RETURN NULL;
    END IF;
    INSERT INTO connection_count_shards AS cc
        (project_id, env_type, connection_type, sub_type, status, shard, n)
    SELECT * FROM (VALUES
        (OLD.project_id, OLD.env_type, OLD.connection_type, COALESCE(OLD.sub_type, ''),
         OLD.status, (OLD.id % 64)::smallint, -1::bigint),
        (NEW.project_id, NEW.env_type, NEW.connection_type, COALESCE(NEW.sub_type, ''),
         NEW.status, (NEW.id % 64)::smallint, 1::bigint)) v
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (project_id, env_type, connection_type, sub_type, status, shard)
    DO UPDATE SET n = cc.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;

CREATE TRIGGER connection_counts_update
AFTER UPDATE OF project_id, env_type, connection_type, sub_type, status ON connections
FOR EACH ROW
WHEN ((OLD.project_id, OLD.env_type, OLD.connection_type, OLD.sub_type, OLD.status)
      IS DISTINCT FROM (NEW.project_id, NEW.env_type, NEW.connection_type, NEW.sub_type, NEW.status))
EXECUTE FUNCTION connection_counts_moved();
