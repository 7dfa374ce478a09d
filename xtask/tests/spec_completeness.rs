//! `spec/dataworks.yaml` against the reference: every parameter, response field, Connection field,
//! error code and Content schema that `shared/reference/wire-protocol.md` (sections 1, 2, 5) and
//! `UpdateConnection.txt` give, hard-coded here so that an edit of the spec that drops or changes
//! one of them fails a test. The document is read twice: with `openapiv3` (types, constraints, the
//! shape the generator sees) and as a raw `serde_yaml::Value` (the `x-` extensions and `xml`).
//!
//! Each check returns the list of problems it found; the `mutation_*` tests edit the document in
//! memory and prove that the check notices, so no check can silently pass everything.

use openapiv3::{
    IntegerFormat, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind,
    Type, VariantOrUnknownOrEmpty,
};
use serde_yaml::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

// ---------------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------------

/// Both views of the spec.
struct Doc {
    api: OpenAPI,
    raw: Value,
}

impl Doc {
    fn from_raw(raw: Value) -> Result<Doc, String> {
        let api: OpenAPI = serde_yaml::from_value(raw.clone())
            .map_err(|e| format!("openapiv3 does not parse the spec: {e}"))?;
        Ok(Doc { api, raw })
    }

    fn load() -> Doc {
        let path = spec_path();
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let raw: Value = serde_yaml::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()));
        Doc::from_raw(raw).unwrap_or_else(|e| panic!("{e}"))
    }

    fn operation(&self, action: &str, method: &str) -> Option<&openapiv3::Operation> {
        let item = self.api.paths.paths.get(&rpc_path(action))?.as_item()?;
        match method {
            "get" => item.get.as_ref(),
            "post" => item.post.as_ref(),
            _ => None,
        }
    }

    fn raw_operation(&self, action: &str, method: &str) -> &Value {
        &self.raw["paths"][rpc_path(action).as_str()][method]
    }

    fn schema(&self, name: &str) -> Option<&Schema> {
        self.api.components.as_ref()?.schemas.get(name)?.as_item()
    }

    fn raw_schema(&self, name: &str) -> &Value {
        &self.raw["components"]["schemas"][name]
    }

    fn resolve<'a>(&'a self, schema: &'a ReferenceOr<Schema>) -> Result<&'a Schema, String> {
        match schema {
            ReferenceOr::Item(s) => Ok(s),
            ReferenceOr::Reference { reference } => {
                let name = reference
                    .strip_prefix("#/components/schemas/")
                    .ok_or_else(|| format!("unexpected $ref {reference}"))?;
                self.schema(name)
                    .ok_or_else(|| format!("$ref {reference} does not resolve"))
            }
        }
    }

    /// A parameter, following a `$ref` into `components/parameters`; the second value is the
    /// referenced component's name.
    fn parameter<'a>(
        &'a self,
        p: &'a ReferenceOr<Parameter>,
    ) -> Result<(&'a Parameter, Option<&'a str>), String> {
        match p {
            ReferenceOr::Item(p) => Ok((p, None)),
            ReferenceOr::Reference { reference } => {
                let name = reference
                    .strip_prefix("#/components/parameters/")
                    .ok_or_else(|| format!("unexpected parameter $ref {reference}"))?;
                let param = self
                    .api
                    .components
                    .as_ref()
                    .and_then(|c| c.parameters.get(name))
                    .and_then(ReferenceOr::as_item)
                    .ok_or_else(|| format!("parameter $ref {reference} does not resolve"))?;
                Ok((param, Some(name)))
            }
        }
    }
}

fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("spec")
        .join("dataworks.yaml")
}

fn rpc_path(action: &str) -> String {
    format!("/#Action={action}")
}

const ACTIONS: [&str; 12] = [
    "CreateConnection",
    "UpdateConnection",
    "ListConnections",
    "DeleteConnection",
    "TestNetworkConnection",
    "CreateDataSource",
    "UpdateDataSource",
    "ListDataSources",
    "DeleteDataSource",
    "ExportDataSources",
    "ImportDataSources",
    "SetDataSourceShare",
];

const METHODS: [&str; 2] = ["get", "post"];

// ---------------------------------------------------------------------------------------------
// Comparable description of a schema
// ---------------------------------------------------------------------------------------------

/// What a schema says, reduced to what the reference text fixes.
#[derive(Debug, Clone, PartialEq)]
enum Ty {
    Int {
        format: String,
        min: Option<i64>,
        max: Option<i64>,
        default: Option<String>,
    },
    Str {
        min_len: Option<usize>,
        max_len: Option<usize>,
        pattern: Option<String>,
        values: Vec<String>,
        default: Option<String>,
    },
    Bool,
    /// No `type`: any JSON value (the loose Content keys).
    Any,
    Array(Box<Ty>),
    Object,
    /// A `$ref` to a named schema (response properties are not followed).
    Ref(String),
    Other(String),
}

fn int(format: &str, min: Option<i64>, max: Option<i64>, default: Option<i64>) -> Ty {
    Ty::Int {
        format: format.to_owned(),
        min,
        max,
        default: default.map(|d| d.to_string()),
    }
}

fn long() -> Ty {
    int("int64", None, None, None)
}

fn integer() -> Ty {
    int("int32", None, None, None)
}

fn id() -> Ty {
    int("int64", Some(1), None, None)
}

fn text(min_len: Option<usize>, max_len: Option<usize>) -> Ty {
    Ty::Str {
        min_len,
        max_len,
        pattern: None,
        values: Vec::new(),
        default: None,
    }
}

fn string() -> Ty {
    text(None, None)
}

fn pattern(p: &str) -> Ty {
    Ty::Str {
        min_len: None,
        max_len: None,
        pattern: Some(p.to_owned()),
        values: Vec::new(),
        default: None,
    }
}

fn one_of(values: &[&str]) -> Ty {
    Ty::Str {
        min_len: None,
        max_len: None,
        pattern: None,
        values: values.iter().map(|v| (*v).to_owned()).collect(),
        default: None,
    }
}

fn named(name: &str) -> Ty {
    Ty::Ref(name.to_owned())
}

fn ty_of(schema: &Schema) -> Ty {
    let default = schema
        .schema_data
        .default
        .as_ref()
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(i)) => Ty::Int {
            format: match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => "int32".to_owned(),
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => "int64".to_owned(),
                VariantOrUnknownOrEmpty::Unknown(s) => s.clone(),
                VariantOrUnknownOrEmpty::Empty => String::new(),
            },
            min: i.minimum,
            max: i.maximum,
            default,
        },
        SchemaKind::Type(Type::String(s)) => Ty::Str {
            min_len: s.min_length,
            max_len: s.max_length,
            pattern: s.pattern.clone(),
            values: s.enumeration.iter().flatten().cloned().collect(),
            default,
        },
        SchemaKind::Type(Type::Boolean(_)) => Ty::Bool,
        SchemaKind::Type(Type::Object(_)) => Ty::Object,
        SchemaKind::Type(Type::Array(a)) => match &a.items {
            Some(ReferenceOr::Reference { reference }) => Ty::Array(Box::new(named(
                reference.trim_start_matches("#/components/schemas/"),
            ))),
            Some(ReferenceOr::Item(s)) => Ty::Array(Box::new(ty_of(s))),
            None => Ty::Array(Box::new(Ty::Any)),
        },
        SchemaKind::Any(a) if a.typ.is_none() && a.properties.is_empty() => Ty::Any,
        other => Ty::Other(format!("{other:?}")),
    }
}

