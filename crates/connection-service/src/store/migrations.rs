//! Versioned schema files, embedded at build time and applied in order at start; applied
//! versions are recorded in `schema_migrations`.

/// One migration file.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Version number (the file's numeric prefix).
    pub version: i64,
    /// File name, for the record.
    pub name: &'static str,
    /// The SQL.
    pub sql: &'static str,
}

/// SQLite migrations, in order.
pub const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_init.sql",
        sql: include_str!("../../migrations/sqlite/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "0002_connection_counts.sql",
        sql: include_str!("../../migrations/sqlite/0002_connection_counts.sql"),
    },
    Migration {
        version: 3,
        name: "0003_data_source_shares.sql",
        sql: include_str!("../../migrations/sqlite/0003_data_source_shares.sql"),
    },
    Migration {
        version: 4,
        name: "0004_single_statement_count_move.sql",
        sql: include_str!("../../migrations/sqlite/0004_single_statement_count_move.sql"),
    },
];

/// PostgreSQL migrations, in order.
pub const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_init.sql",
        sql: include_str!("../../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "0002_connection_counts.sql",
        sql: include_str!("../../migrations/postgres/0002_connection_counts.sql"),
    },
    Migration {
        version: 3,
        name: "0003_data_source_shares.sql",
        sql: include_str!("../../migrations/postgres/0003_data_source_shares.sql"),
    },
    Migration {
        version: 4,
        name: "0004_sharded_counts.sql",
        sql: include_str!("../../migrations/postgres/0004_sharded_counts.sql"),
    },
];
