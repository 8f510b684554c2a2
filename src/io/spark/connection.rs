//! Spark Connect connection strings, as Spark documents them:
//! `sc://HOST[:PORT][/;NAME=VALUE[;NAME=VALUE...]]`, default port 15002, with the parameters
//! `token` (sent as a bearer token; TLS is then required unless the host is this machine),
//! `use_ssl`, `user_id`, `user_agent` and `session_id`. Values may be percent-encoded.
//! <https://github.com/apache/spark/blob/master/sql/connect/docs/client-connection-string.md>

use std::fmt;

pub const DEFAULT_PORT: u16 = 15002;

/// A parsed connection string. Its `Display` leaves the token out, so it can be printed,
/// recorded in a manifest and logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Remote {
    pub host: String,
    pub port: u16,
    pub token: Option<String>,
    pub use_ssl: bool,
    pub user_id: Option<String>,
    pub user_agent: Option<String>,
    pub session_id: Option<String>,
}

impl fmt::Debug for Remote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for Remote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sc://{}:{}", self.host, self.port)?;
        if self.use_ssl {
            write!(f, "/;use_ssl=true")?;
        }
        Ok(())
    }
}

impl Remote {
    /// Parses `text`; the error says what is wrong with it, without repeating a token.
    pub fn parse(text: &str) -> Result<Remote, String> {
        let rest = text
            .strip_prefix("sc://")
            .ok_or("a Spark Connect address starts with sc:// (sc://host:port/;token=...)")?;
        let (authority, parameters) = match rest.find('/') {
            Some(slash) => (&rest[..slash], Some(&rest[slash + 1..])),
            None => (rest, None),
        };
        let (host, port) = split_host_port(authority)?;
        let mut remote = Remote {
            host,
            port,
            token: None,
            use_ssl: false,
            user_id: None,
            user_agent: None,
            session_id: None,
        };
        let Some(parameters) = parameters else {
            return Ok(remote);
        };
        // After the slash: nothing, or parameters each led by ';'.
        if !parameters.is_empty() && !parameters.starts_with(';') {
            return Err(
                "the part after the host must be empty or ;name=value pairs (sc://host:port/;token=...)"
                    .into(),
            );
        }
        for pair in parameters.split(';').filter(|p| !p.is_empty()) {
            let (name, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("parameter '{}' has no value (name=value)", name_only(pair)))?;
            let value = percent_decode(value).map_err(|e| format!("parameter '{name}': {e}"))?;
            match name {
                "token" => remote.token = Some(value),
                "use_ssl" => {
                    remote.use_ssl = match value.to_ascii_lowercase().as_str() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(format!("use_ssl must be true or false, not '{value}'")),
                    }
                }
                "user_id" => remote.user_id = Some(value),
                "user_agent" => remote.user_agent = Some(value),
                "session_id" => {
                    if !is_uuid(&value) {
                        return Err(format!("session_id must be a UUID, not '{value}'"));
                    }
                    remote.session_id = Some(value)
                }
                // Spark ignores parameters it does not know, and so does ckm (servers behind
                // proxies take their own).
                _ => {}
            }
        }
        if remote.token.is_some() && !remote.use_ssl && !remote.is_loopback() {
            return Err(format!(
                "refusing to send the token to {} without TLS: add ;use_ssl=true",
                remote.host
            ));
        }
        Ok(remote)
    }

    pub fn is_loopback(&self) -> bool {
        matches!(self.host.as_str(), "localhost" | "127.0.0.1" | "::1" | "[::1]")
    }

    /// The gRPC endpoint.
    pub fn uri(&self) -> String {
        let scheme = if self.use_ssl { "https" } else { "http" };
        format!("{scheme}://{}:{}", self.host, self.port)
    }
}

fn name_only(pair: &str) -> &str {
    // A malformed pair may be a bare token: print no more than its first characters.
    let end = pair.char_indices().nth(12).map_or(pair.len(), |(i, _)| i);
    &pair[..end]
}

fn split_host_port(authority: &str) -> Result<(String, u16), String> {
    if authority.is_empty() {
        return Err("no host after sc://".into());
    }
    // [v6 address]:port
    if let Some(inner) = authority.strip_prefix('[') {
        let (address, after) = inner
            .split_once(']')
            .ok_or("an IPv6 address must be closed with ]")?;
        let port = match after.strip_prefix(':') {
            Some(port) => parse_port(port)?,
            None if after.is_empty() => DEFAULT_PORT,
            None => return Err(format!("unexpected '{after}' after the address")),
        };
        return Ok((format!("[{address}]"), port));
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() => Ok((host.to_string(), parse_port(port)?)),
        Some(_) => Err("no host after sc://".into()),
        None => Ok((authority.to_string(), DEFAULT_PORT)),
    }
}

fn parse_port(text: &str) -> Result<u16, String> {
    text.parse::<u16>()
        .ok()
        .filter(|&p| p > 0)
        .ok_or_else(|| format!("'{text}' is not a port number"))
}

fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or("a % must be followed by two hex digits")?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "the decoded value is not UTF-8".to_string())
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_and_parameters() {
        let remote =
            Remote::parse("sc://spark.example.com:443/;token=abc%3Bdef;use_ssl=true;user_id=nightly")
                .unwrap();
        assert_eq!(remote.host, "spark.example.com");
        assert_eq!(remote.port, 443);
        assert_eq!(remote.token.as_deref(), Some("abc;def"));
        assert!(remote.use_ssl);
        assert_eq!(remote.user_id.as_deref(), Some("nightly"));
        assert_eq!(remote.uri(), "https://spark.example.com:443");
        // No secret in what is printed.
        assert_eq!(remote.to_string(), "sc://spark.example.com:443/;use_ssl=true");
        assert!(!format!("{remote:?}").contains("abc"));
    }

    #[test]
    fn defaults() {
        let remote = Remote::parse("sc://localhost").unwrap();
        assert_eq!(
            (remote.host.as_str(), remote.port, remote.use_ssl),
            ("localhost", DEFAULT_PORT, false)
        );
        assert_eq!(
            Remote::parse("sc://127.0.0.1:15002/").unwrap().uri(),
            "http://127.0.0.1:15002"
        );
        assert_eq!(
            Remote::parse("sc://[::1]:7000").unwrap().uri(),
            "http://[::1]:7000"
        );
        // A token to this machine may go without TLS, as Spark's own clients allow.
        assert!(Remote::parse("sc://localhost/;token=t").is_ok());
    }

    #[test]
    fn mistakes_are_named() {
        let error = |text: &str| Remote::parse(text).unwrap_err();
        assert!(error("http://host:15002").contains("starts with sc://"));
        assert!(error("sc://:15002").contains("no host"));
        assert!(error("sc://host:port").contains("'port' is not a port number"));
        assert!(error("sc://host:0").contains("not a port number"));
        assert!(error("sc://host/path").contains(";name=value"));
        assert!(error("sc://host/;use_ssl=yes").contains("true or false"));
        assert!(error("sc://host/;session_id=abc").contains("UUID"));
        assert!(error("sc://host/;token=%zz").contains("two hex digits"));
        let insecure = error("sc://spark.example.com/;token=secret");
        assert!(
            insecure.contains("use_ssl=true") && !insecure.contains("secret"),
            "{insecure}"
        );
        let bare = error("sc://host/;secretsecretsecret");
        assert!(!bare.contains("secretsecretsecret"), "{bare}");
    }
}
