-- SetDataSourceShare: with which projects (and which users in them) a data source is shared,
-- with READ or WRITE. `user_id` 0 is a share with the whole project. Sharing stays inside the
-- data source's tenant (the service checks it; `tenant_id` is kept so that no query needs a join
-- to scope a share). `connections.shared` is true while a data source has any share; it is not a
-- counted column of `connection_counts`, so setting it moves no TotalCount.
-- Deleting a data source deletes its shares.

CREATE TABLE connection_shares (
    connection_id  BIGINT      NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    tenant_id      BIGINT      NOT NULL REFERENCES tenants (id),
    project_id     BIGINT      NOT NULL REFERENCES projects (id),
    user_id        BIGINT      NOT NULL DEFAULT 0,
    permission     TEXT        NOT NULL CHECK (permission IN ('READ', 'WRITE')),
    shared_name    TEXT        NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (connection_id, project_id, user_id)
);
CREATE INDEX connection_shares_project ON connection_shares (project_id);
