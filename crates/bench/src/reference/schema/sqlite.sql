-- The reference server's own SQLite schema (not the service's migrations): the same
-- entities, and TotalCount kept exact by the writer thread in the UpdateConnection job (no
-- trigger). One writer: no shards needed.

CREATE TABLE tenants (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE,
    created_at  INTEGER
);

CREATE TABLE projects (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    name            TEXT    NOT NULL,
    connection_seq  INTEGER NOT NULL DEFAULT 0,
    deleted_at      INTEGER,
    created_at      INTEGER,
    UNIQUE (tenant_id, name)
);

CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    tenant_id  INTEGER REFERENCES tenants (id),
    name       TEXT NOT NULL UNIQUE,
    created_at INTEGER
);

CREATE TABLE project_members (
    project_id  INTEGER NOT NULL REFERENCES projects (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    role        TEXT    NOT NULL,
    PRIMARY KEY (project_id, user_id)
) WITHOUT ROWID;

CREATE TABLE access_keys (
    id             TEXT    PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id),
    sealed_secret  TEXT    NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER
);

CREATE TABLE connections (
    id                      INTEGER PRIMARY KEY,
    tenant_id               INTEGER NOT NULL,
    project_id              INTEGER NOT NULL,
    name                    TEXT    NOT NULL,
    connection_type         TEXT    NOT NULL,
    sub_type                TEXT    NOT NULL DEFAULT '',
    description             TEXT    NOT NULL DEFAULT '',
    env_type                INTEGER NOT NULL,
    status                  INTEGER NOT NULL DEFAULT 1,
    content                 TEXT    NOT NULL,
    connect_status          INTEGER NOT NULL DEFAULT 0,
    shared                  INTEGER NOT NULL DEFAULT 0,
    sequence                INTEGER NOT NULL,
    binding_calc_engine_id  INTEGER NOT NULL DEFAULT 0,
    default_engine          INTEGER NOT NULL DEFAULT 0,
    operator                TEXT    NOT NULL,
    gmt_create              INTEGER NOT NULL,
    gmt_modified            INTEGER NOT NULL,
    version                 INTEGER NOT NULL DEFAULT 1,
    UNIQUE (project_id, env_type, name)
);
CREATE INDEX connections_page ON connections (project_id, sequence DESC);

CREATE TABLE conn_counts (
    project_id       INTEGER NOT NULL,
    env_type         INTEGER NOT NULL,
    connection_type  TEXT    NOT NULL,
    sub_type         TEXT    NOT NULL,
    status           INTEGER NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (project_id, env_type, connection_type, sub_type, status)
) WITHOUT ROWID;
