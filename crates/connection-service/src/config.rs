//! Settings: command-line flags beat environment variables, which beat the TOML file given with
//! `--config`, which beats the defaults. Secrets (the master key) come only from the environment
//! or a key file, never from flags (which `ps` shows to every user).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::connections::HttpSettings;
use crate::crypto::{CryptoError, MasterKey};
use crate::network::{DenyList, ProbeConfig, DEFAULT_DENY};
use crate::redact::url_without_password;
use crate::store::{DatabaseUrl, StoreOptions};
use crate::test_controls::TestControlsSettings;

/// Default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// Default database.
pub const DEFAULT_DATABASE: &str = "sqlite://./data/dataworks.db";
/// Default region.
pub const DEFAULT_REGION: &str = "cn-shanghai";
/// Environment variable holding the master key (base64 of 32 bytes).
pub const MASTER_KEY_ENV: &str = "DATAWORKS_MASTER_KEY";
/// Name of the key file created next to an SQLite database.
pub const KEY_FILE_NAME: &str = "master.key";

/// Why the settings are unusable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("reading {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The config file is not valid TOML for these settings.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A value is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// The master key is missing or unusable.
    #[error(transparent)]
    MasterKey(#[from] CryptoError),
}

/// The TOML file's shape; every key optional.
///
/// ```toml
/// listen = "127.0.0.1:8080"
/// database = "sqlite://./data/dataworks.db"
/// region = "cn-shanghai"
/// log_format = "text"            # or "json"
/// nonce_store = "memory"         # or "postgres", or "redis://127.0.0.1:6379"
/// master_key_file = "/etc/dataworks/master.key"
/// test_controls = false          # the /_test/ endpoints (test-double controls)
/// test_controls_token = "..."    # then required as `Authorization: Bearer ...`
/// [network]
/// connect_timeout_ms = 2000
/// deny = ["169.254.0.0/16", "fe80::/10", "100.100.100.200", "fd00:ec2::254"]
/// [postgres]
/// pool_size = 32                # backends per replica (default 16 per core, capped at a third of max_connections)
/// [sqlite]
/// readers = 4
/// max_batch = 512
/// [explorer]
/// enabled = true                 # false (or --no-explorer): no /explorer page, no Recommend link
/// public_url = "https://dataworks.example.com"   # base of Recommend links (default: the request's Host)
/// ```
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Listen address.
    pub listen: Option<String>,
    /// Database URL.
    pub database: Option<String>,
    /// Region id.
    pub region: Option<String>,
    /// `text` or `json`.
    pub log_format: Option<String>,
    /// `memory`, `postgres` or `redis://...`.
    pub nonce_store: Option<String>,
    /// File holding the master key (base64).
    pub master_key_file: Option<PathBuf>,
    /// Serve the test-double controls under `/_test/`.
    pub test_controls: Option<bool>,
    /// The bearer token the controls then require.
    pub test_controls_token: Option<String>,
    /// TestNetworkConnection settings.
    #[serde(default)]
    pub network: NetworkSection,
    /// PostgreSQL settings.
    #[serde(default)]
    pub postgres: PostgresSection,
    /// SQLite settings.
    #[serde(default)]
    pub sqlite: SqliteSection,
    /// Connection limits and timeouts.
    #[serde(default)]
    pub http: HttpSection,
    /// The API Explorer page.
    #[serde(default)]
    pub explorer: ExplorerSection,
}

/// `[explorer]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExplorerSection {
    /// Serve `/explorer` (default true).
    pub enabled: Option<bool>,
    /// Absolute base URL of the server as users reach it (e.g. behind a TLS proxy), for the
    /// troubleshoot links in error answers; default: `http://` + the request's `Host`.
    pub public_url: Option<String>,
}

/// The resolved `[explorer]` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplorerSettings {
    /// Serve `/explorer` and point `Recommend` of error answers at its troubleshoot page.
    pub enabled: bool,
    /// Base URL for those links, without a trailing `/`.
    pub public_url: Option<String>,
}

/// `[http]`: see [`crate::connections::HttpSettings`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSection {
    /// Most connections served at once (default 10000); one more is answered 503
    /// `ServiceUnavailable`.
    pub max_connections: Option<usize>,
    /// Limit for a whole request head, in milliseconds (default 10000).
    pub header_timeout_ms: Option<u64>,
    /// Limit between two requests on a kept-alive connection, in milliseconds (default 75000).
    pub idle_timeout_ms: Option<u64>,
}

