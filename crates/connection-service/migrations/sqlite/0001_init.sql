-- Tenants, projects, users, memberships, AccessKeys, connections.
-- Timestamps are INTEGER unix milliseconds (UTC); booleans are INTEGER 0/1.

CREATE TABLE tenants (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

CREATE TABLE projects (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id),
    name            TEXT    NOT NULL,
    connection_seq  INTEGER NOT NULL DEFAULT 0,
    deleted_at      INTEGER,
    created_at      INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE users (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   INTEGER REFERENCES tenants (id),
    name        TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

CREATE TABLE project_members (
    project_id  INTEGER NOT NULL REFERENCES projects (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    role        TEXT    NOT NULL CHECK (role IN ('owner', 'admin', 'developer', 'visitor')),
    PRIMARY KEY (project_id, user_id)
);

CREATE TABLE access_keys (
    id             TEXT    PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id),
    sealed_secret  TEXT    NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER NOT NULL
);
CREATE INDEX access_keys_user ON access_keys (user_id);

CREATE TABLE connections (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id               INTEGER NOT NULL REFERENCES tenants (id),
    project_id              INTEGER NOT NULL REFERENCES projects (id),
    name                    TEXT    NOT NULL,
    connection_type         TEXT    NOT NULL,
    sub_type                TEXT,
    description             TEXT    NOT NULL DEFAULT '',
    env_type                INTEGER NOT NULL CHECK (env_type IN (0, 1)),
    status                  INTEGER NOT NULL DEFAULT 1 CHECK (status IN (1, 2)),
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
CREATE INDEX connections_project_sequence ON connections (project_id, sequence DESC);
