-- SetDataSourceShare: with which projects (and which users in them) a data source is shared,
-- with READ or WRITE. `user_id` 0 is a share with the whole project. Sharing stays inside the
-- data source's tenant (the service checks it; `tenant_id` is kept so that no query needs a join
-- to scope a share). `connections.shared` is 1 while a data source has any share; it is not a
-- counted column of `connection_counts`, so setting it moves no TotalCount.
-- Deleting a data source deletes its shares (foreign keys are on in every connection).

CREATE TABLE connection_shares (
    connection_id  INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    tenant_id      INTEGER NOT NULL REFERENCES tenants (id),
    project_id     INTEGER NOT NULL REFERENCES projects (id),
    user_id        INTEGER NOT NULL DEFAULT 0,
    permission     TEXT    NOT NULL CHECK (permission IN ('READ', 'WRITE')),
    shared_name    TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (connection_id, project_id, user_id)
) WITHOUT ROWID;
CREATE INDEX connection_shares_project ON connection_shares (project_id);
