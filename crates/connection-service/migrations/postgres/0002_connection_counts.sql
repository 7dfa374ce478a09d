-- ListConnections answers TotalCount for every page. Counting the project's rows on each call
-- grows with the project (seconds per call at 1M connections), so the counts by the filterable
-- columns are kept here by triggers, in the same transaction as the change: a TotalCount
-- without a Name filter sums a handful of rows whatever the project's size.
-- A missing sub-type is counted under ''.

CREATE TABLE connection_counts (
    project_id       BIGINT  NOT NULL,
    env_type         INTEGER NOT NULL,
    connection_type  TEXT    NOT NULL,
    sub_type         TEXT    NOT NULL,
    status           INTEGER NOT NULL,
    n                BIGINT  NOT NULL,
    PRIMARY KEY (project_id, env_type, connection_type, sub_type, status)
);

INSERT INTO connection_counts (project_id, env_type, connection_type, sub_type, status, n)
SELECT project_id, env_type, connection_type, COALESCE(sub_type, ''), status, count(*)
FROM connections
GROUP BY 1, 2, 3, 4, 5;

CREATE FUNCTION connection_counts_add(
    p BIGINT, e INTEGER, t TEXT, s TEXT, st INTEGER, delta BIGINT
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO connection_counts AS cc (project_id, env_type, connection_type, sub_type, status, n)
    VALUES (p, e, t, COALESCE(s, ''), st, delta)
    ON CONFLICT (project_id, env_type, connection_type, sub_type, status)
    DO UPDATE SET n = cc.n + EXCLUDED.n;
$$;

-- Inserts and deletes are counted once per statement from its transition table: a row-level
-- upsert would update the same count row once per row, and within one transaction each update
-- leaves a version the next must step over (a 1M-row INSERT ... SELECT never finished).
CREATE FUNCTION connection_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO connection_counts AS cc (project_id, env_type, connection_type, sub_type, status, n)
    SELECT project_id, env_type, connection_type, COALESCE(sub_type, ''), status, count(*)
    FROM added
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (project_id, env_type, connection_type, sub_type, status)
    DO UPDATE SET n = cc.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;

CREATE FUNCTION connection_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE connection_counts cc SET n = cc.n - d.n
    FROM (SELECT project_id, env_type, connection_type, COALESCE(sub_type, '') AS sub_type,
                 status, count(*) AS n
          FROM removed GROUP BY 1, 2, 3, 4, 5) d
    WHERE (cc.project_id, cc.env_type, cc.connection_type, cc.sub_type, cc.status)
        = (d.project_id, d.env_type, d.connection_type, d.sub_type, d.status);
    RETURN NULL;
END;
$$;

CREATE TRIGGER connection_counts_insert
AFTER INSERT ON connections REFERENCING NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION connection_counts_inserted();

CREATE TRIGGER connection_counts_delete
AFTER DELETE ON connections REFERENCING OLD TABLE AS removed
FOR EACH STATEMENT EXECUTE FUNCTION connection_counts_deleted();

-- An update moves a row between two counts only when a counted column changes (the common
-- update, of content or description, does not run the function). The two count rows are
-- locked in key order so that two transactions moving rows in opposite directions cannot
-- deadlock.
CREATE FUNCTION connection_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.project_id, OLD.env_type, OLD.connection_type, COALESCE(OLD.sub_type, ''), OLD.status)
        < (NEW.project_id, NEW.env_type, NEW.connection_type, COALESCE(NEW.sub_type, ''), NEW.status) THEN
        PERFORM connection_counts_add(OLD.project_id, OLD.env_type, OLD.connection_type,
                                      OLD.sub_type, OLD.status, -1);
        PERFORM connection_counts_add(NEW.project_id, NEW.env_type, NEW.connection_type,
                                      NEW.sub_type, NEW.status, 1);
    ELSE
        PERFORM connection_counts_add(NEW.project_id, NEW.env_type, NEW.connection_type,
                                      NEW.sub_type, NEW.status, 1);
        PERFORM connection_counts_add(OLD.project_id, OLD.env_type, OLD.connection_type,
                                      OLD.sub_type, OLD.status, -1);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER connection_counts_update
AFTER UPDATE OF project_id, env_type, connection_type, sub_type, status ON connections
FOR EACH ROW
WHEN ((OLD.project_id, OLD.env_type, OLD.connection_type, OLD.sub_type, OLD.status)
      IS DISTINCT FROM (NEW.project_id, NEW.env_type, NEW.connection_type, NEW.sub_type, NEW.status))
EXECUTE FUNCTION connection_counts_moved();
