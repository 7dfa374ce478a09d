-- ListConnections answers TotalCount for every page. Counting the project's rows on each call
-- grows with the project (about 0.6 s per call at 1M connections), so the counts by the
-- filterable columns are kept here by triggers, in the same transaction as the change:
-- a TotalCount without a Name filter sums a handful of rows whatever the project's size.
-- A missing sub-type is counted under ''.

CREATE TABLE connection_counts (
    project_id       INTEGER NOT NULL,
    env_type         INTEGER NOT NULL,
    connection_type  TEXT    NOT NULL,
    sub_type         TEXT    NOT NULL,
    status           INTEGER NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (project_id, env_type, connection_type, sub_type, status)
) WITHOUT ROWID;

INSERT INTO connection_counts (project_id, env_type, connection_type, sub_type, status, n)
SELECT project_id, env_type, connection_type, COALESCE(sub_type, ''), status, count(*)
FROM connections
GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER connection_counts_insert AFTER INSERT ON connections
BEGIN
    INSERT INTO connection_counts (project_id, env_type, connection_type, sub_type, status, n)
    VALUES (NEW.project_id, NEW.env_type, NEW.connection_type, COALESCE(NEW.sub_type, ''), NEW.status, 1)
    ON CONFLICT (project_id, env_type, connection_type, sub_type, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER connection_counts_delete AFTER DELETE ON connections
BEGIN
    UPDATE connection_counts SET n = n - 1
    WHERE project_id = OLD.project_id AND env_type = OLD.env_type
      AND connection_type = OLD.connection_type AND sub_type = COALESCE(OLD.sub_type, '')
      AND status = OLD.status;
END;

-- Only a change of a counted column moves a row between counts; the common update (content,
-- description) does not fire the body.
CREATE TRIGGER connection_counts_update
AFTER UPDATE OF project_id, env_type, connection_type, sub_type, status ON connections
WHEN OLD.project_id IS NOT NEW.project_id OR OLD.env_type IS NOT NEW.env_type
  OR OLD.connection_type IS NOT NEW.connection_type OR OLD.sub_type IS NOT NEW.sub_type
  OR OLD.status IS NOT NEW.status
BEGIN
    UPDATE connection_counts SET n = n - 1
    WHERE project_id = OLD.project_id AND env_type = OLD.env_type
      AND connection_type = OLD.connection_type AND sub_type = COALESCE(OLD.sub_type, '')
      AND status = OLD.status;
    INSERT INTO connection_counts (project_id, env_type, connection_type, sub_type, status, n)
    VALUES (NEW.project_id, NEW.env_type, NEW.connection_type, COALESCE(NEW.sub_type, ''), NEW.status, 1)
    ON CONFLICT (project_id, env_type, connection_type, sub_type, status) DO UPDATE SET n = n + 1;
END;
