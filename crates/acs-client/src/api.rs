//! The seam between the runtime and a generated client crate: [`ApiInfo`] (what the spec says
//! about the API) and [`ApiClient`] (the generated client type the builder makes).

use crate::client::Client;

/// What a generated client crate tells the runtime about its API: everything spec-specific the
/// runtime needs, so that the runtime itself stays the same for every spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiInfo {
    /// The `Version` every request carries (`2014-05-26`).
    pub version: &'static str,
    /// The spec's server URL with a region variable (`https://ecs.{regionId}.aliyuncs.com`),
    /// which `.region(id)` fills in when no endpoint is given; `None` when the spec has none.
    pub endpoint_template: Option<&'static str>,
    /// The variable's name in the template (`regionId`).
    pub region_variable: &'static str,
    /// The default `User-Agent`: the generated crate's name and version
    /// (`ecs-client/0.1.0`), so that servers can tell SDK releases apart. It comes from the
    /// generated crate because the runtime's own name would say nothing about the API.
    pub user_agent: &'static str,
}

/// A generated client: a thin type over the runtime's [`Client`] with one async method per
/// operation (inherent methods can only be added to a type of the generated crate, hence the
/// wrapper). [`crate::ClientBuilder`] builds it from the settings and [`ApiClient::API`].
pub trait ApiClient: Sized {
    /// The API this client calls.
    const API: &'static ApiInfo;

    /// Wraps a configured runtime client.
    fn from_runtime(client: Client) -> Self;
}

/// The inherent methods every generated client has whatever its spec: `builder()`, the
/// accessors of the runtime's configuration and `with_format`, plus a `Debug` that shows the
/// AccessKey id only. A generated crate invokes it once for its `Client` (a struct with one
/// field, `runtime: acs_client::Client`, that implements [`ApiClient`]).
///
/// A macro because inherent methods can only be written in the crate that defines the type;
/// this way they are written (and reviewed) once, here, instead of being emitted into every
/// generated crate.
///
/// ```
/// # use acs_client::{ApiClient, ApiInfo};
/// #[derive(Clone)]
/// pub struct Client {
///     runtime: acs_client::Client,
/// }
/// # impl ApiClient for Client {
/// #     const API: &'static ApiInfo = &ApiInfo {
/// #         version: "2014-05-26",
/// #         endpoint_template: None,
/// #         region_variable: "regionId",
/// #         user_agent: "doc/0",
/// #     };
/// #     fn from_runtime(runtime: acs_client::Client) -> Self {
/// #         Client { runtime }
/// #     }
/// # }
/// pub type ClientBuilder = acs_client::ClientBuilder<Client>;
/// acs_client::client_methods!(Client);
///
/// let client = Client::builder()
///     .endpoint("http://127.0.0.1:8080")
///     .access_key("LTAIexample", "secret")
///     .build()
///     .unwrap();
/// assert_eq!(client.access_key_id(), "LTAIexample");
/// assert_eq!(client.with_format(acs_client::Format::Xml).format(), acs_client::Format::Xml);
/// assert!(!format!("{client:?}").contains("secret"));
/// ```
#[macro_export]
macro_rules! client_methods {
    ($client:ident) => {
        impl ::std::fmt::Debug for $client {
            /// The AccessKey id only; never the secret or a token.
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.runtime, f)
            }
        }

        impl $client {
            /// Starts configuring a client: endpoint (or region), credentials, signature
            /// version, timeouts, user agent, retries, HTTP client or in-process transport.
            pub fn builder() -> $crate::ClientBuilder<$client> {
                $crate::ClientBuilder::new()
            }

            /// Where requests go.
            pub fn endpoint(&self) -> &$crate::Endpoint {
                self.runtime.endpoint()
            }

            /// The signature scheme in use.
            pub fn signature_version(&self) -> $crate::SignatureVersion {
                self.runtime.signature_version()
            }

            /// The answer format this client asks for.
            pub fn format(&self) -> $crate::Format {
                self.runtime.format()
            }

            /// The AccessKey id requests are signed with.
            pub fn access_key_id(&self) -> &str {
                self.runtime.access_key_id()
            }

            /// A client sharing everything with this one but asking for (and decoding) `format`
            /// answers: `client.with_format(Format::Xml)`.
            #[must_use]
            pub fn with_format(&self, format: $crate::Format) -> $client {
                $client {
                    runtime: self.runtime.with_format(format),
                }
            }
        }
    };
}