/// `[network]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSection {
    /// Probe timeout in milliseconds (default 2000).
    pub connect_timeout_ms: Option<u64>,
    /// Denied ranges; replaces the default list when given.
    pub deny: Option<Vec<String>>,
}

/// `[postgres]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostgresSection {
    /// Backends per replica (default 16 per core; capped at a third of the database's usable
    /// `max_connections`).
    pub pool_size: Option<usize>,
}

/// `[sqlite]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqliteSection {
    /// Reader threads (default 4).
    pub readers: Option<usize>,
    /// Most writes grouped into one transaction (default 512).
    pub max_batch: Option<usize>,
}

impl FileConfig {
    /// Reads a TOML file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.display().to_string(),
            message: e.message().to_owned(),
        })
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

impl LogFormat {
    fn parse(value: &str) -> Result<Self, ConfigError> {
        match value.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            other => Err(ConfigError::Invalid(format!(
                "log format {other:?}: expected text or json"
            ))),
        }
    }
}

/// Where replay nonces are remembered. Debug hides a Redis password.
#[derive(Clone, PartialEq, Eq)]
pub enum NonceStoreKind {
    /// In this process (one replica only).
    Memory,
    /// The PostgreSQL database (needs a `postgres://` database).
    Postgres,
    /// A Redis server at this URL.
    Redis(String),
}

impl std::fmt::Debug for NonceStoreKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Memory => f.write_str("Memory"),
            Self::Postgres => f.write_str("Postgres"),
            Self::Redis(url) => write!(f, "Redis({})", url_without_password(url)),
        }
    }
}

impl NonceStoreKind {
    /// Parses `memory`, `postgres` or `redis://...`.
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        let v = value.trim();
        if v.eq_ignore_ascii_case("memory") {
            Ok(Self::Memory)
        } else if v.eq_ignore_ascii_case("postgres") {
            Ok(Self::Postgres)
        } else if v.starts_with("redis://") || v.starts_with("rediss://") {
            Ok(Self::Redis(v.to_owned()))
        } else {
            Err(ConfigError::Invalid(format!(
                "nonce store {v:?}: expected memory, postgres or redis://..."
            )))
        }
    }
}

/// Replicas on PostgreSQL share one replay cache by default (a replay sent to another replica
/// must still be caught); the embedded SQLite default is one process, so memory is enough.
fn default_nonce_store(database: &str) -> &'static str {
    if matches!(DatabaseUrl::parse(database), Ok(DatabaseUrl::Postgres(_))) {
        "postgres"
    } else {
        "memory"
    }
}

/// Values given on the command line or in the environment (already merged by clap).
#[derive(Clone, Default)]
pub struct Overrides {
    /// `--listen` / `DATAWORKS_LISTEN`.
    pub listen: Option<String>,
    /// `--database` / `DATAWORKS_DATABASE_URL`.
    pub database: Option<String>,
    /// `DATAWORKS_REGION`.
    pub region: Option<String>,
    /// `DATAWORKS_LOG_FORMAT`.
    pub log_format: Option<String>,
    /// `DATAWORKS_NONCE_STORE`.
    pub nonce_store: Option<String>,
    /// `--no-explorer`.
    pub no_explorer: bool,
    /// `--test-controls`.
    pub test_controls: bool,
    /// `--test-controls-token` / `DATAWORKS_TEST_CONTROLS_TOKEN`.
    pub test_controls_token: Option<String>,
}

/// The resolved settings. Debug hides the database password.
#[derive(Clone)]
pub struct Settings {
    /// Listen address.
    pub listen: String,
    /// Database URL (may contain a password: never log it whole).
    pub database: String,
    /// Region id.
    pub region: String,
    /// Log format.
    pub log_format: LogFormat,
    /// Nonce store.
    pub nonce_store: NonceStoreKind,
    /// Master key file from the config file, if any.
    pub master_key_file: Option<PathBuf>,
    /// Probe settings.
    pub probe: ProbeConfig,
    /// Store settings.
    pub store: StoreOptions,
    /// The API Explorer.
    pub explorer: ExplorerSettings,
    /// The test-double controls (off by default).
    pub test_controls: TestControlsSettings,
    /// Connection limits and timeouts.
    pub http: HttpSettings,
}

