//! The seam a generated crate uses: a client type over the runtime, built from its `ApiInfo`
//! (version, region template, default user agent), calling operations through `Client::call`
//! with its own error enum and validation error. Calls go in-process to a `tower::service_fn`
//! that records what arrived.

use std::sync::{Arc, Mutex};

use acs_client::{ApiClient, ApiInfo, BuildError, Format, Operation, Response};
use bytes::Bytes;
use http_body_util::Full;

/// What a generated crate writes, for an imaginary API.
#[derive(Clone, Debug)]
struct Client {
    runtime: acs_client::Client,
}

impl ApiClient for Client {
    const API: &'static ApiInfo = &ApiInfo {
        version: "2014-05-26",
        endpoint_template: Some("https://ecs.{regionId}.aliyuncs.com"),
        region_variable: "regionId",
        user_agent: "ecs-client/9.9.9",
    };

    fn from_runtime(runtime: acs_client::Client) -> Self {
        Client { runtime }
    }
}

/// The spec's validation error.
#[derive(Debug, PartialEq, thiserror::Error)]
#[error("{field} is invalid")]
struct ValidationError {
    field: &'static str,
}

/// The operation's error enum.
#[derive(Debug, PartialEq)]
enum DescribeError {
    NotFound,
    Unlisted { http_status: u16, code: String },
}

impl std::fmt::Display for DescribeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl DescribeError {
    fn from_code(http_status: u16, code: &str, _message: &str) -> Self {
        match code {
            "NotFound" => DescribeError::NotFound,
            _ => DescribeError::Unlisted {
                http_status,
                code: code.to_owned(),
            },
        }
    }
}

type Error<E> = acs_client::Error<E, ValidationError>;

#[derive(Debug, serde::Deserialize)]
struct Described {
    #[serde(rename = "Name")]
    name: String,
}

impl Client {
    async fn describe(&self, name: &str) -> Result<Response<Described>, Error<DescribeError>> {
        static OPERATION: Operation = Operation {
            action: "DescribeThing",
            method: http::Method::GET,
            idempotent: true,
            format_param: true,
            region_param: true,
        };
        if name.is_empty() {
            return Err(Error::Invalid(ValidationError { field: "Name" }));
        }
        self.runtime
            .call(
                &OPERATION,
                vec![("Name", name.to_owned())],
                DescribeError::from_code,
            )
            .await
    }
}

type Seen = Arc<Mutex<Vec<http::Request<Full<Bytes>>>>>;

/// A fake answering `Name` back, or `NotFound` for `missing`; every request is kept.
fn fake(seen: Seen) -> acs_client::ClientBuilder<Client> {
    let service = tower::service_fn(move |request: http::Request<Full<Bytes>>| {
        let missing = request.uri().query().unwrap_or("").contains("Name=missing");
        seen.lock().unwrap().push(request);
        async move {
            let (status, body) = if missing {
                (
                    404,
                    r#"{"RequestId":"r-2","Code":"NotFound","Message":"no"}"#,
                )
            } else {
                (200, r#"{"RequestId":"r-1","Name":"box"}"#)
            };
            http::Response::builder()
                .status(status)
                .header("content-type", "application/json")
                .body(Full::new(Bytes::from_static(body.as_bytes())))
        }
    });
    acs_client::ClientBuilder::<Client>::new()
        .access_key("test-id", "test-secret")
        .service(service)
}

#[tokio::test]
async fn the_api_info_of_the_generated_crate_reaches_every_request() {
    let seen = Seen::default();
    let client = fake(seen.clone()).region("cn-hangzhou").build().unwrap();
    assert_eq!(
        client.runtime.endpoint().to_string(),
        "https://ecs.cn-hangzhou.aliyuncs.com"
    );
    assert_eq!(client.runtime.api(), Client::API);
    let answer = client.describe("box").await.unwrap();
    assert_eq!((answer.name.as_str(), answer.request_id()), ("box", "r-1"));

    let request = &seen.lock().unwrap()[0];
    assert_eq!(request.method(), http::Method::GET);
    assert_eq!(request.headers()["user-agent"], "ecs-client/9.9.9");
    assert_eq!(request.headers()["x-acs-version"], "2014-05-26");
    assert_eq!(request.headers()["x-acs-action"], "DescribeThing");
    assert_eq!(request.headers()["host"], "ecs.cn-hangzhou.aliyuncs.com");
    let query = request.uri().query().unwrap();
    assert!(query.contains("Name=box"), "{query}");
    assert!(query.contains("RegionId=cn-hangzhou"), "{query}");
    assert!(!query.contains("Format="), "JSON is the default: {query}");
}

#[tokio::test]
async fn the_user_agent_and_format_can_be_set_and_errors_are_the_operations_own() {
    let seen = Seen::default();
    let client = fake(seen.clone())
        .endpoint("http://api.test")
        .user_agent("app/1")
        .format(Format::Xml)
        .build()
        .unwrap();
    let client = Client {
        runtime: client.runtime.with_format(Format::Json),
    };
    match client.describe("missing").await {
        Err(Error::Api {
            error: DescribeError::NotFound,
            http_status: 404,
            request_id,
            ..
        }) => assert_eq!(request_id, "r-2"),
        other => panic!("unexpected: {other:?}"),
    }
    let err = client.describe("").await.unwrap_err();
    assert!(
        matches!(&err, Error::Invalid(v) if v.field == "Name"),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "invalid request, nothing was sent: Name is invalid"
    );

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "an invalid request is never sent");
    assert_eq!(seen[0].headers()["user-agent"], "app/1");
    assert_eq!(seen[0].headers()["host"], "api.test");
    let query = seen[0].uri().query().unwrap();
    assert!(!query.contains("RegionId"), "no region given: {query}");
    assert!(
        !query.contains("Format="),
        "with_format(Json) wins: {query}"
    );
}

#[test]
fn a_region_without_a_template_is_no_endpoint() {
    #[derive(Debug)]
    struct NoTemplate;
    impl ApiClient for NoTemplate {
        const API: &'static ApiInfo = &ApiInfo {
            version: "1",
            endpoint_template: None,
            region_variable: "regionId",
            user_agent: "t/1",
        };
        fn from_runtime(_: acs_client::Client) -> Self {
            NoTemplate
        }
    }
    let err = acs_client::ClientBuilder::<NoTemplate>::new()
        .access_key("id", "secret")
        .region("cn-hangzhou")
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::MissingEndpoint), "{err}");
}
