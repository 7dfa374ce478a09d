//! TestNetworkConnection's probe: where a connection points, whether we may go there, and
//! whether a TCP connection opens.
//!
//! The destination comes from user-written Content, so the probe is a server-side request
//! forgery surface: every resolved address is checked against a deny list (link-local and cloud
//! metadata addresses by default) and the connection goes only to the addresses that passed,
//! never to a second resolution (which DNS rebinding could change).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use ipnet::IpNet;
use serde_json::{Map, Value};

/// One host:port to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Host name or IP literal (without brackets).
    pub host: String,
    /// TCP port.
    pub port: u16,
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// The usual port of a type, for Content that names a host without one.
pub fn default_port(connection_type: &str, sub_type: Option<&str>) -> Option<u16> {
    let t = if connection_type == "rds" {
        sub_type.unwrap_or("mysql")
    } else {
        connection_type
    };
    match t {
        "mysql" | "analyticdb_for_mysql" | "polardb" => Some(3306),
        "postgresql" | "hybriddb_for_postgresql" | "holo" => Some(5432),
        "sqlserver" => Some(1433),
        "oracle" => Some(1521),
        "mongodb" => Some(27017),
        "kafka" => Some(9092),
        _ => None,
    }
}

/// Splits `host[:port]` / `[v6][:port]`, dropping userinfo; `None` when there is no host.
fn split_host_port(authority: &str, fallback_port: Option<u16>) -> Option<Target> {
    let authority = authority.rsplit('@').next().unwrap_or(authority).trim();
    // Comma lists (replica sets, failover hosts): the first one.
    let authority = authority.split(',').next().unwrap_or("").trim();
    if authority.is_empty() {
        return None;
    }
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        let port = after.strip_prefix(':').map(str::to_owned);
        (host.to_owned(), port)
    } else if authority.matches(':').count() > 1 {
        // A bare IPv6 literal has no port.
        (authority.to_owned(), None)
    } else if let Some((h, p)) = authority.split_once(':') {
        (h.to_owned(), Some(p.to_owned()))
    } else {
        (authority.to_owned(), None)
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        Some(p) => p.trim().parse::<u16>().ok()?,
        None => fallback_port?,
    };
    Some(Target { host, port })
}

/// The host:port of a URL-like string: `jdbc:xxx://host:port/...`, `scheme://host/...`,
/// Oracle's `jdbc:oracle:thin:@host:port:SID` and `@//host:port/service`, or a bare `host:port`.
fn target_from_url(text: &str, fallback_port: Option<u16>) -> Option<Target> {
    let text = text.trim();
    let (rest, scheme_port) = if let Some(idx) = text.find("://") {
        let scheme = text[..idx].rsplit(':').next().unwrap_or("");
        let port = match scheme.to_ascii_lowercase().as_str() {
            "http" | "ws" => Some(80),
            "https" | "wss" => Some(443),
            _ => None,
        };
        (&text[idx + 3..], port)
    } else if let Some(idx) = text.find('@') {
        // Oracle thin: after the '@', optionally '//'.
        let after = &text[idx + 1..];
        (after.strip_prefix("//").unwrap_or(after), None)
    } else {
        (text, None)
    };
    let end = rest.find(['/', ';', '?', '#']).unwrap_or(rest.len());
    let mut authority = &rest[..end];
    // Oracle `host:port:SID`: keep the first two parts.
    if !authority.starts_with('[') && authority.matches(':').count() == 2 {
        if let Some(pos) = authority.rfind(':') {
            authority = &authority[..pos];
        }
    }
    split_host_port(authority, scheme_port.or(fallback_port))
}

