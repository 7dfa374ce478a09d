-- The reference server's own PostgreSQL schema (not the service's migrations): the same
-- entities, and TotalCount kept exact by the UpdateConnection statement itself (no trigger),
-- in counts split into 64 shards per key (shard = connection id % 64) so that concurrent
-- updates of one project do not queue on one row. ListConnections sums the shards.

CREATE TABLE tenants (
    id    BIGSERIAL PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE
);

CREATE TABLE projects (
    id              BIGSERIAL PRIMARY KEY,
    tenant_id       BIGINT NOT NULL REFERENCES tenants (id),
    name            TEXT   NOT NULL,
    connection_seq  BIGINT NOT NULL DEFAULT 0,
    deleted_at      TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name)
);

CREATE TABLE users (
    id         BIGSERIAL PRIMARY KEY,
    tenant_id  BIGINT REFERENCES tenants (id),
    name       TEXT NOT NULL UNIQUE
);

CREATE TABLE project_members (
    project_id  BIGINT NOT NULL REFERENCES projects (id),
    user_id     BIGINT NOT NULL REFERENCES users (id),
    role        TEXT   NOT NULL,
    PRIMARY KEY (project_id, user_id)
);

CREATE TABLE access_keys (
    id             TEXT    PRIMARY KEY,
    user_id        BIGINT  NOT NULL REFERENCES users (id),
    sealed_secret  TEXT    NOT NULL,
    active         BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE connections (
    id                      BIGSERIAL   PRIMARY KEY,
    tenant_id               BIGINT      NOT NULL,
    project_id              BIGINT      NOT NULL,
    name                    TEXT        NOT NULL,
    connection_type         TEXT        NOT NULL,
    sub_type                TEXT        NOT NULL DEFAULT '',
    description             TEXT        NOT NULL DEFAULT '',
    env_type                INTEGER     NOT NULL,
    status                  INTEGER     NOT NULL DEFAULT 1,
    content                 TEXT        NOT NULL,
    connect_status          INTEGER     NOT NULL DEFAULT 0,
    shared                  BOOLEAN     NOT NULL DEFAULT FALSE,
    sequence                BIGINT      NOT NULL,
    binding_calc_engine_id  BIGINT      NOT NULL DEFAULT 0,
    default_engine          BOOLEAN     NOT NULL DEFAULT FALSE,
    operator                TEXT        NOT NULL,
    gmt_create              TIMESTAMPTZ NOT NULL,
    gmt_modified            TIMESTAMPTZ NOT NULL,
    version                 BIGINT      NOT NULL DEFAULT 1,
    UNIQUE (project_id, env_type, name)
);
CREATE INDEX connections_page ON connections (project_id, sequence DESC);

CREATE TABLE conn_counts (
    project_id       BIGINT   NOT NULL,
    env_type         INTEGER  NOT NULL,
    connection_type  TEXT     NOT NULL,
    sub_type         TEXT     NOT NULL,
    status           INTEGER  NOT NULL,
    shard            SMALLINT NOT NULL,
    n                BIGINT   NOT NULL,
    PRIMARY KEY (project_id, env_type, connection_type, sub_type, status, shard)
);