/// A property as written: a `$ref` stays a name.
fn property_ty(p: &ReferenceOr<Box<Schema>>) -> Ty {
    match p {
        ReferenceOr::Reference { reference } => {
            named(reference.trim_start_matches("#/components/schemas/"))
        }
        ReferenceOr::Item(s) => ty_of(s),
    }
}

fn with_default(ty: Ty, d: &str) -> Ty {
    match ty {
        Ty::Str {
            min_len,
            max_len,
            pattern,
            values,
            ..
        } => Ty::Str {
            min_len,
            max_len,
            pattern,
            values,
            default: Some(d.to_owned()),
        },
        other => other,
    }
}

// ---------------------------------------------------------------------------------------------
// Expected values: the reference text and wire-protocol.md
// ---------------------------------------------------------------------------------------------

const CONNECTION_TYPES: [&str; 14] = [
    "odps",
    "mysql",
    "rds",
    "oss",
    "sqlserver",
    "polardb",
    "oracle",
    "mongodb",
    "emr",
    "postgresql",
    "analyticdb_for_mysql",
    "hybriddb_for_postgresql",
    "holo",
    "kafka",
];
const SUB_TYPES: [&str; 3] = ["mysql", "sqlserver", "postgresql"];
const STATUS_PATTERN: &str =
    "^([Ee][Nn][Aa][Bb][Ll][Ee][Dd]|[Dd][Ii][Ss][Aa][Bb][Ll][Ee][Dd]|0|1|2)$";
const FORMAT_PATTERN: &str = "^([Jj][Ss][Oo][Nn]|[Xx][Mm][Ll])$";

/// One request parameter: wire name, schema, required.
struct P(&'static str, Ty, bool);

fn expected_parameters(action: &str) -> Vec<P> {
    let env_type = || int("int32", Some(0), Some(1), None);
    let content = || text(Some(1), Some(65536));
    let name = || text(Some(1), Some(255));
    match action {
        "CreateConnection" => vec![
            P("ProjectId", id(), true),
            P("Name", name(), true),
            P("ConnectionType", one_of(&CONNECTION_TYPES), true),
            P("Content", content(), true),
            P("EnvType", env_type(), true),
            P("SubType", one_of(&SUB_TYPES), false),
            P("Description", text(None, Some(3000)), false),
        ],
        "UpdateConnection" => vec![
            P("ConnectionId", id(), true),
            P("Content", content(), true),
            P("EnvType", env_type(), true),
            P("Description", text(None, Some(3000)), false),
            P("Status", pattern(STATUS_PATTERN), false),
        ],
        "ListConnections" => vec![
            P("ProjectId", id(), true),
            P("PageNumber", int("int32", Some(1), None, Some(1)), false),
            P(
                "PageSize",
                int("int32", Some(1), Some(100), Some(10)),
                false,
            ),
            P("Name", name(), false),
            P("ConnectionType", one_of(&CONNECTION_TYPES), false),
            P("SubType", one_of(&SUB_TYPES), false),
            P("Status", pattern(STATUS_PATTERN), false),
            P("EnvType", env_type(), false),
        ],
        "DeleteConnection" => vec![P("ConnectionId", id(), true)],
        "TestNetworkConnection" => vec![
            P("ProjectId", id(), true),
            P("DatasourceName", name(), true),
            P("EnvType", pattern("^[01]$"), true),
            P("ResourceGroup", name(), true),
        ],
        // The DataSource family: wire names and required flags from the official SDK models
        // (`alibabacloud_dataworks_public20200518.models`, 10.1.1).
        "CreateDataSource" => vec![
            P("ProjectId", id(), true),
            P("Name", name(), true),
            P("DataSourceType", one_of(&CONNECTION_TYPES), true),
            P("Content", content(), true),
            P("EnvType", env_type(), true),
            P("SubType", one_of(&SUB_TYPES), false),
            P("Description", text(None, Some(3000)), false),
        ],
        "UpdateDataSource" => vec![
            P("DataSourceId", id(), true),
            P("Content", content(), false),
            P("EnvType", env_type(), false),
            P("Description", text(None, Some(3000)), false),
            P("Status", pattern(STATUS_PATTERN), false),
        ],
        "ListDataSources" => vec![
            P("ProjectId", id(), true),
            P("PageNumber", int("int32", Some(1), None, Some(1)), false),
            P(
                "PageSize",
                int("int32", Some(1), Some(100), Some(10)),
                false,
            ),
            P("Name", name(), false),
            P("DataSourceType", one_of(&CONNECTION_TYPES), false),
            P("SubType", one_of(&SUB_TYPES), false),
            P("Status", pattern(STATUS_PATTERN), false),
            P("EnvType", env_type(), false),
        ],
        "DeleteDataSource" => vec![P("DataSourceId", id(), true)],
        "ExportDataSources" => vec![
            P("ProjectId", id(), true),
            P("PageNumber", int("int32", Some(1), None, Some(1)), false),
            P(
                "PageSize",
                int("int32", Some(1), Some(100), Some(10)),
                false,
            ),
            P("Name", name(), false),
            P("DataSourceType", one_of(&CONNECTION_TYPES), false),
            P("SubType", one_of(&SUB_TYPES), false),
            P("EnvType", env_type(), false),
        ],
        "ImportDataSources" => vec![
            P("ProjectId", id(), true),
            P("DataSources", text(Some(1), Some(262_144)), true), // fits the 1 MiB body limit percent-encoded
        ],
        "SetDataSourceShare" => vec![
            P("ProjectId", id(), true),
            P("DatasourceName", name(), true),
            P("EnvType", pattern("^[01]$"), false),
            P("ProjectPermissions", text(None, Some(65536)), false),
            P("UserPermissions", text(None, Some(65536)), false),
        ],
        _ => Vec::new(),
    }
}

/// The common parameters every operation references from `components/parameters`.
fn expected_common() -> Vec<P> {
    vec![
        P("Version", one_of(&["2020-05-18"]), true),
        P(
            "Format",
            with_default(pattern(FORMAT_PATTERN), "JSON"),
            false,
        ),
        P("RegionId", string(), false),
    ]
}

/// The method the SDKs use (`x-acs-method`).
fn expected_sdk_method(action: &str) -> &'static str {
    match action {
        "UpdateConnection" | "UpdateDataSource" => "PUT",
        "ListConnections" | "ListDataSources" | "ExportDataSources" => "GET",
        _ => "POST",
    }
}

