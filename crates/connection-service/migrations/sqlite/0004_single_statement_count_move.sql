-- Issue 17: a change of Status or EnvType moves the row between two counts in ONE statement
-- (one upsert of both rows: -1 for the old key, +1 for the new) instead of an UPDATE and an
-- upsert. SQLite has one writer, so a count row is never a lock others queue on: no shards.

DROP TRIGGER connection_counts_update;

CREATE TRIGGER connection_counts_update
AFTER UPDATE OF project_id, env_type, connection_type, sub_type, status ON connections
WHEN OLD.project_id IS NOT NEW.project_id OR OLD.env_type IS NOT NEW.env_type
  OR OLD.connection_type IS NOT NEW.connection_type OR OLD.sub_type IS NOT NEW.sub_type
  OR OLD.status IS NOT NEW.status
BEGIN
    INSERT INTO connection_counts (project_id, env_type, connection_type, sub_type, status, n)
    VALUES (OLD.project_id, OLD.env_type, OLD.connection_type, COALESCE(OLD.sub_type, ''), OLD.status, -1),
           (NEW.project_id, NEW.env_type, NEW.connection_type, COALESCE(NEW.sub_type, ''), NEW.status, 1)
    ON CONFLICT (project_id, env_type, connection_type, sub_type, status) DO UPDATE SET n = n + excluded.n;
END;
