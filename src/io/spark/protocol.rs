//! The Spark Connect messages ckm sends and reads, by hand with prost's derive: a SQL query as
//! the plan's root relation, and the Arrow batches of the answer. Field numbers are those of
//! Spark's `base.proto` and `relations.proto` (spark/sql/connect/common/src/main/protobuf);
//! fields ckm does not read are skipped on decoding, as protobuf allows. Generating the full
//! protocol instead (Apache's client crates do) needs `protoc` at build time, which a fresh
//! machine does not have.

/// `spark.connect.ExecutePlanRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExecutePlanRequest {
    #[prost(string, tag = "1")]
    pub session_id: String,
    #[prost(message, optional, tag = "2")]
    pub user_context: Option<UserContext>,
    #[prost(message, optional, tag = "3")]
    pub plan: Option<Plan>,
    #[prost(string, optional, tag = "4")]
    pub client_type: Option<String>,
    #[prost(string, optional, tag = "6")]
    pub operation_id: Option<String>,
    #[prost(string, repeated, tag = "7")]
    pub tags: Vec<String>,
}

/// `spark.connect.UserContext`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct UserContext {
    #[prost(string, tag = "1")]
    pub user_id: String,
    #[prost(string, tag = "2")]
    pub user_name: String,
}

/// `spark.connect.Plan`, its `root` relation.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Plan {
    #[prost(message, optional, tag = "1")]
    pub root: Option<Relation>,
}

/// `spark.connect.Relation`, as the `sql` member of its `rel_type` one-of (field 10).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Relation {
    #[prost(message, optional, tag = "10")]
    pub sql: Option<Sql>,
}

/// `spark.connect.SQL`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Sql {
    #[prost(string, tag = "1")]
    pub query: String,
}

/// `spark.connect.ExecutePlanResponse`: the members of `response_type` ckm reads.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExecutePlanResponse {
    #[prost(string, tag = "1")]
    pub session_id: String,
    #[prost(message, optional, tag = "2")]
    pub arrow_batch: Option<ArrowBatch>,
    #[prost(string, tag = "12")]
    pub operation_id: String,
    #[prost(message, optional, tag = "14")]
    pub result_complete: Option<ResultComplete>,
    #[prost(string, tag = "15")]
    pub server_side_session_id: String,
}

/// `ExecutePlanResponse.ArrowBatch`: an Arrow IPC stream (schema and record batches).
#[derive(Clone, PartialEq, prost::Message)]
pub struct ArrowBatch {
    #[prost(int64, tag = "1")]
    pub row_count: i64,
    #[prost(bytes = "vec", tag = "2")]
    pub data: Vec<u8>,
}

/// `ExecutePlanResponse.ResultComplete`: the server sent everything.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResultComplete {}

pub const EXECUTE_PLAN: &str = "/spark.connect.SparkConnectService/ExecutePlan";