/// One property of a response model: name, type, required.
struct F(&'static str, Ty, bool);

/// (schema name, properties, XML element name).
fn expected_models() -> Vec<(&'static str, Vec<F>, &'static str)> {
    let envelope = |http: Option<Ty>, data: Ty| {
        let mut f = vec![F("RequestId", string(), true), F("Success", Ty::Bool, true)];
        if let Some(http) = http {
            f.push(F("HttpStatusCode", http, true));
        }
        f.push(F("Data", data, true));
        f
    };
    vec![
        (
            "CreateConnectionResponse",
            envelope(Some(string()), long()),
            "CreateConnectionResponse",
        ),
        (
            "UpdateConnectionResponse",
            envelope(Some(string()), Ty::Bool),
            "UpdateConnectionResponse",
        ),
        (
            "DeleteConnectionResponse",
            envelope(Some(string()), Ty::Bool),
            "DeleteConnectionResponse",
        ),
        (
            "ListConnectionsResponse",
            envelope(Some(integer()), named("ListConnectionsData")),
            "ListConnectionsResponse",
        ),
        (
            "ListConnectionsData",
            vec![
                F("PageNumber", integer(), true),
                F("PageSize", integer(), true),
                F("TotalCount", integer(), true),
                F(
                    "Connections",
                    Ty::Array(Box::new(named("Connection"))),
                    true,
                ),
            ],
            "",
        ),
        (
            "TestNetworkConnectionResponse",
            vec![
                F("RequestId", string(), true),
                F("Success", Ty::Bool, true),
                F("TaskList", named("TaskList"), true),
            ],
            "TestNetworkConnectionResponse",
        ),
        (
            "TaskList",
            vec![
                F("ConnectStatus", Ty::Bool, true),
                F("ConnectMessage", string(), true),
            ],
            "TaskList",
        ),
        (
            "ErrorResponse",
            vec![
                F("RequestId", string(), true),
                F("HostId", string(), true),
                F("Code", string(), true),
                F("Message", string(), true),
                F("Recommend", string(), true),
            ],
            "Error",
        ),
        ("Connection", expected_connection(), "Connections"),
        (
            "CreateDataSourceResponse",
            envelope(Some(string()), long()),
            "CreateDataSourceResponse",
        ),
        (
            "UpdateDataSourceResponse",
            envelope(Some(string()), Ty::Bool),
            "UpdateDataSourceResponse",
        ),
        (
            "DeleteDataSourceResponse",
            envelope(Some(string()), Ty::Bool),
            "DeleteDataSourceResponse",
        ),
        (
            "ListDataSourcesResponse",
            envelope(Some(integer()), named("ListDataSourcesData")),
            "ListDataSourcesResponse",
        ),
        ("ListDataSourcesData", data_source_page(), ""),
        (
            "ExportDataSourcesResponse",
            envelope(Some(integer()), named("ExportDataSourcesData")),
            "ExportDataSourcesResponse",
        ),
        ("ExportDataSourcesData", data_source_page(), ""),
        ("DataSource", expected_data_source(), "DataSources"),
        (
            "ImportDataSourcesResponse",
            envelope(None, named("ImportDataSourcesData")),
            "ImportDataSourcesResponse",
        ),
        (
            "ImportDataSourcesData",
            vec![F("Status", Ty::Bool, true), F("Message", string(), true)],
            "",
        ),
        (
            "SetDataSourceShareResponse",
            envelope(None, named("SetDataSourceShareData")),
            "SetDataSourceShareResponse",
        ),
        (
            "SetDataSourceShareData",
            vec![F("Status", string(), true), F("Message", string(), true)],
            "",
        ),
    ]
}

/// `Data` of ListDataSources and ExportDataSources.
fn data_source_page() -> Vec<F> {
    vec![
        F("PageNumber", integer(), true),
        F("PageSize", integer(), true),
        F("TotalCount", integer(), true),
        F(
            "DataSources",
            Ty::Array(Box::new(named("DataSource"))),
            true,
        ),
    ]
}

/// A `Connection` under the DataSource family's names (`DataSourceType` for `ConnectionType`).
fn expected_data_source() -> Vec<F> {
    expected_connection()
        .into_iter()
        .map(|F(name, ty, required)| {
            let name = if name == "ConnectionType" {
                "DataSourceType"
            } else {
                name
            };
            F(name, ty, required)
        })
        .collect()
}

fn expected_connection() -> Vec<F> {
    vec![
        F("Id", long(), true),
        F("Name", string(), true),
        F("ProjectId", long(), true),
        F("TenantId", long(), true),
        F("ConnectionType", string(), true),
        F("SubType", string(), true),
        F("Content", string(), true),
        F("Description", string(), true),
        F("EnvType", integer(), true),
        F("Status", integer(), true),
        F("ConnectStatus", integer(), true),
        F("Shared", Ty::Bool, true),
        F("Sequence", integer(), true),
        F("BindingCalcEngineId", long(), true),
        F("DefaultEngine", Ty::Bool, true),
        F("Operator", string(), true),
        F("GmtCreate", string(), true),
        F("GmtModified", string(), true),
    ]
}

fn response_schema(action: &str) -> String {
    format!("{action}Response")
}

/// (HTTP status, code, message).
type Code = (u64, &'static str, &'static str);

const CONNECTION_NOT_EXISTS: Code = (
    400,
    "Invalid.Tenant.ConnectionNotExists",
    "The connection does not exist.",
);
const PROJECT_NOT_EXISTS: Code = (
    400,
    "Invalid.Tenant.ProjectNotExists",
    "The project does not exist.",
);
const NOT_OWNER_OR_ADMIN: Code = (
    403,
    "Invalid.Tenant.UserIsNotProjectOwnerOrAdmin",
    "The user is not a project administrator or owner.",
);
const NOT_IN_PROJECT: Code = (
    400,
    "Invalid.Tenant.UserNotInProject",
    "The user is not in the project.",
);
const NOT_IN_TENANT: Code = (
    403,
    "Invalid.Tenant.UserNotInTenant",
    "The user is not in tenant.",
);
const DATA_SOURCE_STATUS: Code = (
    400,
    "Invalid.DataSource.DataSourceStatus",
    "The specified dataSourceStatus {status} is invalid.",
);
/// Project decision (Alibaba documents no code for a taken name).
const NAME_DUPLICATE: Code = (
    400,
    "Invalid.DataSource.NameDuplicate",
    "A data source with the same name already exists in the project and environment.",
);

/// Alibaba's DeleteDataSource table (the rule holds for DeleteConnection too: one store).
const INVALID_OPERATION: Code = (
    400,
    "Invalid.Operation",
    "You cannot delete the bindingCalcEngine that is bound to the data source.",
);
/// Alibaba's CreateDataSource table.
const CONNECTION_ALREADY_EXIST: Code = (
    400,
    "ConnectionAlreadyExist",
    "The connection with envType {envType} and name {name} already exists.",
);
/// Alibaba's UpdateDataSource table.
const MISSING_PROPERTY: Code = (
    400,
    "MissingParam.ConnectionStr.Property",
    "You must specify property {property} required by the data source connection string.",
);
/// Alibaba's CreateDataSource and UpdateDataSource tables (not served here: no RAM roles).
const CHECK_RAM_ROLE: Code = (
    400,
    "DataSource.CheckRamRoleFailure",
    "Failed to check the RAM role. AccountId {accountId}. roleArn {roleArn}.",
);
/// Alibaba's CreateDataSource and UpdateDataSource tables (not served here: no value patterns).
const PATTERN_NOT_MATCH: Code = (
    400,
    "DataSource.ConnectionStrProperty.PatternNotMatch",
    "The pattern value {value} is invalid. The correct pattern is {pattern}.",
);
/// Alibaba's CreateDataSource table, its message cut after "The dataS" in the copy read (not
/// served here: DataSourceType is an enum, refused first as InvalidParameter).
const TYPE_NOT_SUPPORTED: Code = (
    400,
    "Invalid.DataSource.DataSourceTypeNotSupport",
    "The dataSourceType {type} is not supported.",
);

fn expected_errors(action: &str) -> Vec<Code> {
    match action {
        "CreateConnection" => vec![
            PROJECT_NOT_EXISTS,
            NOT_IN_PROJECT,
            NOT_OWNER_OR_ADMIN,
            NOT_IN_TENANT,
            NAME_DUPLICATE,
        ],
        "UpdateConnection" => vec![
            CONNECTION_NOT_EXISTS,
            PROJECT_NOT_EXISTS,
            NOT_OWNER_OR_ADMIN,
            NOT_IN_PROJECT,
            NOT_IN_TENANT,
            DATA_SOURCE_STATUS,
            NAME_DUPLICATE,
        ],
        "ListConnections" => vec![PROJECT_NOT_EXISTS, NOT_IN_PROJECT, NOT_IN_TENANT],
        "DeleteConnection" => vec![
            CONNECTION_NOT_EXISTS,
            PROJECT_NOT_EXISTS,
            NOT_OWNER_OR_ADMIN,
            NOT_IN_PROJECT,
            NOT_IN_TENANT,
            INVALID_OPERATION,
        ],
        "TestNetworkConnection" => vec![
            CONNECTION_NOT_EXISTS,
            PROJECT_NOT_EXISTS,
            NOT_IN_PROJECT,
            NOT_IN_TENANT,
            DATA_SOURCE_STATUS,
        ],
        // Alibaba's reference tables for the DataSource family (as far as the copies read
        // show them; see the spec's comments): CreateDataSource answers ConnectionAlreadyExist
        // for a taken name; codes that cannot arise here are listed with `x-acs-not-served`.
        "CreateDataSource" => vec![
            PROJECT_NOT_EXISTS,
            NOT_IN_PROJECT,
            NOT_OWNER_OR_ADMIN,
            NOT_IN_TENANT,
            CONNECTION_ALREADY_EXIST,
            CONNECTION_NOT_EXISTS,
            CHECK_RAM_ROLE,
            PATTERN_NOT_MATCH,
            TYPE_NOT_SUPPORTED,
        ],
        // Status is deprecated in this family; a bad one is InvalidParameter, so no
        // DataSourceStatus.
        "UpdateDataSource" => vec![
            CONNECTION_NOT_EXISTS,
            PROJECT_NOT_EXISTS,
            NOT_OWNER_OR_ADMIN,
            NOT_IN_PROJECT,
            NOT_IN_TENANT,
            NAME_DUPLICATE,
            MISSING_PROPERTY,
            CHECK_RAM_ROLE,
            PATTERN_NOT_MATCH,
        ],
        // No reference table found for these: the codes of the same checks elsewhere.
        "ListDataSources" | "ExportDataSources" => expected_errors("ListConnections"),
        "DeleteDataSource" => expected_errors("DeleteConnection"),
        "ImportDataSources" => vec![
            PROJECT_NOT_EXISTS,
            NOT_IN_PROJECT,
            NOT_OWNER_OR_ADMIN,
            NOT_IN_TENANT,
        ],
        "SetDataSourceShare" => vec![
            CONNECTION_NOT_EXISTS,
            PROJECT_NOT_EXISTS,
            NOT_OWNER_OR_ADMIN,
            NOT_IN_PROJECT,
            NOT_IN_TENANT,
        ],
        _ => Vec::new(),
    }
}

/// Codes that are this project's choice and must say so.
const PROJECT_DECISIONS: [&str; 9] = [
    "Invalid.DataSource.NameDuplicate",
    "Throttling",
    "UnsupportedHTTPMethod",
    "RequestBodyTooLarge",
    "RequestTimeout",
    // Answers the HTTP layer gives in the envelope (issue 16): hyper's own would be empty.
    "RequestURITooLong",
    "RequestHeaderFieldsTooLarge",
    "MalformedRequest",
    "ServiceUnavailable",
];

const COMMON_ERRORS: [Code; 20] = [
    (
        400,
        "MissingParameter",
        "The input parameter \"{name}\" that is mandatory for processing this request is not supplied.",
    ),
    (
        400,
        "InvalidParameter",
        "The specified parameter \"{name}\" is not valid.",
    ),
    (
        400,
        "SignatureDoesNotMatch",
        "Specified signature is not matched with our calculation. server string to sign is:{stringToSign}",
    ),
    (
        400,
        "IncompleteSignature",
        "The request signature does not conform to Aliyun standards.",
    ),
    (
        404,
        "InvalidAccessKeyId.NotFound",
        "Specified access key is not found.",
    ),
    (
        400,
        "InvalidAccessKeyId.Inactive",
        "Specified access key is disabled.",
    ),
    (
        400,
        "InvalidTimeStamp.Expired",
        "Specified time stamp or date value is expired.",
    ),
    (
        400,
        "SignatureNonceUsed",
        "Specified signature nonce was used already.",
    ),
    (
        400,
        "InvalidVersion",
        "Specified parameter Version is not valid.",
    ),
    (
        404,
        "InvalidAction.NotFound",
        "Specified api is not found, please check your url and method.",
    ),
    (
        500,
        "InternalError",
        "The request processing has failed due to some unknown error.",
    ),
    (
        400,
        "Throttling.User",
        "Request was denied due to user flow control.",
    ),
    (
        503,
        "Throttling",
        "Request was denied due to request throttling.",
    ),
    (
        405,
        "UnsupportedHTTPMethod",
        "This http method is not supported.",
    ),
    (413, "RequestBodyTooLarge", "The request body is too large."),
    (
        408,
        "RequestTimeout",
        "The request was not completed within the server's time limit.",
    ),
    (
        414,
        "RequestURITooLong",
        "The request URI is longer than 65534 bytes; send the parameters in a form body with POST.",
    ),
    (
        431,
        "RequestHeaderFieldsTooLarge",
        "The request header section is larger than 98304 bytes or has more than 100 fields.",
    ),
    (
        400,
        "MalformedRequest",
        "The request is not valid HTTP/1.1: {reason}.",
    ),
    (
        503,
        "ServiceUnavailable",
        "The server is at its connection limit; retry later.",
    ),
];

/// (schema, connection type, required keys, secret keys, keys of loose type).
struct C(
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

const CONTENT_SCHEMAS: [C; 14] = [
    C(
        "OdpsContent",
        "odps",
        &["accessId", "accessKey", "endpoint", "project"],
        &["accessKey"],
        &["authType"],
    ),
    C(
        "MysqlContent",
        "mysql",
        &["username", "password"],
        &["password"],
        &[],
    ),
    C(
        "RdsContent",
        "rds",
        &["username", "password", "instanceName", "database"],
        &["password"],
        &["configType"],
    ),
    C(
        "OssContent",
        "oss",
        &["bucket", "endpoint"],
        &["accessKey"],
        &[],
    ),
    C(
        "SqlserverContent",
        "sqlserver",
        &["username", "password"],
        &["password"],
        &[],
    ),
    C(
        "PolardbContent",
        "polardb",
        &["clusterId", "database", "username", "password"],
        &["password"],
        &[],
    ),
    C(
        "OracleContent",
        "oracle",
        &["jdbcUrl", "username", "password"],
        &["password"],
        &[],
    ),
    C(
        "MongodbContent",
        "mongodb",
        &["database", "username", "password"],
        &["password"],
        &[],
    ),
    C(
        "EmrContent",
        "emr",
        &["emrClusterId", "accessId", "accessKey"],
        &["accessKey"],
        &["authType"],
    ),
    C(
        "PostgresqlContent",
        "postgresql",
        &["username", "password"],
        &["password"],
        &[],
    ),
    C(
        "AnalyticdbForMysqlContent",
        "analyticdb_for_mysql",
        &["database", "username", "password"],
        &["password"],
        &[],
    ),
    C(
        "HybriddbForPostgresqlContent",
        "hybriddb_for_postgresql",
        &["database", "username", "password"],
        &["password"],
        &["port"],
    ),
    C("HoloContent", "holo", &["database"], &["accessKey"], &[]),
    C("KafkaContent", "kafka", &[], &["saslPassword"], &[]),
];

/// The keys of each type's example in wire-protocol.md section 1: every one must be a property.
fn example_keys(connection_type: &str) -> &'static [&'static str] {
    match connection_type {
        "odps" => &[
            "accessId",
            "accessKey",
            "authType",
            "endpoint",
            "project",
            "tag",
        ],
        "mysql" => &[
            "database",
            "instanceName",
            "password",
            "rdsOwnerId",
            "regionId",
            "tag",
            "username",
        ],
        "rds" => &[
            "configType",
            "tag",
            "database",
            "username",
            "password",
            "instanceName",
            "rdsOwnerId",
        ],
        "oss" => &["accessId", "accessKey", "bucket", "endpoint", "tag"],
        "sqlserver" | "postgresql" | "oracle" => &["jdbcUrl", "password", "tag", "username"],
        "polardb" => &[
            "clusterId",
            "database",
            "ownerId",
            "password",
            "region",
            "tag",
            "username",
        ],
        "mongodb" => &["address", "database", "password", "tag", "username"],
        "emr" => &[
            "accessId",
            "emrClusterId",
            "emrResourceQueueName",
            "emrEndpoint",
            "accessKey",
            "emrUserId",
            "name",
            "emrAccessMode",
            "region",
            "authType",
            "emrProjectId",
        ],
        "analyticdb_for_mysql" => &[
            "instanceId",
            "database",
            "username",
            "password",
            "connectionString",
        ],
        "hybriddb_for_postgresql" => &[
            "connectionString",
            "database",
            "password",
            "instanceId",
            "port",
            "ownerId",
            "username",
        ],
        "holo" => &["accessId", "accessKey", "database", "instanceId", "tag"],
        "kafka" => &["instanceId", "regionId", "tag", "ownerId"],
        _ => &[],
    }
}

// ---------------------------------------------------------------------------------------------
// Checks: each returns the problems it found
// ---------------------------------------------------------------------------------------------

fn check_document(doc: &Doc) -> Vec<String> {
    let mut errs = Vec::new();
    let api = &doc.api;
    if api.openapi != "3.0.3" {
        errs.push(format!("openapi is {:?}, want 3.0.3", api.openapi));
    }
    if api.info.title != "DataWorks Connection API" {
        errs.push(format!("info.title is {:?}", api.info.title));
    }
    if api.info.version != "2020-05-18" {
        errs.push(format!("info.version is {:?}", api.info.version));
    }
    let urls: Vec<&str> = api.servers.iter().map(|s| s.url.as_str()).collect();
    for want in [
        "https://dataworks.{regionId}.aliyuncs.com",
        "http://127.0.0.1:8080",
    ] {
        if !urls.contains(&want) {
            errs.push(format!("server {want} missing (have {urls:?})"));
        }
    }
    let region_var = api
        .servers
        .iter()
        .find(|s| s.url.contains("{regionId}"))
        .and_then(|s| s.variables.as_ref())
        .and_then(|v| v.get("regionId"));
    if region_var.is_none() {
        errs.push("the regional server has no `regionId` variable".to_owned());
    }
    let paths: BTreeSet<&str> = api.paths.paths.keys().map(String::as_str).collect();
    let want: BTreeSet<String> = ACTIONS.iter().map(|a| rpc_path(a)).collect();
    let want: BTreeSet<&str> = want.iter().map(String::as_str).collect();
    if paths != want {
        errs.push(format!("paths are {paths:?}, want {want:?}"));
    }
    errs
}

fn check_operations(doc: &Doc) -> Vec<String> {
    let mut errs = Vec::new();
    for action in ACTIONS {
        for method in METHODS {
            let at = format!("{action} {method}");
            let Some(op) = doc.operation(action, method) else {
                errs.push(format!("{at}: missing"));
                continue;
            };
            let want_id = if method == "get" {
                action.to_owned()
            } else {
                format!("{action}_POST")
            };
            if op.operation_id.as_deref() != Some(want_id.as_str()) {
                errs.push(format!(
                    "{at}: operationId {:?}, want {want_id}",
                    op.operation_id
                ));
            }
            if op.summary.as_deref().unwrap_or("").is_empty()
                || op.description.as_deref().unwrap_or("").is_empty()
            {
                errs.push(format!("{at}: needs a summary and a description"));
            }
            let sdk = doc.raw_operation(action, method)["x-acs-method"].as_str();
            if sdk != Some(expected_sdk_method(action)) {
                errs.push(format!(
                    "{at}: x-acs-method {sdk:?}, want {}",
                    expected_sdk_method(action)
                ));
            }
        }
    }
    errs
}

/// Action, the common `$ref`s, and exactly the expected operation parameters.
fn check_parameters(doc: &Doc) -> Vec<String> {
    let mut errs = Vec::new();
    for action in ACTIONS {
        for method in METHODS {
            let at = format!("{action} {method}");
            let Some(op) = doc.operation(action, method) else {
                errs.push(format!("{at}: missing"));
                continue;
            };
            let mut seen = BTreeSet::new();
            let mut common = BTreeSet::new();
            let mut action_ok = false;
            for p in &op.parameters {
                let (param, component) = match doc.parameter(p) {
                    Ok(x) => x,
                    Err(e) => {
                        errs.push(format!("{at}: {e}"));
                        continue;
                    }
                };
                let data = param.parameter_data_ref();
                let where_ = format!("{at} parameter {}", data.name);
                if !matches!(param, Parameter::Query { .. }) {
                    errs.push(format!("{where_}: must be `in: query`"));
                }
                if data.description.as_deref().unwrap_or("").is_empty() {
                    errs.push(format!("{where_}: no description"));
                }
                if data.example.is_none() {
                    errs.push(format!("{where_}: no example"));
                }
                let ty = match &data.format {
                    ParameterSchemaOrContent::Schema(s) => match doc.resolve(s) {
                        Ok(s) => ty_of(s),
                        Err(e) => {
                            errs.push(format!("{where_}: {e}"));
                            continue;
                        }
                    },
                    ParameterSchemaOrContent::Content(_) => {
                        errs.push(format!("{where_}: must have a schema"));
                        continue;
                    }
                };
                if let Some(component) = component {
                    if component != data.name {
                        errs.push(format!("{where_}: $ref name {component} differs"));
                    }
                    common.insert(data.name.clone());
                    match expected_common().into_iter().find(|c| c.0 == data.name) {
                        Some(P(_, want, required)) => {
                            if ty != want {
                                errs.push(format!("{where_}: schema {ty:?}, want {want:?}"));
                            }
                            if data.required != required {
                                errs.push(format!("{where_}: required should be {required}"));
                            }
                        }
                        None => errs.push(format!(
                            "{where_}: only the common parameters come from components/parameters"
                        )),
                    }
                    continue;
                }
                if data.name == "Action" {
                    action_ok = data.required && ty == one_of(&[action]);
                    continue;
                }
                if !seen.insert(data.name.clone()) {
                    errs.push(format!("{where_}: listed twice"));
                }
                match expected_parameters(action)
                    .into_iter()
                    .find(|e| e.0 == data.name)
                {
                    Some(P(_, want, required)) => {
                        if ty != want {
                            errs.push(format!("{where_}: schema {ty:?}, want {want:?}"));
                        }
                        if data.required != required {
                            errs.push(format!("{where_}: required should be {required}"));
                        }
                    }
                    None => errs.push(format!("{where_}: not in the reference")),
                }
            }
            if !action_ok {
                errs.push(format!(
                    "{at}: needs a required `Action` query parameter with enum [{action}]"
                ));
            }
            for P(name, _, _) in expected_parameters(action) {
                if !seen.contains(name) {
                    errs.push(format!("{at}: parameter {name} missing"));
                }
            }
            for P(name, _, _) in expected_common() {
                if !common.contains(name) {
                    errs.push(format!(
                        "{at}: common parameter {name} not referenced from components/parameters"
                    ));
                }
            }
        }
    }
    errs
}

fn ref_name(r: &ReferenceOr<Schema>) -> Option<&str> {
    match r {
        ReferenceOr::Reference { reference } => reference.strip_prefix("#/components/schemas/"),
        ReferenceOr::Item(_) => None,
    }
}

/// 200 (JSON and XML) names the operation's response schema; `4XX` and `default` the error.
fn check_responses(doc: &Doc) -> Vec<String> {
    let mut errs = Vec::new();
    for action in ACTIONS {
        for method in METHODS {
            let at = format!("{action} {method}");
            let Some(op) = doc.operation(action, method) else {
                errs.push(format!("{at}: missing"));
                continue;
            };
            let ok = op
                .responses
                .responses
                .get(&openapiv3::StatusCode::Code(200))
                .and_then(ReferenceOr::as_item);
            let Some(ok) = ok else {
                errs.push(format!("{at}: no inline 200 response"));
                continue;
            };
            let want = response_schema(action);
            for media in ["application/json", "text/xml"] {
                let got = ok
                    .content
                    .get(media)
                    .and_then(|m| m.schema.as_ref())
                    .and_then(ref_name);
                if got != Some(want.as_str()) {
                    errs.push(format!("{at}: 200 {media} is {got:?}, want {want}"));
                }
            }
            let error_ref = "#/components/responses/Error";
            let is_error = |r: Option<&ReferenceOr<openapiv3::Response>>| matches!(r, Some(ReferenceOr::Reference { reference }) if reference == error_ref);
            if !is_error(op.responses.responses.get(&openapiv3::StatusCode::Range(4))) {
                errs.push(format!("{at}: 4XX must be {error_ref}"));
            }
            if !is_error(op.responses.default.as_ref()) {
                errs.push(format!("{at}: default must be {error_ref}"));
            }
        }
    }
    let error = doc
        .api
        .components
        .as_ref()
        .and_then(|c| c.responses.get("Error"))
        .and_then(ReferenceOr::as_item);
    match error {
        None => errs.push("components/responses/Error missing".to_owned()),
        Some(error) => {
            for media in ["application/json", "text/xml"] {
                let got = error
                    .content
                    .get(media)
                    .and_then(|m| m.schema.as_ref())
                    .and_then(ref_name);
                if got != Some("ErrorResponse") {
                    errs.push(format!("Error response {media} is {got:?}"));
                }
            }
        }
    }
    errs
}

/// Every response model, `Connection` included: exact fields, types, required, XML names.
fn check_models(doc: &Doc) -> Vec<String> {
    let mut errs = Vec::new();
    for (name, fields, xml_name) in expected_models() {
        let Some(schema) = doc.schema(name) else {
            errs.push(format!("schema {name} missing"));
            continue;
        };
        let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else {
            errs.push(format!("{name}: not an object"));
            continue;
        };
        let have: BTreeSet<&str> = obj.properties.keys().map(String::as_str).collect();
        let want: BTreeSet<&str> = fields.iter().map(|f| f.0).collect();
        if have != want {
            errs.push(format!("{name}: properties {have:?}, want {want:?}"));
        }
        for F(field, want_ty, required) in &fields {
            let Some(p) = obj.properties.get(*field) else {
                continue;
            };
            let ty = property_ty(p);
            if &ty != want_ty {
                errs.push(format!("{name}.{field}: {ty:?}, want {want_ty:?}"));
            }
            if obj.required.iter().any(|r| r == field) != *required {
                errs.push(format!("{name}.{field}: required should be {required}"));
            }
            let raw = &doc.raw_schema(name)["properties"][*field];
            if !matches!(want_ty, Ty::Ref(_)) && raw["description"].as_str().is_none() {
                errs.push(format!("{name}.{field}: no description"));
            }
            if *field == "RequestId" && raw["x-acs-request-id"].as_bool() != Some(true) {
                errs.push(format!("{name}.RequestId: needs x-acs-request-id: true"));
            }
        }
        let raw_xml = doc.raw_schema(name)["xml"]["name"].as_str();
        if !xml_name.is_empty() && raw_xml != Some(xml_name) {
            errs.push(format!("{name}: xml name {raw_xml:?}, want {xml_name}"));
        }
    }
    // Alibaba's XML repeats `<Connections>` (`<DataSources>`) once per item directly inside
    // `<Data>`.
    for (schema, list_name) in [
        ("ListConnectionsData", "Connections"),
        ("ListDataSourcesData", "DataSources"),
        ("ExportDataSourcesData", "DataSources"),
    ] {
        let list = &doc.raw_schema(schema)["properties"][list_name]["xml"];
        if list["name"].as_str() != Some(list_name) || list["wrapped"].as_bool() == Some(true) {
            errs.push(format!(
                "{schema}.{list_name}: xml must be named {list_name}, unwrapped: {list:?}"
            ));
        }
    }
    errs
}

fn codes_of(v: &Value, at: &str, errs: &mut Vec<String>) -> Vec<(u64, String, String)> {
    let Some(items) = v.as_sequence() else {
        errs.push(format!("{at}: not a list"));
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let code = item["code"].as_str().unwrap_or_default().to_owned();
        if item["description"].as_str().unwrap_or("").is_empty() {
            errs.push(format!("{at} {code}: no description"));
        }
        let decided = item["x-acs-project-decision"].as_bool() == Some(true);
        if decided != PROJECT_DECISIONS.contains(&code.as_str()) {
            errs.push(format!(
                "{at} {code}: x-acs-project-decision should be {}",
                !decided
            ));
        }
        out.push((
            item["httpStatus"].as_u64().unwrap_or(0),
            code,
            item["message"].as_str().unwrap_or_default().to_owned(),
        ));
    }
    out
}

fn compare_codes(at: &str, have: &[(u64, String, String)], want: &[Code], errs: &mut Vec<String>) {
    for (status, code, message) in want {
        match have.iter().find(|h| h.1 == *code) {
            None => errs.push(format!("{at}: code {code} missing")),
            Some(h) => {
                if h.0 != *status {
                    errs.push(format!("{at} {code}: httpStatus {}, want {status}", h.0));
                }
                if h.2 != *message {
                    errs.push(format!("{at} {code}: message {:?}, want {message:?}", h.2));
                }
            }
        }
    }
    for h in have {
        if !want.iter().any(|w| w.1 == h.1) {
            errs.push(format!("{at}: unexpected code {}", h.1));
        }
    }
    let distinct: BTreeSet<&str> = have.iter().map(|h| h.1.as_str()).collect();
    if distinct.len() != have.len() {
        errs.push(format!("{at}: a code is listed twice"));
    }
}

fn check_operation_errors(doc: &Doc) -> Vec<String> {
    let mut errs = Vec::new();
    for action in ACTIONS {
        for method in METHODS {
            let at = format!("{action} {method} x-acs-error-codes");
            let codes = codes_of(
                &doc.raw_operation(action, method)["x-acs-error-codes"],
                &at,
                &mut errs,
            );
            compare_codes(&at, &codes, &expected_errors(action), &mut errs);
        }
    }
    errs
}

fn check_common_errors(doc: &Doc) -> Vec<String> {
    let mut errs = Vec::new();
    let at = "x-acs-common-errors";
    let codes = codes_of(&doc.raw[at], at, &mut errs);
    compare_codes(at, &codes, &COMMON_ERRORS, &mut errs);
    errs
}

fn check_content_schemas(doc: &Doc) -> Vec<String> {
    let mut errs = Vec::new();
    let mut types = BTreeSet::new();
    for C(name, connection_type, required, secrets, loose) in &CONTENT_SCHEMAS {
        let raw = doc.raw_schema(name);
        let Some(schema) = doc.schema(name) else {
            errs.push(format!("schema {name} missing"));
            continue;
        };
        let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else {
            errs.push(format!("{name}: not an object"));
            continue;
        };
        if raw["x-connection-type"].as_str() != Some(connection_type) {
            errs.push(format!(
                "{name}: x-connection-type should be {connection_type}"
            ));
        }
        types.insert(raw["x-connection-type"].as_str().unwrap_or_default());
        if raw["additionalProperties"].as_bool() != Some(true) {
            errs.push(format!("{name}: additionalProperties must be true"));
        }
        let have_req: BTreeSet<&str> = obj.required.iter().map(String::as_str).collect();
        let want_req: BTreeSet<&str> = required.iter().copied().collect();
        if have_req != want_req {
            errs.push(format!("{name}: required {have_req:?}, want {want_req:?}"));
        }
        for key in example_keys(connection_type) {
            if !obj.properties.contains_key(*key) {
                errs.push(format!("{name}: property {key} (from the example) missing"));
            }
        }
        let any_of = raw["x-required-any-of"].as_sequence();
        for group in any_of.into_iter().flatten() {
            for key in group.as_sequence().into_iter().flatten() {
                let key = key.as_str().unwrap_or_default();
                if !obj.properties.contains_key(key) {
                    errs.push(format!("{name}: x-required-any-of names unknown {key}"));
                }
            }
        }
        let have_secrets: BTreeSet<&str> = obj
            .properties
            .keys()
            .filter(|k| raw["properties"][k.as_str()]["x-secret"].as_bool() == Some(true))
            .map(String::as_str)
            .collect();
        let want_secrets: BTreeSet<&str> = secrets.iter().copied().collect();
        if have_secrets != want_secrets {
            errs.push(format!(
                "{name}: secrets {have_secrets:?}, want {want_secrets:?}"
            ));
        }
        for (key, prop) in &obj.properties {
            let ty = property_ty(prop);
            let want = if loose.contains(&key.as_str()) {
                Ty::Any
            } else {
                string()
            };
            if ty != want {
                errs.push(format!("{name}.{key}: {ty:?}, want {want:?}"));
            }
            if raw["properties"][key.as_str()]["description"]
                .as_str()
                .is_none()
            {
                errs.push(format!("{name}.{key}: no description"));
            }
        }
        if raw["example"].as_mapping().is_none() {
            errs.push(format!("{name}: no example"));
        }
    }
    let want: BTreeSet<&str> = CONNECTION_TYPES.iter().copied().collect();
    if types != want {
        errs.push(format!("Content schemas cover {types:?}, want {want:?}"));
    }
    // The Content parameter's description points at every Content schema.
    for action in [
        "CreateConnection",
        "UpdateConnection",
        "CreateDataSource",
        "UpdateDataSource",
    ] {
        let params = doc.raw_operation(action, "get")["parameters"].as_sequence();
        let content = params
            .into_iter()
            .flatten()
            .find(|p| p["name"].as_str() == Some("Content"));
        let text = content
            .and_then(|p| p["description"].as_str())
            .unwrap_or_default();
        for C(name, ..) in &CONTENT_SCHEMAS {
            if !text.contains(name) {
                errs.push(format!(
                    "{action} Content description does not mention {name}"
                ));
            }
        }
    }
    errs
}

fn check_security(doc: &Doc) -> Vec<String> {
    let mut errs = Vec::new();
    let schemes = &doc.raw["components"]["securitySchemes"];
    for (name, location, param) in [
        ("AcsSignatureV3", "header", "Authorization"),
        ("AcsSignatureV1", "query", "Signature"),
    ] {
        let s = &schemes[name];
        if s["type"].as_str() != Some("apiKey")
            || s["in"].as_str() != Some(location)
            || s["name"].as_str() != Some(param)
        {
            errs.push(format!(
                "{name}: want apiKey in {location} named {param}, have {s:?}"
            ));
        }
        if s["description"].as_str().unwrap_or("").is_empty() {
            errs.push(format!("{name}: no description"));
        }
    }
    let alternatives: Vec<Vec<&str>> = doc
        .api
        .security
        .iter()
        .flatten()
        .map(|req| req.keys().map(String::as_str).collect())
        .collect();
    if alternatives != vec![vec!["AcsSignatureV3"], vec!["AcsSignatureV1"]] {
        errs.push(format!(
            "root security should list AcsSignatureV3 or AcsSignatureV1, has {alternatives:?}"
        ));
    }
    errs
}

fn assert_clean(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "spec/dataworks.yaml differs from the reference:\n  {}",
        problems.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------------------
// Tests on the real document
// ---------------------------------------------------------------------------------------------

#[test]
fn document_info_servers_and_paths() {
    assert_clean(check_document(&Doc::load()));
}

#[test]
fn operations_have_ids_docs_and_sdk_methods() {
    assert_clean(check_operations(&Doc::load()));
}

#[test]
fn request_parameters_match_the_reference() {
    assert_clean(check_parameters(&Doc::load()));
}

#[test]
fn responses_name_their_schemas() {
    assert_clean(check_responses(&Doc::load()));
}

#[test]
fn response_models_and_connection_fields_match_the_reference() {
    assert_clean(check_models(&Doc::load()));
}

#[test]
fn operation_error_codes_match_the_reference() {
    assert_clean(check_operation_errors(&Doc::load()));
}

#[test]
fn common_error_codes_match_the_reference() {
    assert_clean(check_common_errors(&Doc::load()));
}

#[test]
fn content_schemas_cover_every_type_and_mark_secrets() {
    assert_clean(check_content_schemas(&Doc::load()));
}

#[test]
fn security_schemes_describe_both_signatures() {
    assert_clean(check_security(&Doc::load()));
}

// ---------------------------------------------------------------------------------------------
// Each check can fail: break the document in memory, expect a complaint
// ---------------------------------------------------------------------------------------------

fn mutated(edit: impl FnOnce(&mut Value)) -> Doc {
    let mut raw = Doc::load().raw;
    edit(&mut raw);
    Doc::from_raw(raw).unwrap_or_else(|e| panic!("{e}"))
}

fn op_mut<'a>(raw: &'a mut Value, action: &str, method: &str) -> &'a mut Value {
    &mut raw["paths"][rpc_path(action).as_str()][method]
}

