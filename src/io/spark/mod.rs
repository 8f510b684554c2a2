//! Apache Spark as a second engine, through Spark Connect: ckm sends SQL that aggregates the
//! lines where they are, and reads the compact answer (a row per customer, per series and
//! period, per basket of frequent items) back as Arrow, into polars, for the same models.

pub mod connection;
mod protocol;

use std::time::Duration;

use polars::prelude::*;
use tonic::transport::{Channel, ClientTlsConfig, Endpoint};

pub use connection::Remote;
use protocol::{ExecutePlanRequest, ExecutePlanResponse, Plan, Relation, Sql, UserContext};

/// How long to wait for the server to answer a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// The largest message accepted: an Arrow batch of the answer (Spark's own clients allow 128 MiB).
const MAX_MESSAGE: usize = 128 << 20;

/// Why a request to Spark failed.
#[derive(Debug)]
pub enum SparkError {
    /// No server answered at the address.
    Unreachable { remote: String, detail: String },
    /// The server refused the credentials.
    Refused { remote: String, detail: String },
    /// The query failed on the cluster: Spark's own message (its error class first).
    Query { remote: String, detail: String },
    /// The answer could not be read.
    Answer { remote: String, detail: String },
}

impl std::fmt::Display for SparkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SparkError::Unreachable { remote, detail } => write!(
                f,
                "no Spark Connect server answered at {remote} ({detail}); check the address (--remote or SPARK_REMOTE) and that the server is running"
            ),
            SparkError::Refused { remote, detail } => write!(
                f,
                "the Spark Connect server at {remote} refused the credentials ({detail}); check the token in the address"
            ),
            SparkError::Query { remote, detail } => write!(f, "Spark at {remote}: {detail}"),
            SparkError::Answer { remote, detail } => {
                write!(f, "the answer from Spark at {remote} could not be read: {detail}")
            }
        }
    }
}

impl std::error::Error for SparkError {}

/// What one query brought back.
pub struct Answer {
    pub frame: DataFrame,
    /// Arrow bytes received.
    pub bytes: u64,
}

/// A session on a Spark Connect server. Each query is recorded (as sent) for the manifest.
pub struct SparkSession {
    remote: Remote,
    runtime: tokio::runtime::Runtime,
    channel: Channel,
    session_id: String,
    /// The SQL sent, in order.
    pub sent: Vec<String>,
    /// Rows and Arrow bytes received, over all queries.
    pub rows_received: u64,
    pub bytes_received: u64,
}

impl SparkSession {
    /// Connects to `remote` (the server is dialled now, so an unreachable one is reported
    /// before any work).
    pub fn connect(remote: &Remote) -> Result<SparkSession, SparkError> {
        let unreachable = |detail: String| SparkError::Unreachable {
            remote: remote.to_string(),
            detail,
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| unreachable(format!("no runtime for the connection: {e}")))?;
        let mut endpoint = Endpoint::from_shared(remote.uri())
            .map_err(|e| unreachable(e.to_string()))?
            .connect_timeout(CONNECT_TIMEOUT)
            .tcp_nodelay(true);
        if remote.use_ssl {
            let host = remote.host.trim_start_matches('[').trim_end_matches(']');
            endpoint = endpoint
                .tls_config(ClientTlsConfig::new().domain_name(host).with_native_roots())
                .map_err(|e| unreachable(format!("TLS: {e}")))?;
        }
        let channel = runtime
            .block_on(endpoint.connect())
            .map_err(|e| unreachable(error_chain(&e)))?;
        let session_id = remote
            .session_id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        Ok(SparkSession {
            remote: remote.clone(),
            runtime,
            channel,
            session_id,
            sent: Vec::new(),
            rows_received: 0,
            bytes_received: 0,
        })
    }

