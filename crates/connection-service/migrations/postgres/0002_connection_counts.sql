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

-- A row moving between two counts locks both; they are taken in key order so that two
-- transactions moving rows in opposite directions cannot deadlock.
CREATE FUNCTION connection_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM connection_counts_add(NEW.project_id, NEW.env_type, NEW.connection_type,
                                      NEW.sub_type, NEW.status, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM connection_counts_add(OLD.project_id, OLD.env_type, OLD.connection_type,
                                      OLD.sub_type, OLD.status, -1);
    ELSIF (OLD.project_id, OLD.env_type, OLD.connection_type, COALESCE(OLD.sub_type, ''), OLD.status)
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

CREATE TRIGGER connection_counts_insert_delete
AFTER INSERT OR DELETE ON connections
FOR EACH ROW EXECUTE FUNCTION connection_counts_track();

-- Only a change of a counted column moves a row between counts; the common update (content,
-- description) does not run the function.
CREATE TRIGGER connection_counts_update
AFTER UPDATE OF project_id, env_type, connection_type, sub_type, status ON connections
FOR EACH ROW
WHEN ((OLD.project_id, OLD.env_type, OLD.connection_type, OLD.sub_type, OLD.status)
      IS DISTINCT FROM (NEW.project_id, NEW.env_type, NEW.connection_type, NEW.sub_type, NEW.status))
EXECUTE FUNCTION connection_counts_track();