fn expect_complaint(problems: Vec<String>, about: &str) {
    assert!(
        problems.iter().any(|p| p.contains(about)),
        "expected a complaint about {about:?}, got {problems:?}"
    );
}

#[test]
fn mutation_removed_parameter_is_noticed() {
    let doc = mutated(|raw| {
        let params = op_mut(raw, "CreateConnection", "post")["parameters"]
            .as_sequence_mut()
            .expect("parameters");
        params.retain(|p| p["name"].as_str() != Some("ProjectId"));
    });
    expect_complaint(check_parameters(&doc), "parameter ProjectId missing");
}

#[test]
fn mutation_changed_range_and_required_flag_are_noticed() {
    let doc = mutated(|raw| {
        for p in op_mut(raw, "ListConnections", "get")["parameters"]
            .as_sequence_mut()
            .expect("parameters")
        {
            if p["name"].as_str() == Some("PageSize") {
                p["schema"]["maximum"] = Value::from(1000);
            }
            if p["name"].as_str() == Some("ProjectId") {
                p["required"] = Value::from(false);
            }
        }
    });
    let problems = check_parameters(&doc);
    expect_complaint(problems.clone(), "ListConnections get parameter PageSize");
    expect_complaint(
        problems,
        "ListConnections get parameter ProjectId: required",
    );
}

