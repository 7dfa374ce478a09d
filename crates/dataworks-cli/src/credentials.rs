//! Where the AccessKey comes from: a profile of the aliyun CLI's configuration file
//! (`~/.aliyun/config.json`, mode `AK` or `StsToken`) when `--profile` names one, else the
//! environment (`ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` / `ALIBABA_CLOUD_SECURITY_TOKEN`), else
//! the file's current profile. The file's format is the aliyun CLI's, so one file serves both.

use std::path::{Path, PathBuf};

use dataworks_client::{
    AccessKeySecret, Credentials, SecurityToken, ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET,
    ENV_SECURITY_TOKEN,
};
use serde::Deserialize;

/// The aliyun CLI's configuration file.
#[derive(Deserialize)]
struct ConfigFile {
    #[serde(default)]
    current: String,
    #[serde(default)]
    profiles: Vec<Profile>,
}

/// One profile; fields this CLI does not use are ignored.
#[derive(Deserialize)]
struct Profile {
    name: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    access_key_id: String,
    #[serde(default)]
    access_key_secret: String,
    #[serde(default)]
    sts_token: String,
    #[serde(default)]
    region_id: String,
}

/// Credentials and the region a profile names (if any).
pub struct Resolved {
    pub credentials: Credentials,
    pub region: Option<String>,
}

/// `~/.aliyun/config.json`.
pub fn config_path() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))?;
    Some(Path::new(&home).join(".aliyun").join("config.json"))
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Resolves the credentials; the error is a usage error (exit 2).
pub fn resolve(profile: Option<&str>) -> Result<Resolved, String> {
    if let Some(name) = profile {
        return from_profile(Some(name));
    }
    if let (Some(id), Some(secret)) = (env(ENV_ACCESS_KEY_ID), env(ENV_ACCESS_KEY_SECRET)) {
        let mut credentials = Credentials::new(id, AccessKeySecret::new(secret));
        credentials.security_token = env(ENV_SECURITY_TOKEN).map(SecurityToken::new);
        return Ok(Resolved {
            credentials,
            region: None,
        });
    }
    match config_path() {
        Some(path) if path.exists() => from_profile(env("ALIBABA_CLOUD_PROFILE").as_deref()),
        _ => Err(format!(
            "no credentials: set {ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET}, or give \
             --profile NAME of ~/.aliyun/config.json"
        )),
    }
}

/// The named profile, or the file's current one.
fn from_profile(name: Option<&str>) -> Result<Resolved, String> {
    let path = config_path().ok_or("no home directory to find ~/.aliyun/config.json in")?;
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file: ConfigFile = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not an aliyun CLI configuration: {e}", path.display()))?;
    let wanted = name.unwrap_or(if file.current.is_empty() {
        "default"
    } else {
        &file.current
    });
    let profile = file
        .profiles
        .iter()
        .find(|p| p.name == wanted)
        .ok_or_else(|| format!("no profile {wanted:?} in {}", path.display()))?;
    let mut credentials = match profile.mode.as_str() {
        "AK" | "StsToken" | "" => Credentials::new(
            profile.access_key_id.clone(),
            AccessKeySecret::new(profile.access_key_secret.clone()),
        ),
        other => {
            return Err(format!(
                "profile {wanted:?} uses mode {other}; this CLI reads AK and StsToken profiles"
            ))
        }
    };
    if profile.access_key_id.is_empty() || profile.access_key_secret.is_empty() {
        return Err(format!(
            "profile {wanted:?} has no access_key_id or access_key_secret"
        ));
    }
    if profile.mode == "StsToken" && !profile.sts_token.is_empty() {
        credentials.security_token = Some(SecurityToken::new(profile.sts_token.clone()));
    }
    Ok(Resolved {
        credentials,
        region: Some(profile.region_id.clone()).filter(|r| !r.is_empty()),
    })
}