impl std::fmt::Debug for FileConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileConfig")
            .field("listen", &self.listen)
            .field(
                "database",
                &self.database.as_deref().map(url_without_password),
            )
            .field("region", &self.region)
            .field("log_format", &self.log_format)
            .field(
                "nonce_store",
                &self.nonce_store.as_deref().map(url_without_password),
            )
            .field("master_key_file", &self.master_key_file)
            .field("network", &self.network)
            .field("postgres", &self.postgres)
            .field("sqlite", &self.sqlite)
            .field("explorer", &self.explorer)
            .field("http", &self.http)
            .finish()
    }
}

impl std::fmt::Debug for Overrides {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Overrides")
            .field("listen", &self.listen)
            .field(
                "database",
                &self.database.as_deref().map(url_without_password),
            )
            .field("region", &self.region)
            .field("log_format", &self.log_format)
            .field(
                "nonce_store",
                &self.nonce_store.as_deref().map(url_without_password),
            )
            .field("no_explorer", &self.no_explorer)
            .finish()
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("database", &url_without_password(&self.database))
            .field("region", &self.region)
            .field("log_format", &self.log_format)
            .field("nonce_store", &self.nonce_store)
            .field("master_key_file", &self.master_key_file)
            .field("probe", &self.probe)
            .field("store", &self.store)
            .field("explorer", &self.explorer)
            .field("test_controls", &self.test_controls)
            .field("http", &self.http)
            .finish()
    }
}

impl Settings {
    /// `HostId` of every answer: the region's endpoint name.
    pub fn host_id(&self) -> String {
        format!("dataworks.{}.aliyuncs.com", self.region)
    }