    /// Runs `query` on the cluster and reads its answer.
    pub fn sql(&mut self, query: &str) -> Result<Answer, SparkError> {
        self.sent.push(query.to_string());
        let request = ExecutePlanRequest {
            session_id: self.session_id.clone(),
            user_context: Some(UserContext {
                user_id: self.remote.user_id.clone().unwrap_or_else(|| "ckm".into()),
                user_name: String::new(),
            }),
            plan: Some(Plan {
                root: Some(Relation {
                    sql: Some(Sql {
                        query: query.to_string(),
                    }),
                }),
            }),
            client_type: Some(
                self.remote
                    .user_agent
                    .clone()
                    .unwrap_or_else(|| concat!("ckm/", env!("CARGO_PKG_VERSION")).into()),
            ),
            operation_id: None,
            tags: vec!["ckm".into()],
        };
        let remote = self.remote.to_string();
        let token = self.remote.token.clone();
        let channel = self.channel.clone();
        // Each batch is read into the frame as it arrives, so its bytes are not kept.
        let answer = self.runtime.block_on(async move {
            let status = |status| from_status(&remote, status);
            let answer = |detail: String| SparkError::Answer {
                remote: remote.clone(),
                detail,
            };
            let mut stream = open_stream(channel, request, token.as_deref())
                .await
                .map_err(status)?;
            let mut frame: Option<DataFrame> = None;
            let mut bytes = 0u64;
            while let Some(response) = stream.message().await.map_err(status)? {
                if let Some(batch) = response.arrow_batch {
                    bytes += batch.data.len() as u64;
                    let part = IpcStreamReader::new(std::io::Cursor::new(batch.data))
                        .finish()
                        .map_err(|e| answer(e.to_string()))?;
                    match frame.as_mut() {
                        Some(frame) => {
                            frame.vstack_mut_owned(part).map_err(|e| answer(e.to_string()))?;
                        }
                        None => frame = Some(part),
                    }
                }
                if response.result_complete.is_some() {
                    break;
                }
            }
            let frame = frame.ok_or_else(|| answer("no Arrow batch came back".into()))?;
            Ok(Answer { frame, bytes })
        })?;
        self.rows_received += answer.frame.height() as u64;
        self.bytes_received += answer.bytes;
        Ok(answer)
    }

    /// The application id of the session on the cluster (`spark.app.id`).
    pub fn application_id(&mut self) -> Result<String, SparkError> {
        let answer = self.sql("SET spark.app.id")?;
        let remote = self.remote.to_string();
        answer
            .frame
            .column("value")
            .ok()
            .and_then(|c| c.str().ok().and_then(|v| v.get(0).map(str::to_string)))
            .ok_or(SparkError::Answer {
                remote,
                detail: "SET spark.app.id returned no value".into(),
            })
    }
}

async fn open_stream(
    channel: Channel,
    request: ExecutePlanRequest,
    token: Option<&str>,
) -> Result<tonic::Streaming<ExecutePlanResponse>, tonic::Status> {
    let mut grpc = tonic::client::Grpc::new(channel).max_decoding_message_size(MAX_MESSAGE);
    grpc.ready()
        .await
        .map_err(|e| tonic::Status::unavailable(error_chain(&e)))?;
    let mut request = tonic::Request::new(request);
    if let Some(token) = token {
        let value = format!("Bearer {token}")
            .parse()
            .map_err(|_| tonic::Status::unauthenticated("the token is not valid in a header"))?;
        request.metadata_mut().insert("authorization", value);
    }
    let path = tonic::codegen::http::uri::PathAndQuery::from_static(protocol::EXECUTE_PLAN);
    let codec = tonic_prost::ProstCodec::<ExecutePlanRequest, ExecutePlanResponse>::default();
    Ok(grpc.server_streaming(request, path, codec).await?.into_inner())
}

fn from_status(remote: &str, status: tonic::Status) -> SparkError {
    let remote = remote.to_string();
    // Spark's message leads with its error class and what went wrong; the lines after are
    // its analysed plan, which says nothing to a user.
    let message = status.message().trim();
    let detail = message.lines().next().unwrap_or(message).trim().to_string();
    match status.code() {
        tonic::Code::Unavailable | tonic::Code::DeadlineExceeded => {
            SparkError::Unreachable { remote, detail }
        }
        tonic::Code::Unauthenticated | tonic::Code::PermissionDenied => {
            SparkError::Refused { remote, detail }
        }
        _ => SparkError::Query { remote, detail },
    }
}

/// An error with its causes, as one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The server of `.ci/run` (CKM_SPARK_REMOTE), when there is one.
    fn session() -> Option<SparkSession> {
        let remote = std::env::var("CKM_SPARK_REMOTE").ok()?;
        Some(SparkSession::connect(&Remote::parse(&remote).unwrap()).unwrap())
    }

    #[test]
    fn a_query_comes_back_as_a_frame() {
        let Some(mut spark) = session() else {
            eprintln!("skipped: no CKM_SPARK_REMOTE");
            return;
        };
        let answer = spark
            .sql("SELECT id, CAST(id * 2 AS DOUBLE) AS twice, concat('c', id) AS name FROM range(5)")
            .unwrap();
        eprintln!("{:?}", answer.frame);
        assert_eq!(answer.frame.height(), 5);
        let app = spark.application_id().unwrap();
        eprintln!("{app}");
        assert!(app.starts_with("app-"), "{app}");
        let error = spark
            .sql("SELECT * FROM no_such_table")
            .err()
            .unwrap()
            .to_string();
        eprintln!("{error}");
        assert!(error.contains("no_such_table"), "{error}");
    }
}
