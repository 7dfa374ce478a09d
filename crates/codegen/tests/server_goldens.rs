//! The server emitter's goldens compiled as modules of this test crate (next to the types goldens
//! they use) and exercised over real loopback HTTP: the REST fixture gives ordinary axum routes in
//! the trait style, the RPC fixture the `/` dispatcher, the AWS Query fixture RPC routes with path
//! parameters. Also: what the server emitter refuses.

mod common;

#[allow(dead_code)]
#[path = "goldens/rest.rs"]
mod rest;
#[allow(dead_code)]
#[path = "goldens/rpc.rs"]
mod rpc;

#[allow(dead_code)]
#[path = "goldens/aws.rs"]
mod aws;
#[allow(dead_code)]
#[path = "server_goldens/aws.rs"]
mod aws_server;
#[allow(dead_code)]
#[path = "server_goldens/rest.rs"]
mod rest_server;
#[allow(dead_code)]
#[path = "server_goldens/rpc.rs"]
mod rpc_server;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

/// Serves `app` on a loopback port; returns its base URL.
async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The envelope's `Code` and `Message`, checking `RequestId` against the header.
    fn error(&self, status: u16, code: &str) -> String {
        let body = self.json();
        assert_eq!(
            (self.status, body["Code"].as_str()),
            (status, Some(code)),
            "{}",
            self.body
        );
        assert_eq!(
            body["RequestId"].as_str(),
            self.headers
                .get("x-acs-request-id")
                .and_then(|v| v.to_str().ok())
        );
        body["Message"].as_str().unwrap().to_owned()
    }
}