    /// Merges overrides over the file over the defaults.
    pub fn resolve(file: FileConfig, over: Overrides) -> Result<Self, ConfigError> {
        let deny = match &file.network.deny {
            Some(list) => DenyList::parse(list.iter().map(String::as_str)),
            None => DenyList::parse(DEFAULT_DENY.iter().copied()),
        }
        .map_err(ConfigError::Invalid)?;
        let defaults = StoreOptions::default();
        let http_defaults = HttpSettings::default();
        let database = over
            .database
            .or(file.database)
            .unwrap_or_else(|| DEFAULT_DATABASE.to_owned());
        DatabaseUrl::parse(&database).map_err(|e| ConfigError::Invalid(e.to_string()))?;
        let default_nonce = default_nonce_store(&database);
        Ok(Self {
            listen: over
                .listen
                .or(file.listen)
                .unwrap_or_else(|| DEFAULT_LISTEN.to_owned()),
            database,
            region: over
                .region
                .or(file.region)
                .unwrap_or_else(|| DEFAULT_REGION.to_owned()),
            log_format: LogFormat::parse(
                over.log_format
                    .or(file.log_format)
                    .as_deref()
                    .unwrap_or("text"),
            )?,
            nonce_store: NonceStoreKind::parse(
                over.nonce_store
                    .or(file.nonce_store)
                    .as_deref()
                    .unwrap_or(default_nonce),
            )?,
            master_key_file: file.master_key_file,
            test_controls: TestControlsSettings {
                enabled: over.test_controls || file.test_controls.unwrap_or(false),
                token: over
                    .test_controls_token
                    .or(file.test_controls_token)
                    .filter(|t| !t.trim().is_empty()),
            },
            probe: ProbeConfig {
                timeout: Duration::from_millis(file.network.connect_timeout_ms.unwrap_or(2000)),
                deny,
            },
            store: StoreOptions {
                pg_pool_size: file.postgres.pool_size.unwrap_or(defaults.pg_pool_size),
                sqlite_readers: file.sqlite.readers.unwrap_or(defaults.sqlite_readers),
                sqlite_max_batch: file.sqlite.max_batch.unwrap_or(defaults.sqlite_max_batch),
            },
            explorer: ExplorerSettings {
                enabled: !over.no_explorer && file.explorer.enabled.unwrap_or(true),
                public_url: match file.explorer.public_url {
                    Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                        Some(url.trim_end_matches('/').to_owned())
                    }
                    Some(url) => {
                        return Err(ConfigError::Invalid(format!(
                            "explorer.public_url must start with http:// or https://, got {url:?}"
                        )))
                    }
                    None => None,
                },
            },
            http: HttpSettings {
                max_connections: file
                    .http
                    .max_connections
                    .unwrap_or(http_defaults.max_connections),
                header_timeout: file
                    .http
                    .header_timeout_ms
                    .map_or(http_defaults.header_timeout, Duration::from_millis),
                idle_timeout: file
                    .http
                    .idle_timeout_ms
                    .map_or(http_defaults.idle_timeout, Duration::from_millis),
            },
        })
    }

    /// The master key: `DATAWORKS_MASTER_KEY` (given as `env_value`), else the configured key
    /// file, else, for SQLite only, `master.key` next to the database file (created on first
    /// start, mode 0600). PostgreSQL deployments serve several replicas that must share one key,
    /// so they must configure it.
    pub fn master_key(&self, env_value: Option<&str>) -> Result<MasterKey, ConfigError> {
        if let Some(v) = env_value.filter(|v| !v.trim().is_empty()) {
            return Ok(MasterKey::from_base64(v)?);
        }
        if let Some(path) = &self.master_key_file {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.display().to_string(),
                source,
            })?;
            return Ok(MasterKey::from_base64(&text)?);
        }
        match DatabaseUrl::parse(&self.database).map_err(|e| ConfigError::Invalid(e.to_string()))? {
            DatabaseUrl::Sqlite(db) => {
                let dir = db.parent().map(Path::to_path_buf).unwrap_or_default();
                Ok(MasterKey::load_or_create_file(&dir.join(KEY_FILE_NAME))?)
            }
            DatabaseUrl::Postgres(_) => Err(ConfigError::Invalid(format!(
                "a PostgreSQL database needs a master key shared by all replicas: set \
                 {MASTER_KEY_ENV} (base64 of 32 bytes, e.g. `openssl rand -base64 32`) or \
                 master_key_file in the config file"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_and_defaults() {
        let s = Settings::resolve(FileConfig::default(), Overrides::default()).unwrap();
        assert_eq!(s.listen, DEFAULT_LISTEN);
        assert_eq!(s.database, DEFAULT_DATABASE);
        assert_eq!(s.region, DEFAULT_REGION);
        assert_eq!(s.log_format, LogFormat::Text);
        assert_eq!(s.nonce_store, NonceStoreKind::Memory);
        assert_eq!(s.probe.timeout, Duration::from_secs(2));
        let file: FileConfig = toml::from_str(
            "listen = \"0.0.0.0:1\"\nregion = \"cn-beijing\"\nnonce_store = \"redis://127.0.0.1:6379\"\n\
             [network]\nconnect_timeout_ms = 300\ndeny = [\"10.0.0.0/8\"]\n",
        )
        .unwrap();
        let s = Settings::resolve(
            file,
            Overrides {
                listen: Some("127.0.0.1:9".into()),
                ..Overrides::default()
            },
        )
        .unwrap();
        assert_eq!(s.listen, "127.0.0.1:9");
        assert_eq!(s.region, "cn-beijing");
        assert_eq!(
            s.nonce_store,
            NonceStoreKind::Redis("redis://127.0.0.1:6379".into())
        );
        assert_eq!(s.probe.timeout, Duration::from_millis(300));
        assert!(s.probe.deny.denies("10.1.2.3".parse().unwrap()));
        assert!(toml::from_str::<FileConfig>("nope = 1").is_err());
        let bad = Overrides {
            log_format: Some("xml".into()),
            ..Overrides::default()
        };
        assert!(Settings::resolve(FileConfig::default(), bad).is_err());
    }

    #[test]
    fn master_key_sources() {
        let dir = tempfile::tempdir().unwrap();
        let db = format!("sqlite://{}/sub/x.db", dir.path().display());
        let s = Settings::resolve(
            FileConfig::default(),
            Overrides {
                database: Some(db),
                ..Overrides::default()
            },
        )
        .unwrap();
        let created = s.master_key(None).unwrap();
        assert!(dir.path().join("sub").join(KEY_FILE_NAME).exists());
        let again = s.master_key(None).unwrap();
        assert_eq!(created.to_base64().as_str(), again.to_base64().as_str());
        let env = MasterKey::generate();
        let from_env = s.master_key(Some(&env.to_base64())).unwrap();
        assert_eq!(from_env.to_base64().as_str(), env.to_base64().as_str());
        assert!(s.master_key(Some("short")).is_err());
        let pg = Settings::resolve(
            FileConfig::default(),
            Overrides {
                database: Some("postgres://postgres@127.0.0.1/x".into()),
                ..Overrides::default()
            },
        )
        .unwrap();
        assert!(pg.master_key(None).is_err());
        let secret_db = Settings::resolve(
            FileConfig::default(),
            Overrides {
                database: Some("postgres://u:hunter2@h/db".into()),
                nonce_store: Some("redis://:hunter3@h:6379".into()),
                ..Overrides::default()
            },
        )
        .unwrap();
        let shown = format!("{secret_db:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("hunter3"),
            "{shown}"
        );
    }
}
