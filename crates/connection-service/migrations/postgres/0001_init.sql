-- Tenants, projects, users, memberships, AccessKeys, connections, and the shared replay cache.

CREATE TABLE tenants (
    id          BIGSERIAL   PRIMARY KEY,
    name        TEXT        NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE projects (
    id              BIGSERIAL   PRIMARY KEY,
    tenant_id       BIGINT      NOT NULL REFERENCES tenants (id),
    name            TEXT        NOT NULL,
    connection_seq  BIGINT      NOT NULL DEFAULT 0,
    deleted_at      TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name)
);

CREATE TABLE users (
    id          BIGSERIAL   PRIMARY KEY,
    tenant_id   BIGINT      REFERENCES tenants (id),
    name        TEXT        NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE project_members (
    project_id  BIGINT NOT NULL REFERENCES projects (id),
    user_id     BIGINT NOT NULL REFERENCES users (id),
    role        TEXT   NOT NULL CHECK (role IN ('owner', 'admin', 'developer', 'visitor')),
    PRIMARY KEY (project_id, user_id)
);

CREATE TABLE access_keys (
    id             TEXT        PRIMARY KEY,
    user_id        BIGINT      NOT NULL REFERENCES users (id),
    sealed_secret  TEXT        NOT NULL,
    active         BOOLEAN     NOT NULL DEFAULT TRUE,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX access_keys_user ON access_keys (user_id);

CREATE TABLE connections (
    id                      BIGSERIAL   PRIMARY KEY,
    tenant_id               BIGINT      NOT NULL REFERENCES tenants (id),
    project_id              BIGINT      NOT NULL REFERENCES projects (id),
    name                    TEXT        NOT NULL,
    connection_type         TEXT        NOT NULL,
    sub_type                TEXT,
    description             TEXT        NOT NULL DEFAULT '',
    env_type                INTEGER     NOT NULL CHECK (env_type IN (0, 1)),
    status                  INTEGER     NOT NULL DEFAULT 1 CHECK (status IN (1, 2)),
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
CREATE INDEX connections_project_sequence ON connections (project_id, sequence DESC);

-- Replay protection shared by every replica: sha256(AccessKeyId NUL nonce) -> expiry.
CREATE TABLE request_nonces (
    digest      BYTEA       PRIMARY KEY,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX request_nonces_expiry ON request_nonces (expires_at);