fn string_of<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn port_of(map: &Map<String, Value>) -> Option<u16> {
    match map.get("port")? {
        Value::Number(n) => n.as_u64().and_then(|p| u16::try_from(p).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Derives where a connection's Content points, in order of preference: `jdbcUrl`,
/// `connectionString` (+ `port`), `address` (a JSON array string for mongodb, or `host:port`),
/// `bootstrapServers`, `endpoint`/`emrEndpoint` URLs, then `host` + `port`.
pub fn target_of(
    connection_type: &str,
    sub_type: Option<&str>,
    content: &Map<String, Value>,
) -> Result<Target, String> {
    let explicit_port = port_of(content);
    let fallback = explicit_port.or_else(|| default_port(connection_type, sub_type));
    if let Some(url) = string_of(content, "jdbcUrl") {
        return target_from_url(url, fallback)
            .ok_or_else(|| "jdbcUrl names no host and port".to_owned());
    }
    if let Some(cs) = string_of(content, "connectionString") {
        return target_from_url(cs, fallback)
            .ok_or_else(|| "connectionString names no host and port".to_owned());
    }
    if let Some(address) = string_of(content, "address") {
        let first = if address.starts_with('[') {
            serde_json::from_str::<Vec<String>>(address)
                .ok()
                .and_then(|list| list.into_iter().next())
                .ok_or_else(|| "address is not a JSON array of host:port".to_owned())?
        } else {
            address.to_owned()
        };
        return target_from_url(&first, fallback)
            .ok_or_else(|| "address names no host and port".to_owned());
    }
    if let Some(servers) = string_of(content, "bootstrapServers") {
        return target_from_url(servers, fallback)
            .ok_or_else(|| "bootstrapServers names no host and port".to_owned());
    }
    for key in ["endpoint", "emrEndpoint"] {
        if let Some(url) = string_of(content, key) {
            return target_from_url(url, fallback.or(Some(443)))
                .ok_or_else(|| format!("{key} names no host"));
        }
    }
    if let Some(host) = string_of(content, "host") {
        let port = fallback.ok_or_else(|| "host is given without a port".to_owned())?;
        return Ok(Target {
            host: host.trim_matches(['[', ']']).to_owned(),
            port,
        });
    }
    Err(
        "Content names no network address (jdbcUrl, connectionString, address, endpoint or host); \
         an instance-based connection cannot be resolved from here"
            .to_owned(),
    )
}

/// Where the probe may not go. The default blocks link-local ranges and the cloud metadata
/// addresses; deployments may add their own ranges.
#[derive(Debug, Clone)]
pub struct DenyList {
    nets: Vec<IpNet>,
}

/// The default deny list, as text.
pub const DEFAULT_DENY: &[&str] = &[
    "169.254.0.0/16",
    "fe80::/10",
    "100.100.100.200/32",
    "169.254.169.254/32",
    "fd00:ec2::254/128",
];

impl Default for DenyList {
    fn default() -> Self {
        Self::parse(DEFAULT_DENY.iter().copied()).unwrap_or(Self { nets: Vec::new() })
    }
}

impl DenyList {
    /// Parses CIDR ranges or single addresses.
    pub fn parse<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut nets = Vec::new();
        for item in items {
            let item = item.trim();
            let net = item
                .parse::<IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{item:?} is not an IP range or address"))?;
            nets.push(net);
        }
        Ok(Self { nets })
    }

    /// Whether `addr` (IPv4-mapped IPv6 included) is denied.
    pub fn denies(&self, addr: IpAddr) -> bool {
        let canonical = match addr {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(addr),
            v4 => v4,
        };
        self.nets
            .iter()
            .any(|n| n.contains(&canonical) || n.contains(&addr))
    }
}

/// The probe's settings.
#[derive(Debug, Clone)]
pub struct ProbeConfig {
    /// Budget for resolving and connecting (default 2 s).
    pub timeout: Duration,
    /// Destinations refused before any packet is sent.
    pub deny: DenyList,
}

impl Default for ProbeConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(2),
            deny: DenyList::default(),
        }
    }
}

/// What the probe found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeOutcome {
    /// A TCP connection was established.
    pub reachable: bool,
    /// What happened, for the caller.
    pub message: String,
}