#[test]
fn mutation_changed_common_parameter_is_noticed() {
    let doc = mutated(|raw| {
        raw["components"]["parameters"]["RegionId"]["required"] = Value::from(true);
    });
    expect_complaint(check_parameters(&doc), "parameter RegionId: required");
}

#[test]
fn mutation_http_status_code_type_is_noticed() {
    let doc = mutated(|raw| {
        raw["components"]["schemas"]["ListConnectionsResponse"]["properties"]["HttpStatusCode"] =
            serde_yaml::from_str("{type: string, description: x}").expect("yaml");
    });
    expect_complaint(check_models(&doc), "ListConnectionsResponse.HttpStatusCode");
}

#[test]
fn mutation_removed_connection_field_is_noticed() {
    let doc = mutated(|raw| {
        raw["components"]["schemas"]["Connection"]["properties"]
            .as_mapping_mut()
            .expect("properties")
            .remove("BindingCalcEngineId");
    });
    expect_complaint(check_models(&doc), "Connection: properties");
}

#[test]
fn mutation_error_status_is_noticed() {
    let doc = mutated(|raw| {
        for code in op_mut(raw, "DeleteConnection", "get")["x-acs-error-codes"]
            .as_sequence_mut()
            .expect("codes")
        {
            if code["code"].as_str() == Some("Invalid.Tenant.UserNotInTenant") {
                code["httpStatus"] = Value::from(400);
            }
        }
    });
    expect_complaint(
        check_operation_errors(&doc),
        "Invalid.Tenant.UserNotInTenant: httpStatus 400",
    );
}