async fn send(builder: reqwest::RequestBuilder) -> Answer {
    let response = builder.send().await.unwrap();
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

mod rest_behaviour {
    use super::*;
    use crate::rest::*;
    use crate::rest_server::{
        router, FixturePetStoreApi, Operation, OperationHooks, Outcome, RequestContext, RequestId,
        ServerConfig,
    };

    #[derive(Default)]
    struct Pets {
        calls: AtomicUsize,
        seen: Mutex<Vec<String>>,
    }

    impl FixturePetStoreApi for Pets {
        async fn list_pets(
            &self,
            ctx: &RequestContext,
            req: ListPetsRequest,
        ) -> Result<Vec<Pet>, ListPetsError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            assert_eq!(ctx.operation, Operation::ListPets);
            self.seen.lock().unwrap().push(format!("{req:?}"));
            if req.tag.as_deref() == Some("boom") {
                panic!("scripted");
            }
            let cat = json!({"petType": "cat", "id": 1, "name": "Tom"});
            Ok(vec![serde_json::from_value(cat).unwrap()])
        }

        async fn create_pet(
            &self,
            _ctx: &RequestContext,
            req: CreatePetRequest,
        ) -> Result<(), CreatePetError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let error = |code| Error {
                code,
                message: "described".into(),
                details: None,
            };
            match req.body.name.as_str() {
                "missing-owner" => Err(CreatePetError::NotFound(error(404))),
                "teapot" => Err(CreatePetError::Default {
                    http_status: 418,
                    body: error(418),
                }),
                "not-an-error" => Err(CreatePetError::Default {
                    http_status: 200,
                    body: error(200),
                }),
                "unlisted" => Err(CreatePetError::Unlisted {
                    http_status: 400,
                    code: "Secret".into(),
                    message: "internal detail".into(),
                }),
                _ => {
                    self.seen.lock().unwrap().push(format!("{req:?}"));
                    Ok(())
                }
            }
        }

        async fn show_pet_by_id(
            &self,
            _ctx: &RequestContext,
            req: ShowPetByIdRequest,
        ) -> Result<Pet, ShowPetByIdError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let dog = json!({"petType": "dog", "id": req.pet_id, "name": "Rex", "size": 2});
            Ok(serde_json::from_value(dog).unwrap())
        }
    }

    #[derive(Default)]
    struct Codes(Mutex<Vec<(Operation, u16, Option<String>)>>);

    impl OperationHooks for Codes {
        fn after(&self, operation: Operation, _: &RequestId, outcome: &Outcome<'_>) {
            self.0.lock().unwrap().push((
                operation,
                outcome.status.as_u16(),
                outcome.error_code.map(str::to_owned),
            ));
        }
    }

    async fn start() -> (String, Arc<Pets>, Arc<Codes>) {
        let pets = Arc::new(Pets::default());
        let codes = Arc::new(Codes::default());
        let config = ServerConfig::new()
            .with_host_id("pets-host")
            .with_hooks(codes.clone());
        (serve(router(pets.clone(), config)).await, pets, codes)
    }

    #[tokio::test]
    async fn rest_routes_answer_over_http_in_the_trait_style() {
        let (base, pets, codes) = start().await;
        let http = reqwest::Client::new();

        let answer = send(http.get(format!("{base}/pets?limit=5&tag=cats"))).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(
            answer.json(),
            json!([{"petType": "cat", "id": 1, "name": "Tom", "indoor": true, "lives": 9}])
        );
        assert!(answer.headers.contains_key("x-acs-request-id"));
        assert_eq!(
            pets.seen.lock().unwrap().last().unwrap(),
            &format!("{:?}", ListPetsRequest::new().limit(5).tag("cats"))
        );

        let answer = send(http.get(format!("{base}/pets/12"))).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.json()["id"], 12);
        assert_eq!(answer.json()["petType"], "dog");

        let answer = send(
            http.post(format!("{base}/pets"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("name=Felix&petType=dog"),
        )
        .await;
        assert_eq!((answer.status, answer.body.as_str()), (201, ""));
        assert!(pets.seen.lock().unwrap().last().unwrap().contains("Felix"));
        assert_eq!(pets.calls.load(Ordering::SeqCst), 3);
        assert_eq!(codes.0.lock().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn rest_parameters_are_validated_at_the_edge_naming_them() {
        let (base, pets, _) = start().await;
        let http = reqwest::Client::new();
        for (url, name) in [
            ("/pets?limit=0", "limit"),
            ("/pets?limit=101", "limit"),
            ("/pets?limit=ten", "limit"),
            ("/pets?tag=Bad%20Tag", "tag"),
            ("/pets?limit=1&limit=2", "limit"),
            ("/pets/abc", "petId"),
        ] {
            let answer = send(http.get(format!("{base}{url}"))).await;
            let message = answer.error(400, "InvalidParameter");
            assert!(message.contains(&format!("\"{name}\"")), "{url}: {message}");
        }
        let answer = send(http.post(format!("{base}/pets"))).await;
        let message = answer.error(400, "MissingParameter");
        assert!(message.contains("\"body\""), "{message}");
        for body in ["name=", "petType=cat", "name=Tom&petType=bird"] {
            let answer = send(
                http.post(format!("{base}/pets"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body),
            )
            .await;
            let message = answer.error(400, "InvalidParameter");
            assert!(message.contains("\"body\""), "{body}: {message}");
            assert!(
                !message.contains("bird"),
                "the value is not echoed: {message}"
            );
        }
        assert_eq!(pets.calls.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn rest_errors_render_documented_bodies_and_hide_internal_ones() {
        let (base, _, codes) = start().await;
        let http = reqwest::Client::new();
        let post = |name: &str| {
            http.post(format!("{base}/pets"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("name={name}"))
        };
        let answer = send(post("missing-owner")).await;
        assert_eq!(answer.status, 404);
        assert_eq!(answer.json(), json!({"code": 404, "message": "described"}));
        let answer = send(post("teapot")).await;
        assert_eq!(answer.status, 418);
        assert_eq!(answer.json()["code"], 418);
        for name in ["unlisted", "not-an-error"] {
            let answer = send(post(name)).await;
            let message = answer.error(500, "InternalError");
            assert!(!answer.body.contains("internal detail"), "{message}");
        }
        let answer = send(http.get(format!("{base}/pets?tag=boom"))).await;
        answer.error(500, "InternalError");
        let seen = codes.0.lock().unwrap().clone();
        let codes: Vec<Option<&str>> = seen.iter().map(|(_, _, c)| c.as_deref()).collect();
        assert_eq!(
            codes,
            [
                Some("NotFound"),
                Some("Default"),
                Some("InternalError"),
                Some("InternalError"),
                Some("InternalError")
            ]
        );
    }

    #[tokio::test]
    async fn unknown_paths_and_methods_get_the_envelope() {
        let (base, _, _) = start().await;
        let http = reqwest::Client::new();
        let answer = send(http.get(format!("{base}/owners"))).await;
        answer.error(404, "InvalidAction.NotFound");
        let answer = send(http.delete(format!("{base}/pets"))).await;
        answer.error(405, "UnsupportedHTTPMethod");
        assert_eq!(answer.headers["allow"], "GET, POST, HEAD");
        let answer = send(http.put(format!("{base}/pets/1"))).await;
        answer.error(405, "UnsupportedHTTPMethod");
        assert_eq!(answer.headers["allow"], "GET, HEAD");
        let answer = send(http.head(format!("{base}/pets/1"))).await;
        assert_eq!(answer.status, 200);
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_413() {
        let pets = Arc::new(Pets::default());
        let base = serve(router(pets, ServerConfig::new().with_body_limit(16))).await;
        let answer = send(
            reqwest::Client::new()
                .post(format!("{base}/pets"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("name={}", "x".repeat(100))),
        )
        .await;
        answer.error(413, "RequestBodyTooLarge");
    }
}

mod rpc_behaviour {
    use super::*;
    use crate::rpc::*;
    use crate::rpc_server::{router, FixtureRpcApi, RequestContext, ServerConfig};
    use acs_protocol::auth::{
        Credential, CredentialLookup, InMemoryNonceStore, LookupError, Verifier,
    };
    use acs_protocol::secret::{AccessKeySecret, SecurityToken};
    use acs_protocol::signature::SignatureVersion;
    use acs_protocol::signing::{new_nonce, sign_request, Credentials, SignRequest};

    struct OneKey;

    #[async_trait::async_trait]
    impl CredentialLookup for OneKey {
        async fn lookup(
            &self,
            id: &str,
            _: Option<&SecurityToken>,
        ) -> Result<Option<Credential>, LookupError> {
            Ok((id == "key").then(|| Credential {
                secret: AccessKeySecret::new("secret"),
                principal: "alice".into(),
                active: true,
            }))
        }
    }

    #[derive(Default)]
    struct Things(AtomicUsize);

    impl FixtureRpcApi for Things {
        async fn update_thing(
            &self,
            ctx: &RequestContext,
            req: UpdateThingRequest,
        ) -> Result<UpdateThingResponse, UpdateThingError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            assert_eq!(ctx.caller.principal, "alice");
            if req.thing_id == 404 {
                return Err(UpdateThingError::InvalidTenantThingNotExists);
            }
            Ok(UpdateThingResponse {
                data: Some(req.env_type == EnvType::Production),
                ..Default::default()
            })
        }

        async fn list_things(
            &self,
            _ctx: &RequestContext,
            req: ListThingsRequest,
        ) -> Result<ListThingsResponse, ListThingsError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(ListThingsResponse {
                success: Some(req.page_size == 10),
                ..Default::default()
            })
        }
    }

    fn signed(
        http: &reqwest::Client,
        base: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> reqwest::RequestBuilder {
        let params: Vec<(String, String)> = params
            .iter()
            .map(|(n, v)| ((*n).into(), (*v).into()))
            .collect();
        let host = base.trim_start_matches("http://");
        let signed = sign_request(&SignRequest {
            method: &http::Method::GET,
            host,
            action,
            version: "2020-05-18",
            params: &params,
            credentials: &Credentials::new("key", "secret"),
            scheme: SignatureVersion::V3,
            nonce: &new_nonce(),
            timestamp: time::OffsetDateTime::now_utc(),
        })
        .unwrap();
        let mut builder = http.get(format!("{base}/?{}", signed.query));
        for (name, value) in signed.headers {
            builder = builder.header(name, value);
        }
        builder
    }

    #[tokio::test]
    async fn the_rpc_fixture_server_dispatches_authenticates_and_validates() {
        let things = Arc::new(Things::default());
        let verifier = Verifier::new(OneKey, InMemoryNonceStore::new(1000));
        let base = serve(router(things.clone(), ServerConfig::new(verifier))).await;
        let http = reqwest::Client::new();
        let ok = [("ThingId", "1"), ("Content", "{}"), ("EnvType", "1")];

        let answer = send(signed(&http, &base, "UpdateThing", &ok)).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.json()["Data"], true);
        let answer = send(signed(&http, &base, "ListThings", &[])).await;
        assert_eq!(answer.json()["Success"], true, "{}", answer.body);

        let answer = send(signed(
            &http,
            &base,
            "UpdateThing",
            &[("ThingId", "404"), ("Content", "{}"), ("EnvType", "0")],
        ))
        .await;
        assert_eq!(
            answer.error(400, "Invalid.Tenant.ThingNotExists"),
            "The thing does not exist."
        );
        let answer = send(signed(
            &http,
            &base,
            "UpdateThing",
            &[("ThingId", "1"), ("Content", "{}"), ("EnvType", "7")],
        ))
        .await;
        assert!(answer
            .error(400, "InvalidParameter")
            .contains("\"EnvType\""));
        let answer = send(signed(
            &http,
            &base,
            "UpdateThing",
            &[("ThingId", "1"), ("EnvType", "1")],
        ))
        .await;
        assert!(answer
            .error(400, "MissingParameter")
            .contains("\"Content\""));
        let answer = send(signed(&http, &base, "DeleteThing", &[])).await;
        answer.error(404, "InvalidAction.NotFound");
        let answer = send(http.get(format!("{base}/?Action=ListThings&Version=2020-05-18"))).await;
        answer.error(400, "MissingParameter");
        assert_eq!(things.0.load(Ordering::SeqCst), 3);
    }
}

/// AWS Query style: `/{AccountNumber}/{QueueName}/#Action=AddPermission` (GET) and
/// `/#Action=AddPermission` (POST) are one operation served at both paths, the path's
/// parameters read like any other; an Action whose pseudo-paths are all `/` is not served at the
/// queue's path.
mod aws_behaviour {
    use super::*;
    use crate::aws::*;
    use crate::aws_server::{router, FixtureQueueApi, Operation, RequestContext, ServerConfig};
    use acs_protocol::auth::{
        Credential, CredentialLookup, InMemoryNonceStore, LookupError, Verifier,
    };
    use acs_protocol::secret::{AccessKeySecret, SecurityToken};
    use acs_protocol::signature::SignatureVersion;
    use acs_protocol::signing::{new_nonce, sign_request, Credentials, SignRequest};

    struct OneKey;

    #[async_trait::async_trait]
    impl CredentialLookup for OneKey {
        async fn lookup(
            &self,
            id: &str,
            _: Option<&SecurityToken>,
        ) -> Result<Option<Credential>, LookupError> {
            Ok((id == "key").then(|| Credential {
                secret: AccessKeySecret::new("secret"),
                principal: "alice".into(),
                active: true,
            }))
        }
    }

    /// Records every request the trait receives.
    #[derive(Default)]
    struct Queues(Mutex<Vec<String>>);

    impl FixtureQueueApi for Queues {
        async fn add_permission(
            &self,
            _ctx: &RequestContext,
            req: AddPermissionParams,
        ) -> Result<AddPermissionResult, AddPermissionError> {
            self.0.lock().unwrap().push(format!("{req:?}"));
            Ok(AddPermissionResult {
                granted: Some(req.label),
            })
        }

        async fn list_queues(
            &self,
            _ctx: &RequestContext,
            req: ListQueuesParams,
        ) -> Result<ListQueuesResult, ListQueuesError> {
            self.0.lock().unwrap().push(format!("{req:?}"));
            Ok(ListQueuesResult::default())
        }
    }

    /// A signed request for `action` to `path` (query parameters; POST sends them as a form).
    fn signed(
        http: &reqwest::Client,
        base: &str,
        method: http::Method,
        path: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> reqwest::RequestBuilder {
        let params: Vec<(String, String)> = params
            .iter()
            .map(|(n, v)| ((*n).into(), (*v).into()))
            .collect();
        let host = base.trim_start_matches("http://");
        let signed = sign_request(&SignRequest {
            method: &method,
            host,
            action,
            version: "2012-11-05",
            params: &params,
            credentials: &Credentials::new("key", "secret"),
            scheme: SignatureVersion::V3,
            nonce: &new_nonce(),
            timestamp: time::OffsetDateTime::now_utc(),
        })
        .unwrap();
        let mut builder = http.request(method, format!("{base}{path}?{}", signed.query));
        for (name, value) in signed.headers {
            builder = builder.header(name, value);
        }
        builder
    }

    #[test]
    fn get_and_post_twins_at_two_paths_are_one_operation() {
        let api = codegen::lower(&common::load("aws"), "aws.yaml").unwrap();
        let names: Vec<&str> = api.operations.iter().map(|op| op.name.as_str()).collect();
        assert_eq!(names, ["AddPermission", "ListQueues"]);
        assert_eq!(Operation::ALL.len(), 2);
        let codegen::model::Style::Rpc {
            routes, methods, ..
        } = &api.operations[0].style
        else {
            panic!("RPC")
        };
        assert_eq!(routes, &["/{AccountNumber}/{QueueName}/", "/"]);
        assert_eq!(
            methods,
            &[
                codegen::model::HttpMethod::Get,
                codegen::model::HttpMethod::Post
            ]
        );
        // Required by both twins: required. Only one twin has it: optional.
        let request = api.request_struct(&api.operations[0]).unwrap();
        let required: Vec<(&str, bool)> = request
            .fields
            .iter()
            .map(|f| (f.wire_name.as_str(), f.required))
            .collect();
        assert_eq!(
            required,
            [
                ("Label", true),
                ("AccountNumber", false),
                ("QueueName", false),
                ("QueueUrl", false)
            ]
        );
    }

    #[tokio::test]
    async fn rpc_routes_keep_the_path_before_the_fragment_and_read_its_parameters() {
        let queues = Arc::new(Queues::default());
        let verifier = Verifier::new(OneKey, InMemoryNonceStore::new(1000));
        let base = serve(router(queues.clone(), ServerConfig::new(verifier))).await;
        let http = reqwest::Client::new();
        let get = http::Method::GET;

        // The GET twin at the queue's path: its path parameters reach the trait.
        let answer = send(signed(
            &http,
            &base,
            get.clone(),
            "/123456789012/orders/",
            "AddPermission",
            &[("Label", "alice")],
        ))
        .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.json()["Granted"], "alice");
        // The POST twin at `/`.
        let answer = send(signed(
            &http,
            &base,
            http::Method::POST,
            "/",
            "AddPermission",
            &[("Label", "bob"), ("QueueUrl", "https://q.example/1/orders")],
        ))
        .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        // A path parameter that is not an integer is refused by name, like a query one.
        let answer = send(signed(
            &http,
            &base,
            get.clone(),
            "/not-a-number/orders/",
            "AddPermission",
            &[("Label", "carol")],
        ))
        .await;
        assert!(answer
            .error(400, "InvalidParameter")
            .contains("AccountNumber"));
        // The same name in the path and the query is ambiguous: refused.
        let answer = send(signed(
            &http,
            &base,
            get.clone(),
            "/1/orders/",
            "AddPermission",
            &[("Label", "dave"), ("QueueName", "other")],
        ))
        .await;
        assert!(answer.error(400, "InvalidParameter").contains("QueueName"));
        // ListQueues has no pseudo-path at the queue's path: not found there, found at `/`.
        let answer = send(signed(
            &http,
            &base,
            get.clone(),
            "/1/orders/",
            "ListQueues",
            &[],
        ))
        .await;
        answer.error(404, "InvalidAction.NotFound");
        let answer = send(signed(&http, &base, get.clone(), "/", "ListQueues", &[])).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        // Other paths stay 404.
        let answer = send(signed(
            &http,
            &base,
            get,
            "/1/",
            "AddPermission",
            &[("Label", "x")],
        ))
        .await;
        answer.error(404, "InvalidAction.NotFound");

        let seen = queues.0.lock().unwrap().clone();
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert!(
            seen[0].contains("account_number: Some(123456789012)")
                && seen[0].contains("queue_name: Some(\"orders\")")
                && seen[0].contains("queue_url: None"),
            "{}",
            seen[0]
        );
        assert!(
            seen[1].contains("account_number: None")
                && seen[1].contains("queue_url: Some(\"https://q.example/1/orders\")"),
            "{}",
            seen[1]
        );
    }
}

mod refusals {
    fn refusals(yaml: &str) -> Vec<codegen::Refusal> {
        let spec: openapiv3::OpenAPI = serde_yaml::from_str(yaml).unwrap();
        match codegen::generate_server(&spec, "inline.yaml") {
            Err(codegen::Error::Refused(r)) => {
                assert_eq!(r.spec_name, "inline.yaml");
                r.items
            }
            Err(other) => panic!("unexpected error {other}"),
            Ok(_) => panic!("generated"),
        }
    }

    #[test]
    fn mixing_rpc_and_rest_is_refused_with_the_rest_operation_pointer() {
        let items = refusals(
            r##"
openapi: 3.0.3
info: {title: Mixed, version: "2020-05-18"}
paths:
  /#Action=Ping:
    get:
      operationId: Ping
      parameters:
        - {name: Action, in: query, required: true, schema: {type: string, enum: [Ping]}}
      responses: {'200': {description: OK}}
  /health:
    get:
      operationId: health
      responses: {'200': {description: OK}}
"##,
        );
        assert_eq!(items.len(), 1, "{items:?}");
        assert_eq!(items[0].pointer, "#/paths/~1health/get");
        assert!(
            items[0].reason.contains("unauthenticated"),
            "{}",
            items[0].reason
        );
    }

    #[test]
    fn rest_parameters_the_server_cannot_read_are_refused_each_with_a_pointer_that_resolves() {
        let yaml = r##"
openapi: 3.0.3
info: {title: Lists, version: "1"}
paths:
  /things/{key}:
    get:
      operationId: listThings
      parameters:
        - {name: ids, in: query, schema: {type: array, items: {type: integer}}}
        - {name: session, in: cookie, schema: {type: string}}
        - {name: page, in: query, schema: {type: integer, default: 1}}
        - {name: filter, in: query, style: deepObject, schema: {type: object, properties: {a: {type: string}}}}
        - {name: key, in: path, required: true, style: matrix, schema: {type: string}}
        - {name: where, in: query, schema: {type: object, properties: {a: {type: string}}}}
      responses: {'200': {description: OK}}
    post:
      operationId: upload
      parameters:
        - {name: key, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          multipart/form-data:
            schema: {type: array, items: {type: string}}
      responses: {'204': {description: OK}}
"##;
        let items = refusals(yaml);
        let pointers: Vec<&str> = items.iter().map(|r| r.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "#/paths/~1things~1{key}/get/parameters/3",
                "#/paths/~1things~1{key}/get/parameters/4",
                "#/paths/~1things~1{key}/get/parameters/5",
                "#/paths/~1things~1{key}/post/requestBody"
            ],
            "{items:?}"
        );
        let document: serde_json::Value = serde_yaml::from_str(yaml).unwrap();
        for item in &items {
            assert!(
                document.pointer(&item.pointer[1..]).is_some(),
                "{} does not resolve",
                item.pointer
            );
        }
        assert!(
            items[0].reason.contains("deepObject"),
            "{}",
            items[0].reason
        );
        assert!(items[1].reason.contains("matrix"), "{}", items[1].reason);
        assert!(items[2].reason.contains("scalars"), "{}", items[2].reason);
        assert!(items[3].reason.contains("multipart"), "{}", items[3].reason);
    }
}