/// Resolves `target`, refuses it when any address is denied, then tries the addresses in turn
/// within the timeout.
pub async fn probe(target: &Target, config: &ProbeConfig) -> ProbeOutcome {
    let fail = |message: String| ProbeOutcome {
        reachable: false,
        message,
    };
    let deadline = tokio::time::Instant::now() + config.timeout;
    let resolved = tokio::time::timeout_at(
        deadline,
        tokio::net::lookup_host((target.host.as_str(), target.port)),
    )
    .await;
    let addrs: Vec<SocketAddr> = match resolved {
        Err(_) => return fail(format!("resolving {} timed out", target.host)),
        Ok(Err(e)) => return fail(format!("cannot resolve {}: {e}", target.host)),
        Ok(Ok(addrs)) => addrs.collect(),
    };
    if addrs.is_empty() {
        return fail(format!("{} resolves to no address", target.host));
    }
    if let Some(bad) = addrs.iter().find(|a| config.deny.denies(a.ip())) {
        return fail(format!(
            "destination {target} is not allowed (resolves to {}, a denied address)",
            bad.ip()
        ));
    }
    let mut last_error = String::new();
    for addr in &addrs {
        match tokio::time::timeout_at(deadline, tokio::net::TcpStream::connect(addr)).await {
            Ok(Ok(_stream)) => {
                return ProbeOutcome {
                    reachable: true,
                    message: format!("connected to {target} ({addr})"),
                }
            }
            Ok(Err(e)) => last_error = format!("connecting to {target} ({addr}) failed: {e}"),
            Err(_) => {
                return fail(format!(
                    "connecting to {target} ({addr}) timed out after {} ms",
                    config.timeout.as_millis()
                ))
            }
        }
    }
    fail(last_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(host: &str, port: u16) -> Target {
        Target {
            host: host.to_owned(),
            port,
        }
    }

    fn content(text: &str) -> Map<String, Value> {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn targets_from_documented_shapes() {
        let cases = [
            (
                "sqlserver",
                r#"{"jdbcUrl":"jdbc:sqlserver://db.example.cn:123;DatabaseName=x"}"#,
                t("db.example.cn", 123),
            ),
            (
                "oracle",
                r#"{"jdbcUrl":"jdbc:oracle:thin:@ora.example:1521:PROD"}"#,
                t("ora.example", 1521),
            ),
            (
                "oracle",
                r#"{"jdbcUrl":"jdbc:oracle:thin:@//ora.example:1522/svc"}"#,
                t("ora.example", 1522),
            ),
            (
                "postgresql",
                r#"{"jdbcUrl":"jdbc:postgresql://pg.example/ssss"}"#,
                t("pg.example", 5432),
            ),
            (
                "mysql",
                r#"{"jdbcUrl":"jdbc:mysql://u:p@[::1]:3307/db"}"#,
                t("::1", 3307),
            ),
            (
                "mongodb",
                r#"{"address":"[\"m.example:3717\",\"n.example:3717\"]"}"#,
                t("m.example", 3717),
            ),
            (
                "analyticdb_for_mysql",
                r#"{"connectionString":"am.example:3306"}"#,
                t("am.example", 3306),
            ),
            (
                "hybriddb_for_postgresql",
                r#"{"connectionString":"gp.example","port":"5433"}"#,
                t("gp.example", 5433),
            ),
            (
                "odps",
                r#"{"endpoint":"http://service.odps.aliyun.com/api"}"#,
                t("service.odps.aliyun.com", 80),
            ),
            (
                "oss",
                r#"{"endpoint":"https://oss.example"}"#,
                t("oss.example", 443),
            ),
            (
                "kafka",
                r#"{"bootstrapServers":"k1:9093,k2:9093"}"#,
                t("k1", 9093),
            ),
            (
                "mysql",
                r#"{"host":"127.0.0.1","port":3306}"#,
                t("127.0.0.1", 3306),
            ),
        ];
        for (ty, text, want) in cases {
            assert_eq!(target_of(ty, None, &content(text)), Ok(want), "{text}");
        }
        assert!(target_of("rds", None, &content(r#"{"instanceName":"rm-x"}"#)).is_err());
        assert!(target_of(
            "mysql",
            None,
            &content(r#"{"jdbcUrl":"jdbc:mysql://h:notaport/x"}"#)
        )
        .is_err());
    }

    #[test]
    fn deny_list_defaults_and_mapped_addresses() {
        let deny = DenyList::default();
        for a in [
            "169.254.169.254",
            "169.254.1.1",
            "100.100.100.200",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:169.254.169.254",
        ] {
            assert!(deny.denies(a.parse().unwrap()), "{a}");
        }
        for a in ["127.0.0.1", "10.0.0.1", "::1", "100.100.100.201"] {
            assert!(!deny.denies(a.parse().unwrap()), "{a}");
        }
        assert!(DenyList::parse(["nonsense"]).is_err());
        assert!(DenyList::parse(["127.0.0.1"])
            .unwrap()
            .denies("127.0.0.1".parse().unwrap()));
    }
}
