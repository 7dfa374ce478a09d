//! A server under test as a child process: started on a free loopback port with a fresh
//! database, its first-start AccessKey read from stdout (`ProjectId=`, `AccessKeyId=`,
//! `AccessKeySecret=`), its resident memory read from `/proc/<pid>/status`.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What a first start printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Bootstrap {
    /// The default project.
    pub project_id: i64,
    /// The owner's AccessKey id.
    pub access_key_id: String,
    /// Its secret.
    pub access_key_secret: String,
}

impl std::fmt::Debug for Bootstrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bootstrap")
            .field("project_id", &self.project_id)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// How to start a server.
#[derive(Debug, Clone)]
pub struct Launch {
    /// The executable.
    pub program: PathBuf,
    /// Its arguments (the harness adds none).
    pub args: Vec<String>,
    /// Extra environment.
    pub env: Vec<(String, String)>,
    /// Where stderr goes.
    pub log: PathBuf,
    /// The address it will listen on (already in `args`).
    pub addr: SocketAddr,
    /// Whether the database is new, so that the bootstrap lines must appear.
    pub expect_bootstrap: bool,
}

/// A running server; killed when dropped.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its first-start key, when the database was new.
    pub bootstrap: Option<Bootstrap>,
}

/// A free loopback port (bound and released; the server binds it right after).
pub fn free_addr() -> std::io::Result<SocketAddr> {
    TcpListener::bind("127.0.0.1:0")?.local_addr()
}

/// Parses the three bootstrap lines out of the lines seen so far.
pub fn parse_bootstrap(lines: &[String]) -> Option<Bootstrap> {
    let value = |key: &str| {
        lines
            .iter()
            .find_map(|l| l.trim().strip_prefix(key).map(str::to_owned))
    };
    Some(Bootstrap {
        project_id: value("ProjectId=")?.parse().ok()?,
        access_key_id: value("AccessKeyId=")?,
        access_key_secret: value("AccessKeySecret=")?,
    })
}

impl ServerProcess {
    /// Starts the server and waits (up to a minute) for its key and its port.
    pub fn start(launch: &Launch) -> Result<Self, String> {
        let log = std::fs::File::create(&launch.log)
            .map_err(|e| format!("creating {}: {e}", launch.log.display()))?;
        let mut child = Command::new(&launch.program)
            .args(&launch.args)
            .envs(launch.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("starting {}: {e}", launch.program.display()))?;
        let stdout = child.stdout.take();
        let (tx, rx) = mpsc::channel::<String>();
        // Read stdout to the end on a thread so that the server never blocks on a full pipe.
        std::thread::spawn(move || {
            if let Some(out) = stdout {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            }
        });
        let mut server = Self {
            child,
            addr: launch.addr,
            bootstrap: None,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut lines = Vec::new();
        if launch.expect_bootstrap {
            loop {
                if let Some(b) = parse_bootstrap(&lines) {
                    server.bootstrap = Some(b);
                    break;
                }
                let left = deadline.saturating_duration_since(Instant::now());
                match rx.recv_timeout(left) {
                    Ok(line) => lines.push(line),
                    Err(_) => {
                        return Err(format!(
                            "{} printed no bootstrap key (see {})",
                            launch.program.display(),
                            launch.log.display()
                        ))
                    }
                }
            }
        }
        while TcpStream::connect_timeout(&launch.addr, Duration::from_millis(200)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!(
                    "{} exited ({status}) before listening (see {})",
                    launch.program.display(),
                    launch.log.display()
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{} never listened on {}",
                    launch.program.display(),
                    launch.addr
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(server)
    }

    /// Resident set size in KiB (`VmRSS`).
    pub fn rss_kib(&self) -> Option<u64> {
        rss_kib(self.child.id())
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Asks the server to stop (SIGTERM), then kills it after five seconds.
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `VmRSS` of a process, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// CPU time a process has used so far (user + system), in clock ticks of `/proc/<pid>/stat`
/// (100 per second on Linux).
pub fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the parenthesised command name (which may contain spaces): state is 3rd,
    // utime the 14th and stime the 15th field of the whole line.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// The bench's scratch directory under `target/`.
pub fn scratch_dir(target: &Path, name: &str) -> PathBuf {
    target.join("bench").join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_bootstrap_lines() {
        let lines: Vec<String> = [
            "noise",
            "ProjectId=3",
            "AccessKeyId=LTAIx",
            "AccessKeySecret=s3",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let b = parse_bootstrap(&lines).expect("all three");
        assert_eq!(b.project_id, 3);
        assert_eq!(b.access_key_id, "LTAIx");
        assert_eq!(b.access_key_secret, "s3");
        assert!(parse_bootstrap(&lines[..2]).is_none());
        assert!(!format!("{b:?}").contains("s3"));
    }

    #[test]
    fn reads_own_rss_and_cpu() {
        assert!(rss_kib(std::process::id()).unwrap_or(0) > 0);
        // Burn CPU until the kernel's tick counter moves: on a loaded machine wall time says
        // nothing about CPU time, so the loop is bounded generously and only the counter is checked.
        let before = cpu_ticks(std::process::id()).expect("own stat");
        let started = std::time::Instant::now();
        let mut x = 0u64;
        let mut now = before;
        while now < before + 3 && started.elapsed() < Duration::from_secs(30) {
            for _ in 0..1_000_000 {
                x = x.wrapping_add(std::hint::black_box(1));
            }
            now = cpu_ticks(std::process::id()).expect("own stat");
        }
        assert!(x > 0);
        assert!(
            now >= before + 3,
            "CPU ticks did not advance: {before} -> {now}"
        );
    }
}
