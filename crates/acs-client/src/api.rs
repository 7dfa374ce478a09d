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