#[test]
fn mutation_common_error_message_is_noticed() {
    let doc = mutated(|raw| {
        for code in raw["x-acs-common-errors"].as_sequence_mut().expect("codes") {
            if code["code"].as_str() == Some("InvalidVersion") {
                code["message"] = Value::from("Bad version.");
            }
        }
    });
    expect_complaint(check_common_errors(&doc), "InvalidVersion: message");
}

#[test]
fn mutation_unmarked_secret_is_noticed() {
    let doc = mutated(|raw| {
        raw["components"]["schemas"]["MysqlContent"]["properties"]["password"]
            .as_mapping_mut()
            .expect("password")
            .remove("x-secret");
    });
    expect_complaint(check_content_schemas(&doc), "MysqlContent: secrets");
}

#[test]
fn mutation_wrong_response_reference_is_noticed() {
    let doc = mutated(|raw| {
        op_mut(raw, "UpdateConnection", "post")["responses"]["200"]["content"]["text/xml"]
            ["schema"]["$ref"] = Value::from("#/components/schemas/DeleteConnectionResponse");
    });
    expect_complaint(check_responses(&doc), "UpdateConnection post: 200 text/xml");
}

#[test]
fn mutation_security_and_sdk_method_are_noticed() {
    let doc = mutated(|raw| {
        raw["components"]["securitySchemes"]["AcsSignatureV1"]["in"] = Value::from("header");
        op_mut(raw, "UpdateConnection", "get")["x-acs-method"] = Value::from("POST");
        raw["info"]["version"] = Value::from("2021-01-01");
    });
    expect_complaint(check_security(&doc), "AcsSignatureV1");
    expect_complaint(check_operations(&doc), "x-acs-method");
    expect_complaint(check_document(&doc), "info.version");
}

#[test]
fn mutation_data_source_family_is_checked_too() {
    let doc = mutated(|raw| {
        op_mut(raw, "UpdateDataSource", "post")["x-acs-method"] = Value::from("POST");
        raw["components"]["schemas"]["DataSource"]["properties"]
            .as_mapping_mut()
            .expect("properties")
            .remove("Shared");
        for p in op_mut(raw, "SetDataSourceShare", "get")["parameters"]
            .as_sequence_mut()
            .expect("parameters")
        {
            if p["name"].as_str() == Some("EnvType") {
                p["required"] = Value::from(true);
            }
        }
    });
    expect_complaint(
        check_operations(&doc),
        "UpdateDataSource post: x-acs-method",
    );
    expect_complaint(check_models(&doc), "DataSource: properties");
    expect_complaint(
        check_parameters(&doc),
        "SetDataSourceShare get parameter EnvType: required",
    );
}
